"""``python -m coverage restore --project FILE.gpkg --version N``: bring version N back as a new version."""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path

from ..core.errors import KatveError
from ..core.i18n import LANGUAGES, t
from ..io import store
from .options import EXIT_OK


def build(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``restore`` command's parser to ``sub``."""
    p = sub.add_parser("restore", help="make a saved version current again (itself a new version)")
    p.add_argument("--project", required=True, metavar="FILE.gpkg", help="the project file")
    p.add_argument("--version", required=True, type=int, metavar="N", help="the version (see `history`)")
    p.add_argument("--user", default=None, help="who restores, for the history (default: the login name)")
    p.add_argument("--lang", choices=list(LANGUAGES), default="fi", help="language of the message")
    return p


def _login() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (a container without the user in /etc/passwd)
        return ""


def run(args: argparse.Namespace) -> int:
    """Restore ``--version`` of ``--project``."""
    path = Path(args.project)
    if not path.exists():
        raise KatveError(f"{path}: file not found")
    new = store.restore(path, args.version, user=args.user if args.user is not None else _login())
    print(t("cli.restore.done", args.lang, name=path.name, n=args.version, new=new.number))
    return EXIT_OK
