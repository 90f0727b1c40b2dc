"""``python -m coverage plan --reschedule K [--days Mo-Fr]``: move at most K weekly sessions to other days.

``--json`` prints the contract's object (:meth:`coverage.planning.reschedule.RescheduleResult.to_json`):
``settings``, ``moves`` [{place_id, name, from, to, hours, gain_child_days}], ``before`` {child_days},
``after`` {child_days}, ``optimal``. Without it the moves in words in the project's language.
"""

from __future__ import annotations

import argparse
import sys

from ..core.errors import KatveError
from ..core.i18n import Texts, fmt_number, weekday_name
from ..core.schedule import WEEKDAYS
from ..planning.reschedule import RescheduleResult, parse_days, reschedule
from ..planning.scenarios import from_moves
from . import scenarios
from .options import (
    count_at_least_1,
    output_language,
    print_caught_warnings,
    print_json,
    project_from_args,
    recorded_warnings,
    settings_from_args,
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Add ``--reschedule K`` and ``--days`` to the ``plan`` parser."""
    p.add_argument("--reschedule", type=count_at_least_1, metavar="K",
                   help="propose moving at most K existing weekly sessions to other days (child-days)")
    p.add_argument("--days", default="Mo-Fr", metavar="Mo-Fr",
                   help="days sessions may move to and child-days are counted on (default Mo-Fr)")


def run(args: argparse.Namespace) -> int:
    """Run ``plan --reschedule``; return the exit code."""
    if args.new is not None or getattr(args, "at", None):
        raise KatveError("--reschedule moves existing sessions: leave out --new and --at")
    days = parse_days(args.days)
    project = project_from_args(args)
    scenarios.check_save(args, project)  # before the computing, not after it
    settings = settings_from_args(args, project)
    method = {"auto": "auto", "exact": "exact", "greedy": "greedy"}[args.method]
    with recorded_warnings() as caught:
        result = reschedule(project, settings, k=args.reschedule, days=days,
                            include_planned=args.include_planned, method=method, time_limit=args.time_limit)
    print_caught_warnings(caught)
    if args.json:
        print_json(result.to_json())
    else:
        print(format_text(result, name=project.municipality_name, lang=output_language(args, settings)))
    if args.save_scenario:
        made = from_moves(project, result, args.save_scenario, author=scenarios._user(args))
        print(scenarios.save_scenario(args, project, made), file=sys.stderr if args.json else sys.stdout)
    return 0


def format_text(result: RescheduleResult, *, name: str = "", lang: str = "fi") -> str:
    """Format the moves in words, the child-days before and after, and the guarantee."""
    tx = Texts("resched", lang)
    lines = [f"{name + ': ' if name else ''}{tx['title'].format(k=result.k)}"]
    for r in result.moves.itertuples(index=False):
        lines.append("  " + tx["move"].format(
            name=r.name, hours=r.hours.replace("-", "–"),
            a=weekday_name(WEEKDAYS.index(r.from_day), lang), b=weekday_name(WEEKDAYS.index(r.to_day), lang),
            gain=fmt_number(r.gain_child_days, 0, lang=lang)))
    if not len(result.moves):
        lines.append("  " + tx["none"])
    lines.append(tx["totals"].format(before=fmt_number(result.before, 0, lang=lang),
                                     after=fmt_number(result.after, 0, lang=lang),
                                     gain=fmt_number(result.after - result.before, 0, lang=lang)))
    lines.append(tx["optimal" if result.optimal else "heuristic"])
    return "\n".join(lines)
