"""Named scenarios side by side: made from a plan, from session moves or by hand, compared on one table.

A scenario (:class:`coverage.core.scenario.Scenario`) keeps only changes. :func:`from_plan`,
:func:`from_moves` and :func:`by_hand` make one; :func:`compare_scenarios` computes, for the project as it is
and for each scenario, the figures the network meeting weighs (:class:`Figures`): children within reach (and
share), child-days over the weekdays (:mod:`coverage.planning.reschedule`), the villages in a blind spot
(at least :data:`BLIND_VILLAGE_SHARE` of their children beyond reach), simultaneous sessions of nearby places
(:func:`coverage.analysis.week.overlaps`) and the year (:func:`coverage.analysis.year.year_coverage`: the
weeks no place is open, the lowest week).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..analysis.reach import CoverageResult, analyze
from ..analysis.week import overlaps
from ..analysis.year import YearResult, runs, year_coverage
from ..core.model import CRS, Project, Settings
from ..core.scenario import Scenario, ScenarioError, check_name, now_text, scenario_places
from ..core.schedule import WEEKDAYS
from ..travel.base import TravelModel
from ..travel.choose import model_from_settings
from .reschedule import RescheduleResult, apply_moves, reschedule
from .sites import add_sessions, session_rows

BLIND_VILLAGE_SHARE = 0.5
"""A village is in a blind spot when at least this share of its children is beyond reach (and one child)."""

MAX_COMPARED = 3
"""At most this many scenarios are compared beside the project as it is."""

WORKDAYS = tuple(WEEKDAYS[:5])


def from_plan(plan: Any, name: str, *, project: Project | None = None, note: str = "",
              author: str = "") -> Scenario:
    """Return a scenario of the proposals of ``plan`` (a :class:`~coverage.planning.plan.PlanResult`).

    A new site keeps its name, location and proposed opening hours (ids are made unique against the places
    when the scenario is applied). An "add a session" proposal (``add_session_to``) is an hours change of
    that place of ``project`` (needed then), its session added by
    :func:`~coverage.planning.reschedule.add_session_rule`.
    """
    sites = plan.new_sites
    if sites.crs is not None and not sites.crs.equals(CRS):
        sites = sites.to_crs(CRS)
    sessions = session_rows(sites)
    add = tuple(
        {"id": str(r.id), "name": str(r.name), "x": float(r.geometry.x), "y": float(r.geometry.y),
         "opening_hours": str(getattr(r, "opening_hours", "") or ""), "kind": "other",
         "source": "katve plan"}
        for r in sites.loc[~sessions].itertuples(index=False)
    )
    hours: dict[str, tuple[str, str]] = {}
    if sessions.any():
        if project is None:
            raise ScenarioError("a plan that adds sessions to places needs the project to keep as a scenario")
        with_sessions = add_sessions(project, sites.loc[sessions], at=plan.at)
        for pid in dict.fromkeys(str(v) for v in sites.loc[sessions, "add_session_to"]):
            hit = (project.places["id"].astype(str) == pid).to_numpy()
            hours[pid] = (str(project.places.loc[hit, "opening_hours"].iloc[0] or ""),
                          str(with_sessions.places.loc[hit, "opening_hours"].iloc[0]))
    return Scenario(check_name(name), note, add=add, hours=hours, created=now_text(), author=author)


def from_moves(project: Project, result: RescheduleResult, name: str, *, note: str = "",
               author: str = "") -> Scenario:
    """Return a scenario moving the sessions of ``result`` (:func:`~coverage.planning.reschedule.reschedule`).

    The new opening hours are computed now (each move verified on the reference week); a rule that cannot
    be edited safely raises :class:`~coverage.core.errors.PlanningError` naming it.
    """
    moved = apply_moves(project, result.moves, result.week)
    hours: dict[str, tuple[str, str]] = {}
    for row in sorted(set(result.moves["row"].astype(int))):
        pid = str(project.places["id"].iat[row])
        hours[pid] = (str(project.places["opening_hours"].iat[row]),
                      str(moved.places["opening_hours"].iat[row]))
    moves = tuple({"place_id": str(m.place_id), "name": str(m.name), "from": str(m.from_day),
                   "to": str(m.to_day), "hours": str(m.hours)} for m in result.moves.itertuples(index=False))
    return Scenario(check_name(name), note, hours=hours, moves=moves, created=now_text(), author=author)


def by_hand(project: Project, name: str, *, planned: tuple[str, ...] | list[str] = (),
            close: tuple[str, ...] | list[str] = (), note: str = "", author: str = "") -> Scenario:
    """Return a scenario opening the project's ``planned`` places and closing the places ``close`` (ids)."""
    ids = project.places["id"].astype(str) if len(project.places) else pd.Series([], dtype=object)
    unknown = [p for p in [*planned, *close] if p not in set(ids)]
    if unknown:
        raise ScenarioError(f"no place with id {', '.join(map(repr, unknown))} in the list", "unknown",
                            name=", ".join(unknown))
    return Scenario(check_name(name), note, count=tuple(dict.fromkeys(planned)),
                    close=tuple(dict.fromkeys(close)),
                    created=now_text(), author=author)


@dataclass
class Figures:
    """One column of the comparison: the project as it is (``scenario`` None) or one scenario."""

    name: str
    scenario: Scenario | None
    children_total: float
    children_covered: float
    children_covered_share: float
    child_days: float
    places_counted: int
    blind_villages: list[str]  # by children beyond reach, most first
    blind_children: float  # children beyond reach in those villages
    overlaps: int  # pairs of nearby places open at the same time (reference week)
    weeks_closed: list[tuple[int, int]]  # runs of ISO week numbers with no counted place open
    lowest_week: str
    lowest_share: float
    result: CoverageResult = field(repr=False)
    world: Project = field(repr=False)  # the places of this column (coverage.core.scenario.scenario_places)
    year: YearResult = field(repr=False)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON figures (the CLI's ``scenarios --json`` rows)."""
        return {
            "name": self.name, "children_total": round(self.children_total, 6),
            "children_covered": round(self.children_covered, 6),
            "children_covered_share": round(self.children_covered_share, 6),
            "child_days": round(self.child_days, 6), "places_counted": self.places_counted,
            "blind_villages": list(self.blind_villages), "overlaps": self.overlaps,
            "weeks_closed": [list(r) for r in self.weeks_closed], "lowest_week": self.lowest_week,
            "changes": self.scenario.counts() if self.scenario is not None else None,
        }


@dataclass
class Comparison:
    """:func:`compare_scenarios`'s answer: the columns, first the project as it is."""

    columns: list[Figures]
    year: int
    days: tuple[str, ...]
    settings: Settings

    def to_json(self) -> dict[str, Any]:
        """``{"year", "days", "columns": [...]}``."""
        return {"year": self.year, "days": list(self.days), "columns": [c.to_json() for c in self.columns]}


def blind_villages(result: CoverageResult) -> tuple[list[str], float]:
    """Return the villages with :data:`BLIND_VILLAGE_SHARE` of their children beyond reach, and those."""
    table = result.villages()
    if not len(table):
        return [], 0.0
    kids = table["children_0_6"].to_numpy(float)
    out = table["children_uncovered"].to_numpy(float)
    hit = (out >= 0.5) & (out >= BLIND_VILLAGE_SHARE * kids - 1e-9)
    return [str(n) for n in table["name"][hit]], float(out[hit].sum())


def figures(project: Project, scenario: Scenario | None, settings: Settings, *, name: str,
            include_planned: bool, model: TravelModel, year: int | None, days: tuple[str, ...],
            week: Any = None) -> Figures:
    """Compute the figures of one column (see :class:`Figures`)."""
    world = scenario_places(project, scenario)
    result = analyze(world, settings, include_planned=include_planned, model=model)
    s = result.summary
    child_days = reschedule(world, settings, k=0, days=days, week=week, include_planned=include_planned,
                            model=model).before
    villages, blind_kids = blind_villages(result)
    pairs = overlaps(world, settings, week=week, include_planned=include_planned, model=model)
    n_pairs = len(pairs[["place_a_id", "place_b_id"]].drop_duplicates()) if len(pairs) else 0
    yr = year_coverage(world, settings, year=year, include_planned=include_planned, model=model)
    closed = (yr.weeks["places_open"] == 0).to_list()
    numbers = [int(w.rsplit("W", 1)[1]) for w in yr.weeks["week"]]
    share = yr.weeks["children_covered_share"].to_numpy(float)
    low = int(np.nanargmin(share)) if len(share) and np.isfinite(share).any() else 0
    return Figures(
        name=name, scenario=scenario, children_total=float(s["children_total"]),
        children_covered=float(s["children_covered"]),
        children_covered_share=float(s["children_covered_share"] or 0.0), child_days=float(child_days),
        places_counted=int(s["places_counted"]), blind_villages=villages, blind_children=blind_kids,
        overlaps=int(n_pairs), weeks_closed=[(numbers[a], numbers[b]) for a, b in runs(closed)],
        lowest_week=str(yr.weeks["week"].iat[low]) if len(yr.weeks) else "",
        lowest_share=float(share[low]) if len(share) else float("nan"), result=result, year=yr,
        world=world,
    )


def compare_scenarios(
    project: Project,
    names: list[str] | tuple[str, ...] | None = None,
    settings: Settings | None = None,
    *,
    include_planned: bool = False,
    model: TravelModel | None = None,
    year: int | None = None,
    days: tuple[str, ...] = WORKDAYS,
    week: Any = None,
    current_label: str = "now",
) -> Comparison:
    """Compare the project as it is (``current_label``) with the scenarios ``names`` (default: first three).

    Raises :class:`ScenarioError` for a name not kept in the project or more than :data:`MAX_COMPARED`.
    """
    settings = settings or project.settings
    model = model or model_from_settings(settings)
    kept = {s.name: s for s in project.scenarios}
    chosen = list(names) if names is not None else list(kept)[:MAX_COMPARED]
    missing = [n for n in chosen if n not in kept]
    if missing:
        raise ScenarioError(f"no scenario named {', '.join(map(repr, missing))} in the project", "unknown",
                            name=", ".join(missing))
    if len(chosen) > MAX_COMPARED:
        raise ScenarioError(f"compare at most {MAX_COMPARED} scenarios at a time", "too_many", n=MAX_COMPARED)
    kw = {"include_planned": include_planned, "model": model, "year": year, "days": days, "week": week}
    columns = [figures(project, None, settings, name=current_label, **kw)]
    columns += [figures(project, kept[n], settings, name=n, **kw) for n in chosen]
    return Comparison(columns, int(columns[0].year.year), tuple(days), settings)
