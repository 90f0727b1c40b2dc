"""``python -m coverage``: the command line (see :mod:`coverage.cli.main`)."""

from __future__ import annotations

import sys

from .cli.main import main

if __name__ == "__main__":
    sys.exit(main())
