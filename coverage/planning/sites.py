"""Candidate sites (generated on a grid or given) and when a new site should open."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..analysis.reach import demand_points
from ..analysis.villages import describe_locations, village_points
from ..analysis.week import weekday_gains, weekday_matrix
from ..core.errors import CandidatesNearPlacesError, PlanningError
from ..core.model import CRS, PLACE_FIELDS, STATUSES, Project, Settings, conform
from ..core.schedule import DAYPARTS, WEEKDAYS

# === project level ========================================================================================

DEFAULT_SPACING_M = 2000.0
"""Default spacing of the generated candidate grid (metres)."""


_SESSION_HOURS = {"morning": (9, 11), "afternoon": (13, 15), "evening": (17, 19)}
"""A typical two-hour session inside each daypart, used for the opening hours of proposed sites."""


NEAR_M = 300.0
"""A candidate site within this many metres of an existing or planned place is that place, not a new one.

:func:`plan` never proposes such a site: it is left out when the place is counted or planned (the place, or
the plan, is already there), and becomes "add a session to the place" (``add_session_to``) when the place is
an existing one that is not counted because it is not open at the planning moment ``at``.
"""

SESSION_ID_PREFIX = "session:"
"""Id prefix of a proposal that adds a session to an existing place (``session:<place id>``)."""


def _boundary_union(project: Project) -> Any:
    boundary = project.boundary
    if boundary is None or not len(boundary):
        return None
    if boundary.crs is not None and not boundary.crs.equals(CRS):
        boundary = boundary.to_crs(CRS)
    geoms = boundary.geometry[~(boundary.geometry.isna() | boundary.geometry.is_empty)]
    if not len(geoms):
        return None
    return geoms.union_all()


def generate_candidates(project: Project, *, spacing_m: float = DEFAULT_SPACING_M) -> gpd.GeoDataFrame:
    """Candidate sites: every area's demand point plus a regular grid inside the boundary.

    Parameters
    ----------
    project : Project
    spacing_m : float
        Grid spacing in metres. Grid points are aligned to multiples of the spacing in EPSG:3067, so the
        same project always gets the same ids.

    Returns
    -------
    GeoDataFrame
        ``id, name, kind, source, geometry`` (EPSG:3067). Ids are ``area:<area id>`` and
        ``grid:<x>:<y>`` (metres); area points first, then the grid row by row from the south-west. Without a
        boundary, the grid covers the convex hull of the areas' points
        widened by half a spacing. Sites outside the boundary are left out.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point, box
    >>> from coverage.core.model import Project
    >>> areas = gpd.GeoDataFrame({"id": ["a"], "name": ["Kylä"], "population": [10], "children_0_6": [2.0]},
    ...                          geometry=[Point(500, 500)], crs="EPSG:3067")
    >>> places = gpd.GeoDataFrame({"id": [], "name": [], "status": [], "opening_hours": []},
    ...                           geometry=[], crs="EPSG:3067")
    >>> boundary = gpd.GeoDataFrame({"name": ["K"]}, geometry=[box(0, 0, 4000, 2000)], crs="EPSG:3067")
    >>> project = Project(places=places, areas=areas, boundary=boundary)
    >>> generate_candidates(project, spacing_m=2000)["id"].tolist()
    ['area:a', 'grid:0:0', 'grid:2000:0', 'grid:4000:0', 'grid:0:2000', 'grid:2000:2000', 'grid:4000:2000']
    """
    if not (isinstance(spacing_m, (int, float)) and math.isfinite(spacing_m) and spacing_m > 0):
        raise PlanningError(
            f"the candidate grid spacing must be a positive number of metres, got {spacing_m!r}"
        )
    areas = project.areas
    xy = demand_points(areas) if len(areas) else np.empty((0, 2))
    region = _boundary_union(project)
    if region is None:
        if not len(xy):
            raise PlanningError("cannot generate candidate sites: the project has no boundary and no areas")
        region = shapely.convex_hull(shapely.multipoints(xy)).buffer(spacing_m / 2.0)
    x0, y0, x1, y1 = region.bounds
    gx = np.arange(math.floor(x0 / spacing_m), math.ceil(x1 / spacing_m) + 1) * spacing_m
    gy = np.arange(math.floor(y0 / spacing_m), math.ceil(y1 / spacing_m) + 1) * spacing_m
    if len(gx) * len(gy) > 2_000_000:
        raise PlanningError(
            f"a {spacing_m:g} m grid would have {len(gx) * len(gy)} points; use a larger spacing"
        )
    mesh_x, mesh_y = np.meshgrid(gx, gy)
    mx, my = mesh_x.ravel(), mesh_y.ravel()
    shapely.prepare(region)
    inside = shapely.intersects_xy(region, mx, my)
    mx, my = mx[inside], my[inside]
    area_ids = areas["id"].astype(str).to_numpy(object) if len(areas) else np.empty(0, object)
    in_region = shapely.intersects_xy(region, xy[:, 0], xy[:, 1]) if len(xy) else np.zeros(0, bool)
    ids = np.concatenate(
        [
            np.array([f"area:{i}" for i in area_ids[in_region]], dtype=object),
            np.array([f"grid:{x:.0f}:{y:.0f}" for x, y in zip(mx, my, strict=True)], dtype=object),
        ]
    )
    sources = np.array(
        ["generated: area point"] * int(in_region.sum()) + [f"generated: {spacing_m:g} m grid"] * len(mx),
        dtype=object,
    )
    pts = (
        np.concatenate([xy[in_region], np.column_stack([mx, my])])
        if len(mx) or in_region.any()
        else np.empty((0, 2))
    )
    names = np.array(_site_names(pts, areas), dtype=object) if len(pts) else np.empty(0, object)
    return gpd.GeoDataFrame(
        {"id": ids, "name": names, "kind": "generated", "source": sources},
        geometry=gpd.points_from_xy(pts[:, 0], pts[:, 1]) if len(pts) else gpd.GeoSeries([]),
        crs=CRS,
    )


def _site_names(pts: np.ndarray, areas: gpd.GeoDataFrame) -> list:
    """Readable names for sites: the nearest village, the distance and a Finnish compass point.

    ``"Huhmari (2,1 km KO)"`` = 2.1 km north-east (koillinen) of Huhmari. Villages are the areas' villages
    at their population-weighted centres (:func:`~coverage.analysis.villages.village_points`); a site within
    500 m of one (50 m of a point area) is the village alone. Without areas the name is the TM35FIN grid
    reference in km (``"E356 N6688"``).
    """
    if not len(areas):
        return [f"E{a / 1000:.0f} N{b / 1000:.0f}" for a, b in pts]
    points_only = bool((shapely.get_type_id(areas.geometry.to_numpy()) == 0).all())
    return describe_locations(pts, village_points(areas), "fi", near_m=50 if points_only else 500)


def _candidate_sites(
    project: Project, candidates: gpd.GeoDataFrame | None, spacing_m: float
) -> gpd.GeoDataFrame:
    """Return the candidate sites to use: EPSG:3067 points inside the boundary with ``id`` and ``name``."""
    import shapely

    if candidates is None:
        layer = project.candidates
        candidates = (
            layer if layer is not None and len(layer) else generate_candidates(project, spacing_m=spacing_m)
        )
    if not isinstance(candidates, gpd.GeoDataFrame):
        raise PlanningError(f"candidates must be a GeoDataFrame of points, got {type(candidates).__name__}")
    cands = candidates.copy()
    if cands.crs is not None and not cands.crs.equals(CRS):
        cands = cands.to_crs(CRS)
    geom = cands.geometry.to_numpy()
    bad = shapely.is_missing(geom) | shapely.is_empty(geom) if len(geom) else np.zeros(0, bool)
    if bad.any():
        rows = ", ".join(str(i + 1) for i in np.flatnonzero(bad)[:5])
        raise PlanningError(
            f"candidates: {int(bad.sum())} site(s) without a location (row {rows}); fix or remove them"
        )
    if len(geom):
        not_point = shapely.get_type_id(geom) != 0
        if not_point.any():
            geom = geom.copy()
            geom[not_point] = shapely.point_on_surface(geom[not_point])
            cands = cands.set_geometry(gpd.GeoSeries(geom, index=cands.index, crs=CRS))
    n = len(cands)
    ids = cands["id"] if "id" in cands else pd.Series(range(1, n + 1), index=cands.index, dtype=object)
    ids = ids.astype(object).where(ids.notna(), None)
    fallback_ids = [f"c{i + 1}" for i in range(n)]
    cands["id"] = [
        str(v) if v is not None and str(v).strip() else f for v, f in zip(ids, fallback_ids, strict=True)
    ]
    names = cands["name"] if "name" in cands else cands["id"]
    cands["name"] = [
        str(v) if v is not None and str(v) not in ("", "nan", "<NA>") else str(i)
        for v, i in zip(names.astype(object), cands["id"], strict=True)
    ]
    dup = cands["id"].duplicated(keep=False)
    if dup.any():
        raise PlanningError(
            f"candidates: duplicate id(s) {', '.join(sorted(set(cands['id'][dup])))[:200]}; "
            "give every site its own id"
        )
    region = _boundary_union(project)
    if region is not None and n:
        shapely.prepare(region)
        inside = shapely.intersects_xy(
            region.buffer(1.0), cands.geometry.x.to_numpy(), cands.geometry.y.to_numpy()
        )
        cands = cands.loc[inside]
    if not len(cands):
        raise PlanningError(
            "no candidate sites inside the municipality boundary; add candidates (village halls, "
            "schools, libraries) or let them be generated"
        )
    return cands.reset_index(drop=True)


def _near_places(
    project: Project, cands: gpd.GeoDataFrame, counted: np.ndarray, near_m: float = NEAR_M
) -> gpd.GeoDataFrame:
    """Apply the :data:`NEAR_M` rule to candidate sites; add the column ``add_session_to``.

    ``counted`` is aligned with ``project.places`` (the places the plan counts). A candidate within ``near_m``
    of a counted place, or of any ``planned`` place, is left out. One within ``near_m`` of an ``existing``
    place that is not counted (closed at the planning moment) is replaced by that place itself: id
    ``session:<place id>``, the place's name and location, ``add_session_to`` = the place id (one such
    candidate per place, where its first nearby candidate was). Every other candidate gets
    ``add_session_to`` ``None``.

    Raises
    ------
    CandidatesNearPlacesError
        When no candidate is left.
    """
    from scipy.spatial import cKDTree

    out = cands.copy()
    out["add_session_to"] = None
    places = project.places
    if not len(places) or not len(out):
        return out
    if places.crs is not None and not places.crs.equals(CRS):
        places = places.to_crs(CRS)
    geom = places.geometry.to_numpy()
    ok = ~(shapely.is_missing(geom) | shapely.is_empty(geom))
    status = places["status"].astype(str).str.strip().str.lower().to_numpy(object)
    counted = np.asarray(counted, dtype=bool) & ok
    blocking = ok & ((status == "planned") | counted)
    closed = ok & (status == "existing") & ~counted
    cand_xy = np.column_stack([out.geometry.x.to_numpy(float), out.geometry.y.to_numpy(float)])

    def nearest(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if not mask.any():
            return np.full(len(out), np.inf), np.full(len(out), -1)
        pts = shapely.point_on_surface(geom[mask])
        xy = np.column_stack([shapely.get_x(pts), shapely.get_y(pts)])
        dist, pos = cKDTree(xy).query(cand_xy, distance_upper_bound=near_m * (1 + 1e-9))
        rows = np.flatnonzero(mask)
        return dist, np.where(np.isfinite(dist), rows[np.minimum(pos, len(rows) - 1)], -1)

    block_d, _ = nearest(blocking)
    closed_d, closed_row = nearest(closed)
    keep = ~np.isfinite(block_d)
    session = keep & np.isfinite(closed_d)
    first = np.zeros(len(out), dtype=bool)
    seen: set[int] = set()
    for i in np.flatnonzero(session):
        if int(closed_row[i]) not in seen:
            seen.add(int(closed_row[i]))
            first[i] = True
    keep &= ~session | first
    if first.any():
        rows = closed_row[first]
        ids = places["id"].astype(str).to_numpy(object)[rows]
        names = places["name"].astype(str).to_numpy(object)[rows] if "name" in places else ids
        idx = out.index[first]
        out.loc[idx, "id"] = [f"{SESSION_ID_PREFIX}{v}" for v in ids]
        out.loc[idx, "name"] = list(names)
        if "kind" in out:
            out.loc[idx, "kind"] = "session"
        out.loc[idx, "source"] = [f"existing place {v}: add a session" for v in ids]
        out.loc[idx, "add_session_to"] = list(ids)
        pts = shapely.point_on_surface(geom[rows])
        new_geom = out.geometry.to_numpy().copy()
        new_geom[first] = pts
        out = out.set_geometry(gpd.GeoSeries(new_geom, index=out.index, crs=CRS))
    out = out.loc[keep].reset_index(drop=True)
    if not len(out):
        raise CandidatesNearPlacesError(len(cands), near_m)
    return out


def daypart_of(moment: dt.datetime) -> str | None:
    """Return the daypart (:data:`~coverage.core.schedule.DAYPARTS` key) holding ``moment``, else ``None``.

    >>> import datetime as dt
    >>> daypart_of(dt.datetime(2026, 10, 6, 10, 0)), daypart_of(dt.datetime(2026, 10, 6, 21, 0))
    ('morning', None)
    """
    hour = moment.hour + moment.minute / 60
    return next((key for key, h0, h1 in DAYPARTS if h0 <= hour < h1), None)


def _best_sessions(
    project: Project, sites_xy: np.ndarray, settings: Settings, *, include_planned: bool, model: Any
) -> tuple[list[str], list[str], list[float]]:
    """For each site, the weekday x daypart where a session adds the most children covered at that time.

    Ties are common (no existing place reaches the site's children at any time, so every slot gains the same;
    or the site gains nobody at any time): among the slots within half a child of the best, prefer a weekday
    (Mo-Fr) over the weekend, then the slot in which the fewest places of the network are already open
    (spreading the week's offer), then the earlier daypart and the earlier day. A time is therefore always
    named. Returns (weekday, daypart, children gained then) per site.
    """
    if not len(sites_xy):
        return [], [], []
    gains = weekday_gains(project, sites_xy, settings, include_planned=include_planned, model=model)
    busy = weekday_matrix(
        project, settings, include_planned=include_planned, model=model, value="places"
    ).to_numpy(float)  # (7, 3) places open
    weekend = np.zeros((7, len(DAYPARTS)))
    weekend[5:] = 1.0
    part_rank = np.broadcast_to(np.arange(len(DAYPARTS), dtype=float), (7, len(DAYPARTS)))
    day_rank = np.broadcast_to(np.arange(7, dtype=float)[:, None], (7, len(DAYPARTS)))
    days: list[str] = []
    parts: list[str] = []
    best: list[float] = []
    for table in gains:  # (7, 3), one row per proposed site (K is small)
        top = max(float(table.max()) if table.size else 0.0, 0.0)
        tied = table >= top - 0.5
        order = np.lexsort((day_rank[tied], part_rank[tied], busy[tied], weekend[tied]))
        cells = np.argwhere(tied)[order[0]]
        days.append(WEEKDAYS[int(cells[0])])
        parts.append(DAYPARTS[int(cells[1])][0])
        best.append(float(table[cells[0], cells[1]]))
    return days, parts, best


def _site_session(day: str, daypart: str | None, at: dt.datetime | None) -> str:
    """Return opening hours for a proposed site: two hours on its best weekday, inside its best daypart.

    Without ``at``: the daypart's typical session (:data:`_SESSION_HOURS`). With ``at`` (the best time is
    then at's weekday and daypart): the two hours holding ``at`` that stay inside its daypart (``Tu 10:00`` ->
    ``Tu 10:00-12:00``, ``Tu 11:30`` -> ``Tu 10:00-12:00``); outside the dayparts, two hours from ``at``.
    """
    if at is not None:
        day = WEEKDAYS[at.weekday()]
        start = at.hour * 60 + at.minute
        part = next(((h0, h1) for key, h0, h1 in DAYPARTS if key == daypart), None)
        if part is not None:
            start = min(start, part[1] * 60 - 120)
        end = min(start + 120, 24 * 60 - 1)
        return f"{day} {start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"
    h0, h1 = _SESSION_HOURS[daypart or "morning"]
    return f"{day} {h0:02d}:00-{h1:02d}:00"


def session_rows(sites: pd.DataFrame) -> np.ndarray:
    """Bool per row of a ``new_sites`` frame: the proposal adds a session to an existing place."""
    if "add_session_to" not in sites or not len(sites):
        return np.zeros(len(sites), dtype=bool)
    return np.array([isinstance(v, str) and bool(v.strip()) for v in sites["add_session_to"]], dtype=bool)


def add_sessions(project: Project, sites: pd.DataFrame, *, at: dt.datetime | None = None) -> Project:
    """Return a copy of ``project`` where each "add a session" proposal of ``sites`` is in its place's hours.

    Rows whose ``add_session_to`` names a place get their ``opening_hours`` (one weekly session) added to
    that place's rule by :func:`~coverage.planning.reschedule.add_session_rule`, verified on the week of
    ``at``; every other column and place is kept. Other rows are ignored.

    Raises
    ------
    PlanningError
        A place that is not in the project, or hours that cannot be edited safely (nothing is changed then).
    """
    from .reschedule import add_session_rule

    out = project.copy()
    mask = session_rows(sites)
    if not mask.any():
        return out
    places = out.places.copy()
    ids = places["id"].astype(str).to_numpy(object)
    col = places.columns.get_loc("opening_hours")
    for target, hours in zip(sites["add_session_to"][mask], sites["opening_hours"][mask], strict=True):
        rows = np.flatnonzero(ids == str(target))
        if not len(rows):
            raise PlanningError(f"cannot add a session to the place {target!r}: it is not in the project")
        old = places.iat[int(rows[0]), col]
        old = "" if old is None or (isinstance(old, float) and math.isnan(old)) else str(old)
        places.iat[int(rows[0]), col] = add_session_rule(old, str(hours), week=at)
    out.places = places
    return out


def add_sites(
    project: Project, sites: gpd.GeoDataFrame, *, status: str = "planned", at: dt.datetime | None = None
) -> Project:
    """Return a copy of ``project`` with ``sites`` (a :attr:`PlanResult.new_sites` frame) added as places.

    Rows get ``status`` (default ``planned``), ``kind`` ``other``, the site's ``opening_hours`` and a note
    naming the proposal. Ids already used by a place get a ``-2``, ``-3`` ... suffix. A row that adds a
    session to an existing place (``add_session_to``) adds no place: its session goes into that place's
    opening hours (:func:`add_sessions`, verified on the week of ``at``).
    """
    if status not in STATUSES:
        raise PlanningError(f"status must be one of {', '.join(STATUSES)}, got {status!r}")
    out = add_sessions(project, sites, at=at)
    sites = sites.loc[~session_rows(sites)]
    if not len(sites):
        return out
    used = set(out.places["id"].astype(str)) if len(out.places) else set()
    ids = []
    for sid in sites["id"].astype(str):
        new, n = sid, 1
        while new in used:
            n += 1
            new = f"{sid}-{n}"
        used.add(new)
        ids.append(new)
    hours = (
        sites["opening_hours"] if "opening_hours" in sites else pd.Series("Tu 09:00-11:00", index=sites.index)
    )
    rows = gpd.GeoDataFrame(
        {
            "id": ids,
            "name": sites["name"].astype(str).to_numpy(object),
            "kind": "other",
            "opening_hours": hours.astype(str).to_numpy(object),
            "status": status,
            "notes": [
                f"proposed by Katve planning ({s})"
                for s in sites.get("source", pd.Series("", index=sites.index))
            ],
            "source": "katve plan",
        },
        geometry=gpd.GeoSeries(sites.geometry.to_numpy(), crs=sites.crs).to_crs(out.places.crs or sites.crs),
        crs=out.places.crs or sites.crs,
    )
    rows = conform(rows, PLACE_FIELDS)
    base = conform(out.places, PLACE_FIELDS) if len(out.places) else None
    merged = (
        rows
        if base is None
        else pd.concat(
            [
                base,
                rows.astype(
                    {c: base[c].dtype for c in rows.columns if c in base and c != "geometry"}, errors="ignore"
                ),
            ],
            ignore_index=True,
        )
    )
    out.places = gpd.GeoDataFrame(merged, geometry="geometry", crs=rows.crs)
    return out
