"""Exports for planners and the network meeting: GeoPackage, HTML map, print map, tables, calendar, report.

One entry point, :func:`export` (``python -m coverage export`` and the app's "Vienti" page use it), writes one
of :data:`FORMATS`; :func:`export_bytes` returns the same content as bytes (download buttons). The analysis
behind every format is computed once by :func:`prepare` into an :class:`ExportData` (or assembled from
cached results with :meth:`ExportData.from_parts`). Headers, legends and the report are in Finnish, Swedish
or English (``lang``; the strings are the ``export.`` section of :mod:`coverage.i18n`).

Formats and their choices
-------------------------
``gpkg``
    A GeoPackage for QGIS, EPSG:3067, with the layers of :data:`GPKG_LAYERS` (Finnish layer names, the data
    model's English field names so that the layers can be copied back into a project):
    ``kohtaamispaikat`` (places + ``counted``, ``children_within``, ``children_nearest``, ``hours_per_week``),
    ``alueet_kattavuus`` (areas + ``nearest_place_id``, ``nearest_place``, ``straight_km``, ``distance_km``,
    ``minutes``, ``covered``), ``kuntaraja``, ``saavutettavuusalueet`` (reach of each counted place),
    ``katvealueet`` (blind-spot polygons), ``ehdotukset`` (proposed new sites with their map letter, children
    gained and suggested session; only with a plan) and the attribute table ``yhteenveto`` (settings, travel
    model and headline figures as key/value rows). Booleans are 0/1 integers (GeoPackage has no booleans).
``html``
    The app's interactive map (:func:`coverage.maps.coverage_map`) as one standalone file: Leaflet's JS and
    CSS inlined from ``static/leaflet/`` (fetched by ``make static/leaflet/leaflet.js``), no tiles, so it
    works offline; a title box with the headline figure; proposals in yellow. Text from the data is escaped
    (HTML) and embedded with :func:`coverage.maps.script_json` (inert to branca's second Jinja pass).
``png`` / ``pdf``
    The A4 landscape print map of :mod:`coverage.printmap` (matplotlib, no internet). Names are drawn as
    plain text (matplotlib's mathtext is off: ``$x^2$`` stays as typed).
``csv``
    One table (``table="areas"`` or ``"places"``) as Finnish Excel opens it by double-click: ``;`` separator,
    UTF-8 with BOM, decimal comma, CRLF line ends, headers in the chosen language, yes/no as words. With
    ``lang="en"`` the separator is ``,`` and the decimal mark ``.``. Text starting like a spreadsheet formula
    (``=``, ``+``, ``-``, ``@``, tab, CR) gets a leading ``'`` (OWASP "CSV Injection",
    :func:`defuse_formula`).
``xlsx``
    Sheets *Yhteenveto*, *Alueet* and *Kohtaamispaikat* with localised headers, bold frozen header row,
    autofilter, column widths fitted to the content and number formats (``0.0`` for km and children).
    Text is stored as string cells, never as formulas (formula-like text also carries Excel's quote prefix).
``ics``
    The family calendar (perhekalenteri): one VEVENT per session of every existing place over a term (RFC
    5545, TZID Europe/Helsinki with its VTIMEZONE, stable UIDs so re-imports update instead of duplicating).
    Sessions come from :func:`coverage.schedule.open_intervals`, so public holidays (``PH off``) and
    seasons (``Sep-May``) apply. Default period: the rest of the current term (:func:`term_period`).
``report``
    The meeting report of :mod:`coverage.report` (a multi-page A4 PDF).

Examples
--------
>>> from coverage.datasets import load_dataset
>>> data = prepare(load_dataset("vihti"))
>>> table = area_table(data)
>>> int(table["covered"].sum()) == data.result.summary["areas_covered"]
True
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import json
import math
import os
import re
import tempfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import analysis, i18n, schedule
from .model import CRS, KatveError, Project, Settings

FORMATS = ("gpkg", "html", "png", "pdf", "csv", "xlsx", "ics", "report")
"""Export formats, as accepted by ``--format``."""

SUFFIXES = {
    "gpkg": ".gpkg",
    "html": ".html",
    "png": ".png",
    "pdf": ".pdf",
    "csv": ".csv",
    "xlsx": ".xlsx",
    "ics": ".ics",
    "report": ".pdf",
}
MEDIA_TYPES = {
    "gpkg": "application/geopackage+sqlite3",
    "html": "text/html",
    "png": "image/png",
    "pdf": "application/pdf",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ics": "text/calendar",
    "report": "application/pdf",
}
LANGUAGES = ("fi", "sv", "en")
TABLES = ("areas", "places")

GPKG_LAYERS = {
    "places": "kohtaamispaikat",
    "areas": "alueet_kattavuus",
    "boundary": "kuntaraja",
    "reach": "saavutettavuusalueet",
    "blind_spots": "katvealueet",
    "proposals": "ehdotukset",
    "summary": "yhteenveto",
}
"""Layer names in the exported GeoPackage (key: what it holds)."""

ATTRIBUTION = "© Maanmittauslaitos, Tilastokeskus, CC BY 4.0"
"""Data attribution printed on every map (boundaries: NLS; population: Statistics Finland)."""

LEAFLET_DIR = Path(__file__).resolve().parent.parent / "static" / "leaflet"


class ExportError(KatveError):
    """An export cannot be written (unknown format, unwritable path, missing Leaflet, ...)."""


# --- document text: the "export." section of coverage.i18n ------------------------------------------------

AREA_COLUMNS = (
    "id",
    "name",
    "municipality",
    "population",
    "children_0_6",
    "children_estimated",
    "nearest_place_id",
    "nearest_place",
    "straight_km",
    "distance_km",
    "minutes",
    "covered",
)
PLACE_COLUMNS = (
    "id",
    "name",
    "organiser",
    "organiser_type",
    "kind",
    "address",
    "opening_hours",
    "ages",
    "languages",
    "status",
    "counted",
    "hours_per_week",
    "children_within",
    "children_nearest",
)
VISIT_COLUMNS = ("sessions", "visitors_children", "visitors_adults")
_BOOL_COLUMNS = ("children_estimated", "covered", "counted")
_CODED_COLUMNS = ("status", "kind", "organiser_type")  # translated with i18n.label
_DECIMALS = {
    "children_0_6": 1,
    "straight_km": 2,
    "distance_km": 2,
    "minutes": 1,
    "hours_per_week": 1,
    "children_within": 1,
    "children_nearest": 1,
    "area_km2": 2,
    "children_gained": 1,
}


def check_language(lang: str | None) -> str:
    """Return ``lang`` (default ``"fi"``) or raise :class:`ExportError` naming the choices."""
    lang = (lang or "fi").lower()
    if lang not in LANGUAGES:
        raise ExportError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    return lang


def text(key: str, lang: str = "fi", **values: Any) -> str:
    """Return the document string ``export.<key>`` of :mod:`coverage.i18n` in ``lang``, filled in."""
    return i18n.t(f"export.{key}", lang, **values)


def header(column: str, lang: str = "fi") -> str:
    """Printable header of a table column (``export.col.<column>``; the column name itself if unknown)."""
    key = f"export.col.{column}"
    return i18n.t(key, lang) if i18n.has(key) else column


def yes_no(value: Any, lang: str = "fi") -> str:
    """``kyllä`` / ``ei`` (``""`` for a missing value)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return i18n.t("common.yes" if bool(value) else "common.no", lang)


def fmt_number(value: Any, lang: str = "fi", digits: int = 0) -> str:
    """Format ``1234.5`` as ``"1 234,5"`` (fi/sv) or ``"1,234.5"`` (en); ``–`` if missing."""
    try:
        f = float(value)
    except (TypeError, ValueError):
        return "–"
    return i18n.fmt_number(f, digits, lang=lang)


def fmt_share(share: Any, lang: str = "fi", digits: int = 0) -> str:
    """``0.873`` -> ``"87 %"`` (fi/sv) or ``"87%"`` (en); ``None`` -> ``"–"``."""
    try:
        f = float(share)
    except (TypeError, ValueError):
        return "–"
    return i18n.fmt_share(f, digits, lang=lang)


def fmt_date(day: dt.date, lang: str = "fi") -> str:
    """Format a date as people write it in ``lang`` (``14.5.2026``)."""
    return f"{day.day}.{day.month}.{day.year}" if lang in ("fi", "sv") else day.strftime("%-d %b %Y")


def describe_settings(
    result: analysis.CoverageResult, lang: str = "fi", *, include_planned: bool = False
) -> str:
    """One line: mode, threshold, travel model (and the moment, with ``at``)."""
    s = result.settings
    mode = i18n.label("mode", s.mode, lang)
    line = text(
        "travel.km" if s.threshold_km is not None else "travel.minutes",
        lang,
        mode=mode,
        value=threshold_text(s, lang, unit=False),
    )
    model = result.model or {}
    name = str(model.get("model", ""))
    speed = float(model.get("speed_kmh", s.speed_kmh))
    circuity = fmt_number(model.get("circuity", s.circuity), lang, 2).rstrip("0").rstrip(",.")
    key = name if i18n.has(f"export.model.{name}") else "other"
    speed_text = fmt_number(speed, lang, _digits(speed))
    line += f" ({text(f'model.{key}', lang, circuity=circuity, speed=speed_text, model=name)})"
    if result.at is not None:
        line += "; " + text("at", lang, when=weekday_time(result.at, lang))
    if include_planned:
        line += "; " + text("planned_counted", lang)
    return line


def threshold_text(settings: Settings, lang: str = "fi", *, unit: bool = True) -> str:
    """Format the threshold as ``"10 min"`` or ``"8,5 km"`` (without the unit: ``"10"``)."""
    value = settings.threshold_km if settings.threshold_km is not None else settings.threshold_in_minutes
    number = fmt_number(value, lang, _digits(value))
    if not unit:
        return number
    return text("report.km" if settings.threshold_km is not None else "report.minutes", lang, value=number)


def weekday_time(when: dt.datetime, lang: str = "fi") -> str:
    """``"ti 10.00"`` (fi/sv) / ``"Tue 10:00"`` (en)."""
    day = i18n.weekday_name(when.weekday(), lang, short=True)
    return f"{day} {when:%H:%M}" if lang == "en" else f"{day} {when:%H.%M}"


def _digits(value: float) -> int:
    return 0 if float(value).is_integer() else 1


# --- the data behind every export ------------------------------------------------------------------------


@dataclass
class ExportData:
    """A project and its analysis, computed once and shared by every format.

    Build it with :func:`prepare`. The heavier parts (reach areas, blind-spot polygons, weekday matrix,
    overlaps) are computed on first use.
    """

    project: Project
    result: analysis.CoverageResult
    include_planned: bool = False
    plan: Any = None
    lang: str = "fi"
    today: dt.date = field(default_factory=dt.date.today)
    week: dt.date | None = None

    @classmethod
    def from_parts(
        cls,
        project: Project,
        result: analysis.CoverageResult,
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
        """Reach area of each counted place (:func:`coverage.analysis.reach_areas`)."""
        return analysis.reach_areas(
            self.project, self.settings, at=self.result.at, include_planned=self.include_planned
        )

    @cached_property
    def blind(self) -> gpd.GeoDataFrame:
        """Blind-spot polygons (:func:`coverage.analysis.blind_spot_polygons`)."""
        return analysis.blind_spot_polygons(
            self.project, self.settings, at=self.result.at, include_planned=self.include_planned
        )

    @cached_property
    def matrix(self) -> pd.DataFrame:
        """Children covered per weekday x daypart (:func:`coverage.analysis.weekday_matrix`)."""
        return analysis.weekday_matrix(
            self.project, self.settings, week=self.week, include_planned=self.include_planned
        )

    @cached_property
    def overlaps(self) -> pd.DataFrame:
        """Simultaneous sessions of nearby places (:func:`coverage.analysis.overlaps`)."""
        return analysis.overlaps(
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
    result = analysis.analyze(project, settings, at=at, include_planned=include_planned)
    return ExportData(
        project=project,
        result=result,
        include_planned=include_planned,
        plan=plan,
        lang=lang,
        today=today or dt.date.today(),
        week=week,
    )


def proposals_from_plan(plan: Any) -> gpd.GeoDataFrame:
    """Return the proposed new sites of a plan as ``label, id, name, children_gained, geometry`` (EPSG:3067).

    ``label`` is the letter on the maps (A, B, ...); ``best_weekday``, ``best_daypart`` and ``opening_hours``
    (the suggested session) are kept when the plan gives them.

    Accepts a :class:`coverage.planning.PlanResult` (its ``new_sites``), a GeoDataFrame of points, a
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


# --- tables ------------------------------------------------------------------------------------------------


def area_table(data: ExportData) -> pd.DataFrame:
    """One row per area: demand, nearest counted place, distances and whether it is covered.

    Columns :data:`AREA_COLUMNS` (English keys; see :func:`localise` for printable headers).
    """
    a = data.result.areas
    places = data.result.places
    names = dict(zip(places["id"].astype(str), places["name"].astype(str), strict=True))
    out = pd.DataFrame(index=range(len(a)))
    for col in AREA_COLUMNS:
        if col == "nearest_place":
            out[col] = [names.get(str(p), "") if p is not None else "" for p in a["nearest_place_id"]]
        elif col == "nearest_place_id":
            out[col] = [("" if p is None else str(p)) for p in a["nearest_place_id"]]
        elif col in a:
            out[col] = a[col].to_numpy()
    out["population"] = pd.to_numeric(out["population"], errors="coerce").round().astype("Int64")
    out["covered"] = a["covered"].to_numpy(bool)
    return _rounded(out)


def place_table(data: ExportData) -> pd.DataFrame:
    """One row per place: who runs it, when it is open, whether it counts and whom it reaches.

    ``hours_per_week`` is in the reference week; ``children_within`` the children 0-6 whose area is within
    the threshold of the place (counted or not); ``children_nearest`` the children for whom it is the nearest
    counted place. With visits in the project: ``sessions``, ``visitors_children``, ``visitors_adults``
    (as :func:`coverage.stats.visits_per_place` counts them).
    """
    p = data.result.places
    areas = data.result.areas
    out = pd.DataFrame({col: p[col].to_numpy() for col in PLACE_COLUMNS if col in p})
    out["counted"] = p["counted"].to_numpy(bool)
    monday = data.week or schedule.reference_week(data.today)
    monday = monday - dt.timedelta(days=monday.weekday())
    start = dt.datetime.combine(monday, dt.time(0), tzinfo=schedule.TZ)
    hours = {}
    for value in pd.unique(p["opening_hours"].astype(str)):
        try:
            hours[value] = schedule.open_minutes_between(value, start, start + dt.timedelta(days=7)) / 60.0
        except schedule.ScheduleError:
            hours[value] = np.nan
    out["hours_per_week"] = [hours[v] for v in p["opening_hours"].astype(str)]
    kids = pd.to_numeric(areas["children_0_6"], errors="coerce").fillna(0.0).to_numpy(float)
    model_ = _model(data)
    if len(p) and len(areas):
        pairs = model_.within(
            analysis.demand_points(areas),
            analysis.demand_points(p),
            data.settings.threshold_in_minutes * (1 + 1e-9),
        )
        dist_ok = np.ones(len(pairs.rows), bool)
        if data.settings.threshold_km is not None and hasattr(model_, "pair_distance_km"):
            d = model_.pair_distance_km(
                analysis.demand_points(areas)[pairs.rows], analysis.demand_points(p)[pairs.cols]
            )
            dist_ok = d <= data.settings.threshold_km * (1 + 1e-9)
        within = np.bincount(pairs.cols[dist_ok], weights=kids[pairs.rows[dist_ok]], minlength=len(p))
    else:
        within = np.zeros(len(p))
    out["children_within"] = within
    nearest = (
        pd.Series(kids, index=areas["nearest_place_id"].astype(object).to_numpy()).groupby(level=0).sum()
    )
    out["children_nearest"] = [float(nearest.get(str(i), 0.0)) for i in p["id"].astype(str)]
    visits = data.project.visits
    if visits is not None and len(visits):
        from . import stats

        try:  # the same figures as the statistics page: a session is a distinct (place, date)
            per_place = stats.visits_per_place(data.project).set_index("place_id")
        except KatveError:  # unreadable visits: the table goes without them (the stats page names why)
            per_place = None
        if per_place is not None:
            ids = p["id"].astype(str)
            for col, source in (
                ("sessions", "sessions"),
                ("visitors_children", "children"),
                ("visitors_adults", "adults"),
            ):
                values = per_place[source].reindex(ids).fillna(0).astype("int64").to_numpy()
                out[col] = pd.array(values, dtype="Int64")
    return _rounded(out)


def summary_rows(data: ExportData) -> list[tuple[str, Any]]:
    """Key/value rows for the summary sheet and the GeoPackage's ``yhteenveto`` table (in ``data.lang``)."""
    lang = data.lang
    s = data.result.summary
    share = s["children_covered_share"]
    return [
        (text("municipality", lang), data.name),
        (text("created", lang), fmt_date(data.today, lang)),
        (text("travel", lang), describe_settings(data.result, lang, include_planned=data.include_planned)),
        (text("sum.children_total", lang), _round(s["children_total"], 1)),
        (text("sum.children_covered", lang), _round(s["children_covered"], 1)),
        (text("sum.children_share", lang), None if share is None else _round(100.0 * share, 1)),
        (text("sum.population_total", lang), s["population_total"]),
        (text("sum.population_covered", lang), s["population_covered"]),
        (text("sum.places_counted", lang), s["places_counted"]),
        (text("model", lang), json.dumps(data.result.model, ensure_ascii=False)),
        (text("sources", lang), ATTRIBUTION),
    ]


def localise(df: pd.DataFrame, lang: str = "fi") -> pd.DataFrame:
    """Printable copy of a table: headers, yes/no and coded values (status, kind, ...) in ``lang``."""
    lang = check_language(lang)
    out = df.copy()
    for col in _BOOL_COLUMNS:
        if col in out:
            out[col] = [yes_no(x, lang) for x in out[col].astype("boolean")]
    for col in _CODED_COLUMNS:
        if col in out:
            out[col] = [i18n.label(col, v, lang) if not pd.isna(v) else "" for v in out[col]]
    return out.rename(columns={c: header(c, lang) for c in out.columns})


def _rounded(df: pd.DataFrame) -> pd.DataFrame:
    for col, digits in _DECIMALS.items():
        if col in df:
            df[col] = pd.to_numeric(df[col], errors="coerce").astype(float).round(digits)
    return df


def _round(value: Any, digits: int) -> Any:
    try:
        return round(float(value), digits)
    except (TypeError, ValueError):
        return value


def _model(data: ExportData):  # noqa: ANN202 - a TravelModel
    from .travel import model_from_settings

    return model_from_settings(data.settings)


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""First characters that make a spreadsheet read a cell as a formula (OWASP "CSV Injection", plus the
full-width forms some spreadsheet programs fold to ASCII)."""


def defuse_formula(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with ``'`` (OWASP "CSV Injection").

    ``"=HYPERLINK(...)"`` becomes ``"'=HYPERLINK(...)"``: Excel and LibreOffice show the text and run
    nothing. Non-text values (numbers) and other text are returned unchanged.

    >>> defuse_formula("=1+1"), defuse_formula("+358 40 123"), defuse_formula("Nummela"), defuse_formula(-1.5)
    ("'=1+1", "'+358 40 123", 'Nummela', -1.5)
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def write_csv(df: pd.DataFrame, out: Any, *, lang: str = "fi") -> None:
    """Write a table as Finnish Excel reads it: ``;``-separated UTF-8 with BOM, decimal comma.

    ``out`` is a path or a binary file object. English output (``lang="en"``) uses ``,`` and ``.``.
    Text that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or
    carriage return) is written with a leading ``'`` (:func:`defuse_formula`): a CSV file has no cell
    types, so the prefix is the only way to keep Excel from evaluating a place named ``=HYPERLINK(...)``.
    """
    printable = localise(df, lang)
    for col in printable.columns:
        if printable[col].dtype == object or isinstance(printable[col].dtype, pd.StringDtype):
            printable[col] = [defuse_formula(v) for v in printable[col].astype(object)]
    sep, decimal = (",", ".") if lang == "en" else (";", ",")
    data = printable.to_csv(sep=sep, decimal=decimal, index=False, lineterminator="\r\n")
    raw = ("\ufeff" + data).encode("utf-8")
    _write_bytes(out, raw)


def write_xlsx(data: ExportData, out: Any) -> None:
    """Write the summary, area and place tables as an Excel workbook (``out``: path or binary file)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    lang = data.lang
    wb = Workbook()
    ws = wb.active
    ws.title = text("sheet.summary", lang)
    ws.append([text("key", lang), text("value", lang)])
    for key, value in summary_rows(data):
        ws.append([key, value])
        _as_text(ws[ws.max_row])
    sheets = [(text("sheet.areas", lang), area_table(data)), (text("sheet.places", lang), place_table(data))]
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="2F5D62")
    for title, df in sheets:
        sheet = wb.create_sheet(title)
        printable = localise(df, lang)
        sheet.append(list(printable.columns))
        for row in printable.itertuples(index=False):
            sheet.append([_cell(v) for v in row])
            _as_text(sheet[sheet.max_row])
        for j, col in enumerate(df.columns, start=1):
            digits = _DECIMALS.get(col)
            fmt = "0" if digits == 0 else ("0." + "0" * digits if digits else None)
            if col == "population":
                fmt = "#,##0"
            if fmt:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=j, max_col=j):
                    cell.number_format = fmt
        sheet.freeze_panes = "C2"
        sheet.auto_filter.ref = sheet.dimensions
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for j, column in enumerate(sheet.iter_cols(values_only=True), start=1):
            head = len(str(column[0] or ""))
            body = max((len(_shown(v)) for v in column[1:]), default=0)
            width = min(max(body, min(head, 18), 6) + 2, 60)
            sheet.column_dimensions[get_column_letter(j)].width = width
        sheet.row_dimensions[1].height = 32
    buf = io.BytesIO()
    wb.save(buf)
    _write_bytes(out, buf.getvalue())


def _as_text(cells: Any) -> None:
    """Keep text cells text: openpyxl stores a string starting with ``=`` as a formula.

    The cell is written as a string (shown verbatim, never evaluated) and, when it starts like a formula,
    carries Excel's quote prefix so that editing it does not turn it into one either.
    """
    for cell in cells:
        if isinstance(cell.value, str):
            if cell.data_type == "f":
                cell.data_type = "s"
            if cell.value.startswith(FORMULA_TRIGGERS):
                cell.quotePrefix = True


def _cell(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _shown(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return "" if value is None else str(value)


# --- family calendar (ICS) ---------------------------------------------------------------------------------


def term_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """Return the rest of the current (or the next) school term as ``(first day, last day)``.

    Uses :func:`coverage.schedule.in_term_time`: autumn term Aug 11 - Dec 20, spring term Jan 7 - May 31.
    In a break, the next term is returned whole.
    """
    day = today or dt.date.today()
    for _ in range(400):
        if schedule.in_term_time(day):
            break
        day += dt.timedelta(days=1)
    end = day
    while schedule.in_term_time(end + dt.timedelta(days=1)):
        end += dt.timedelta(days=1)
    return day, end


def family_calendar(
    project: Project,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    include_planned: bool = False,
    lang: str = "fi",
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Any:
    """Build the family calendar: one event per session of every existing place from ``start`` to ``end``.

    Sessions are the open intervals of each place's ``opening_hours`` (public holidays and seasons apply).
    Default period: :func:`term_period` of ``today``.

    Returns
    -------
    icalendar.Calendar
        With a VTIMEZONE for Europe/Helsinki; event UIDs depend only on the project name, place id and start
        time, so importing an updated calendar replaces events instead of duplicating them.
    """
    import icalendar

    lang = check_language(lang)
    if start is None or end is None:
        t_start, t_end = term_period(today)
        start, end = start or t_start, end or t_end
    if end < start:
        raise ExportError(f"the calendar period ends ({end}) before it starts ({start})")
    begin = dt.datetime.combine(start, dt.time(0), tzinfo=schedule.TZ)
    finish = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=schedule.TZ)
    stamp = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)
    name = project.municipality_name or "Katve"
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "katve"

    cal = icalendar.Calendar()
    cal.add("prodid", "-//Katve//Perhekalenteri//FI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{text('calendar', lang)} – {name}")
    cal.add("x-wr-timezone", "Europe/Helsinki")

    places = project.places
    statuses = {"existing", "planned"} if include_planned else {"existing"}
    keep = places["status"].astype(str).str.strip().str.lower().isin(statuses).to_numpy(bool)
    places = places.loc[keep]
    lonlat = places.geometry.to_crs("EPSG:4326") if len(places) else places.geometry
    intervals: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {}
    for (_, row), point in zip(places.iterrows(), lonlat, strict=True):
        oh = str(row.get("opening_hours") or "")
        if oh not in intervals:
            try:
                intervals[oh] = schedule.open_intervals(oh, begin, finish)
            except schedule.ScheduleError as exc:
                raise ExportError(f"place {row['id']} ({row['name']}): {exc}") from None
        description = _event_description(row, lang)
        for a, b in intervals[oh]:
            ev = icalendar.Event()
            ev.add("uid", f"{slug}-{_uid_part(row['id'])}-{a:%Y%m%dT%H%M}@katve")
            ev.add("dtstamp", stamp)
            ev.add("dtstart", a.astimezone(schedule.TZ))
            ev.add("dtend", b.astimezone(schedule.TZ))
            ev.add("summary", str(row["name"]))
            location = ", ".join(x for x in (_s(row.get("address")),) if x) or str(row["name"])
            ev.add("location", location)
            if description:
                ev.add("description", description)
            kind = _s(row.get("kind"))
            if kind:
                ev.add("categories", [i18n.label("kind", kind, lang)])
            if point is not None and not point.is_empty:
                ev.add("geo", (round(point.y, 6), round(point.x, 6)))
            ev.add("transp", "TRANSPARENT")
            cal.add_component(ev)
    _add_outreach_events(cal, project, start=start, end=end, stamp=stamp, lang=lang)
    cal.add_missing_timezones(first_date=start, last_date=end + dt.timedelta(days=1))
    return cal


def _add_outreach_events(
    cal: Any, project: Project, *, start: dt.date, end: dt.date, stamp: dt.datetime, lang: str
) -> None:
    """Professionals' outreach visits (jalkautuminen) of the period as events of their own."""
    import icalendar

    from . import stats

    if not len(project.outreach):
        return
    for visit in stats.outreach_events(project, start=start, end=end):
        ev = icalendar.Event()
        ev.add("uid", f"{visit.uid}@katve")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", visit.start.astimezone(schedule.TZ))
        ev.add("dtend", visit.end.astimezone(schedule.TZ))
        ev.add("summary", visit.summary)
        ev.add("location", visit.location or visit.place)
        if visit.description:
            ev.add("description", visit.description)
        ev.add("categories", [text("outreach", lang)])
        cal.add_component(ev)


def _event_description(row: pd.Series, lang: str) -> str:
    parts = []
    for key in ("organiser", "address", "ages", "languages", "notes"):
        value = _s(row.get(key))
        if value:
            parts.append(f"{header(key, lang)}: {value}")
    return "\n".join(parts)


def _uid_part(value: Any) -> str:
    raw = str(value)
    clean = re.sub(r"[^A-Za-z0-9_.-]+", "-", raw)
    if clean != raw:  # keep distinct ids distinct after cleaning
        clean += "-" + hashlib.sha1(raw.encode("utf-8")).hexdigest()[:6]
    return clean


def _s(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def write_ics(project: Project, out: Any, **options: Any) -> int:
    """Write :func:`family_calendar` to ``out`` (path or binary file); return the number of events."""
    cal = family_calendar(project, **options)
    _write_bytes(out, cal.to_ical())
    return len(cal.walk("VEVENT"))


# --- GeoPackage ---------------------------------------------------------------------------------------------


def write_gpkg(data: ExportData, path: str | os.PathLike) -> list[str]:
    """Write the GeoPackage of :data:`GPKG_LAYERS` to ``path`` (replaced if it exists); return the layers."""
    import pyogrio

    path = Path(path)
    places = data.result.places[["geometry"]].join(place_table(data).set_index(data.result.places.index))
    areas_tab = area_table(data).set_index(data.result.areas.index)
    areas = gpd.GeoDataFrame(areas_tab, geometry=data.result.areas.geometry, crs=CRS)
    layers: list[tuple[str, gpd.GeoDataFrame | pd.DataFrame]] = [
        (GPKG_LAYERS["places"], gpd.GeoDataFrame(places, geometry="geometry", crs=CRS)),
        (GPKG_LAYERS["areas"], areas),
    ]
    if len(data.project.boundary):
        layers.append((GPKG_LAYERS["boundary"], data.project.boundary))
    layers.append((GPKG_LAYERS["reach"], data.reach))
    layers.append((GPKG_LAYERS["blind_spots"], data.blind))
    if data.plan is not None:
        layers.append((GPKG_LAYERS["proposals"], data.proposals))
    tmp = path.with_name(f".{path.stem}.tmp-{os.getpid()}.gpkg")  # GDAL wants the .gpkg extension
    tmp.unlink(missing_ok=True)
    try:
        for name, gdf in layers:
            clean = _gpkg_ready(gdf)
            pyogrio.write_dataframe(clean, tmp, layer=name, driver="GPKG", promote_to_multi=False)
        rows = pd.DataFrame(summary_rows(data), columns=["key", "value"]).astype(str)
        pyogrio.write_dataframe(rows, tmp, layer=GPKG_LAYERS["summary"], driver="GPKG")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"{path}: cannot write the GeoPackage ({exc.strerror or exc})") from None
    return [name for name, _ in layers] + [GPKG_LAYERS["summary"]]


def _gpkg_ready(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Plain dtypes GDAL understands: nullable booleans/ints to float/int, objects to strings."""
    out = gdf.copy()
    for col in out.columns:
        if col == out.geometry.name:
            continue
        s = out[col]
        if isinstance(s.dtype, pd.BooleanDtype):
            out[col] = s.astype("Int64")
        elif s.dtype == bool:
            out[col] = s.astype("int32")
        elif s.dtype == object or isinstance(s.dtype, pd.StringDtype):
            out[col] = [
                ("" if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else str(v))
                for v in s
            ]
    if out.crs is None or not out.crs.equals(CRS):
        out = out.set_crs(CRS, allow_override=True) if out.crs is None else out.to_crs(CRS)
    return out


# --- HTML map ----------------------------------------------------------------------------------------------

COLORS = {
    "boundary": "#333333",  # the values of coverage.maps, so that the app, HTML and print maps agree
    "reach": "#1f78b4",
    "blind": "#e31a1c",
    "covered": "#33a02c",
    "uncovered": "#e31a1c",
    "text": "#1a1a1a",
    "accent": "#1f4e79",
    "proposal": "#ffd92f",
}
ORGANISER_COLORS = {
    "municipality": "#1f78b4",
    "mll": "#ff7f00",
    "parish": "#6a3d9a",
    "other_ngo": "#b15928",
    "other": "#555555",
}
"""Colours shared by the HTML and the print map."""


def html_map(data: ExportData) -> str:
    """Render the app's interactive map (:func:`coverage.maps.coverage_map`) as a standalone offline page.

    The page has the boundary, reach areas, blind spots, areas and places with the app's popups and legend,
    the proposed sites of a plan (orange), a title box with the headline figure, and the data attribution.
    Leaflet is inlined (:func:`coverage.maps.standalone_html`); there are no background tiles, so nothing is
    fetched from the network. Every text from the data is HTML-escaped.
    """
    from . import maps

    lang = data.lang
    m = maps.coverage_map(
        data.project,
        data.result,
        reach=data.reach,
        blind_spots=data.blind,
        lang=lang,
        tiles=False,
        height="100vh",
    )
    if data.plan is not None and len(data.proposals):
        wgs = data.proposals.to_crs("EPSG:4326")
        features = []
        for (_, row), point in zip(wgs.iterrows(), wgs.geometry, strict=True):
            tip = (
                f"<b>{html.escape(text('legend.proposal', lang))}: {html.escape(_s(row['name']))}</b><br>"
                f"{html.escape(header('children_gained', lang))}: {fmt_number(row['children_gained'], lang)}"
            )
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [point.x, point.y]},
                    "properties": {
                        "style": {
                            "radius": 10,
                            "color": "#000000",
                            "weight": 2,
                            "fillColor": COLORS["proposal"],
                            "fillOpacity": 1.0,
                        },
                        "tooltip": tip,
                    },
                }
            )
        m.add_child(maps.FeatureLayer(features, name="proposals"))
    m.add_child(_title_box(_title_html(data)))
    # branca puts the title into <title> as it is: escape it (a project named "</title><script>...")
    m.get_root().title = html.escape(f"{text('title', lang)} – {data.name}")
    return _check_offline(maps.standalone_html(m, leaflet_dir=LEAFLET_DIR))


def _title_box(html_text: str) -> Any:
    from branca.element import MacroElement
    from jinja2 import Template

    from . import maps

    class TitleBox(MacroElement):
        _template = Template(
            "{% macro script(this, kwargs) %}"
            "var {{ this.get_name() }} = L.control({position: 'topright'});"
            "{{ this.get_name() }}.onAdd = function () {"
            " var div = L.DomUtil.create('div', 'katve-title'); div.innerHTML = {{ this.html_json }};"
            " return div; };"
            "{{ this.get_name() }}.addTo({{ this._parent.get_name() }});"
            "{% endmacro %}"
        )

        def __init__(self, html_text: str):
            super().__init__()
            self._name = "TitleBox"
            self.html = html_text
            self.html_json = maps.script_json(html_text)  # inert to branca's second Jinja pass

    return TitleBox(html_text)


def _title_html(data: ExportData) -> str:
    lang = data.lang
    s = data.result.summary
    line = text(
        "covered_line",
        lang,
        covered=fmt_number(s["children_covered"], lang),
        total=fmt_number(s["children_total"], lang),
        share=fmt_share(s["children_covered_share"], lang),
    )
    parts = [
        f"<b style='font-size:14px'>{html.escape(text('title', lang))} – {html.escape(data.name)}</b>",
        html.escape(describe_settings(data.result, lang, include_planned=data.include_planned)),
        html.escape(line),
        f"<span style='color:#555'>{html.escape(text('printed', lang, date=fmt_date(data.today, lang)))}"
        "</span>",
    ]
    if data.plan is not None and len(data.proposals):
        swatch = (
            f"<span style='display:inline-block;width:12px;height:12px;border-radius:50%;margin-right:6px;"
            f"vertical-align:middle;border:2px solid #000;background:{COLORS['proposal']}'></span>"
        )
        parts.append(swatch + html.escape(text("legend.proposal", lang)))
    box = (
        "background:rgba(255,255,255,0.92);padding:6px 9px;border-radius:4px;font:12px/1.5 sans-serif;"
        "box-shadow:0 1px 4px rgba(0,0,0,0.3);max-width:360px"
    )
    return f'<div style="{box}">{"<br>".join(parts)}</div>'


_EXTERNAL = re.compile(r"<(?:script|link)[^>]+(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.IGNORECASE)


def _check_offline(page: str) -> str:
    """Raise if the page still loads anything from the network (folium defaults creeping back)."""
    found = _EXTERNAL.search(page)
    if found:
        raise ExportError(f"the HTML map would load a remote resource: {found.group(0)[:120]}")
    return page


# --- dispatch ----------------------------------------------------------------------------------------------


def export(
    source: ExportData | Project,
    fmt: str,
    out: str | os.PathLike,
    *,
    table: str = "areas",
    calendar_start: dt.date | None = None,
    calendar_end: dt.date | None = None,
    **prepare_options: Any,
) -> Path:
    """Write ``source`` in format ``fmt`` to the file ``out`` (atomically; folders are created).

    Parameters
    ----------
    source : ExportData or Project
        A prepared export (:func:`prepare`) or a project (prepared here with ``prepare_options``).
    fmt : str
        One of :data:`FORMATS`.
    out : path
    table : {"areas", "places"}
        Which table a ``csv`` export holds.
    calendar_start, calendar_end : date, optional
        Period of the ``ics`` calendar (default: the current or next term, :func:`term_period`).
    **prepare_options
        Passed to :func:`prepare` when ``source`` is a project (``settings``, ``at``, ``plan``, ``lang``).

    Returns
    -------
    Path
        The file written.
    """
    fmt = _check_format(fmt)
    path = Path(out)
    if path.is_dir():
        raise ExportError(f"{path} is a folder; give a file name such as {path / ('katve' + SUFFIXES[fmt])}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{path.parent}: cannot create the folder ({exc.strerror or exc})") from None
    data = source if isinstance(source, ExportData) else prepare(source, **prepare_options)
    if fmt == "gpkg":
        write_gpkg(data, path)
        return path
    content = _render(data, fmt, table=table, calendar_start=calendar_start, calendar_end=calendar_end)
    _atomic_write(path, content)
    return path


def export_bytes(
    source: ExportData | Project,
    fmt: str,
    *,
    table: str = "areas",
    calendar_start: dt.date | None = None,
    calendar_end: dt.date | None = None,
    **prepare_options: Any,
) -> bytes:
    """Return the content :func:`export` would write, as bytes (for download buttons)."""
    fmt = _check_format(fmt)
    data = source if isinstance(source, ExportData) else prepare(source, **prepare_options)
    if fmt == "gpkg":
        with tempfile.TemporaryDirectory(prefix="katve-") as tmp:
            path = Path(tmp) / "katve.gpkg"
            write_gpkg(data, path)
            return path.read_bytes()
    return _render(data, fmt, table=table, calendar_start=calendar_start, calendar_end=calendar_end)


def file_name(data: ExportData, fmt: str, *, table: str = "areas") -> str:
    """Suggest a download file name, e.g. ``katve-vihti-alueet.csv``."""
    fmt = _check_format(fmt)
    slug = re.sub(r"[^a-z0-9åäö]+", "-", data.name.lower()).strip("-") or "katve"
    label = {
        "report": "raportti",
        "ics": "perhekalenteri",
        "png": "kartta",
        "pdf": "kartta",
        "html": "kartta",
        "csv": "alueet" if table == "areas" else "kohtaamispaikat",
        "xlsx": "taulukot",
        "gpkg": "kattavuus",
    }
    return f"katve-{slug}-{label[fmt]}{SUFFIXES[fmt]}"


def _render(
    data: ExportData, fmt: str, *, table: str, calendar_start: dt.date | None, calendar_end: dt.date | None
) -> bytes:
    buf = io.BytesIO()
    if fmt == "csv":
        if table not in TABLES:
            raise ExportError(f"unknown table {table!r}; use one of {', '.join(TABLES)}")
        write_csv(area_table(data) if table == "areas" else place_table(data), buf, lang=data.lang)
    elif fmt == "xlsx":
        write_xlsx(data, buf)
    elif fmt == "ics":
        write_ics(
            data.project,
            buf,
            start=calendar_start,
            end=calendar_end,
            include_planned=data.include_planned,
            lang=data.lang,
            today=data.today,
        )
    elif fmt == "html":
        buf.write(html_map(data).encode("utf-8"))
    elif fmt in ("png", "pdf"):
        from . import printmap

        printmap.print_map(data, buf, fmt=fmt)
    elif fmt == "report":
        from . import report

        report.meeting_report(data, buf)
    return buf.getvalue()


def _check_format(fmt: str) -> str:
    fmt = (fmt or "").lower().lstrip(".")
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    return fmt


def _write_bytes(out: Any, raw: bytes) -> None:
    if hasattr(out, "write"):
        out.write(raw)
    else:
        _atomic_write(Path(out), raw)


def _atomic_write(path: Path, raw: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_bytes(raw)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"{path}: cannot write the file ({exc.strerror or exc})") from None
