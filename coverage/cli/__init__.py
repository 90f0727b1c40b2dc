"""``python -m coverage``: the command line (:func:`coverage.cli.main.main`; the contract is in DESIGN.md)."""
