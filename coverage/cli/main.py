"""Command line: ``python -m coverage COMMAND ...`` (the contract is in DESIGN.md).

Every command exits 0 on success and 2 with one line per problem on stderr for bad input; never a traceback
for a user's mistake. Shared options are built by :func:`add_source_options` / :func:`add_travel_options` and
read by :func:`project_from_args` / :func:`settings_from_args`, so every command reads them the same way.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..core.errors import InputError, KatveError
from . import analyze, export, fetch, history, importing, plan, restore, scenarios, stats, validate, year
from .options import EXIT_INPUT, EXIT_OK

COMMANDS = {
    "validate": validate,
    "import": importing,
    "analyze": analyze,
    "plan": plan,
    "year": year,
    "scenarios": scenarios,
    "export": export,
    "stats": stats,
    "fetch": fetch,
    "history": history,
    "restore": restore,
}
"""The commands, in the order ``--help`` lists them: each module's ``build(subparsers)`` adds its parser and
``run(args)`` runs it."""


def build_parser() -> argparse.ArgumentParser:
    """Build the full argument parser with every command of :data:`COMMANDS`."""
    parser = argparse.ArgumentParser(
        prog="python -m coverage",
        description="Katve: coverage of family-centre meeting places (perhekeskuksen kohtaamispaikat).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMANDS.values():
        module.build(sub).set_defaults(handler=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse prints its own one-line usage error (exit 2)
        return int(exc.code or 0)
    try:
        return int(args.handler(args))
    except InputError as exc:
        for p in exc.problems:
            print(str(p), file=sys.stderr)
        return EXIT_INPUT
    except KatveError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
