"""`python -m core`: the command line."""
