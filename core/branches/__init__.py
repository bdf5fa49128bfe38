"""Git-style branches: fork, switch, delete, the tree, timelines and compare."""
