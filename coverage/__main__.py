"""``python -m coverage``: the command line (see :mod:`coverage.cli`)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
