"""``python -m coverage plan``: propose new meeting-place sites (contract in DESIGN.md).

::

    python -m coverage plan [--project FILE.gpkg | --dataset NAME] [--mode walk|bike|car]
                            [--minutes N | --km N] [--at "Tu 10:00"] [--network FILE.osm.pbf]
                            --new K [--objective cover|median|set_cover] [--target SHARE]
                            [--candidates FILE] [--spacing M] [--method auto|exact|greedy]
                            [--time-limit S] [--include-planned] [--lang fi|sv|en] [--json]

``--json`` prints one JSON object (:meth:`coverage.planning.plan.PlanResult.to_json`): ``settings``,
``new_sites`` [{id, name, lon, lat, children_gained, best_weekday, best_daypart, children_gained_then,
opening_hours, add_session_to}] (``add_session_to``: the id of the existing place the proposal adds a
session to, else ``null``),
``before`` / ``after`` (the ``analyze`` summary keys), ``objective`` {kind, value, bound, unit, k,
target_share}, ``optimal``, ``gap``, ``method``, ``status``, ``seconds``, ``candidates``. Without ``--json`` a
readable summary in the project's language. Bad input exits 2 with one line, never a traceback.
"""

from __future__ import annotations

import argparse
import sys

from ..analysis.study import map_label
from ..analysis.villages import changed_villages
from ..core.errors import KatveError
from ..core.i18n import LANGUAGES, Texts, fmt_number, fmt_share, weekday_name
from ..core.schedule import WEEKDAYS
from ..io.importers import read_candidates
from ..planning.core import METHODS
from ..planning.plan import OBJECTIVES, PlanResult, plan
from ..planning.scenarios import from_plan
from ..planning.sites import DEFAULT_SPACING_M
from . import reschedule, scenarios
from .options import (
    add_source_options,
    add_travel_options,
    at_from_args,
    count_at_least_1,
    output_language,
    positive_number,
    print_caught_warnings,
    print_json,
    project_from_args,
    recorded_warnings,
    settings_from_args,
    text_table,
)


def _share(text: str) -> float:
    try:
        value = float(text.replace(",", ".").rstrip("%").strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a share such as 0.9 or 90%") from None
    if text.strip().endswith("%") or value > 1:
        value /= 100.0
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be a share in (0, 1], e.g. 0.9")
    return value


_seconds = positive_number("seconds")
_positive_metres = positive_number("metres")


def build(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``plan`` command's parser to ``sub``."""
    p = sub.add_parser("plan", help="propose new meeting-place sites (maximal covering, p-median, set cover)")
    add_source_options(p)
    add_travel_options(p)
    p.add_argument("--new", type=count_at_least_1, metavar="K", help="number of new sites (cover, median)")
    p.add_argument(
        "--objective",
        choices=OBJECTIVES,
        default="cover",
        help="cover: most children newly covered (default); median: shortest mean trip; "
        "set_cover: fewest sites reaching --target",
    )
    p.add_argument(
        "--target",
        type=_share,
        default=0.9,
        metavar="SHARE",
        help="children-covered share for set_cover (default 0.9)",
    )
    p.add_argument(
        "--candidates",
        metavar="FILE",
        help="candidate sites (CSV/XLSX/GeoJSON/GPKG...); default: the project's, else generated",
    )
    p.add_argument(
        "--spacing",
        type=_positive_metres,
        default=DEFAULT_SPACING_M,
        metavar="M",
        help="grid spacing in metres for generated candidates (default 2000)",
    )
    p.add_argument("--method", choices=METHODS, default="auto", help="solver (default auto)")
    p.add_argument(
        "--time-limit",
        type=_seconds,
        default=60.0,
        metavar="S",
        help="seconds for the exact solver (default 60)",
    )
    p.add_argument("--include-planned", action="store_true", help="count planned places as existing")
    p.add_argument(
        "--lang", choices=tuple(LANGUAGES), help="language of the summary (default: the project's)"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object (the contract in DESIGN.md)")
    reschedule.add_arguments(p)
    scenarios.add_save_argument(p)
    return p


def run(args: argparse.Namespace) -> int:
    """Run ``python -m coverage plan``; return the exit code."""
    if args.reschedule is not None:
        return reschedule.run(args)
    if args.objective != "set_cover" and args.new is None:
        raise KatveError(f"give the number of new sites with --new K for --objective {args.objective}")
    project = project_from_args(args)
    scenarios.check_save(args, project)  # before the computing, not after it
    settings = settings_from_args(args, project)
    at = at_from_args(args)
    candidates = None
    if args.candidates:
        read = read_candidates(args.candidates)
        for problem in read.warnings:
            print(f"{problem} (warning)", file=sys.stderr)
        candidates = read.data
    with recorded_warnings() as caught:
        result = plan(
            project,
            settings,
            k=args.new,
            objective=args.objective,
            candidates=candidates,
            target_share=args.target,
            method=args.method,
            time_limit=args.time_limit,
            at=at,
            include_planned=args.include_planned,
            spacing_m=args.spacing,
        )
    print_caught_warnings(caught)
    if candidates is not None and len(result.candidates) < len(candidates):
        left = len(candidates) - len(result.candidates)
        print(
            f"{args.candidates}:-: geometry: {left} candidate site(s) outside the municipality boundary "
            "were left out (warning)",
            file=sys.stderr,
        )
    if args.json:
        print_json(result.to_json())
    else:
        lang = output_language(args, settings)
        print(format_text(result, name=project.municipality_name, lang=lang))
    if args.save_scenario:
        made = from_plan(result, args.save_scenario, project=project, author=scenarios._user(args))
        print(scenarios.save_scenario(args, project, made), file=sys.stderr if args.json else sys.stdout)
    return 0


def format_text(result: PlanResult, *, name: str = "", lang: str = "fi") -> str:
    """Format the readable summary: the proposed sites, before/after figures and the solver's guarantee."""
    tx = Texts("cli.plan", lang)
    title = tx["title"][result.objective].format(k=result.k, target=fmt_share(result.target_share, lang=lang))
    lines = [f"{name + ': ' if name else ''}{title}"]
    sites = result.new_sites
    if len(sites):
        rows = []
        for k, r in enumerate(sites.itertuples(index=False)):
            when = ""
            if r.best_weekday is not None:
                day = weekday_name(WEEKDAYS.index(r.best_weekday), lang, short=True)
                when = f"{day} {tx['dayparts'].get(r.best_daypart, '')}".strip()
            rows.append(
                [
                    map_label(k),
                    str(r.name),
                    fmt_number(r.children_gained, 1, lang=lang),
                    when,
                    ""
                    if r.children_gained_then is None
                    else fmt_number(r.children_gained_then, 1, lang=lang),
                ]
            )
        lines += text_table(tx["cols"], rows, right=(2, 4))
    else:
        lines.append(tx["none"])
    for key, summary in (("before", result.before), ("after", result.after)):
        lines.append(
            tx[key].format(
                covered=fmt_number(summary["children_covered"], 1, lang=lang),
                total=fmt_number(summary["children_total"], 1, lang=lang),
                share=fmt_share(summary["children_covered_share"], lang=lang),
            )
        )
    changed = changed_villages(result.changed)
    if len(changed):
        lines.append(
            tx["changed"]
            + " "
            + ", ".join(
                f"{n} ({fmt_number(c, 0, lang=lang)})"
                for n, c in zip(changed["name"], changed["children_0_6"], strict=True)
            )
        )
    sol = result.solution
    seconds = fmt_number(sol.seconds, 2, lang=lang)
    if sol.optimal:
        lines.append(tx["optimal"].format(method=sol.method, seconds=seconds))
    else:
        lines.append(
            tx["gap"].format(gap=fmt_share(sol.gap, 2, lang=lang), method=sol.method, seconds=seconds)
        )
    return "\n".join(lines)
