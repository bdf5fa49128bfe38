"""What the pages share (not pages themselves): the session, stage frame, input form, version panel."""
