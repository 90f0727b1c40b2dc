"""``python -m coverage stats``: visitor statistics and outreach per meeting place.

::

    python -m coverage stats [--project FILE.gpkg | --dataset NAME] [--visits FILE] [--outreach FILE]
                             [--from DATE] [--to DATE] [--today DATE] [--json]

``--visits`` / ``--outreach`` read a CSV/XLSX file instead of the project's layers. ``--from``/``--to`` limit
the visits (and then also the outreach) to a period; without them the outreach view covers the current term.
Warnings (e.g. a place id that is not in the project) go to stderr; invalid files exit 2 with one line per
problem.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import pandas as pd

from . import stats
from .cli import add_source_options, command, project_from_args
from .model import InputError, Problem


def _build(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("stats", help="visitor statistics per place and month, reach per area, outreach per term")
    add_source_options(p)
    p.add_argument("--visits", metavar="FILE", help="visits CSV/XLSX to use instead of the project's")
    p.add_argument("--outreach", metavar="FILE", help="outreach CSV/XLSX to use instead of the project's")
    p.add_argument("--from", dest="start", metavar="DATE", help="first day (YYYY-MM-DD or D.M.YYYY)")
    p.add_argument("--to", dest="end", metavar="DATE", help="last day (inclusive)")
    p.add_argument("--today", metavar="DATE", help="day whose term the outreach view covers (default: today)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    return p


def _read(path: str, layer: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Read a visits/outreach file through the importers (validated, normalised); warnings returned."""
    if not Path(path).is_file():
        raise InputError([Problem(path, None, "-", "file not found")])
    from . import importers

    result = getattr(importers, f"read_{layer}")(path)
    return result.data, list(result.warnings)


@command("stats", _build)
def _run(args: argparse.Namespace) -> int:
    project = project_from_args(args)
    today = stats.parse_day(args.today, what="--today date")
    visits = outreach = None
    warnings: list[Problem] = []
    if args.visits:
        visits, found = _read(args.visits, "visits")
        warnings += found
    if args.outreach:
        outreach, found = _read(args.outreach, "outreach")
        warnings += found
    result = stats.compute(project, visits=visits, outreach=outreach, start=args.start, end=args.end,
                           today=today)
    source = {"visits": args.visits, "outreach": args.outreach}
    for p in warnings + result.warnings:
        if p.path in source and source[p.path]:
            p = Problem(source[p.path], p.row, p.field, p.message, p.severity)
        print(f"{p} (warning)", file=sys.stderr)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
    else:
        print(format_text(result, name=project.municipality_name))
    return 0


# --- text output ---------------------------------------------------------------------------------------------

def _pct(value: float) -> str:
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{100 * value:.1f} %"


def _num(value: float, digits: int = 1) -> str:
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def _day(value) -> str:  # noqa: ANN001 - date | None
    return "…" if value is None else value.isoformat()


def _table(df: pd.DataFrame) -> list[str]:
    """Indented table lines: text columns left-aligned, numbers right-aligned."""
    columns = []
    for col in df.columns:
        cells = [str(col), *("" if v is None else str(v) for v in df[col])]
        width = max(len(c) for c in cells)
        numeric = pd.api.types.is_numeric_dtype(df[col].dtype) or all(
            c in ("-", "") or c.replace(".", "", 1).replace(" %", "").isdigit() for c in cells[1:])
        columns.append([c.rjust(width) if numeric else c.ljust(width) for c in cells])
    return ["  " + "  ".join(row).rstrip() for row in zip(*columns, strict=True)]


def format_text(result: stats.VisitStats, *, name: str = "") -> str:
    """The plain-text report printed by ``python -m coverage stats``."""
    t = result.totals
    lines: list[str] = []
    title = f" ({name})" if name else ""
    if not result.has_visits:
        period = "" if result.period == (None, None) else f" in {_day(result.period[0])} – {_day(result.period[1])}"
        lines.append(f"No visits recorded{period}{title}: enter them in the app (Tilastot) or give --visits FILE.")
    else:
        lines += [
            f"Visits {t['first_date']:%Y-%m-%d} – {t['last_date']:%Y-%m-%d}{title}: {t['sessions']} sessions at "
            f"{t['places']} places, {t['visitors']} visits ({t['adults']} adults, {t['children']} children)",
            f"  first-timers: {t['first_timers'] if t['first_timers'] is not None else '-'} "
            f"({_pct(t['first_timer_share'])} of the visitors where recorded); multicultural: "
            f"{t['multicultural'] if t['multicultural'] is not None else '-'} ({_pct(t['multicultural_share'])})",
            f"  per session: {_num(t['mean_visitors'])} visitors, {_num(t['mean_children'])} children",
            "",
            "Per place",
        ]
        table = pd.DataFrame({
            "id": result.places["place_id"],
            "place": result.places["name"].str.slice(0, 40),
            "sessions": result.places["sessions"],
            "adults": result.places["adults"],
            "children": result.places["children"],
            "visits": result.places["visitors"],
            "first-timers": [_pct(x) for x in result.places["first_timer_share"]],
            "per session": [_num(x) for x in result.places["mean_visitors"]],
        })
        lines += _table(table)
        grid = result.months.pivot_table(index="place_id", columns="month", values="visitors", aggfunc="sum",
                                         fill_value=0)
        grid.index.name, grid.columns.name = "id", None
        lines += ["", "Visits per month (adults + children)"]
        lines += _table(grid.reset_index())
        if result.has_home_areas:
            reach = result.reach[result.reach["records"] > 0]
            lines += ["", "Reach by home area (child visits per 100 children aged 0-6 living there)"]
            reach_table = pd.DataFrame({
                "area": reach["name"], "visits": reach["visitors"], "children": reach["children"],
                "per 100": [_num(x) for x in reach["child_visits_per_100"]],
                "places": [", ".join(p) for p in reach["places"]],
            })
            lines += _table(reach_table)
            if len(result.unmatched_home_areas):
                unmatched = ", ".join(f"{k} ({v})" for k, v in result.unmatched_home_areas.items())
                lines.append(f"  not matched to an area: {unmatched}")
    a, b = result.outreach_period
    o = result.outreach
    lines += ["", f"Outreach {_day(a)} – {_day(b)}"]
    visited = o[o["has_outreach"]]
    for row in visited.itertuples(index=False):
        lines.append(f"  {row.name}: {row.outreach_visits} × {', '.join(row.professions)}")
    if not len(visited):
        lines.append("  no outreach visits planned")
    without = o[~o["has_outreach"] & o["known"]]
    if len(without):
        lines.append(f"  no outreach: {'; '.join(without['name'])}")
    return "\n".join(lines)


__all__ = ["format_text"]
