"""``python -m coverage``: the command line."""
