"""Coverage analysis: who lives near a counted meeting place, and when.

Every function takes a :class:`~coverage.core.model.Project` and optional
:class:`~coverage.core.model.Settings` (default: the project's) and goes through one travel model
(:func:`coverage.travel.choose.model_from_settings`).

Rules, in one place
-------------------
* **Counted places.** Only places with status ``existing`` count; ``include_planned=True`` adds ``planned``
  (scenarios). Candidates never count. With a moment ``at``, a place counts only if its ``opening_hours`` say
  open then (Finnish public holidays and seasons such as ``Sep-May`` apply, see
  :mod:`coverage.core.schedule`).
* **Demand points.** A point area is its point; a polygon area (grid cell, postal area) is taken at its
  representative point (:func:`shapely.point_on_surface`, always inside the polygon).
* **Covered.** An area is covered when its nearest counted place is within the threshold: ``minutes <=
  threshold_minutes``, or with a km threshold ``distance_km <= threshold_km`` (travel distance =
  straight-line km x circuity in the default model). Queries that need *all* pairs within the threshold
  (weekday matrix, overlaps, reach areas) use the threshold in minutes; a km threshold is converted at the
  mode speed, which is exact for the straight-line model and for any constant-speed model.
* **Dayparts.** In the weekday matrix and :func:`weekday_gain` a place counts in a daypart (morning 8-12,
  afternoon 12-16, evening 16-20, :data:`coverage.core.schedule.DAYPARTS`) when it is open for at least
  ``min_open_minutes`` (default 30) of it in the reference week, so a session 09:00-12:15 counts for the
  morning only. Pass ``min_open_minutes=0`` to count any opening at all.
* **Reference week.** ``week`` is any date in the wanted week (its Monday is used); default
  :func:`coverage.core.schedule.reference_week` (the next full week in term time).

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import Point
>>> from coverage.core.model import Project, Settings
>>> places = gpd.GeoDataFrame({"id": ["p1"], "name": ["Perhekahvila"], "status": ["existing"],
...     "opening_hours": ["Tu 09:30-11:30"]}, geometry=[Point(0, 0)], crs="EPSG:3067")
>>> areas = gpd.GeoDataFrame({"id": ["a", "b"], "name": ["Kylä", "Korpi"], "population": [100, 50],
...     "children_0_6": [10.0, 4.0]}, geometry=[Point(3000, 0), Point(30000, 0)], crs="EPSG:3067")
>>> result = analyze(Project(places=places, areas=areas), Settings(mode="car", threshold_minutes=10))
>>> result.summary["children_covered"], result.summary["children_total"]
(10.0, 14.0)
>>> result.blind_spots()["id"].tolist()
['b']
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from ..core.errors import AnalysisError, Problem
from ..core.model import CRS, Project, Settings
from ..core.parallel import MIN_POINTS, run, workers
from ..core.schedule import TZ, check, is_open, parse_at
from ..travel.base import TravelModel
from ..travel.choose import model_from_settings
from ..travel.straight import StraightLine
from .villages import village_blind_spots, village_of, village_table

COUNTED_STATUSES = ("existing",)
"""Statuses that count by default."""

SCENARIO_STATUSES = ("existing", "planned")
"""Statuses that count with ``include_planned=True``."""


APPORTION_METHODS = ("point", "area")

_REL_TOL = 1e-9  # thresholds are inclusive; absorb float noise of km <-> minutes conversions


# --- the result -----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)  # identity equality/hash: the fields hold DataFrames
class CoverageResult:
    """The outcome of :func:`analyze`.

    Attributes
    ----------
    settings : Settings
        The settings used.
    model : dict
        The travel model's ``describe()``: model name and parameters.
    at : datetime or None
        The moment used for the opening-hours filter, or ``None`` (places count at any time).
    places : GeoDataFrame
        The project's places plus a boolean column ``counted``.
    areas : GeoDataFrame
        The project's areas plus ``nearest_place_id`` (``None`` when no place counts), ``straight_km``,
        ``distance_km`` (travel km), ``minutes`` and ``covered`` (bool).
    summary : dict
        ``population_total``, ``population_covered``, ``population_covered_share``, ``children_total``,
        ``children_covered``, ``children_uncovered``, ``children_covered_share`` (0-1, ``None`` without
        children), ``areas_total``, ``areas_covered``, ``places_counted``, ``places_total``,
        ``threshold_minutes`` and ``threshold_km`` (equivalents at the mode speed), ``threshold_by``
        (``"minutes"`` or ``"km"``: which one bounds coverage).
    warnings : tuple of Problem
        Warnings from the travel model (e.g. areas far from any road in the road-network model).
    demand_xy : ndarray, shape (n_areas, 2)
        The EPSG:3067 demand points used (see :func:`demand_points`); reused by the other analyses.
    """

    settings: Settings
    model: dict
    at: dt.datetime | None
    places: gpd.GeoDataFrame
    areas: gpd.GeoDataFrame
    summary: dict
    warnings: tuple[Problem, ...] = ()
    demand_xy: np.ndarray | None = field(default=None, repr=False, compare=False)

    def blind_spots(self) -> pd.DataFrame:
        """Uncovered areas, most children first: ``id, name, children_0_6, minutes``.

        Ties are broken by longer travel time first, then id. ``minutes`` is NaN where no place counts.
        """
        cols = ["id", "name", "children_0_6", "minutes"]
        out = self.areas.loc[~self.areas["covered"].to_numpy(bool), cols]
        out = pd.DataFrame(out).assign(_m=out["minutes"].fillna(np.inf))
        out = out.sort_values(["children_0_6", "_m", "id"], ascending=[False, False, True], kind="stable")
        return out.drop(columns="_m").reset_index(drop=True)

    def villages(self) -> pd.DataFrame:
        """Return children within and beyond reach per village, most uncovered first (``village_table``)."""
        return village_table(self.areas)

    def to_json(self) -> dict[str, Any]:
        """Return the ``analyze --json`` object of the command-line contract (plain JSON types, no NaN)."""
        keys = ("population_total", "population_covered", "children_total", "children_covered",
                "children_covered_share", "places_counted")  # fmt: skip
        blind = [
            {"id": _str(i), "name": _str(n), "children_0_6": _num(ch, 3), "minutes": _num(mi, 2)}
            for i, n, ch, mi in self.blind_spots().itertuples(index=False)
        ]
        return {
            "settings": self._settings_json(),
            "places": _places_json(self.places),
            "areas": _areas_json(self.areas),
            "summary": {k: self.summary[k] for k in keys},
            "blind_spots": blind,
            "villages": [
                {"name": _str(n), "population": _int(pop), "children_0_6": _num(ch, 3),
                 "children_covered": _num(cc, 3), "children_uncovered": _num(cu, 3)}
                for n, pop, ch, cc, cu in self.villages()[
                    ["name", "population", "children_0_6", "children_covered", "children_uncovered"]
                ].itertuples(index=False)
            ],  # fmt: skip
        }

    def _settings_json(self) -> dict[str, Any]:
        s = self.settings
        return {
            "mode": s.mode,
            "model": self.model.get("model", ""),
            "speed_kmh": _num(self.model.get("speed_kmh", s.speed_kmh)),
            "circuity": _num(self.model.get("circuity", s.circuity)),
            "threshold_minutes": _num(s.threshold_minutes),
            "threshold_km": _num(s.threshold_km),
            "at": self.at.isoformat() if self.at is not None else None,
        }


def _places_json(places: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """``places[]`` of ``analyze --json``: id, name, lon/lat (WGS84), status, counted."""
    lon, lat = _lonlat(_point_geometry(places))
    columns = (places["id"], places["name"], lon, lat, places["status"], places["counted"])
    return [
        {"id": _str(i), "name": _str(n), "lon": _num(x, 6), "lat": _num(y, 6), "status": _str(st),
         "counted": bool(c)}
        for i, n, x, y, st, c in zip(*columns, strict=True)
    ]  # fmt: skip


def _areas_json(a: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """``areas[]`` of ``analyze --json``: the demand point (WGS84), demand, nearest place, distances."""
    lon, lat = _lonlat(_point_geometry(a))
    columns = (a["id"], a["name"], village_of(a), lon, lat, a["population"], a["children_0_6"],
               a["nearest_place_id"], a["straight_km"], a["distance_km"], a["minutes"],
               a["covered"])  # fmt: skip
    return [
        {"id": _str(i), "name": _str(n), "village": _str(v), "lon": _num(x, 6), "lat": _num(y, 6),
         "population": _int(pop), "children_0_6": _num(ch, 3), "nearest_place_id": _str(pid) or None,
         "straight_km": _num(sk, 3), "distance_km": _num(dk, 3), "minutes": _num(mi, 2), "covered": bool(cv)}
        for i, n, v, x, y, pop, ch, pid, sk, dk, mi, cv in zip(*columns, strict=True)
    ]  # fmt: skip


# --- public functions -----------------------------------------------------------------------------------


def counted_places(
    project: Project, *, at: dt.datetime | str | None = None, include_planned: bool = False
) -> pd.Series:
    """Tell which places count: status ``existing`` (``+ planned``) and, with ``at``, open at that moment.

    Parameters
    ----------
    project : Project
    at : datetime, str or None
        A moment (naive = Helsinki time) or a weekday and time such as ``"Tu 10:00"`` in the reference week.
    include_planned : bool
        Count planned places too.

    Returns
    -------
    pandas.Series
        Boolean, aligned with ``project.places`` (usable as a mask), named ``counted``.

    Raises
    ------
    AnalysisError
        When ``at`` is given and a place that would count has opening hours that cannot be read.
    """
    places = project.places
    mask = _status_mask(places, include_planned)
    when = _resolve_at(at)
    if when is not None and mask.any():
        sub = places.loc[mask]
        codes, uniques = _hours_column(sub)
        _check_hours(sub, codes, uniques)
        open_unique = np.array([is_open(u, when) for u in uniques], dtype=bool)
        mask[np.flatnonzero(mask)] = open_unique[codes]
    return pd.Series(mask, index=places.index, name="counted")


def analyze(
    project: Project,
    settings: Settings | None = None,
    *,
    at: dt.datetime | str | None = None,
    include_planned: bool = False,
    model: TravelModel | None = None,
) -> CoverageResult:
    """Compute the coverage of the project's areas by its counted places.

    Parameters
    ----------
    project : Project
    settings : Settings, optional
        Default: ``project.settings``.
    at : datetime, str or None
        Count only places open at this moment (see :func:`counted_places`).
    include_planned : bool
        Count planned places too (scenario).
    model : TravelModel, optional
        Default: the model ``settings`` ask for.

    Returns
    -------
    CoverageResult
    """
    settings = settings or project.settings
    model = model or model_from_settings(settings)
    when = _resolve_at(at)
    places = _in_crs(project.places, "places")
    areas = _in_crs(project.areas, "areas")
    counted = counted_places(project, at=when, include_planned=include_planned).to_numpy(bool)
    place_xy = _xy(places, "places")[counted]
    demand_xy = _xy(areas, "areas")
    near = model.nearest(demand_xy, place_xy)
    covered = _covered(settings, near.minutes, near.distance_km)
    ids = places["id"].to_numpy(object)[counted]
    nearest_id = np.full(len(areas), None, dtype=object)
    found = near.index >= 0
    nearest_id[found] = ids[near.index[found]]

    out_places = places.copy(deep=False)  # copy-on-write (pandas >= 3): the project's frames stay as they are
    out_places["counted"] = counted
    out_areas = areas.copy(deep=False)
    out_areas["nearest_place_id"] = pd.Series(nearest_id, index=areas.index, dtype=object)
    out_areas["straight_km"] = np.asarray(near.straight_km, float)
    out_areas["distance_km"] = np.asarray(near.distance_km, float)
    out_areas["minutes"] = np.asarray(near.minutes, float)
    out_areas["covered"] = covered

    pop, kids = _demand(areas, "population"), _demand(areas, "children_0_6")
    kids_total, kids_cov = round(float(kids.sum()), 6), round(float(kids[covered].sum()), 6)  # no float noise
    pop_total, pop_cov = pop.sum(), pop[covered].sum()
    summary = {
        "population_total": int(round(pop_total)),
        "population_covered": int(round(pop_cov)),
        "population_covered_share": float(pop_cov / pop_total) if pop_total > 0 else None,
        "children_total": kids_total,
        "children_covered": kids_cov,
        "children_uncovered": round(kids_total - kids_cov, 6),
        "children_covered_share": kids_cov / kids_total if kids_total > 0 else None,
        "areas_total": int(len(areas)),
        "areas_covered": int(covered.sum()),
        "places_counted": int(counted.sum()),
        "places_total": int(len(places)),
        "threshold_minutes": settings.threshold_in_minutes,
        "threshold_km": settings.threshold_in_km,
        "threshold_by": "km" if settings.threshold_km is not None else "minutes",
    }
    warnings = _model_warnings(getattr(near, "warnings", ()) or (), areas, places, counted)
    demand_xy.flags.writeable = False
    return CoverageResult(
        settings, dict(model.describe()), when, out_places, out_areas, summary, warnings, demand_xy
    )


def _model_warnings(
    problems: Any, areas: gpd.GeoDataFrame, places: gpd.GeoDataFrame, counted: np.ndarray
) -> tuple[Problem, ...]:
    """Return the travel model's warnings, its ``origins`` / ``destinations`` rows named as areas / places.

    :func:`analyze` asks the model for areas (origins, in order) to counted places (destinations), so
    ``origins:5`` becomes ``areas:5`` with the area's id and name in front of the message, e.g.
    ``areas:5: geometry: 03430 Jokikunta: 2.1 km from the nearest road ...``.
    """
    layers = {"origins": ("areas", areas, np.arange(len(areas))),
              "destinations": ("places", places, np.flatnonzero(counted))}  # fmt: skip
    out = []
    for problem in problems:
        if problem.path not in layers or problem.row is None:
            out.append(problem)
            continue
        layer, df, rows = layers[problem.path]
        if not 1 <= problem.row <= len(rows):
            out.append(problem)
            continue
        row = int(rows[problem.row - 1])
        label = " ".join(
            str(df[col].iloc[row]) for col in ("id", "name") if col in df and pd.notna(df[col].iloc[row])
        ).strip()
        message = f"{label}: {problem.message}" if label else problem.message
        out.append(Problem(layer, row + 1, problem.field, message, problem.severity))
    return tuple(out)


def reach_areas(
    project: Project,
    settings: Settings | None = None,
    *,
    at: dt.datetime | str | None = None,
    include_planned: bool = False,
    model: TravelModel | None = None,
) -> gpd.GeoDataFrame:
    """Outline the area each counted place reaches within the threshold.

    Uses the model's ``reach_polygons`` (circles of radius threshold / circuity for the straight-line
    model). A model without it gets the convex hull of the demand points it reaches, plus the place
    itself (``method = "demand_hull"``): a rough outline, not a travel-time isochrone.

    Returns
    -------
    GeoDataFrame
        ``place_id, name, status, method, geometry`` in EPSG:3067, one row per counted place.
    """
    settings = settings or project.settings
    model = model or model_from_settings(settings)
    places = _in_crs(project.places, "places")
    counted = counted_places(project, at=at, include_planned=include_planned).to_numpy(bool)
    sub = places.loc[counted]
    xy = _xy(places, "places")[counted]
    limit = _limit_minutes(settings)
    if hasattr(model, "reach_polygons"):
        geoms = np.asarray(model.reach_polygons(xy, limit), dtype=object)
        method = "reach_polygons"
    else:
        demand = _xy(_in_crs(project.areas, "areas"), "areas")
        pairs = model.within(xy, demand, limit)
        pts = np.concatenate([xy, demand[pairs.cols]])
        owner = np.concatenate([np.arange(len(xy)), pairs.rows])
        order = np.argsort(owner, kind="stable")
        multi = shapely.multipoints(pts[order], indices=owner[order]) if len(xy) else np.empty(0, object)
        geoms = shapely.convex_hull(multi)
        method = "demand_hull"
    return gpd.GeoDataFrame(
        {
            "place_id": sub["id"].to_numpy(object),
            "name": sub["name"].to_numpy(object),
            "status": sub["status"].to_numpy(object),
            "method": method,
        },
        geometry=gpd.GeoSeries(list(geoms), crs=CRS),
        crs=CRS,
    )


def blind_spot_polygons(
    project: Project,
    settings: Settings | None = None,
    *,
    at: dt.datetime | str | None = None,
    include_planned: bool = False,
    model: TravelModel | None = None,
    apportion: str = "point",
    result: CoverageResult | None = None,
) -> gpd.GeoDataFrame:
    """Find the parts of the municipality outside every counted place's reach, with the demand inside.

    The extent is the project's boundary; without one, the union of polygon areas, else the convex hull of
    the demand points (widened by 1 m so that it is a polygon). The reached area is the union of the model's
    ``reach_polygons`` (straight-line model: circles of radius threshold / circuity). A model without
    ``reach_polygons`` falls back to the uncovered areas themselves: their polygons, or for point areas
    their Voronoi cells inside the extent (``method = "uncovered_cells"``).

    When every area is a polygon (1 km grid cells, the embedded default) and ``apportion="point"``, the
    blind spots are where families live: the uncovered areas with residents, dissolved per village
    (``method = "village_cells"``, a ``village`` column; empty forest and lake are never painted). Their
    demand then equals the uncovered demand of :func:`analyze` exactly.

    Demand is apportioned with ``apportion``:

    * ``"point"`` (default, consistent with :func:`analyze`): each *uncovered* area's demand goes wholly to
      the polygon that contains its demand point. Summed over all polygons this equals the uncovered
      demand of :func:`analyze` minus ``attrs["unassigned"]``: uncovered areas whose point lies in no
      polygon (outside the extent; with a road-network model also inside a road's buffered reach).
    * ``"area"``: a polygon area's demand is split by the share of its surface inside each blind-spot
      polygon (uniform density inside the area); point areas as with ``"point"``. Finer for large postal
      areas, but no longer equal to the uncovered totals.

    Pass ``result`` (an :func:`analyze` result for the same project and options) to skip recomputing
    coverage; its settings and moment are then used (pass ``model`` too if it was not the default one).

    Returns
    -------
    GeoDataFrame
        ``id`` (``B1``, ``B2``, ... most children first), ``area_km2``, ``population``, ``children_0_6``,
        ``areas`` (number of uncovered areas whose demand point is inside), ``method``, geometry (Polygon,
        EPSG:3067). ``attrs`` holds ``method``, ``model``, ``extent`` (``boundary|areas|demand_hull``),
        ``apportion`` and ``unassigned`` (``{"areas", "population", "children_0_6"}``, see above).
    """
    if apportion not in APPORTION_METHODS:
        raise AnalysisError(f"apportion must be one of {', '.join(APPORTION_METHODS)}, got {apportion!r}")
    if result is None:
        settings = settings or project.settings
        model = model or model_from_settings(settings)
        result = analyze(project, settings, at=at, include_planned=include_planned, model=model)
    else:
        if len(result.areas) != len(project.areas) or len(result.places) != len(project.places):
            raise AnalysisError("result does not belong to this project (other numbers of areas or places)")
        settings = result.settings
        model = model or model_from_settings(settings)
    areas = result.areas
    demand = result.demand_xy if result.demand_xy is not None else _xy(areas, "areas")
    uncovered = ~areas["covered"].to_numpy(bool)
    extent, extent_kind = _extent(project, areas, demand)
    if apportion == "point" and _all_polygons(areas):
        out = _village_frame(areas)
        out.attrs.update(method="village_cells", model=result.model.get("model", ""), extent=extent_kind,
                         apportion=apportion, unassigned={"areas": 0, "population": 0.0, "children_0_6": 0.0})
        return out
    counted = result.places["counted"].to_numpy(bool)
    place_xy = _xy(result.places, "places")[counted]

    parts, method = _blind_parts(model, extent, place_xy, settings, areas, demand, uncovered)
    pop, kids = _demand(areas, "population"), _demand(areas, "children_0_6")
    # straight-line reach polygons are inscribed in the true circles: no unreached point is in one
    holes_reached = (
        isinstance(model, StraightLine)
        and method == "reach_polygons"
        and not int(shapely.get_num_interior_rings(shapely.get_parts(extent)).sum())
    )
    in_part = _point_in_parts(parts, demand, uncovered, extent=extent if holes_reached else None)
    sel = uncovered & (in_part >= 0)
    counts = np.bincount(in_part[sel], minlength=len(parts))
    if apportion == "area":
        pop_in, kids_in = _areal_weights(parts, areas, pop, kids, point_share=np.where(sel, in_part, -1))
    else:
        pop_in = np.bincount(in_part[sel], weights=pop[sel], minlength=len(parts)).astype(float)
        kids_in = np.bincount(in_part[sel], weights=kids[sel], minlength=len(parts)).astype(float)
    out = _blind_frame(parts, pop_in, kids_in, counts, method)
    unassigned = uncovered & (in_part < 0)
    out.attrs.update(
        method=method,
        model=result.model.get("model", ""),
        extent=extent_kind,
        apportion=apportion,
        unassigned={
            "areas": int(unassigned.sum()),
            "population": float(pop[unassigned].sum()),
            "children_0_6": float(kids[unassigned].sum()),
        },
    )
    return out


def _blind_parts(
    model: TravelModel,
    extent: Any,
    place_xy: np.ndarray,
    settings: Settings,
    areas: gpd.GeoDataFrame,
    demand: np.ndarray,
    uncovered: np.ndarray,
) -> tuple[np.ndarray, str]:
    """Draw the blind-spot polygons (parts with an area); return them and the method that drew them.

    ``reach_polygons``: the extent minus the union of the counted places' reach; otherwise the uncovered
    areas themselves (``uncovered_cells``).
    """
    if hasattr(model, "reach_polygons"):
        method = "reach_polygons"
        reach = np.asarray(model.reach_polygons(place_xy, _limit_minutes(settings)), dtype=object)
        reached = _union(reach) if len(reach) else shapely.Polygon()
        blind = shapely.difference(extent, reached)
    else:
        method = "uncovered_cells"
        blind = shapely.intersection(extent, _uncovered_cells(areas, demand, uncovered, extent))
    parts = np.asarray(shapely.get_parts(blind), dtype=object)
    parts = parts[(shapely.get_type_id(parts) == 3) & (shapely.area(parts) > 0)] if len(parts) else parts
    return parts, method


def _blind_frame(
    parts: np.ndarray, pop_in: np.ndarray, kids_in: np.ndarray, counts: np.ndarray, method: str
) -> gpd.GeoDataFrame:
    """Return the blind spots as a layer, most children first (ties: larger first), ids ``B1, B2, ...``."""
    n = len(parts)
    order = np.lexsort((-shapely.area(parts) if n else np.empty(0), -kids_in))
    return gpd.GeoDataFrame(
        {
            "id": [f"B{i + 1}" for i in range(n)],
            "area_km2": shapely.area(parts[order]) / 1e6 if n else np.empty(0),
            "population": pop_in[order],
            "children_0_6": kids_in[order],
            "areas": counts[order],
            "method": method,
        },
        geometry=gpd.GeoSeries(list(parts[order]), crs=CRS),
        crs=CRS,
    )


def _all_polygons(areas: gpd.GeoDataFrame) -> bool:
    """Whether every area is a polygon (grid cells, postal areas): then blind spots are their cells."""
    types = shapely.get_type_id(areas.geometry.to_numpy())
    return bool(len(types)) and bool(np.isin(types, (3, 6)).all())


def _village_frame(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Blind spots as the dissolved uncovered populated areas per village, most children first."""
    dissolved = village_blind_spots(areas, CRS)
    n = len(dissolved)
    kids = dissolved["children_0_6"].to_numpy(float)
    km2 = shapely.area(dissolved.geometry.to_numpy()) / 1e6 if n else np.empty(0)
    order = np.lexsort((dissolved["village"].to_numpy(str), -km2, -kids)) if n else np.empty(0, int)
    return gpd.GeoDataFrame(
        {
            "id": [f"B{i + 1}" for i in range(n)],
            "village": dissolved["village"].to_numpy(object)[order],
            "area_km2": km2[order],
            "population": dissolved["population"].to_numpy(float)[order],
            "children_0_6": kids[order],
            "areas": dissolved["areas"].to_numpy(int)[order],
            "method": "village_cells",
        },
        geometry=gpd.GeoSeries(list(dissolved.geometry.to_numpy()[order]), crs=CRS),
        crs=CRS,
    )


def _check_result(result: CoverageResult, project: Project, status: np.ndarray) -> None:
    """Raise unless ``result`` is an any-time analysis of ``project`` counting exactly ``status``."""
    if len(result.areas) != len(project.areas) or len(result.places) != len(project.places):
        raise AnalysisError("result does not belong to this project (other numbers of areas or places)")
    if result.at is not None:
        raise AnalysisError("result was computed for one moment (at=...); pass an analysis without at")
    if not np.array_equal(result.places["counted"].to_numpy(bool), status):
        raise AnalysisError("result counts other places (include_planned differs?)")


def demand_points(areas: gpd.GeoDataFrame) -> np.ndarray:
    """Return the ``(n, 2)`` EPSG:3067 demand points of ``areas`` (representative point of polygons)."""
    return _xy(_in_crs(areas, "areas"), "areas")


# --- helpers: inputs ------------------------------------------------------------------------------------


def _in_crs(gdf: gpd.GeoDataFrame, layer: str) -> gpd.GeoDataFrame:
    """``gdf`` in EPSG:3067 (reprojected if it carries another CRS; assumed when it has none)."""
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise AnalysisError(f"{layer}: expected a GeoDataFrame, got {type(gdf).__name__}")
    if gdf.crs is not None and not gdf.crs.equals(CRS):
        return gdf.to_crs(CRS)
    return gdf


def _point_geometry(gdf: gpd.GeoDataFrame) -> np.ndarray:
    geom = gdf.geometry.to_numpy()
    if not len(geom):
        return geom
    is_point = shapely.get_type_id(geom) == 0
    if is_point.all():
        return geom
    out = geom.copy()
    out[~is_point] = shapely.point_on_surface(geom[~is_point])
    return out


def _xy(gdf: gpd.GeoDataFrame, layer: str) -> np.ndarray:
    """Demand/site points of a layer as an ``(n, 2)`` array; names the rows without usable geometry."""
    geom = gdf.geometry.to_numpy()
    if not len(geom):
        return np.empty((0, 2))
    # fast path: get_x / get_y are NaN for anything but a non-empty point (two threads: GEOS releases the GIL)
    x, y = (
        run([partial(shapely.get_x, geom), partial(shapely.get_y, geom)])
        if len(geom) >= MIN_POINTS
        else (shapely.get_x(geom), shapely.get_y(geom))
    )
    if not (np.isnan(x).any() or np.isnan(y).any()):
        return np.column_stack([x, y])
    bad = shapely.is_missing(geom) | shapely.is_empty(geom)
    if bad.any():
        ids = gdf["id"].to_numpy(object)[bad] if "id" in gdf else np.flatnonzero(bad) + 1
        shown = ", ".join(str(i) for i in ids[:5]) + (" ..." if bad.sum() > 5 else "")
        raise AnalysisError(
            f"{layer}: {int(bad.sum())} row(s) without a location (id {shown}); fix or remove them"
        )
    return shapely.get_coordinates(_point_geometry(gdf))[:, :2] if len(geom) else np.empty((0, 2))


def _demand(areas: pd.DataFrame, column: str) -> np.ndarray:
    if column not in areas:
        raise AnalysisError(f"areas: column {column!r} is missing")
    col = areas[column]
    if not pd.api.types.is_numeric_dtype(col.dtype) or pd.api.types.is_bool_dtype(col.dtype):
        col = pd.to_numeric(col, errors="coerce")
    values = col.to_numpy(dtype="float64", na_value=np.nan)
    return np.where(np.isfinite(values), values, 0.0)  # missing counts as no demand


def _status_mask(places: pd.DataFrame, include_planned: bool) -> np.ndarray:
    if not len(places):
        return np.zeros(0, dtype=bool)
    if "status" not in places:
        raise AnalysisError("places: column 'status' is missing")
    statuses = SCENARIO_STATUSES if include_planned else COUNTED_STATUSES
    codes, uniques = _distinct_texts(places["status"])
    return np.array([u.lower() in statuses for u in uniques], dtype=bool)[codes]


def _hours_column(places: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """``codes, uniques``: each place's opening_hours as an index into the distinct stripped texts."""
    if "opening_hours" not in places:
        raise AnalysisError("places: column 'opening_hours' is missing")
    return _distinct_texts(places["opening_hours"])


def _distinct_texts(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Factorize a column by :func:`_text` (stripped, missing = ``""``): ``codes`` per row, ``uniques``.

    Only the distinct raw values are converted in Python, so long columns of few values are cheap.
    """
    raw_codes, raw = pd.factorize(column.to_numpy(object), use_na_sentinel=False)
    codes, uniques = pd.factorize(np.array([_text(v) for v in raw], dtype=object), use_na_sentinel=False)
    return np.asarray(codes, dtype=np.int64)[raw_codes], np.asarray(uniques, dtype=object)


def _text(value: Any) -> str:
    """Return a cell as stripped text; missing (None, NaN, NA) as ``""``."""
    return (
        ""
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))
        else str(value).strip()
    )


def _check_hours(places: pd.DataFrame, codes: np.ndarray, uniques: Any) -> None:
    """Raise :class:`AnalysisError` naming the first place per unreadable opening_hours value."""
    problems = []
    for k, value in enumerate(uniques):
        reason = check(str(value))
        if reason is not None:
            row = int(np.flatnonzero(codes == k)[0])
            pid = places["id"].iloc[row] if "id" in places else row + 1
            name = places["name"].iloc[row] if "name" in places else ""
            problems.append(f"place {pid} ({name}): {reason}")
    if problems:
        raise AnalysisError("; ".join(problems))


def _resolve_at(at: dt.datetime | str | None) -> dt.datetime | None:
    if at is None:
        return None
    if isinstance(at, str):
        return parse_at(at)
    if isinstance(at, dt.datetime):
        return at.replace(tzinfo=TZ) if at.tzinfo is None else at.astimezone(TZ)
    raise AnalysisError(f"at must be a datetime or a text such as 'Tu 10:00', got {type(at).__name__}")


def _limit_minutes(settings: Settings) -> float:
    return settings.threshold_in_minutes * (1 + _REL_TOL)


def _covered(settings: Settings, minutes: np.ndarray, distance_km: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        if settings.threshold_km is not None:
            return np.asarray(distance_km, float) <= settings.threshold_km * (1 + _REL_TOL)
        return np.asarray(minutes, float) <= _limit_minutes(settings)


# --- helpers: polygons ----------------------------------------------------------------------------------


def _extent(project: Project, areas: gpd.GeoDataFrame, demand: np.ndarray) -> tuple[Any, str]:
    boundary = project.boundary
    if boundary is not None and len(boundary):
        geom = _in_crs(boundary, "boundary").geometry.to_numpy()
        geom = geom[~(shapely.is_missing(geom) | shapely.is_empty(geom))]
        if len(geom):
            return shapely.union_all(shapely.make_valid(geom)), "boundary"
    geom = areas.geometry.to_numpy()
    polys = geom[np.isin(shapely.get_type_id(geom), (3, 6))] if len(geom) else geom
    if len(polys):
        return shapely.union_all(shapely.make_valid(polys)), "areas"
    if not len(demand):
        return shapely.Polygon(), "demand_hull"
    return shapely.convex_hull(shapely.multipoints(demand)).buffer(1.0), "demand_hull"


def _union(geoms: np.ndarray) -> Any:
    """Union of many polygons, on all cores when they fall apart into separate clusters.

    Polygons whose bounding boxes chain together form a cluster; clusters never touch, so each group of
    clusters is unioned in its own thread and the parts are simply collected. Within a thread, GEOS'
    disjoint-subset union (shapely >= 2.1) is 2-3x faster on circles than a plain union.
    """
    geoms = np.asarray(geoms, dtype=object)
    union = getattr(shapely, "disjoint_subset_union_all", shapely.union_all)
    groups = _disjoint_groups(geoms, workers()) if len(geoms) >= _PARALLEL_UNION_MIN else []
    if len(groups) < 2:
        return union(geoms)
    pieces = run([partial(union, geoms[g]) for g in groups])
    parts = np.concatenate([shapely.get_parts(piece) for piece in pieces])
    parts = parts[~shapely.is_empty(parts)]
    if not (shapely.get_type_id(parts) == 3).all():  # lines or points left over: let GEOS sort them out
        return shapely.union_all(np.asarray(pieces, dtype=object))
    return shapely.multipolygons(parts) if len(parts) != 1 else parts[0]


_PARALLEL_UNION_MIN = 64  # fewer polygons: threads cost more than they save


def _disjoint_groups(geoms: np.ndarray, n_groups: int) -> list[np.ndarray]:
    """Split polygons into up to ``n_groups`` groups whose bounding boxes do not touch across groups.

    Clusters (connected by touching bounding boxes) are kept whole and dealt out largest first to the
    group with the fewest vertices so far. ``[]`` when there is one cluster or one group.
    """
    if n_groups < 2:
        return []
    a, b = shapely.STRtree(geoms).query(geoms)  # pairs whose bounding boxes intersect
    graph = sparse.coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(len(geoms),) * 2)
    n_clusters, label = connected_components(graph, directed=False)
    if n_clusters < 2:
        return []
    size = np.bincount(label, weights=shapely.get_num_coordinates(geoms), minlength=n_clusters)
    load = [0.0] * min(n_groups, n_clusters)
    group_of = np.empty(n_clusters, dtype=np.int64)
    order = np.argsort(-size, kind="stable")  # largest first, each to the least loaded group
    for cluster, vertices in zip(order.tolist(), size[order].tolist(), strict=True):
        g = min(range(len(load)), key=load.__getitem__)
        group_of[cluster] = g
        load[g] += vertices
    member = group_of[label]
    return [np.flatnonzero(member == g) for g in range(len(load))]


def _point_in_parts(parts: np.ndarray, xy: np.ndarray, mask: np.ndarray, *, extent: Any = None) -> np.ndarray:
    """Index of the part containing each masked point (-1 = in none, or not masked).

    Loops over the parts (not over points): candidates by bounding box from x-sorted points, then a
    vectorised prepared point-in-polygon test. A point on an edge shared by two parts goes to the first.

    Passing the ``extent`` the parts were cut from promises that no masked point is in a reached area (the
    parts are ``extent`` minus reached areas and the masked points are unreached). Then a point is in a
    part's hole only if it is in another part inside that hole, so the outer rings suffice, tested
    smallest first; and the points left inside the extent belong to the largest part. About twice as fast.
    """
    out = np.full(len(xy), -1, dtype=np.int64)
    idx = np.flatnonzero(mask)
    if not len(parts) or not len(idx):
        return out
    order = np.arange(len(parts))
    test = parts
    if extent is not None:
        test = shapely.polygons(shapely.get_exterior_ring(parts))
        order = np.argsort(shapely.area(test), kind="stable")
        test = test[order]
    last = len(test) - 1 if extent is not None else len(test)
    sort = last > 8  # many parts: x-sorted points, each part's candidates by binary search
    by_x = idx[np.argsort(xy[idx, 0])] if sort else idx
    xs = xy[by_x, 0]
    shapely.prepare(test)
    for k, (x0, y0, x1, y1) in enumerate(shapely.bounds(test)[:last]):
        if sort:
            cand = by_x[np.searchsorted(xs, x0, "left") : np.searchsorted(xs, x1, "right")]
        else:
            cand = by_x[(xs >= x0) & (xs <= x1)]
        cand = cand[(xy[cand, 1] >= y0) & (xy[cand, 1] <= y1) & (out[cand] < 0)]
        if len(cand):
            hit = shapely.intersects_xy(test[k], xy[cand, 0], xy[cand, 1])
            out[cand[hit]] = k
    if extent is not None:  # the rest of the blind area is the largest part
        rest = idx[out[idx] < 0]
        shapely.prepare(extent)
        out[rest[shapely.intersects_xy(extent, xy[rest, 0], xy[rest, 1])]] = last
    return np.where(out >= 0, order[np.maximum(out, 0)], -1)


def _uncovered_cells(areas: gpd.GeoDataFrame, demand: np.ndarray, uncovered: np.ndarray, extent: Any) -> Any:
    """Union of the uncovered areas: polygons as they are, point areas as their Voronoi cells."""
    geom = areas.geometry.to_numpy()
    is_poly = np.isin(shapely.get_type_id(geom), (3, 6)) if len(geom) else np.zeros(0, bool)
    pieces = list(geom[is_poly & uncovered])
    pts = ~is_poly
    if pts.any():
        uniq, inverse = np.unique(demand[pts], axis=0, return_inverse=True)
        inverse = np.asarray(inverse).reshape(-1)
        unc = np.zeros(len(uniq), bool)
        np.logical_or.at(unc, inverse, uncovered[pts])
        if unc.any():
            if len(uniq) == 1:
                pieces.append(extent)
            else:
                cells = shapely.get_parts(
                    shapely.voronoi_polygons(shapely.multipoints(uniq), extend_to=extent, ordered=True)
                )
                pieces.extend(cells[unc])
    return shapely.union_all(np.asarray(pieces, dtype=object)) if pieces else shapely.Polygon()


def _areal_weights(
    parts: np.ndarray, areas: gpd.GeoDataFrame, pop: np.ndarray, kids: np.ndarray, *, point_share: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Demand per part: polygon areas by surface share, point areas by ``point_share`` (part index or -1)."""
    n = len(parts)
    geom = areas.geometry.to_numpy()
    is_poly = np.isin(shapely.get_type_id(geom), (3, 6)) if len(geom) else np.zeros(0, bool)
    pt = (~is_poly) & (point_share >= 0)
    pop_in = np.bincount(point_share[pt], weights=pop[pt], minlength=n).astype(float)
    kids_in = np.bincount(point_share[pt], weights=kids[pt], minlength=n).astype(float)
    poly_idx = np.flatnonzero(is_poly)
    if n and len(poly_idx):
        ai, pj = shapely.STRtree(parts).query(geom[poly_idx], predicate="intersects")
        ai = poly_idx[ai]
        inside = shapely.area(shapely.intersection(geom[ai], parts[pj]))
        share = inside / np.maximum(shapely.area(geom[ai]), 1e-12)
        pop_in += np.bincount(pj, weights=pop[ai] * share, minlength=n)
        kids_in += np.bincount(pj, weights=kids[ai] * share, minlength=n)
    return pop_in, kids_in


# --- helpers: JSON --------------------------------------------------------------------------------------


def _lonlat(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if not len(points):
        return np.empty(0), np.empty(0)
    wgs = gpd.GeoSeries(points, crs=CRS).to_crs("EPSG:4326")
    return wgs.x.to_numpy(float), wgs.y.to_numpy(float)


def _num(value: Any, digits: int | None = None) -> float | None:
    if value is None or value is pd.NA:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(f):
        return None
    return round(f, digits) if digits is not None else f


def _int(value: Any) -> int | None:
    f = _num(value)
    return None if f is None else int(round(f))


def _str(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)
