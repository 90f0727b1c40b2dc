"""Location-allocation: choosing where new meeting places should go.

Three objectives, each with existing places held fixed (they are open and cannot be moved):

* ``"cover"`` - maximal covering (MCLP): choose ``k`` candidate sites that bring the most children *newly*
  within the threshold;
* ``"set_cover"`` - partial set cover: the fewest new sites that bring the children-covered share (existing +
  new) to a target, or :class:`UnreachableTargetError` naming the best share the candidates can reach;
* ``"median"`` - p-median: choose ``k`` sites minimising the children-weighted mean travel time, each area
  going to its nearest open place (existing or new).

The solver core works on arrays (weights per area, a sparse area x candidate relation) and knows nothing about
GeoDataFrames; :func:`plan`, :func:`generate_candidates` and :func:`compare` adapt it to a
:class:`~coverage.core.model.Project`.

Methods
-------
``"exact"`` builds a sparse mixed-integer model (only the pairs within reach) and solves it with HiGHS through
``highspy``. Optimality is read from HiGHS's own model status and dual bound - never from a wrapper - and the
binary values are rounded before they are read (HiGHS leaves values like ``1e-14``). Before solving, the model
is reduced: areas already covered by existing places and candidates that reach nobody are dropped, areas
with the same set of candidates are merged (weights summed), identical candidates are merged and, for the
covering objectives, candidates whose areas are a subset of another candidate's are dropped. None of these
changes the optimal value. When all weights are integers the objective is an integer, so the search stops as
soon as the gap is below one child and the bound is rounded: the optimum is then proven exactly.

``"greedy"`` adds, ``k`` times, the site with the largest marginal gain. Gains are kept *exact* by
subtracting the contributions of the areas each pick covers (one sparse gather per pick, ``O(nnz)`` in
total), so the stale gains a lazy priority queue exists to avoid never arise. The picks are then polished by
1-swap local search (all swaps valued at once by sparse products). The objectives are monotone submodular,
so the greedy value is at least ``1 - 1/e`` (63 %) of the optimum, and ``f(S) + sum of the k largest gains
w.r.t. S`` (Nemhauser, Wolsey & Fisher 1978), taken over every step, bounds the optimum too. For maximal
covering a Lagrangian relaxation (subgradient steps, matrix-vector products only) adds a bound close to the
LP bound and a Lagrangian heuristic that often finds a better solution; the result reports the best bound
as ``bound`` and the gap to it, so the user sees how far from the optimum the answer can be.

``"auto"`` is exact unless the reduced model is very large (more than :data:`AUTO_EXACT_MAX_NNZ` non-zeros).
Exact runs start from the heuristic solution, leave out the candidates that the Lagrangian bound proves
useless (reduced-cost fixing), and a time-out still returns a good solution with an honest gap.

p-median, kept sparse and exact
-------------------------------
Only pairs within a cutoff are modelled. For every area, a candidate outside the cutoff is at least
``cutoff`` minutes away, so the model charges an area that gets no new site within the cutoff
``min(nearest existing, cutoff)`` - never more than the truth. The model is therefore a *relaxation*: its
optimum is a lower bound. The chosen sites are then evaluated with the true travel times; when the true value
equals the model value the solution is proven optimal, otherwise the cutoff is widened and the model solved
again (the reported ``gap`` always includes any remaining truncation error). The p-median heuristics are
greedy, vectorised 1-swap (Whitaker's fast interchange) and a Lagrangian relaxation of the assignment rows,
whose bound also fixes out candidates and pairs before HiGHS sees the model. Measured on random instances
(straight-line minutes): 2,000 areas x 200 candidates, k=20 proven optimal in about 4 s; 5,000 x 500 stops at
the time limit within 0.05 % of the optimum. The heuristic alone (``"greedy"``) takes well under a second
there and lands within 0.1 %.

Examples
--------
Three areas, two candidates; candidate 0 reaches areas 0 and 1, candidate 1 reaches area 2:

>>> import numpy as np
>>> reach = np.array([[True, False], [True, False], [False, True]])
>>> sol = solve_cover([5, 3, 4], reach, k=1)
>>> sol.chosen.tolist(), sol.value, sol.optimal
([0], 8.0, True)
>>> solve_cover([5, 3, 4], reach, k=1, existing=[True, False, False]).chosen.tolist()  # area 0 covered
[1]
"""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ..analysis.reach import analyze, demand_points
from ..analysis.villages import village_of
from ..core.errors import PlanningError
from ..core.model import CRS, Project, Settings
from ..core.schedule import WEEKDAYS
from ..travel.base import Pairs, TravelModel
from ..travel.choose import model_from_settings
from .core import Solution, _check_k, _check_method, _check_time_limit
from .cover import solve_cover, solve_set_cover
from .median import solve_median
from .sites import (
    DEFAULT_SPACING_M,
    _best_sessions,
    _candidate_sites,
    _near_places,
    _site_session,
    add_sites,
    daypart_of,
)

OBJECTIVES = ("cover", "set_cover", "median")


MEDIAN_MAX_PAIRS = 3_000_000
"""p-median on a project: stop widening the cutoff when the candidate pairs would exceed this."""


SUMMARY_KEYS = (
    "population_total",
    "population_covered",
    "children_total",
    "children_covered",
    "children_covered_share",
    "places_counted",
)
"""The keys of the ``analyze --json`` summary, used for the before/after figures."""


@dataclass(frozen=True, eq=False)
class PlanResult:
    """A proposal of new meeting-place sites for a project (see :func:`plan`).

    Attributes
    ----------
    objective : str
        ``"cover"``, ``"set_cover"`` or ``"median"``.
    k : int or None
        Number of new sites asked for (``None`` for ``set_cover``).
    settings : Settings
    model : dict
        The travel model's ``describe()``.
    at : datetime or None
        Existing places counted only if open at this moment.
    new_sites : GeoDataFrame
        One row per proposed site (EPSG:3067): ``id, name, kind, source, children_gained`` (children newly
        covered thanks to it; for ``median`` the children for whom it becomes the nearest place),
        ``best_weekday, best_daypart, children_gained_then`` (the weekday x daypart where a session adds the
        most children not covered by the places open then; with ``at``, at's weekday and daypart and the
        children the site gains at that moment), ``opening_hours`` (a two-hour session inside that time) and
        ``add_session_to`` (``None``, or the id of the existing place the proposal adds that session to;
        see :func:`plan`).
    areas : GeoDataFrame
        The areas with ``covered_before, covered_after, minutes_before, minutes_after, new_site_id``.
    before, after : dict
        Coverage summaries (the ``analyze`` summary) without and with the new sites.
    changed : DataFrame
        Areas (villages) whose covered status changes: ``id, name, children_0_6, minutes_before,
        minutes_after, new_site_id``.
    solution : Solution
        The solver's result (value, bound, gap, optimal, method, seconds, details).
    candidates : GeoDataFrame
        The candidate sites considered (inside the boundary).
    target_share : float or None
        The target of ``set_cover``.
    """

    objective: str
    k: int | None
    settings: Settings
    model: dict
    at: dt.datetime | None
    new_sites: gpd.GeoDataFrame
    areas: gpd.GeoDataFrame
    before: dict
    after: dict
    changed: pd.DataFrame
    solution: Solution
    candidates: gpd.GeoDataFrame
    target_share: float | None = None

    @property
    def optimal(self) -> bool:
        """Proven optimal."""
        return self.solution.optimal

    @property
    def gap(self) -> float:
        """Relative gap between the value and the proven bound (0 when optimal)."""
        return self.solution.gap

    @property
    def value(self) -> float:
        """The objective's value (children newly covered, number of sites or mean minutes)."""
        return self.solution.value

    @property
    def bound(self) -> float:
        """Proven bound on the optimal value (upper for ``cover``, lower otherwise)."""
        return self.solution.bound

    @property
    def method(self) -> str:
        """``"exact"`` or ``"greedy"``."""
        return self.solution.method

    @property
    def seconds(self) -> float:
        """Wall time of the solve."""
        return self.solution.seconds

    @property
    def chosen(self) -> np.ndarray:
        """Positions of the chosen sites in :attr:`candidates` (solver order)."""
        return self.solution.chosen

    @property
    def chosen_ids(self) -> list[str]:
        """Ids of the chosen sites (solver order)."""
        return [str(v) for v in self.candidates["id"].to_numpy(object)[self.solution.chosen]]

    @property
    def unit(self) -> str:
        """What :attr:`value` counts."""
        return {
            "cover": "children newly covered",
            "set_cover": "new sites",
            "median": "children-weighted mean minutes",
        }[self.objective]

    def scenario(self, project: Project, *, status: str = "planned") -> Project:
        """Return a copy of ``project`` with the proposed sites added to its places as ``status``.

        Each gets the suggested session as ``opening_hours``, ``kind`` ``other`` and a note; an "add a
        session" proposal (``add_session_to``) adds its session to that place's opening hours instead.
        """
        return add_sites(project, self.new_sites, status=status, at=self.at)

    def to_json(self) -> dict[str, Any]:
        """Return the ``plan --json`` object of the command-line contract (plain JSON types, no NaN)."""
        s = self.settings
        settings = {
            "mode": s.mode,
            "model": self.model.get("model", ""),
            "speed_kmh": _json_num(self.model.get("speed_kmh", s.speed_kmh)),
            "circuity": _json_num(self.model.get("circuity", s.circuity)),
            "threshold_minutes": _json_num(s.threshold_minutes),
            "threshold_km": _json_num(s.threshold_km),
            "at": self.at.isoformat() if self.at is not None else None,
        }
        sites = self.new_sites
        wgs = sites.geometry.to_crs("EPSG:4326") if len(sites) else sites.geometry
        lon, lat = wgs.x.to_numpy(float), wgs.y.to_numpy(float)
        new_sites = [
            {
                "id": str(r.id),
                "name": str(r.name),
                "lon": _json_num(x, 6),
                "lat": _json_num(y, 6),
                "children_gained": _json_num(r.children_gained, 3),
                "best_weekday": r.best_weekday,
                "best_daypart": r.best_daypart,
                "children_gained_then": _json_num(r.children_gained_then, 3),
                "opening_hours": str(r.opening_hours),
                "add_session_to": None if r.add_session_to is None else str(r.add_session_to),
            }
            for r, x, y in zip(sites.itertuples(index=False), lon, lat, strict=True)
        ]
        sol = self.solution
        return {
            "settings": settings,
            "new_sites": new_sites,
            "before": {k: _json_value(self.before.get(k)) for k in SUMMARY_KEYS},
            "after": {k: _json_value(self.after.get(k)) for k in SUMMARY_KEYS},
            "objective": {
                "kind": self.objective,
                "value": _json_num(sol.value, 6),
                "bound": _json_num(sol.bound, 6),
                "unit": self.unit,
                "k": self.k,
                "target_share": self.target_share,
            },
            "optimal": bool(sol.optimal),
            "gap": _json_num(sol.gap, 9),
            "method": sol.method,
            "status": sol.status,
            "seconds": _json_num(sol.seconds, 3),
            "candidates": int(len(self.candidates)),
        }


@dataclass(frozen=True, eq=False)
class Comparison:
    """Before/after coverage of two versions of a project (see :func:`compare`).

    ``changed`` lists the areas (villages) whose covered status changes: ``id, name, children_0_6,
    minutes_before, minutes_after, covered_before, covered_after``; ``areas`` holds those columns for every
    area.
    """

    before: dict
    after: dict
    areas: gpd.GeoDataFrame
    changed: pd.DataFrame


def _json_num(value: Any, digits: int | None = None) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(v):
        return None
    return round(v, digits) if digits is not None else v


def _json_value(value: Any) -> Any:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return _json_num(value)
    return value


def _scenario_for_summary(project: Project, sites_xy: np.ndarray, include_planned: bool) -> Project:
    """Project copy whose counted places are the counted ones plus the new sites, open at any time.

    Internal to the before/after figures: existing places keep their status; the new sites get the status
    that counts (``existing``) and ``24/7`` so that an ``at`` filter does not drop them.
    """
    out = project.copy()
    if not len(sites_xy):
        return out
    extra = gpd.GeoDataFrame(
        {
            "id": [f"__new_site_{i}" for i in range(len(sites_xy))],
            "name": "new site",
            "status": "existing",
            "opening_hours": "24/7",
        },
        geometry=gpd.points_from_xy(sites_xy[:, 0], sites_xy[:, 1]),
        crs=CRS,
    )
    places = out.places
    if places.crs is not None and not places.crs.equals(CRS):
        places = places.to_crs(CRS)
    keep = [c for c in ("id", "name", "status", "opening_hours") if c in places]
    base = gpd.GeoDataFrame(
        pd.DataFrame(places[keep]).astype(object), geometry=places.geometry.to_numpy(), crs=CRS
    )
    out.places = gpd.GeoDataFrame(pd.concat([base, extra], ignore_index=True), geometry="geometry", crs=CRS)
    return out


def plan(
    project: Project,
    settings: Settings | None = None,
    *,
    k: int | None = None,
    objective: str = "cover",
    candidates: gpd.GeoDataFrame | None = None,
    target_share: float = 0.9,
    method: str = "auto",
    time_limit: float = 60.0,
    at: dt.datetime | str | None = None,
    include_planned: bool = False,
    spacing_m: float = DEFAULT_SPACING_M,
    model: TravelModel | None = None,
) -> PlanResult:
    """Propose new meeting-place sites for a project, existing places held fixed.

    Parameters
    ----------
    project : Project
    settings : Settings, optional
        Travel mode, speed, threshold. Default: ``project.settings``.
    k : int
        Number of new sites (``cover`` and ``median``).
    objective : {"cover", "set_cover", "median"}
        Maximal covering, fewest sites reaching ``target_share`` of children covered, or p-median (mean
        travel minutes). See the module docstring.
    candidates : GeoDataFrame, optional
        Candidate sites (``id``, ``name``, points). Default: the project's ``candidates`` layer when it is
        not empty, else :func:`generate_candidates`. Sites outside the boundary are left out.
    target_share : float
        ``set_cover`` target, a share of all children (0-1].
    method : {"auto", "exact", "greedy"}
    time_limit : float
        Seconds for the exact solver.
    at : datetime or str, optional
        Count only the existing places open then (e.g. ``"Tu 10:00"``); the new sites are assumed to hold a
        session then.
    include_planned : bool
        Count ``planned`` places as existing (a hand-made scenario to build on).
    spacing_m : float
        Grid spacing for generated candidates.
    model : TravelModel, optional
        Default: the model the settings ask for.

    Returns
    -------
    PlanResult

    Notes
    -----
    *Never a new site next to a place.* A candidate within :data:`~coverage.planning.sites.NEAR_M` (300 m)
    of a counted place or of any ``planned`` place (counted or not: a planned place is already the plan) is
    left out. A candidate within 300 m of an ``existing`` place that is not counted because it is not open at
    ``at`` becomes that place: the proposal is then "add a session to the place" - its ``new_sites`` row has
    ``id`` ``session:<place id>``, the place's name and location and ``add_session_to`` = the place id, and
    its ``opening_hours`` is the session to add (:meth:`PlanResult.scenario` and
    :func:`~coverage.planning.sites.add_sites` write it into the place's rule instead of adding a place).
    ``plan --json`` carries ``add_session_to`` (``null`` for a new place) and ``opening_hours`` on every
    ``new_sites`` entry.

    *One time.* Without ``at`` the best time is the weekday x daypart where a session gains the most
    children (ties, also when it gains nobody at any time: a weekday, the least busy slot, the earliest) and
    the hours are a session inside it. With ``at`` the best time is at's weekday and daypart, the hours are
    the two hours holding ``at`` inside that daypart and ``children_gained_then`` is what the site gains at
    that moment.

    Raises
    ------
    PlanningError
        Bad options, no candidates; :class:`UnreachableTargetError` when ``set_cover`` cannot reach the
        target.
    """
    t0 = time.perf_counter()
    if objective not in OBJECTIVES:
        raise PlanningError(f"unknown objective {objective!r}; use one of {', '.join(OBJECTIVES)}")
    _check_method(method)
    _check_time_limit(time_limit)
    if objective != "set_cover":
        if k is None:
            raise PlanningError(f"give the number of new sites k for the {objective!r} objective")
        k = _check_k(k)
    settings = settings or project.settings
    model = model or model_from_settings(settings)
    before_res = analyze(project, settings, at=at, include_planned=include_planned, model=model)
    when = before_res.at
    areas = before_res.areas
    demand = demand_points(areas) if len(areas) else np.empty((0, 2))
    kids = np.nan_to_num(_float_column(areas, "children_0_6"))
    if not len(areas):
        raise PlanningError("the project has no areas (demand): nothing to plan for")
    cands = _near_places(
        project, _candidate_sites(project, candidates, spacing_m), before_res.places["counted"].to_numpy(bool)
    )
    cand_xy = np.column_stack([cands.geometry.x.to_numpy(float), cands.geometry.y.to_numpy(float)])
    covered_before = areas["covered"].to_numpy(bool)
    limit = settings.threshold_in_minutes * (1 + 1e-9)  # inclusive, as in coverage.analysis.reach

    if objective in ("cover", "set_cover"):
        reach = model.within(demand, cand_xy, limit)
        if objective == "cover":
            sol = solve_cover(
                kids, reach, k=_check_k(k), existing=covered_before, method=method, time_limit=time_limit
            )
        else:
            sol = solve_set_cover(
                kids,
                reach,
                target_share=target_share,
                existing=covered_before,
                method=method,
                time_limit=time_limit,
            )
    else:
        sol = _plan_median(
            kids,
            demand,
            cand_xy,
            areas["minutes"].to_numpy(float),
            model=model,
            k=_check_k(k),
            limit=limit,
            method=method,
            time_limit=time_limit,
        )

    chosen = np.asarray(sol.chosen, dtype=np.int64)
    sites_xy = cand_xy[chosen]
    after_res = analyze(
        _scenario_for_summary(project, sites_xy, include_planned),
        settings,
        at=when,
        include_planned=include_planned,
        model=model,
    )
    after_areas = after_res.areas
    covered_after = after_areas["covered"].to_numpy(bool)

    # per site: children it brings in (covering: newly covered areas assigned to it; median: nearest to it)
    gained = np.zeros(len(chosen))
    if len(chosen):
        if objective == "median":
            gained = np.asarray(sol.site_gain, dtype=float)
        else:
            newly = covered_after & ~covered_before
            reach_new = model.within(demand[newly], sites_xy, limit)
            owner = _nearest_pair(reach_new.rows, reach_new.cols, reach_new.minutes, int(newly.sum()))
            ok = owner >= 0
            gained = np.bincount(owner[ok], weights=kids[newly][ok], minlength=len(chosen)).astype(float)

    # when: the weekday x daypart where a session at the site adds the most children (with ``at``: then)
    best_day: list[str]
    best_part: list[str | None]
    if when is not None:
        best_day = [WEEKDAYS[when.weekday()]] * len(chosen)
        best_part = [daypart_of(when)] * len(chosen)
        then = np.zeros(len(chosen))
        if len(chosen):
            reach_at = model.within(demand, sites_xy, limit)
            uncovered = kids * ~covered_before
            then = np.bincount(
                reach_at.cols, weights=uncovered[reach_at.rows], minlength=len(chosen)
            ).astype(float)
        best_gain = [float(v) for v in then]
    else:
        days, parts, best_gain = _best_sessions(
            project, sites_xy, settings, include_planned=include_planned, model=model
        )
        best_day, best_part = list(days), list(parts)

    picked = cands.iloc[chosen]
    new_sites = gpd.GeoDataFrame(
        {
            "id": picked["id"].astype(str).to_numpy(object),
            "name": picked["name"].astype(str).to_numpy(object),
            "kind": picked["kind"].to_numpy(object) if "kind" in picked else "",
            "source": picked["source"].to_numpy(object) if "source" in picked else "",
            "children_gained": gained,
            "best_weekday": np.array(best_day, dtype=object),
            "best_daypart": np.array(best_part, dtype=object),
            "children_gained_then": np.array(best_gain, dtype=object),
            "opening_hours": [_site_session(d, p, when) for d, p in zip(best_day, best_part, strict=True)],
            "add_session_to": picked["add_session_to"].to_numpy(object)
            if "add_session_to" in picked
            else np.full(len(picked), None, dtype=object),
        },
        geometry=gpd.points_from_xy(sites_xy[:, 0], sites_xy[:, 1]) if len(sites_xy) else gpd.GeoSeries([]),
        crs=CRS,
    )
    picked_ids = new_sites["id"].to_numpy(object)  # in the order of ``chosen``
    new_sites = new_sites.sort_values("children_gained", ascending=False, kind="stable").reset_index(
        drop=True
    )
    site_id = np.full(len(areas), None, dtype=object)
    if objective == "median":
        a = np.asarray(sol.assignment)
        pos = {int(j): i for i, j in enumerate(chosen)}
        for i in np.flatnonzero(a >= 0):
            site_id[i] = picked_ids[pos[int(a[i])]]
    nearest = after_areas["nearest_place_id"].to_numpy(object)
    is_new = np.array([isinstance(v, str) and v.startswith("__new_site_") for v in nearest], dtype=bool)
    if objective != "median":
        for i in np.flatnonzero(is_new & covered_after & ~covered_before):
            site_id[i] = picked_ids[int(nearest[i].rsplit("_", 1)[1])]
    out_areas = areas.copy()
    out_areas["covered_before"] = covered_before
    out_areas["covered_after"] = covered_after
    out_areas["minutes_before"] = areas["minutes"].to_numpy(float)
    out_areas["minutes_after"] = after_areas["minutes"].to_numpy(float)
    out_areas["new_site_id"] = site_id
    changed = _changed(out_areas)
    sol_details = dict(sol.details, plan_seconds=time.perf_counter() - t0)
    sol = Solution(**{**{f: getattr(sol, f) for f in sol.__dataclass_fields__}, "details": sol_details})
    return PlanResult(
        objective=objective,
        k=k if objective != "set_cover" else None,
        settings=settings,
        model=dict(model.describe()),
        at=when,
        new_sites=new_sites,
        areas=out_areas,
        before=dict(before_res.summary),
        after=dict(after_res.summary),
        changed=changed,
        solution=sol,
        candidates=cands,
        target_share=float(target_share) if objective == "set_cover" else None,
    )


def whole_numbers(values: Any, total: float | None = None) -> list[int]:
    """Round ``values`` to whole numbers that add up to ``total`` (largest remainder; Hamilton's method).

    ``total`` defaults to the rounded sum. Each value is rounded down, and the units still missing go to the
    values with the largest fractions (the earlier one on a tie); units too many come off the smallest
    fractions. Missing values count as 0. Use it so that shown parts (children per proposed site) add up
    to the shown whole (the change of children covered).

    >>> whole_numbers([508.1, 200.6, 0.3])
    [508, 201, 0]
    >>> whole_numbers([0.4, 0.4, 0.4], total=2)
    [1, 1, 0]
    """
    v = np.nan_to_num(np.asarray(values, dtype=float).ravel(), nan=0.0, posinf=0.0, neginf=0.0)
    if not len(v):
        return []
    target = int(round(float(v.sum()))) if total is None else int(round(float(total)))
    low = np.floor(v)
    out = low.astype(np.int64)
    frac = v - low
    diff = target - int(out.sum())
    if diff > 0:
        order = np.lexsort((np.arange(len(v)), -frac))
        for i in range(diff):
            out[order[i % len(v)]] += 1
    elif diff < 0:
        smallest = [int(i) for i in np.lexsort((-np.arange(len(v)), frac)) if out[i] > 0]
        for i in smallest[: -diff]:
            out[i] -= 1
    return [int(x) for x in out]


def _float_column(frame: pd.DataFrame, column: str) -> np.ndarray:
    """Return a numeric column as floats (missing or unreadable -> NaN)."""
    if column not in frame:
        raise PlanningError(f"areas: column {column!r} is missing")
    return pd.to_numeric(frame[column], errors="coerce").astype("float64").to_numpy()


def _nearest_pair(rows: np.ndarray, cols: np.ndarray, mins: np.ndarray, n: int) -> np.ndarray:
    """Per row, the column of its smallest-minutes pair (-1 where none)."""
    out = np.full(n, -1, dtype=np.int64)
    if not len(rows):
        return out
    order = np.lexsort((cols, mins, rows))
    r, c = rows[order], cols[order]
    first = np.ones(len(r), dtype=bool)
    first[1:] = r[1:] != r[:-1]
    out[r[first]] = c[first]
    return out


def _plan_median(
    kids: np.ndarray,
    demand: np.ndarray,
    cand_xy: np.ndarray,
    existing_minutes: np.ndarray,
    *,
    model: TravelModel,
    k: int,
    limit: float,
    method: str,
    time_limit: float,
) -> Solution:
    """p-median on a project: candidate pairs within a cutoff, widened until the solution is certified.

    The cutoff starts at twice the coverage threshold. An area with no candidate within the cutoff gets the
    pair to its nearest candidate, and that pair's minutes as its own cutoff (every other candidate is at
    least that far). The chosen sites' true minutes (``model.nearest``) certify the truncated model; if they
    do not (an area is best served beyond the cutoff), the cutoff is doubled, up to
    :data:`MEDIAN_MAX_PAIRS` pairs, ten doublings or the time limit.
    """
    t0 = time.perf_counter()
    ex = np.where(np.isfinite(existing_minutes), existing_minutes, np.inf)
    n, m = len(demand), len(cand_xy)

    def true_minutes(chosen: np.ndarray) -> np.ndarray:
        return np.asarray(model.nearest(demand, cand_xy[chosen]).minutes, dtype=float)

    nearest = model.nearest(demand, cand_xy)
    near_idx = np.asarray(nearest.index, dtype=np.int64)
    near_min = np.asarray(nearest.minutes, dtype=float)
    far = (kids > 0) & ~np.isfinite(ex) & ((near_idx < 0) | ~np.isfinite(near_min))
    if far.any():
        raise PlanningError(f"{int(far.sum())} areas with children cannot reach any place or candidate site")
    cutoff = 2.0 * limit
    for _ in range(11):
        pairs = model.within(demand, cand_xy, cutoff)
        complete = len(pairs.rows) >= n * m
        lonely = np.ones(n, dtype=bool)
        lonely[pairs.rows] = False
        lonely &= (near_idx >= 0) & np.isfinite(near_min)
        per_area = np.where(lonely, near_min, cutoff)
        rows = np.concatenate([pairs.rows, np.flatnonzero(lonely)])
        cols = np.concatenate([pairs.cols, near_idx[lonely]])
        mins = np.concatenate([pairs.minutes, near_min[lonely]])
        sol = solve_median(
            kids,
            Pairs(rows, cols, mins, (n, m)),
            k=k,
            existing_minutes=ex,
            cutoff=None if complete else per_area,
            true_minutes=true_minutes,
            method=method,
            time_limit=max(1.0, time_limit - (time.perf_counter() - t0)),
        )
        if sol.details.get("certified", False) or complete or time.perf_counter() - t0 > time_limit:
            break
        if len(pairs.rows) * 4 > MEDIAN_MAX_PAIRS:
            break
        cutoff *= 2.0
    details = dict(sol.details, cutoff_minutes=None if complete else cutoff)
    return Solution(**{**{f: getattr(sol, f) for f in sol.__dataclass_fields__}, "details": details})


def _changed(areas: pd.DataFrame) -> pd.DataFrame:
    mask = areas["covered_before"].to_numpy(bool) != areas["covered_after"].to_numpy(bool)
    cols = [
        "id",
        "name",
        "children_0_6",
        "minutes_before",
        "minutes_after",
        "covered_before",
        "covered_after",
    ]
    cols += [c for c in ("new_site_id",) if c in areas]
    out = pd.DataFrame(areas.loc[mask, cols]).reset_index(drop=True)
    out.insert(2, "village", village_of(areas).to_numpy(object)[mask])
    return out.sort_values(["children_0_6", "id"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )


def compare(
    project_before: Project,
    project_after: Project,
    settings: Settings | None = None,
    *,
    at: dt.datetime | str | None = None,
) -> Comparison:
    """Coverage before and after a change, and the areas (villages) whose status changes.

    ``project_before`` counts its existing places; ``project_after`` counts existing *and planned* places,
    so a hand-made scenario is simply the project with some places marked ``planned`` (or
    :meth:`PlanResult.scenario`). Areas are matched by ``id``.

    Returns
    -------
    Comparison
    """
    settings = settings or project_before.settings
    before = analyze(project_before, settings, at=at)
    after = analyze(project_after, settings, at=at, include_planned=True)
    a, b = before.areas, after.areas
    ids_a, ids_b = a["id"].astype(str), b["id"].astype(str)
    if ids_a.duplicated().any() or set(ids_a) != set(ids_b):
        raise PlanningError("the two projects must have the same areas (matched by id) to be compared")
    b = b.set_index(ids_b.to_numpy()).loc[ids_a.to_numpy()]
    areas = a[["id", "name", "children_0_6", "geometry"]].copy()
    areas["minutes_before"] = a["minutes"].to_numpy(float)
    areas["minutes_after"] = b["minutes"].to_numpy(float)
    areas["covered_before"] = a["covered"].to_numpy(bool)
    areas["covered_after"] = b["covered"].to_numpy(bool)
    return Comparison(
        before=dict(before.summary), after=dict(after.summary), areas=areas, changed=_changed(areas)
    )
