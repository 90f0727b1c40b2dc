"""``python -m coverage year``: children within reach of an open meeting place in each ISO week.

::

    python -m coverage year [--project FILE.gpkg | --dataset NAME] [--mode walk|bike|car]
                            [--minutes N | --km N] [--network FILE.osm.pbf] [--year YYYY]
                            [--include-planned] [--lang fi|sv|en] [--json]

``--json`` prints the contract's object (:meth:`coverage.analysis.year.YearResult.to_json`): ``settings``,
``year``, ``weeks`` [{week, monday, children_covered, children_covered_share, sessions, places_open}].
Without it the gaps in words, then the weeks as a table. ``--at`` is refused: the year looks at every week.
"""

from __future__ import annotations

import argparse

from ..analysis.year import YearResult, year_coverage
from ..core.errors import KatveError
from ..core.i18n import LANGUAGES, Texts, fmt_number, fmt_share
from ..outputs.yearstrip import gap_lines, ordinary_line
from .options import (
    add_source_options,
    add_travel_options,
    output_language,
    print_caught_warnings,
    print_json,
    project_from_args,
    recorded_warnings,
    settings_from_args,
    text_table,
)


def _year(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year such as 2027") from None
    if not 1900 <= value <= 2200:
        raise argparse.ArgumentTypeError(f"{text!r} must be a year between 1900 and 2200")
    return value


def build(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``year`` command's parser to ``sub``."""
    p = sub.add_parser("year", help="the year: children within reach of an open place, week by week")
    add_source_options(p)
    add_travel_options(p)
    p.add_argument("--year", type=_year, metavar="YYYY", 
                   help="ISO year (default: that of the reference week)")
    p.add_argument("--include-planned", action="store_true", help="count planned places as existing")
    p.add_argument("--lang", choices=tuple(LANGUAGES), 
                   help="language of the summary (default: the project's)")
    p.add_argument("--json", action="store_true", help="print one JSON object (the contract in DESIGN.md)")
    return p


def run(args: argparse.Namespace) -> int:
    """Run ``python -m coverage year``; return the exit code."""
    if getattr(args, "at", None):
        raise KatveError("--at does not apply to year: every week of the year is looked at")
    project = project_from_args(args)
    settings = settings_from_args(args, project)
    with recorded_warnings() as caught:
        result = year_coverage(project, settings, year=args.year, include_planned=args.include_planned)
    print_caught_warnings(caught)
    if args.json:
        print_json(result.to_json())
    else:
        print(format_text(result, name=project.municipality_name, lang=output_language(args, settings)))
    return 0


def format_text(result: YearResult, *, name: str = "", lang: str = "fi") -> str:
    """Format the readable form: title, the ordinary week, the gaps in words, then one row per week."""
    tx = Texts("year", lang)
    title = f"{name + ': ' if name else ''}{tx['title'].format(year=result.year)}"
    lines = [title, ordinary_line(result, lang)]
    gaps = gap_lines(result, lang)
    lines += [f"  {g}" for g in gaps] if gaps else [tx["no_gaps"]]
    rows = [
        [r.week, r.monday.strftime("%d.%m.%Y"), fmt_number(r.children_covered, 0, lang=lang),
         fmt_share(r.children_covered_share, lang=lang), str(r.sessions), str(r.places_open)]
        for r in result.weeks.itertuples(index=False)
    ]
    return "\n".join(lines + [""] + text_table(tx["cols"], rows, right=(2, 3, 4, 5)))
