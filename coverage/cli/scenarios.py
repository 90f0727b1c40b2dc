"""``python -m coverage scenarios``: the project's named scenarios side by side, accept or remove one.

::

    python -m coverage scenarios --project FILE.gpkg [--compare "A,B,C"] [--year YYYY]
                                 [travel options] [--include-planned] [--lang fi|sv|en] [--json]
    python -m coverage scenarios --project FILE.gpkg --accept NAME | --remove NAME
    python -m coverage plan ... --project FILE.gpkg --save-scenario NAME      keep a plan / moves under a name

``--json`` prints ``{"settings", "year", "days", "columns": [{"name", "children_total", "children_covered",
"children_covered_share", "child_days", "places_counted", "blind_villages", "overlaps", "weeks_closed",
"lowest_week", "changes"}]}``, the first column the project as it is (``changes`` null). ``--accept``
applies the scenario to the places (added places become planned; an hours change a later edit overtook is
left as it is and named) and saves the project as a new version; ``--remove`` deletes the scenario.
"""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path

from ..core.errors import KatveError
from ..core.i18n import LANGUAGES, Texts, fmt_number, fmt_share
from ..core.model import Project
from ..core.scenario import (
    Scenario,
    apply_scenario,
    check_name,
    find_scenario,
    with_scenario,
    without_scenario,
)
from ..io import store
from ..planning.scenarios import compare_scenarios
from .options import (
    EXIT_OK,
    add_travel_options,
    output_language,
    print_caught_warnings,
    print_json,
    recorded_warnings,
    settings_from_args,
    text_table,
)
from .year import _year


def build(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``scenarios`` command's parser to ``sub``."""
    p = sub.add_parser("scenarios", help="named scenarios side by side; accept or remove one")
    p.add_argument("--project", required=True, metavar="FILE.gpkg", help="the project file")
    add_travel_options(p)
    p.add_argument("--compare", metavar="A,B,C", help="the scenarios to compare (default: the first three)")
    p.add_argument("--year", type=_year, metavar="YYYY", help="ISO year of the year figures")
    p.add_argument("--include-planned", action="store_true", help="count planned places as existing")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--accept", metavar="NAME", help="apply the scenario to the places and save")
    what.add_argument("--remove", metavar="NAME", help="delete the scenario and save")
    p.add_argument("--user", help="who saves (default: the login name)")
    p.add_argument("--lang", choices=tuple(LANGUAGES), help="language of the text (default: the project's)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    return p


def add_save_argument(p: argparse.ArgumentParser) -> None:
    """Add ``--save-scenario NAME`` (to ``plan``)."""
    p.add_argument("--save-scenario", metavar="NAME",
                   help="keep the proposal in --project as a named scenario (see the scenarios command)")


def check_save(args: argparse.Namespace, project: Project) -> None:
    """Refuse ``--save-scenario`` before any computing: no ``--project``, no name, or a name kept already."""
    if getattr(args, "save_scenario", None) is None:
        return
    if not getattr(args, "project", None):
        raise KatveError("--save-scenario needs --project FILE.gpkg: the scenario is kept in the project")
    with_scenario(project, Scenario(check_name(args.save_scenario)))  # raises for a name kept already


def save_scenario(args: argparse.Namespace, project: Project, scenario: Scenario) -> str:
    """Keep ``scenario`` in ``--project`` and save it; return the sentence that says so."""
    check_save(args, project)
    updated = with_scenario(project, scenario)
    store.save(updated, user=_user(args))
    return Texts("cli.scenarios", output_language(args, project.settings))["saved"].format(
        name=scenario.name, path=Path(str(updated.path)).name)


def _user(args: argparse.Namespace) -> str:
    if getattr(args, "user", None) is not None:
        return str(args.user)
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def run(args: argparse.Namespace) -> int:
    """Run ``python -m coverage scenarios``; return the exit code."""
    path = Path(args.project)
    if not path.exists():
        raise KatveError(f"{path}: file not found")
    project = store.load(path)
    lang = output_language(args, project.settings)
    tx = Texts("cli.scenarios", lang)
    if args.accept or args.remove:
        scenario = find_scenario(project, args.accept or args.remove)
        if args.remove:
            store.save(without_scenario(project, scenario.name), user=_user(args))
            print(tx["removed"].format(name=scenario.name))
            return EXIT_OK
        done = apply_scenario(project, scenario)
        if done.added or done.closed or done.rescheduled:
            store.save(done.project, user=_user(args))
            print(tx["accepted"].format(name=scenario.name, added=len(done.added), closed=len(done.closed),
                                        rescheduled=len(done.rescheduled)))
        else:
            print(tx["nothing"].format(name=scenario.name))
        for place, reason in done.skipped:
            if reason != "already" or done.added or done.closed or done.rescheduled:
                print("  " + tx[f"skipped_{reason}"].format(name=place))
        return EXIT_OK
    settings = settings_from_args(args, project)
    names = [n.strip() for n in args.compare.split(",") if n.strip()] if args.compare else None
    if names is not None:
        names = [find_scenario(project, n).name for n in names]
    with recorded_warnings() as caught:
        cmp = compare_scenarios(project, names, settings, include_planned=args.include_planned,
                                year=args.year, current_label=tx["now"])
    print_caught_warnings(caught)
    if args.json:
        print_json({"settings": {"mode": settings.mode, "threshold_minutes": settings.threshold_minutes,
                                 "threshold_km": settings.threshold_km}, **cmp.to_json()})
        return EXIT_OK
    if len(cmp.columns) == 1:
        print(tx["none"].format(name=path.name))
    rows = []
    for c in cmp.columns:
        weeks = ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in c.weeks_closed) or "-"
        rows.append([c.name, fmt_number(c.children_covered, 0, lang=lang),
                     fmt_share(c.children_covered_share, lang=lang), fmt_number(c.child_days, 0, lang=lang),
                     str(len(c.blind_villages)), str(c.overlaps), weeks])
    print(f"{project.municipality_name}: {tx['title'].format(year=cmp.year)}")
    print("\n".join(text_table(tx["cols"], rows, right=(1, 2, 3, 4, 5))))
    return EXIT_OK
