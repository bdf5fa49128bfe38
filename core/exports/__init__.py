"""What leaves the studio for other tools. Pure functions over plain data, returning bytes or text:

    cut         Cut / CutShot: the film's shots in order, on whole frames (what the timeline exports read)
    shot_list   shot_list_csv(rows) -> bytes            a spreadsheet of the shot list
    fountain    screenplay_fountain(title, script) -> str  the master script with a title page
    timeline    timeline(cut) / timeline_otio(cut) / timeline_edl(cut)   OpenTimelineIO and CMX 3600
    subtitles   dialogue_srt(cut) / dialogue_vtt(cut)   the dialogue, timed inside its shots
    frames      frames_zip(frames) -> bytes, frame_name(scene, shot, anchor)   anchor frames as PNGs
"""
