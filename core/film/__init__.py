"""The film's pure domain: project config, screenplay, visual style, branch state. No I/O."""
