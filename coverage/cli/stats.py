"""``python -m coverage stats``: visitor statistics and outreach per meeting place.

::

    python -m coverage stats [--project FILE.gpkg | --dataset NAME] [--visits FILE] [--outreach FILE]
                             [--from DATE] [--to DATE] [--today DATE] [--lang fi|sv|en] [--json]

``--visits`` / ``--outreach`` read a CSV/XLSX file instead of the project's layers. ``--from``/``--to`` limit
the visits (and then also the outreach) to a period; without them the outreach view covers the current term.
Without ``--json`` a readable report in the project's language, Finnish if that is not fi, sv or en
(``--lang`` overrides); ``--json`` is the same in every language. Warnings (e.g. a place id that is not in the
project) go to stderr; invalid files exit 2 with one line per problem.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

import pandas as pd

from ..analysis.records import parse_day
from ..analysis.stats import VisitStats, compute
from ..core.errors import InputError, Problem
from ..core.i18n import LANGUAGES, Texts, fmt_number, fmt_share
from ..io import importers
from .options import add_source_options, output_language, project_from_args, text_table


def build(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``stats`` command's parser to ``sub``."""
    p = sub.add_parser(
        "stats", help="visitor statistics per place and month, reach per area, outreach per term"
    )
    add_source_options(p)
    p.add_argument("--visits", metavar="FILE", help="visits CSV/XLSX to use instead of the project's")
    p.add_argument("--outreach", metavar="FILE", help="outreach CSV/XLSX to use instead of the project's")
    p.add_argument("--from", dest="start", metavar="DATE", help="first day (YYYY-MM-DD or D.M.YYYY)")
    p.add_argument("--to", dest="end", metavar="DATE", help="last day (inclusive)")
    p.add_argument("--today", metavar="DATE", help="day whose term the outreach view covers (default: today)")
    p.add_argument("--lang", choices=tuple(LANGUAGES), help="language of the report (default: the project's)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    return p


def _read(path: str, layer: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Read a visits/outreach file through the importers (validated, normalised); warnings returned."""
    if not Path(path).is_file():
        raise InputError([Problem(path, None, "-", "file not found")])

    result = getattr(importers, f"read_{layer}")(path)
    return result.data, list(result.warnings)


def run(args: argparse.Namespace) -> int:
    """Run ``python -m coverage stats``; return the exit code."""
    project = project_from_args(args)
    today = parse_day(args.today, what="--today date")
    visits = outreach = None
    warnings: list[Problem] = []
    if args.visits:
        visits, found = _read(args.visits, "visits")
        warnings += found
    if args.outreach:
        outreach, found = _read(args.outreach, "outreach")
        warnings += found
    result = compute(project, visits=visits, outreach=outreach, start=args.start, end=args.end, today=today)
    source = {"visits": args.visits, "outreach": args.outreach}
    for p in warnings + result.warnings:
        if p.path in source and source[p.path]:
            p = Problem(source[p.path], p.row, p.field, p.message, p.severity)
        print(f"{p} (warning)", file=sys.stderr)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
    else:
        lang = output_language(args, project.settings)
        print(format_text(result, name=project.municipality_name, lang=lang))
    return 0


# --- text output --------------------------------------------------------------------------------------------


def _day(value: dt.date | None, lang: str) -> str:
    """Format a date as D.M.YYYY (fi, sv) or YYYY-MM-DD (en); ``…`` for an open end."""
    if value is None:
        return "…"
    return value.isoformat() if lang == "en" else f"{value.day}.{value.month}.{value.year}"


def format_text(result: VisitStats, *, name: str = "", lang: str = "fi") -> str:
    """Format the plain-text report of ``python -m coverage stats`` in ``lang`` (fi, sv or en)."""
    tx = Texts("cli.stats", lang)
    title = f" ({name})" if name else ""
    if not result.has_visits:
        a, b = result.period
        known = (a, b) != (None, None)
        period = tx["in_period"].format(start=_day(a, lang), end=_day(b, lang)) if known else ""
        lines = [tx["no_visits"].format(period=period, title=title)]
    else:
        lines = _visit_lines(result, tx, title, lang)
        if result.has_home_areas:
            lines += _reach_lines(result, tx, lang)
    return "\n".join(lines + _outreach_lines(result, tx, lang))


def _visit_lines(result: VisitStats, tx: Texts, title: str, lang: str) -> list[str]:
    """Totals, the table per place and the visitors per place and month."""
    t = result.totals
    keys = ("sessions", "places", "visitors", "adults", "children")
    counts = {k: fmt_number(t[k], lang=lang) for k in keys}
    lines = [
        tx["visits"].format(start=_day(t["first_date"], lang), end=_day(t["last_date"], lang), title=title,
                            **counts),
        tx["shares"].format(
            first_timers=fmt_number(t["first_timers"], lang=lang),
            first_share=fmt_share(t["first_timer_share"], lang=lang),
            multicultural=fmt_number(t["multicultural"], lang=lang),
            multicultural_share=fmt_share(t["multicultural_share"], lang=lang),
        ),
        tx["per_session"].format(
            visitors=fmt_number(t["mean_visitors"], 1, lang=lang),
            children=fmt_number(t["mean_children"], 1, lang=lang),
        ),
        "",
        tx["per_place"],
    ]
    columns = ["place_id", "name", "sessions", "adults", "children", "visitors", "first_timer_share",
               "mean_visitors"]  # fmt: skip
    rows = [
        [str(place_id), "" if place is None else str(place)[:40], *(fmt_number(n, lang=lang) for n in counts),
         fmt_share(first_share, lang=lang), fmt_number(mean, 1, lang=lang)]
        for place_id, place, *counts, first_share, mean in result.places[columns].itertuples(index=False)
    ]  # fmt: skip
    lines += text_table(tx["place_cols"], rows, right=range(2, 8))
    grid = result.months.pivot_table(index="place_id", columns="month", values="visitors", aggfunc="sum",
                                     fill_value=0)  # fmt: skip
    rows = [[str(i), *(fmt_number(v, lang=lang) for v in row)]
            for i, row in zip(grid.index, grid.to_numpy().tolist(), strict=True)]  # fmt: skip
    return lines + ["", tx["per_month"], *text_table(["id", *map(str, grid.columns)], rows,
                                                      right=range(1, len(grid.columns) + 1))]


def _reach_lines(result: VisitStats, tx: Texts, lang: str) -> list[str]:
    """Reach by home area (child visits per 100 children living there) and the unmatched home areas."""
    reach = result.reach[result.reach["records"] > 0]
    rows = [
        [str(r.name), fmt_number(r.visitors, lang=lang), fmt_number(r.children, lang=lang),
         fmt_number(r.child_visits_per_100, 1, lang=lang), ", ".join(r.places)]
        for r in reach.itertuples(index=False)
    ]  # fmt: skip
    lines = ["", tx["reach"], *text_table(tx["reach_cols"], rows, right=(1, 2, 3))]
    if len(result.unmatched_home_areas):
        pairs = result.unmatched_home_areas.items()
        unmatched = ", ".join(f"{k} ({fmt_number(v, lang=lang)})" for k, v in pairs)
        lines.append(tx["unmatched"].format(names=unmatched))
    return lines


def _outreach_lines(result: VisitStats, tx: Texts, lang: str) -> list[str]:
    """Outreach visits of the term per place, and the places without any."""
    a, b = result.outreach_period
    o = result.outreach
    lines = ["", tx["outreach"].format(start=_day(a, lang), end=_day(b, lang))]
    visited = o[o["has_outreach"]]
    for row in visited.itertuples(index=False):
        visits = fmt_number(row.outreach_visits, lang=lang)
        lines.append(f"  {row.name}: {visits} × {', '.join(row.professions)}")
    if not len(visited):
        lines.append(tx["no_outreach_planned"])
    without = o[~o["has_outreach"] & o["known"]]
    if len(without):
        lines.append(tx["without_outreach"].format(names="; ".join(without["name"])))
    return lines
