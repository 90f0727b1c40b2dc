"""One project and its settings -> every result the outputs need, computed once, lazily."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..core.errors import ExportError, KatveError
from ..core.i18n import check_language
from ..core.model import CRS, Project, Settings
from ..core.schedule import reference_week
from ..travel.base import TravelModel
from ..travel.choose import model_from_settings
from .reach import CoverageResult, analyze, blind_spot_polygons, demand_points, reach_areas
from .stats import VisitStats, compute, visits_per_place
from .week import overlaps as find_overlaps
from .week import week_hours, weekday_matrix


@dataclass
class Study:
    """One project and its settings, analysed once: every result the outputs need, computed lazily.

    The app's pages, every export format and the meeting report read their figures from a Study, so a number
    shown in one place is the number shown in all the others (and is computed once). Build it with
    :func:`prepare` (or :meth:`from_parts` from results computed elsewhere). The heavier parts (reach areas,
    blind-spot polygons, weekday matrix, overlaps, the plan's scenario) are computed on first use, all with
    the same travel model (:attr:`model`).
    """

    project: Project
    result: CoverageResult
    include_planned: bool = False
    plan: Any = None
    lang: str = "fi"
    today: dt.date = field(default_factory=dt.date.today)
    week: dt.date | None = None
    scenarios: Any = None  # a coverage.planning.scenarios.Comparison for the report's scenario page

    @classmethod
    def from_parts(
        cls,
        project: Project,
        result: CoverageResult,
        *,
        reach: gpd.GeoDataFrame | None = None,
        blind: gpd.GeoDataFrame | None = None,
        matrix: pd.DataFrame | None = None,
        overlaps: pd.DataFrame | None = None,
        model: TravelModel | None = None,
        **options: Any,
    ) -> Study:
        """Assemble from results computed elsewhere (the app's cache); the missing parts are computed lazily.

        ``options`` are the other fields (``include_planned``, ``plan``, ``lang``, ``today``, ``week``,
        ``scenarios``).
        """
        data = cls(project=project, result=result, **options)
        data.lang = check_language(data.lang)
        parts = {"reach": reach, "blind": blind, "matrix": matrix, "overlaps": overlaps, "model": model}
        data.__dict__.update({k: v for k, v in parts.items() if v is not None})  # fills the cached properties
        return data

    @property
    def settings(self) -> Settings:
        """The settings of the analysis."""
        return self.result.settings

    @property
    def name(self) -> str:
        """The municipality (project) name."""
        return self.project.municipality_name or "Katve"

    @property
    def monday(self) -> dt.date:
        """Monday of the reference week (``week``, else the next full term week after ``today``)."""
        day = self.week or reference_week(self.today)
        return day - dt.timedelta(days=day.weekday())

    @cached_property
    def model(self) -> TravelModel:
        """The travel model of the settings, built once for every part of the study."""
        return model_from_settings(self.settings)

    @cached_property
    def reach(self) -> gpd.GeoDataFrame:
        """Reach area of each counted place (:func:`coverage.analysis.reach.reach_areas`)."""
        return reach_areas(
            self.project,
            self.settings,
            at=self.result.at,
            include_planned=self.include_planned,
            model=self.model,
        )

    @cached_property
    def blind(self) -> gpd.GeoDataFrame:
        """Blind-spot polygons (:func:`coverage.analysis.reach.blind_spot_polygons`)."""
        return blind_spot_polygons(self.project, model=self.model, result=self.result)

    @cached_property
    def matrix(self) -> pd.DataFrame:
        """Children covered per weekday x daypart (:func:`coverage.analysis.week.weekday_matrix`)."""
        return weekday_matrix(
            self.project,
            self.settings,
            week=self.week,
            include_planned=self.include_planned,
            model=self.model,
        )

    @cached_property
    def overlaps(self) -> pd.DataFrame:
        """Simultaneous sessions of nearby places (:func:`coverage.analysis.week.overlaps`)."""
        return find_overlaps(
            self.project,
            self.settings,
            week=self.week,
            include_planned=self.include_planned,
            model=self.model,
        )

    @cached_property
    def hours_per_week(self) -> np.ndarray:
        """Hours each place (in project order) is open in the reference week; NaN for unreadable hours."""
        return week_hours(self.result.places, self.monday)

    @cached_property
    def children_within(self) -> np.ndarray:
        """Children 0-6 within the threshold of each place (counted or not), in project order."""
        places, areas = self.result.places, self.result.areas
        kids = pd.to_numeric(areas["children_0_6"], errors="coerce").fillna(0.0).to_numpy(float)
        if not len(places) or not len(areas):
            return np.zeros(len(places))
        demand = self.result.demand_xy if self.result.demand_xy is not None else demand_points(areas)
        sites = demand_points(places)
        pairs = self.model.within(demand, sites, self.settings.threshold_in_minutes * (1 + 1e-9))
        ok = np.ones(len(pairs.rows), bool)
        if self.settings.threshold_km is not None and hasattr(self.model, "pair_distance_km"):
            km = self.model.pair_distance_km(demand[pairs.rows], sites[pairs.cols])
            ok = km <= self.settings.threshold_km * (1 + 1e-9)
        return np.bincount(pairs.cols[ok], weights=kids[pairs.rows[ok]], minlength=len(places))

    @cached_property
    def visits_per_place(self) -> pd.DataFrame | None:
        """Sessions and visitors per place, indexed by ``place_id`` (``None`` without readable visits).

        As :func:`coverage.analysis.stats.visits_per_place` counts them; unreadable visits give ``None``
        (the statistics page says why).
        """
        visits = self.project.visits
        if visits is None or not len(visits):
            return None
        try:  # the same figures as the statistics page: a session is a distinct (place, date)
            return visits_per_place(self.project).set_index("place_id")
        except KatveError:
            return None

    @cached_property
    def visit_stats(self) -> VisitStats:
        """The visitor statistics of the current term (:func:`coverage.analysis.stats.compute`)."""
        return compute(self.project, today=self.today)

    @cached_property
    def proposals(self) -> gpd.GeoDataFrame:
        """Proposed new sites of ``plan`` (:func:`proposals_from_plan`); empty without a plan."""
        return proposals_from_plan(self.plan)

    @cached_property
    def after(self) -> Study:
        """The plan's scenario (its proposals added as existing places) as a study of its own.

        The study itself when the plan cannot build one (e.g. a bare table of sites) or there is no plan.
        """
        scenario = getattr(self.plan, "scenario", None)
        if not callable(scenario):
            return self
        try:  # the proposals as existing places: the maps then show what plan.after counts
            project = scenario(self.project, status="existing")
        except TypeError:
            project = scenario(self.project)
        return prepare(
            project,
            self.settings,
            at=self.result.at,
            include_planned=self.include_planned,
            plan=self.plan,
            lang=self.lang,
            today=self.today,
            week=self.week,
        )


def prepare(
    project: Project,
    settings: Settings | None = None,
    *,
    at: dt.datetime | str | None = None,
    include_planned: bool = False,
    plan: Any = None,
    lang: str | None = None,
    today: dt.date | None = None,
    week: dt.date | None = None,
) -> Study:
    """Analyse ``project`` once for all outputs.

    Parameters
    ----------
    project : Project
    settings : Settings, optional
        Default: the project's.
    at : datetime or str, optional
        Count only places open then (``"Tu 10:00"``), as in ``analyze --at``.
    include_planned : bool
        Count planned places too.
    plan : PlanResult, optional
        A :func:`coverage.planning.plan.plan` result: its proposed sites go to the map, the GeoPackage and
        the report's before/after page.
    lang : {"fi", "sv", "en"}, optional
        Language of headers, legends and the report. Default: the settings' language, else Finnish.
    today : date, optional
        The date printed on maps and used to choose the calendar's term (default: today).
    week : date, optional
        Reference week of the weekday matrix and overlaps (default: the next full term week).
    """
    settings = settings or project.settings
    lang = check_language(lang or getattr(settings, "language", None))
    model = model_from_settings(settings)
    result = analyze(project, settings, at=at, include_planned=include_planned, model=model)
    return Study.from_parts(
        project,
        result,
        model=model,
        include_planned=include_planned,
        plan=plan,
        lang=lang,
        today=today or dt.date.today(),
        week=week,
    )


def proposals_from_plan(plan: Any) -> gpd.GeoDataFrame:
    """Return the proposed new sites of a plan as ``label, id, name, children_gained, geometry`` (EPSG:3067).

    ``label`` is the letter on the maps (A, B, ...); ``best_weekday``, ``best_daypart``, ``opening_hours``
    (the suggested session) and ``add_session_to`` (the existing place the session is for; ``""`` for a new
    place) are kept when the plan gives them.

    Accepts a :class:`coverage.planning.plan.PlanResult` (its ``new_sites``), a GeoDataFrame of points, a
    DataFrame or list of dicts with ``lon``/``lat`` (the ``plan --json`` form); ``None`` gives an empty layer.
    """
    empty = gpd.GeoDataFrame(
        {
            "label": pd.Series(dtype=object),
            "id": pd.Series(dtype=object),
            "name": pd.Series(dtype=object),
            "children_gained": pd.Series(dtype=float),
        },
        geometry=gpd.GeoSeries([], crs=CRS),
        crs=CRS,
    )
    if plan is None:
        return empty
    sites: Any = plan if isinstance(plan, (pd.DataFrame, list)) else None
    for attr in ("new_sites", "chosen", "sites"):
        if sites is None and getattr(plan, attr, None) is not None:
            sites = getattr(plan, attr)
    if isinstance(sites, list):
        sites = pd.DataFrame(sites)
    if not isinstance(sites, pd.DataFrame):
        raise ExportError(f"cannot read proposed sites from {type(plan).__name__}; expected new_sites")
    if not isinstance(sites, gpd.GeoDataFrame):
        if not {"lon", "lat"} <= set(sites.columns):
            raise ExportError("proposed sites need a geometry or lon/lat columns")
        sites = gpd.GeoDataFrame(
            sites, geometry=gpd.points_from_xy(sites["lon"], sites["lat"]), crs="EPSG:4326"
        )
    if sites.crs is None:
        sites = sites.set_crs(CRS)
    sites = sites.to_crs(CRS) if not sites.crs.equals(CRS) else sites
    n = len(sites)
    ids = (
        sites["id"].astype(str).to_numpy(object)
        if "id" in sites
        else np.array([f"N{i + 1}" for i in range(n)], dtype=object)
    )
    names = sites["name"].astype(str).to_numpy(object) if "name" in sites else ids.copy()
    gained = (
        pd.to_numeric(sites["children_gained"], errors="coerce").to_numpy(float)
        if "children_gained" in sites
        else np.full(n, np.nan)
    )
    geometry = gpd.GeoSeries(shapely.point_on_surface(sites.geometry.to_numpy()) if n else [], crs=CRS)
    out = gpd.GeoDataFrame(
        {"label": [map_label(i) for i in range(n)], "id": ids, "name": names, "children_gained": gained},
        geometry=geometry,
        crs=CRS,
    )
    for col in ("best_weekday", "best_daypart", "opening_hours", "add_session_to"):  # "": a new place
        if col in sites:
            out[col] = sites[col].astype(object).where(sites[col].notna(), "").astype(str).to_numpy(object)
    return out


def map_label(i: int) -> str:
    """Map label of the i-th proposed site: 0 -> A, 25 -> Z, 26 -> AA (places have numbers)."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out
