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

from ..core.errors import ExportError
from ..core.i18n import check_language
from ..core.model import CRS, Project, Settings
from ..travel.choose import model_from_settings
from . import week as analysis_week
from .reach import CoverageResult, analyze, blind_spot_polygons, reach_areas
from .week import weekday_matrix

# --- the data behind every export ------------------------------------------------------------------------


@dataclass
class ExportData:
    """A project and its analysis, computed once and shared by every format.

    Build it with :func:`prepare`. The heavier parts (reach areas, blind-spot polygons, weekday matrix,
    overlaps) are computed on first use.
    """

    project: Project
    result: CoverageResult
    include_planned: bool = False
    plan: Any = None
    lang: str = "fi"
    today: dt.date = field(default_factory=dt.date.today)
    week: dt.date | None = None

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
        **options: Any,
    ) -> ExportData:
        """Assemble from results computed elsewhere (the app's cache); the missing parts are computed lazily.

        ``options`` are the other fields (``include_planned``, ``plan``, ``lang``, ``today``, ``week``).
        """
        data = cls(project=project, result=result, **options)
        data.lang = check_language(data.lang)
        parts = {"reach": reach, "blind": blind, "matrix": matrix, "overlaps": overlaps}
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

    @cached_property
    def reach(self) -> gpd.GeoDataFrame:
        """Reach area of each counted place (:func:`coverage.analysis.reach.reach_areas`)."""
        return reach_areas(
            self.project, self.settings, at=self.result.at, include_planned=self.include_planned
        )

    @cached_property
    def blind(self) -> gpd.GeoDataFrame:
        """Blind-spot polygons (:func:`coverage.analysis.reach.blind_spot_polygons`)."""
        return blind_spot_polygons(
            self.project, self.settings, at=self.result.at, include_planned=self.include_planned
        )

    @cached_property
    def matrix(self) -> pd.DataFrame:
        """Children covered per weekday x daypart (:func:`coverage.analysis.week.weekday_matrix`)."""
        return weekday_matrix(
            self.project, self.settings, week=self.week, include_planned=self.include_planned
        )

    @cached_property
    def overlaps(self) -> pd.DataFrame:
        """Simultaneous sessions of nearby places (:func:`coverage.analysis.week.overlaps`)."""
        return analysis_week.overlaps(
            self.project, self.settings, week=self.week, include_planned=self.include_planned
        )

    @cached_property
    def proposals(self) -> gpd.GeoDataFrame:
        """Proposed new sites of ``plan`` (``id, name, children_gained, geometry``); empty without a plan."""
        return proposals_from_plan(self.plan)


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
) -> ExportData:
    """Analyse ``project`` once for all exports.

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
        A :func:`coverage.planning.plan` result: its proposed sites go to the map, the GeoPackage and the
        report's before/after page.
    lang : {"fi", "sv", "en"}, optional
        Language of headers, legends and the report. Default: the settings' language, else Finnish.
    today : date, optional
        The date printed on maps and used to choose the calendar's term (default: today).
    week : date, optional
        Reference week of the weekday matrix and overlaps (default: the next full term week).
    """
    settings = settings or project.settings
    lang = check_language(lang or getattr(settings, "language", None))
    result = analyze(project, settings, at=at, include_planned=include_planned)
    return ExportData(
        project=project,
        result=result,
        include_planned=include_planned,
        plan=plan,
        lang=lang,
        today=today or dt.date.today(),
        week=week,
    )


def _model(data: ExportData):  # noqa: ANN202 - a TravelModel

    return model_from_settings(data.settings)


def proposals_from_plan(plan: Any) -> gpd.GeoDataFrame:
    """Return the proposed new sites of a plan as ``label, id, name, children_gained, geometry`` (EPSG:3067).

    ``label`` is the letter on the maps (A, B, ...); ``best_weekday``, ``best_daypart`` and ``opening_hours``
    (the suggested session) are kept when the plan gives them.

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
        {"label": [_letters(i) for i in range(n)], "id": ids, "name": names, "children_gained": gained},
        geometry=geometry,
        crs=CRS,
    )
    for col in ("best_weekday", "best_daypart", "opening_hours"):
        if col in sites:
            out[col] = sites[col].astype(object).where(sites[col].notna(), "").astype(str).to_numpy(object)
    return out


def _letters(i: int) -> str:
    """Map label of the i-th proposed site: 0 -> A, 25 -> Z, 26 -> AA (places have numbers)."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out
