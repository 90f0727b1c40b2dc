"""``python -m coverage analyze``: coverage of the areas by the meeting places (contract in DESIGN.md).

::

    python -m coverage analyze [--project FILE.gpkg | --dataset NAME] [--mode walk|bike|car]
                               [--minutes N | --km N] [--at "Tu 10:00"] [--network FILE.osm.pbf]
                               [--include-planned] [--lang fi|sv|en] [--json]

``--json`` prints the contract's one JSON object (:meth:`coverage.analysis.reach.CoverageResult.to_json`);
without it a readable table in the project's language (``--lang`` overrides). Bad input exits 2 with one line.
"""

from __future__ import annotations

import argparse
import math
import sys

from ..analysis.demand import attribution, describe_demand, grid_cell_km
from ..analysis.reach import CoverageResult, analyze
from ..core.i18n import LANGUAGES, Texts, fmt_number, fmt_range, fmt_share, t
from ..core.schedule import format_at
from .options import (
    add_source_options,
    add_travel_options,
    at_from_args,
    output_language,
    print_caught_warnings,
    print_json,
    project_from_args,
    recorded_warnings,
    settings_from_args,
    text_table,
)


def build(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``analyze`` command's parser to ``sub``."""
    p = sub.add_parser("analyze", help="coverage: who lives near a meeting place, and blind spots")
    add_source_options(p)
    add_travel_options(p)
    p.add_argument("--include-planned", action="store_true", help="count planned places too (scenario)")
    p.add_argument("--lang", choices=tuple(LANGUAGES), help="language of the table (default: the project's)")
    p.add_argument("--json", action="store_true", help="print one JSON object (the contract in DESIGN.md)")
    return p


def run(args: argparse.Namespace) -> int:
    """Run ``python -m coverage analyze``; return the exit code."""
    project = project_from_args(args)
    settings = settings_from_args(args, project)
    at = at_from_args(args)
    with recorded_warnings() as caught:  # printed below, one line each, no source lines
        result = analyze(project, settings, at=at, include_planned=args.include_planned)
    for problem in result.warnings:
        print(f"{problem} (warning)", file=sys.stderr)
    if not result.warnings:
        print_caught_warnings(caught)
    if args.json:
        print_json(result.to_json())
    else:
        lang = output_language(args, settings)
        print(format_text(result, name=project.municipality_name, lang=lang))
    return 0


def format_text(result: CoverageResult, *, name: str = "", lang: str = "fi") -> str:
    """Format the readable report: settings and demand, totals, villages in blind spots, villages, areas."""
    tx = Texts("cli.analyze", lang)
    summary = result.summary
    lines = [
        _settings_line(result, name, tx, lang),
        t("demand.line", lang, demand=describe_demand(result.areas, lang)),
        tx["places"].format(counted=summary["places_counted"], total=summary["places_total"]),
        tx["children"].format(
            covered=fmt_number(summary["children_covered"], lang=lang),
            total=fmt_number(summary["children_total"], lang=lang),
            share=fmt_share(summary["children_covered_share"], lang=lang),
        ),
        tx["population"].format(
            covered=fmt_number(summary["population_covered"], lang=lang),
            total=fmt_number(summary["population_total"], lang=lang),
            share=fmt_share(summary["population_covered_share"], lang=lang),
        ),
    ]
    credit = attribution(result.areas, lang)
    lines += [credit] if credit else []
    villages = result.villages()
    names = _place_names(result)
    lines += ["", t("village.blind_title", lang)]
    blind = villages[villages["children_uncovered"] > 0]
    if len(blind):
        rows = [
            [str(v.name), fmt_number(v.children_uncovered, 0, lang=lang), str(v.cells_uncovered),
             names.get(v.nearest_place_id, ""), fmt_range(v.minutes_min, v.minutes_max, lang=lang)]
            for v in blind.itertuples(index=False)
        ]  # fmt: skip
        cols = list(Texts("village", lang)["blind_cols"])
        if grid_cell_km(result.areas) is None:
            cols[2] = t("village.areas_col", lang)
        lines += text_table(tuple(cols), rows, right=(1, 2, 4))
    else:
        lines.append(t("village.none", lang))
    lines += ["", t("village.table_title", lang)]
    rows = [
        [str(v.name), fmt_number(v.population, lang=lang), fmt_number(v.children_0_6, 0, lang=lang),
         fmt_number(v.children_covered, 0, lang=lang), fmt_share(v.children_covered_share, lang=lang),
         fmt_number(v.children_uncovered, 0, lang=lang)]
        for v in villages.sort_values("name", kind="stable").itertuples(index=False)
    ]  # fmt: skip
    lines += text_table(Texts("village", lang)["cols"], rows, right=(1, 2, 3, 4, 5))
    lines += ["", tx["areas"]]
    a = result.areas
    a = a.sort_values(["covered", "minutes"], ascending=[True, False], kind="stable")
    rows = [
        [
            str(r.name),
            fmt_number(r.children_0_6, 1, lang=lang),
            names.get(r.nearest_place_id, ""),
            "-" if not math.isfinite(r.distance_km) else fmt_number(r.distance_km, 1, lang=lang),
            _minutes(r.minutes, lang),
            tx["yes"] if r.covered else tx["no"],
        ]
        for r in a[["name", "children_0_6", "nearest_place_id", "distance_km", "minutes", "covered"]]
        .itertuples(index=False)
    ]
    lines += text_table(tx["cols"], rows, right=(1, 3, 4))
    return "\n".join(lines)


def _settings_line(result: CoverageResult, name: str, tx: Texts, lang: str) -> str:
    """``Vihti: kävellen 20 min (linnuntie × 1,3 nopeudella 4 km/h), aukioloajoista riippumatta``."""
    s = result.settings
    if s.threshold_km is not None:
        thr = f"{fmt_number(s.threshold_km, 1, lang=lang)} km"
    else:
        digits = 0 if float(s.threshold_in_minutes).is_integer() else 1
        thr = f"{fmt_number(s.threshold_in_minutes, digits, lang=lang)} min"
    model_name = str(result.model.get("model", ""))
    model_text = (
        tx["model"]
        .get(model_name, model_name)
        .format(
            circuity=fmt_number(result.model.get("circuity", s.circuity), 2, lang=lang),
            speed=fmt_number(result.model.get("speed_kmh", s.speed_kmh), 0, lang=lang),
        )
    )
    when = tx["any_time"] if result.at is None else tx["at"].format(at=format_at(result.at))
    return f"{name + ': ' if name else ''}{tx['mode'][s.mode]} {thr} ({model_text}), {when}"


def _place_names(result: CoverageResult) -> dict[object, str]:
    """Place id -> name, for naming the nearest place in words."""
    places = result.places
    return {i: str(n) for i, n in zip(places["id"], places["name"], strict=True)}


def _minutes(value: float, lang: str) -> str:
    return "-" if value is None or not math.isfinite(value) else fmt_number(value, 1, lang=lang)
