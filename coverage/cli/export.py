"""``python -m coverage export``: write a project's coverage to a file.

Formats: GeoPackage, HTML map, print map, tables, family calendar or meeting report (see
:mod:`coverage.outputs.export` for what each format holds).

Examples::

    python -m coverage export --dataset vihti --format report --out raportti.pdf
    python -m coverage export --project kunta.gpkg --mode walk --minutes 20 --format gpkg --out kattavuus.gpkg
    python -m coverage export --dataset kaksineuvoinen --format csv --table places --out paikat.csv
    python -m coverage export --dataset vihti --format ics --from 2026-08-11 --to 2026-12-20 --out kal.ics
    python -m coverage export --dataset kaksineuvoinen --new 2 --format report --lang sv --out rapport.pdf
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from ..analysis.study import prepare
from ..core import i18n
from ..core.errors import KatveError
from ..core.i18n import LANGUAGES
from ..core.model import Project, Settings
from ..core.scenario import ScenarioError, find_scenario
from ..io.importers import read_candidates
from ..outputs.export import FORMATS, export
from ..outputs.tables import TABLES
from ..planning import plan as planning_plan
from ..planning.scenarios import compare_scenarios
from .options import (
    add_source_options,
    add_travel_options,
    at_from_args,
    project_from_args,
    settings_from_args,
)

OBJECTIVES = ("cover", "set_cover", "median")


def build(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``export`` command's parser to ``sub``."""
    p = sub.add_parser(
        "export",
        help="write a GeoPackage, HTML/print map, table, family calendar or report",
        description=__doc__.split("\n\n")[0],
    )
    add_source_options(p)
    add_travel_options(p)
    p.add_argument("--include-planned", action="store_true", help="count planned places too (scenario)")
    p.add_argument("--format", required=True, choices=FORMATS, help="what to write")
    p.add_argument("--out", required=True, metavar="PATH", help="file to write (folders are created)")
    p.add_argument(
        "--lang",
        choices=LANGUAGES,
        help="language of headers, legends and the report (default: the project's, Finnish)",
    )
    p.add_argument(
        "--table", choices=TABLES, default="areas", help="csv: which table (default: areas)"
    )
    p.add_argument(
        "--from",
        dest="start",
        metavar="DATE",
        help="ics: first day (default: this week or the next term's start)",
    )
    p.add_argument("--to", dest="end", metavar="DATE", help="ics: last day (default: the end of the term)")
    p.add_argument(
        "--today",
        metavar="DATE",
        help="date printed on the documents and used to pick the term (default: today)",
    )
    p.add_argument(
        "--new", type=int, metavar="K", help="also propose K new sites (planning) and include them"
    )
    p.add_argument("--objective", choices=OBJECTIVES, default="cover", help="planning objective with --new")
    p.add_argument(
        "--candidates",
        metavar="FILE",
        help="candidate sites for --new (default: the project's, else generated)",
    )
    p.add_argument(
        "--scenarios",
        metavar="A,B,C",
        help="report: the kept scenarios to compare (default: the first three the project keeps; 'none')",
    )
    return p


def _comparison(args: argparse.Namespace, project: Project, settings: Settings, lang: str) -> Any:
    """Compare the scenarios for the report (None without any, or with ``--scenarios none``)."""
    wanted = (args.scenarios or "").strip()
    if args.format != "report" or wanted.lower() == "none" or not project.scenarios:
        if wanted and wanted.lower() != "none" and not project.scenarios:
            raise KatveError("--scenarios: the project keeps no scenarios (plan ... --save-scenario NAME)")
        return None
    names = None
    if wanted:
        try:
            names = [find_scenario(project, n.strip()).name for n in wanted.split(",") if n.strip()]
        except ScenarioError as exc:
            raise KatveError(f"--scenarios: {exc}") from None
    return compare_scenarios(project, names, settings, include_planned=args.include_planned,
                             current_label=i18n.t("scen.now", lang))


def run(args: argparse.Namespace) -> int:
    """Run ``python -m coverage export``; return the exit code."""
    project = project_from_args(args)
    settings = settings_from_args(args, project)
    at = at_from_args(args)
    today = _day(args.today, "--today") or dt.date.today()
    plan = _plan(args, project, settings, at) if args.new is not None else None
    data = prepare(
        project, settings, at=at, include_planned=args.include_planned, plan=plan, lang=args.lang, today=today
    )
    data.scenarios = _comparison(args, project, settings, data.lang)
    path = export(
        data,
        args.format,
        args.out,
        table=args.table,
        calendar_start=_day(args.start, "--from"),
        calendar_end=_day(args.end, "--to"),
    )
    size = path.stat().st_size
    print(f"{path}: {args.format}, {size} bytes")
    return 0


def _day(text: str | None, option: str) -> dt.date | None:
    """Read a date given as ``YYYY-MM-DD`` or ``D.M.YYYY``."""
    if not text:
        return None
    value = text.strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise KatveError(f"{option}: cannot read the date {text!r}; use YYYY-MM-DD or D.M.YYYY")


def _plan(args: argparse.Namespace, project: Project, settings: Settings, at: Any) -> Any:
    if args.new < 1:
        raise KatveError(f"--new must be at least 1, got {args.new}")
    try:

        plan_fn = planning_plan.plan
    except (ImportError, AttributeError):
        raise KatveError("planning is not available in this installation; export without --new") from None
    candidates = None
    if args.candidates:

        candidates = read_candidates(args.candidates, boundary=project.boundary).data
    print(f"planning {args.new} new site(s) ({args.objective}) ...", file=sys.stderr)
    return plan_fn(project, settings, k=args.new, objective=args.objective, candidates=candidates, at=at)
