"""Folium maps of a project and its coverage (the only place that reprojects to WGS84).

The builders are pure functions of a :class:`~coverage.core.model.Project` and analysis results; they never
import streamlit, so the app (``st_folium``), the HTML export and the tests share them.

Offline by design
-----------------
folium loads Leaflet, jQuery, Bootstrap and icon fonts from CDNs by default; on a closed network the map
then stays blank. Every map built here loads **only Leaflet**, from ``leaflet_js`` / ``leaflet_css``
(default: the app's static folder ``/app/static/leaflet/``, filled at set-up time by
``make static/leaflet/leaflet.js``). :func:`standalone_html` inlines the same files for a single-file HTML
map. Layers are drawn by small Leaflet-only elements defined here (no folium ``Popup``, which needs jQuery);
background tiles may fail offline while the vectors still show.

Safety: every text that comes from data (place names, organisers, opening hours, ...) is HTML-escaped
before it reaches a popup or tooltip, and all data is embedded in the page as JSON.

Examples
--------
>>> from coverage.io.datasets import load_dataset
>>> m = coverage_map(load_dataset("vihti"), tiles=False)
>>> [src for _name, src in m.default_js]
['/app/static/leaflet/leaflet.js']
"""

from __future__ import annotations

import html
import math
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any, cast

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import xyzservices
from branca.element import Figure, MacroElement
from jinja2 import Template

from ..analysis.demand import attribution, describe_demand, grid_cell_km
from ..analysis.stats import marker_radii, visits_by_place
from ..analysis.study import Study, map_label
from ..core import i18n
from ..core.errors import KatveError
from ..core.i18n import fmt_number, fmt_share, has, weekday_name
from ..core.model import Project
from ..core.schedule import WEEKDAYS
from . import leaflet, webgrid
from .document import (
    ATTRIBUTION,
    COLORS,
    ORGANISER_COLORS,
    _s,
    describe_settings,
    fmt_date,
    header,
    text,
)
from .leaflet import (
    APP_LEAFLET_CSS,
    APP_LEAFLET_JS,
    AREA_CLASS,
    BLIND_CLASS,
    Attribution,
    FeatureLayer,
    LabelLayer,
    Legend,
    ScaleControl,
    _add,
    _bounds_wgs84,
    _check_offline,
    _esc,
    _feature,
    _float,
    _missing,
    _point_feature,
    _points_wgs84,
    _present,
    _records,
    _to_wgs84,
    script_json,
    standalone_html,
)

TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
TILES_ATTRIBUTION = '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'

PLACE_CLASS = "katve-place"
REACH_CLASS = "katve-reach"
"""CSS classes on the SVG paths of places, areas, reach areas and blind spots (the browser test counts
them)."""

AREA_RADIUS_PX = (5.0, 30.0)
"""Area circle radius in pixels: smallest, and for the area with the most children (area ~ children)."""

PLACE_RADIUS_PX = 8.0
"""Place marker radius in pixels when the project records no visits."""

VISIT_RADIUS_PX = (6.0, 16.0)
"""Place marker radius in pixels when sized by visitors: no visits, and the place with the most visitors
(circle area proportional to visitors, see :func:`coverage.analysis.stats.marker_radii`)."""

PROPOSAL_CLASS = "katve-proposal"
PROPOSAL_SIZE_PX = 30

_SIMPLIFY_M = {"boundary": 20.0, "polygons": 10.0}
_WEEKDAY_CODES = tuple(WEEKDAYS)
_VISITS_CACHE: OrderedDict[tuple, pd.Series | None] = OrderedDict()  # see place_visits
_VISITS_LOCK = threading.Lock()


# --- public builders ---------------------------------------------------------------------------------------


def base_map(
    project: Project,
    *,
    tiles: bool = True,
    leaflet_js: str = APP_LEAFLET_JS,
    leaflet_css: str = APP_LEAFLET_CSS,
    height: str | int = "100%",
) -> folium.Map:
    """Build an empty map fitted to the project (boundary, else places and areas), loading only Leaflet.

    Parameters
    ----------
    tiles : bool
        Add OpenStreetMap background tiles (fetched by the browser; they may fail offline).
    leaflet_js, leaflet_css : str
        Where the page loads Leaflet from. The default is the app's static folder; :func:`standalone_html`
        inlines the files instead.
    """
    south, west, north, east = _bounds_wgs84(project)
    m = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=10,
        tiles=None,
        control_scale=False,  # folium's scale shows miles too; ScaleControl below is metric only
        height=height,
        prefer_canvas=False,
        zoom_snap=0.25,  # fit the municipality snugly
    )
    m.default_js = [("leaflet", leaflet_js)]
    m.default_css = [("leaflet_css", leaflet_css)]
    if tiles:
        provider = xyzservices.TileProvider(
            name="OpenStreetMap",
            url=TILES_URL,
            attribution="© OpenStreetMap",
            html_attribution=TILES_ATTRIBUTION,
            max_zoom=19,
        )
        folium.TileLayer(tiles=provider, name="OpenStreetMap").add_to(m)
    m.add_child(ScaleControl())
    m.add_child(Attribution(ATTRIBUTION))
    lang = i18n.get_language()
    m.add_child(
        leaflet.AccessibleFrame(lang, i18n.t("map.frame_label", lang, name=project.municipality_name or ""))
    )
    m.fit_bounds([[south, west], [north, east]])
    return m


def coverage_map(
    project: Project,
    result: Any = None,
    *,
    reach: gpd.GeoDataFrame | None = None,
    blind_spots: gpd.GeoDataFrame | None = None,
    lang: str | None = None,
    tiles: bool = True,
    legend: bool = True,
    size_by_visits: bool = True,
    leaflet_js: str = APP_LEAFLET_JS,
    leaflet_css: str = APP_LEAFLET_CSS,
    height: str | int = "100%",
) -> folium.Map:
    """Build the coverage map: boundary, reach areas, blind-spot polygons, areas and places, legend.

    Parameters
    ----------
    project : Project
        Layers in EPSG:3067 (reprojected to WGS84 here).
    result : CoverageResult, optional
        From :func:`coverage.analysis.reach.analyze`: colours areas covered / blind spot and marks places that
        do not count. Without it, areas are grey and every place is drawn as counted.
    reach : GeoDataFrame, optional
        From :func:`coverage.analysis.reach.reach_areas` (``place_id, name, geometry``).
    blind_spots : GeoDataFrame, optional
        From :func:`coverage.analysis.reach.blind_spot_polygons` (``id, area_km2, children_0_6, geometry``).
    lang : str, optional
        UI language for popups and the legend (default: the current one, see :mod:`coverage.core.i18n`).
    tiles, leaflet_js, leaflet_css, height
        As in :func:`base_map`.
    legend : bool
        Add the legend box.
    size_by_visits : bool
        When the project records visits, size the place markers by visitors (:func:`place_visits`) and
        explain the size in the legend.

    Returns
    -------
    folium.Map
        Layers are :class:`FeatureLayer` children named ``boundary``, ``reach``, ``blind_spots``,
        ``areas`` and ``places`` (see :func:`layers`).
    """
    m = base_map(project, tiles=tiles, leaflet_js=leaflet_js, leaflet_css=leaflet_css, height=height)
    add_boundary(m, project.boundary, lang=lang)
    if reach is not None and len(reach):
        add_reach(m, reach, lang=lang)
    if blind_spots is not None and len(blind_spots):
        add_blind_spots(m, blind_spots, lang=lang)
    areas = result.areas if result is not None else project.areas
    add_areas(m, areas, lang=lang)
    grid = _grid_layers(m, areas, lang)
    places = result.places if result is not None else project.places
    visits = place_visits(project) if size_by_visits else None
    add_places(m, places, lang=lang, visits=visits)
    if legend:
        village_blind = blind_spots is not None and len(blind_spots) > 0 and "village" in blind_spots
        m.add_child(
            Legend(
                legend_html(
                    lang=lang,
                    organiser_types=_present(places, "organiser_type"),
                    coloured_areas=result is not None,
                    reach=reach is not None and len(reach) > 0,
                    blind_spots=blind_spots is not None and len(blind_spots) > 0 and not village_blind,
                    visits=visits is not None,
                    grid=grid,
                    village_blind=village_blind,
                )
            )
        )
    return m


def _grid_layers(m: folium.Map, areas: gpd.GeoDataFrame, lang: str | None) -> bool:
    """On grid cells: label the villages and credit the grid's source; tell whether the areas are a grid."""
    if areas is None or not len(areas) or grid_cell_km(areas) is None:
        return False
    webgrid.add_villages(m, areas, lang=lang)
    m.add_child(Attribution(attribution(areas, lang)))
    return True


def plan_map(
    project: Project,
    plan: Any,
    result: Any = None,
    *,
    lang: str | None = None,
    tiles: bool = True,
    legend: bool = True,
    size_by_visits: bool = True,
    leaflet_js: str = APP_LEAFLET_JS,
    leaflet_css: str = APP_LEAFLET_CSS,
    height: str | int = "100%",
) -> folium.Map:
    """Build the map of a planning proposal: areas as they would be *after* it, places, proposed sites.

    Parameters
    ----------
    project : Project
        The project the plan was made for.
    plan : PlanResult
        From :func:`coverage.planning.plan` (``areas`` with ``covered_after``/``minutes_after``,
        ``new_sites``, ``objective``).
    result : CoverageResult, optional
        The current coverage (same settings): marks places that do not count (e.g. closed at the time).
    lang, tiles, legend, size_by_visits, leaflet_js, leaflet_css, height
        As in :func:`coverage_map`.

    Returns
    -------
    folium.Map
        Layers ``boundary``, ``areas`` (coloured by coverage after the proposal; areas it newly covers
        have a thick yellow ring), ``places`` and ``proposals`` (:func:`add_proposals`: lettered stars).
    """
    m = base_map(project, tiles=tiles, leaflet_js=leaflet_js, leaflet_css=leaflet_css, height=height)
    add_boundary(m, project.boundary, lang=lang)
    areas = plan.areas.copy()
    if len(areas):
        areas["covered"] = areas["covered_after"].to_numpy(bool)
        areas["minutes"] = pd.to_numeric(areas["minutes_after"], errors="coerce").to_numpy(float)
        before = areas["covered_before"].to_numpy(bool)
        areas["newly_covered"] = areas["covered_after"].to_numpy(bool) & ~before
        areas = areas.drop(columns=[c for c in ("distance_km",) if c in areas])
    add_areas(m, areas, lang=lang)
    grid = _grid_layers(m, areas, lang)
    places = result.places if result is not None else project.places
    visits = place_visits(project) if size_by_visits else None
    add_places(m, places, lang=lang, visits=visits)
    sites = plan.new_sites
    add_proposals(m, sites, objective=getattr(plan, "objective", "cover"), lang=lang)
    if legend:
        m.add_child(
            Legend(
                legend_html(
                    lang=lang,
                    organiser_types=_present(places, "organiser_type"),
                    coloured_areas=True,
                    visits=visits is not None,
                    proposals=len(sites) > 0,
                    newly_covered=bool(len(areas) and areas["newly_covered"].any()),
                    grid=grid,
                )
            )
        )
    return m


def place_visits(project: Project) -> pd.Series | None:
    """Visitors (adults + children) recorded per place id, or ``None`` when the project records none.

    A visits layer that cannot be read (see :mod:`coverage.analysis.stats`) also gives ``None``: the map then
    simply does not size the places (the Tilastot page names the problem).
    """
    visits = getattr(project, "visits", None)
    if visits is None or not len(visits) or project.places is None or not len(project.places):
        return None
    # reading the layer validates it (~40 ms for a year of sessions): remember the answer by content, so
    # that re-drawing the map after a slider move stays fast
    try:
        key: tuple | None = (
            int(pd.util.hash_pandas_object(visits, index=False).sum()),
            tuple(map(str, visits.columns)),
            tuple(project.places["id"].astype(str)) if "id" in project.places else (),
        )
    except (TypeError, ValueError):  # unhashable cells: just compute
        key = None
    with _VISITS_LOCK:
        if key is not None and key in _VISITS_CACHE:
            _VISITS_CACHE.move_to_end(key)
            out = _VISITS_CACHE[key]
            return None if out is None else out.copy()
    try:
        out = visits_by_place(project)
    except KatveError:
        out = None
    if out is not None and not float(out.sum()) > 0:
        out = None
    if key is not None:
        with _VISITS_LOCK:
            _VISITS_CACHE[key] = out
            while len(_VISITS_CACHE) > 32:
                _VISITS_CACHE.popitem(last=False)
    return None if out is None else out.copy()


def layers(m: folium.Map) -> dict[str, FeatureLayer]:
    """Return the map's :class:`FeatureLayer` children by name (``places``, ``areas``, ...)."""
    return {child.layer_name: child for child in m._children.values() if isinstance(child, FeatureLayer)}


def add_boundary(
    m: folium.Map, boundary: gpd.GeoDataFrame, *, lang: str | None = None
) -> FeatureLayer | None:
    """Draw the municipality boundary (simplified to 20 m) as an unfilled outline."""
    if boundary is None or not len(boundary):
        return None
    geoms = _to_wgs84(boundary, simplify_m=_SIMPLIFY_M["boundary"])
    style = {"color": COLORS["boundary"], "weight": 2, "fill": False, "interactive": False}
    names = boundary["name"].astype(object).tolist() if "name" in boundary else [""] * len(boundary)
    features = [_feature(g, style=style, tooltip=_esc(n) or None) for g, n in zip(geoms, names, strict=True)]
    return _add(m, features, "boundary")


def add_reach(m: folium.Map, reach: gpd.GeoDataFrame, *, lang: str | None = None) -> FeatureLayer:
    """Draw each counted place's reach area as a faint blue polygon."""
    geoms = _to_wgs84(reach, simplify_m=_SIMPLIFY_M["polygons"])
    style = {
        "color": COLORS["reach"],
        "weight": 1,
        "opacity": 0.5,
        "fillColor": COLORS["reach"],
        "fillOpacity": 0.06,
        "interactive": False,
        "className": REACH_CLASS,
    }
    names = reach["name"].astype(object).tolist() if "name" in reach else [""] * len(reach)
    features = [
        _feature(g, style=style, tooltip=i18n.t("map.reach_of", lang, name=_esc(n)))
        for g, n in zip(geoms, names, strict=True)
    ]
    return _add(m, features, "reach")


def add_blind_spots(m: folium.Map, polygons: gpd.GeoDataFrame, *, lang: str | None = None) -> FeatureLayer:
    """Draw blind-spot polygons in translucent red with a tooltip (id, km², children).

    Blind spots of grid cells per village (a ``village`` column) are outlined instead
    (:func:`coverage.outputs.webgrid.add_village_blind_spots`): the cells below carry the colour.
    """
    if "village" in polygons:
        return webgrid.add_village_blind_spots(m, polygons, lang=lang)
    geoms = _to_wgs84(polygons, simplify_m=_SIMPLIFY_M["polygons"])
    style = {
        "color": COLORS["blind"],
        "weight": 2,
        "opacity": 0.9,
        "fillColor": COLORS["blind"],
        "fillOpacity": 0.15,
        "dashArray": "5 3",  # a dashed outline: blind spots read without colour too
        "className": BLIND_CLASS,
    }
    features = []
    for g, row in zip(geoms, _records(polygons, ("id", "area_km2", "children_0_6")), strict=True):
        tip = i18n.t(
            "map.blind_polygon",
            lang,
            id=_esc(row.get("id", "")),
            km2=i18n.fmt_number(_float(row.get("area_km2")), 1, lang=lang),
            children=i18n.fmt_number(_float(row.get("children_0_6")), 0, lang=lang),
        )
        features.append(_feature(g, style=style, tooltip=tip))
    return _add(m, features, "blind_spots")


def add_areas(m: folium.Map, areas: gpd.GeoDataFrame, *, lang: str | None = None) -> FeatureLayer | None:
    """Draw areas as circles at their demand points, area proportional to children 0-6.

    With a ``covered`` column (an analysis result) circles are green (within reach) or red (blind spot);
    otherwise grey. The tooltip names the area, its children and, with a result, the minutes (and, with a
    ``distance_km`` column, the kilometres) to the nearest counted place. Areas with a true
    ``newly_covered`` value (a planning proposal reaches them) get a thick yellow ring.
    """
    if areas is None or not len(areas):
        return None
    if grid_cell_km(areas) is not None:
        return webgrid.add_cells(m, areas, lang=lang)
    pts = _points_wgs84(areas)
    kids = pd.to_numeric(areas.get("children_0_6", pd.Series(0.0, index=areas.index)), errors="coerce")
    kids = kids.astype("float64").fillna(0.0).clip(lower=0).to_numpy()
    radius = area_radius_px(kids)
    has_result = "covered" in areas
    covered = areas["covered"].to_numpy(bool) if has_result else np.zeros(len(areas), bool)
    newly = (
        areas["newly_covered"].fillna(False).to_numpy(bool)
        if "newly_covered" in areas
        else np.zeros(len(areas), bool)
    )
    has_km = "distance_km" in areas
    features = []
    for k, row in enumerate(_records(areas, ("name", "population", "minutes", "distance_km"))):
        colour = (COLORS["covered"] if covered[k] else COLORS["blind"]) if has_result else COLORS["neutral"]
        style = {
            "radius": round(float(radius[k]), 1),
            "color": COLORS["newly_covered"] if newly[k] else colour,
            "weight": 4 if newly[k] else 1.5,
            "fillColor": colour,
            "fillOpacity": 0.35,
            "className": AREA_CLASS,
        }
        if has_result and not covered[k] and not newly[k]:
            style.update(dashArray="3 2", weight=2.5)  # beyond reach: dashed, not only another colour
        lines = [
            f"<b>{_esc(row.get('name', ''))}</b>",
            i18n.t("map.area_children", lang, children=i18n.fmt_number(kids[k], 0, lang=lang)),
        ]
        pop = _float(row.get("population"))
        if pop is not None:
            lines.append(i18n.t("map.area_population", lang, population=i18n.fmt_number(pop, 0, lang=lang)))
        if has_result:
            minutes = _float(row.get("minutes"))
            if minutes is None:
                lines.append(i18n.t("map.area_no_place", lang))
            elif not has_km:
                lines.append(
                    i18n.t("map.area_nearest_minutes", lang, minutes=i18n.fmt_number(minutes, 0, lang=lang))
                )
            else:
                lines.append(
                    i18n.t(
                        "map.area_nearest",
                        lang,
                        minutes=i18n.fmt_number(minutes, 0, lang=lang),
                        km=i18n.fmt_number(_float(row.get("distance_km")), 1, lang=lang),
                    )
                )
            lines.append(i18n.t("map.area_covered" if covered[k] else "map.area_blind", lang))
            if newly[k]:
                lines.append(f"<i>{i18n.t('map.area_newly_covered', lang)}</i>")
        features.append(_point_feature(pts[k], style=style, tooltip="<br>".join(lines)))
    # small circles on top of big ones
    order = np.argsort(-radius, kind="stable")
    return _add(m, [features[i] for i in order], "areas")


def add_places(
    m: folium.Map,
    places: gpd.GeoDataFrame,
    *,
    lang: str | None = None,
    visits: pd.Series | None = None,
) -> FeatureLayer | None:
    """Draw meeting places as circle markers coloured by organiser type, with a popup.

    Planned places have a dashed outline; places that do not count (``counted`` False in an analysis
    result, e.g. closed at the chosen time) are drawn hollow. The popup shows name, organiser, activity,
    address, opening hours and status, all HTML-escaped.

    Parameters
    ----------
    visits : Series, optional
        Visitors recorded per place id (:func:`place_visits`). The markers are then sized by it, circle area
        proportional to visitors (:data:`VISIT_RADIUS_PX`; places without visits get the smallest size),
        and the popup gives the figure. Without it every marker has radius :data:`PLACE_RADIUS_PX`.
    """
    if places is None or not len(places):
        return None
    pts = _points_wgs84(places)
    counted = places["counted"].to_numpy(bool) if "counted" in places else np.ones(len(places), bool)
    if visits is not None:
        ids = places["id"].astype(str).to_numpy(object) if "id" in places else np.full(len(places), "")
        by_id = pd.Series(visits.to_numpy(float), index=visits.index.astype(str))
        by_id = by_id[~by_id.index.duplicated()]
        seen = by_id.reindex(ids).fillna(0.0).to_numpy(float)
        radius = marker_radii(seen, min_px=VISIT_RADIUS_PX[0], max_px=VISIT_RADIUS_PX[1])
    else:
        seen = None
        radius = np.full(len(places), PLACE_RADIUS_PX)
    features = []
    for k, row in enumerate(
        _records(
            places,
            ("id", "name", "organiser", "organiser_type", "kind", "address", "opening_hours", "status"),
        )
    ):
        colour = ORGANISER_COLORS.get(str(row.get("organiser_type", "") or ""), ORGANISER_COLORS["other"])
        status = str(row.get("status", "") or "")
        style = {
            "radius": round(float(radius[k]), 1),
            "color": "#222222" if counted[k] else colour,
            "weight": 2,
            "fillColor": colour,
            "fillOpacity": 0.9 if counted[k] else 0.15,
            "className": PLACE_CLASS,
        }
        if status in ("planned", "candidate"):
            style["dashArray"] = "4 3"
        features.append(
            _point_feature(
                pts[k],
                style=style,
                popup=place_popup_html(
                    row,
                    counted=bool(counted[k]),
                    visitors=None if seen is None else float(seen[k]),
                    lang=lang,
                ),
                tooltip=_esc(row.get("name", "")),
            )
        )
    return _add(m, features, "places")


def add_marker(
    m: folium.Map, lat: float, lon: float, *, text: str = "", colour: str = "#000000"
) -> FeatureLayer:
    """Draw a single highlighted point (e.g. the spot picked for a new place); ``text`` is escaped."""
    style = {"radius": 9, "color": colour, "weight": 3, "fill": False}
    return _add(m, [_point_feature((lon, lat), style=style, tooltip=_esc(text) or None)], "marker")


def add_proposals(
    m: folium.Map, sites: gpd.GeoDataFrame, *, objective: str = "cover", lang: str | None = None
) -> LabelLayer | None:
    """Draw proposed new sites (:attr:`coverage.planning.plan.PlanResult.new_sites`) as lettered yellow stars.

    Sites are lettered A, B, ... in their order (the plan sorts them by children gained; a ``label`` column
    wins), as in the exports. The popup gives the children the site brings within reach (``median``: the
    children for whom it becomes the nearest place), the best weekday and daypart for a session with the
    children it would add then, and the suggested opening hours. Layer name ``proposals``; the markers carry
    the CSS class :data:`PROPOSAL_CLASS`.
    """
    if sites is None or not len(sites):
        return None
    pts = _points_wgs84(sites)
    labels = (
        [str(v) for v in sites["label"].astype(object)] if "label" in sites else proposal_labels(len(sites))
    )
    columns = ("id", "name", "children_gained", "best_weekday", "best_daypart", "children_gained_then")
    features = []
    for k, row in enumerate(_records(sites, (*columns, "opening_hours"))):
        name = _esc(row.get("name", ""))
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(float(v), 6) for v in pts[k]]},
                "properties": {
                    "icon": proposal_icon_html(labels[k]),
                    "size": PROPOSAL_SIZE_PX,
                    "className": PROPOSAL_CLASS,
                    "title": f"{labels[k]}: {row.get('name', '') or ''}",
                    "popup": proposal_popup_html(row, label=labels[k], objective=objective, lang=lang),
                    "tooltip": f"{_esc(labels[k])}: {name}",
                },
            }
        )
    layer = LabelLayer(features, name="proposals")
    m.add_child(layer)
    return layer


def proposal_labels(n: int) -> list[str]:
    """Map letters of ``n`` proposed sites: A ... Z, AA, AB, ... (places keep their numbers).

    >>> proposal_labels(3), proposal_labels(28)[-2:]
    (['A', 'B', 'C'], ['AA', 'AB'])
    """
    return [map_label(i) for i in range(n)]


def proposal_icon_html(label: str) -> str:
    """Return the SVG of a proposal marker: a yellow star with ``label`` (escaped) in its middle."""
    size = PROPOSAL_SIZE_PX
    c, outer, inner = size / 2, size / 2 - 1.5, size / 4.6
    angles = np.pi / 2 + np.arange(10) * np.pi / 5
    radii = np.where(np.arange(10) % 2 == 0, outer, inner)
    points = " ".join(
        f"{c + r * math.cos(a):.1f},{c - r * math.sin(a):.1f}" for r, a in zip(radii, angles, strict=True)
    )
    font = 11 if len(label) < 2 else 8
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}">'
        f'<polygon points="{points}" fill="{COLORS["proposal"]}" stroke="#000" stroke-width="1.5" '
        f'stroke-linejoin="round"/>'
        f'<text x="{c}" y="{c + 1}" text-anchor="middle" dominant-baseline="middle" '
        f'font-family="sans-serif" font-weight="bold" font-size="{font}" '
        f'fill="#000">{html.escape(label)}</text></svg>'
    )


def proposal_popup_html(
    row: Any, *, label: str = "", objective: str = "cover", lang: str | None = None
) -> str:
    """Build the popup of a proposed site (every data value escaped): gain, best session time, hours."""

    def get(field: str) -> Any:
        value = row.get(field) if hasattr(row, "get") else None
        return None if _missing(value) else value

    title = f"{_esc(label)}: {_esc(get('name'))}" if label else _esc(get("name"))
    parts = [f"<b>{i18n.t('map.proposal', lang)} {title}</b>"]
    gained = _float(get("children_gained"))
    if gained is not None:
        key = "map.proposal_nearest" if objective == "median" else "map.proposal_gained"
        parts.append(i18n.t(key, lang, children=i18n.fmt_number(gained, 0, lang=lang)))
    day, part = get("best_weekday"), get("best_daypart")
    if day is not None and part is not None and str(day) in _WEEKDAY_CODES and has(f"daypart.{part}"):
        then = _float(get("children_gained_then"))
        parts.append(
            i18n.t(
                "map.proposal_best_time",
                lang,
                weekday=weekday_name(_WEEKDAY_CODES.index(str(day)), lang),
                daypart=i18n.t(f"daypart.{part}", lang),
                children=i18n.fmt_number(then, 0, lang=lang),
            )
        )
    if get("opening_hours"):
        parts.append(f"{i18n.t('map.proposal_hours', lang)}: <code>{_esc(get('opening_hours'))}</code>")
    return "<br>".join(parts)  # never the internal candidate id (area:..., grid:x:y): names only


def place_popup_html(
    row: Any, *, counted: bool = True, visitors: float | None = None, lang: str | None = None
) -> str:
    """Build the popup of a place: every data value HTML-escaped, labels from :mod:`coverage.core.i18n`.

    ``visitors`` (recorded visitors, adults + children) adds a line when given.
    """

    def get(field: str) -> str:
        value = row.get(field, "") if hasattr(row, "get") else ""
        return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)

    parts = [f"<b>{_esc(get('name'))}</b>"]
    organiser = get("organiser")
    otype = get("organiser_type")
    if organiser or otype:
        shown = organiser + (f" ({i18n.label('organiser_type', otype, lang)})" if otype else "")
        parts.append(f"{i18n.t('map.organiser', lang)}: {_esc(shown.strip())}")
    if get("kind"):
        parts.append(f"{i18n.t('map.kind', lang)}: {_esc(i18n.label('kind', get('kind'), lang))}")
    if get("address"):
        parts.append(f"{i18n.t('map.address', lang)}: {_esc(get('address'))}")
    parts.append(f"{i18n.t('map.opening_hours', lang)}: <code>{_esc(get('opening_hours'))}</code>")
    if get("status"):
        parts.append(f"{i18n.t('map.status', lang)}: {_esc(i18n.label('status', get('status'), lang))}")
    if visitors is not None:
        parts.append(i18n.t("map.place_visitors", lang, visitors=i18n.fmt_number(visitors, 0, lang=lang)))
    if not counted:
        parts.append(f"<i>{i18n.t('map.not_counted', lang)}</i>")
    return "<br>".join(parts)


def legend_html(
    *,
    lang: str | None = None,
    organiser_types: Iterable[str] | None = None,
    coloured_areas: bool = True,
    reach: bool = False,
    blind_spots: bool = False,
    visits: bool = False,
    proposals: bool = False,
    newly_covered: bool = False,
    grid: bool = False,
    village_blind: bool = False,
) -> str:
    """Build the legend's HTML (texts escaped).

    ``visits`` explains the place marker size (visitors recorded), ``proposals`` the proposed-site stars
    and ``newly_covered`` the yellow ring of areas a proposal newly covers. ``grid`` replaces the area
    circles by the grid's classes of children (:func:`coverage.outputs.webgrid.legend_rows`), and
    ``village_blind`` adds the outline of a village's blind spot.
    """
    t = partial(i18n.t, lang=lang)
    types = [k for k in ORGANISER_COLORS if organiser_types is None or k in set(organiser_types)]
    out = [
        f"<b>{html.escape(t('map.legend'))}</b>",
        f"<div style='margin-top:4px'>{html.escape(t('map.legend_places'))}</div>",
    ]
    out += [_legend_row(_swatch(ORGANISER_COLORS[k]), i18n.label("organiser_type", k, lang)) for k in types]
    if visits:
        small = _swatch("#bbb", border="#222").replace("width:12px;height:12px", "width:8px;height:8px")
        big = _swatch("#bbb", border="#222").replace("width:12px;height:12px", "width:18px;height:18px")
        out.append(_legend_row(small + big, t("map.legend_visits")))
    out.append(_legend_row(_swatch("#fff", border="#555", dashed=True), t("map.legend_planned")))
    out.append(_legend_row(_swatch("#ddd", border="#999", opacity=0.6), t("map.legend_not_counted")))
    if grid:
        out += webgrid.legend_rows(lang=lang, coloured=coloured_areas, village_blind=village_blind)
    else:
        out.append(f"<div style='margin-top:4px'>{html.escape(t('map.legend_areas'))}</div>")
    swatches = (  # (shown, key, fill, border, corner radius, opacity)
        (coloured_areas and not grid, "map.legend_covered", COLORS["covered"], COLORS["covered"], "50%", 0.6),
        (coloured_areas and not grid, "map.legend_blind", COLORS["blind"], COLORS["blind"], "50%", 0.6),
        (reach, "map.legend_reach", COLORS["reach"], COLORS["reach"], "2px", 0.3),
        (blind_spots, "map.legend_blind_polygon", COLORS["blind"], COLORS["blind"], "2px", 0.3),
        (newly_covered, "map.legend_newly_covered", COLORS["covered"], COLORS["newly_covered"],
         "2px" if grid else "50%", 0.8),
    )
    dashed_keys = {"map.legend_blind", "map.legend_blind_polygon"}  # drawn dashed on the map too
    for shown, key, fill, border, radius, opacity in swatches:
        if shown:
            mark = _swatch(fill, border=border, radius=radius, opacity=opacity, dashed=key in dashed_keys)
            out.append(_legend_row(mark, t(key)))
    if proposals:
        star = proposal_icon_html("A").replace(
            f'width="{PROPOSAL_SIZE_PX}" height="{PROPOSAL_SIZE_PX}"',
            'width="16" height="16" style="vertical-align:middle;margin-right:6px"',
        )
        out.append(f"<div>{star}{html.escape(t('map.legend_proposal'))}</div>")
    boundary = _swatch("transparent", border=COLORS["boundary"], radius="2px")
    out.append(_legend_row(boundary, t("map.legend_boundary")))
    box = (
        "background:rgba(255,255,255,0.92);padding:6px 8px;border-radius:4px;font:12px/1.5 sans-serif;"
        "box-shadow:0 1px 4px rgba(0,0,0,0.3);max-width:240px"
    )
    return f'<div style="{box}">{"".join(out)}</div>'


def _swatch(
    fill: str, *, border: str = "#222", radius: str = "50%", dashed: bool = False, opacity: float = 0.9
) -> str:
    """Return a legend swatch: a small round (or, with ``radius="2px"``, square) patch of colour."""
    style = (
        f"display:inline-block;width:12px;height:12px;margin-right:6px;vertical-align:middle;"
        f"border-radius:{radius};border:2px {'dashed' if dashed else 'solid'} {border};"
        f"background:{fill};opacity:{opacity}"
    )
    return f'<span style="{style}"></span>'


def _legend_row(mark: str, label: str) -> str:
    """Return one legend row: the swatch and its (escaped) label."""
    return f"<div>{mark}{html.escape(label)}</div>"


def area_radius_px(children: Sequence[float] | np.ndarray) -> np.ndarray:
    """Circle radii in pixels with circle *area* proportional to children (see :data:`AREA_RADIUS_PX`)."""
    kids = np.clip(np.nan_to_num(np.asarray(children, dtype=float)), 0, None)
    lo, hi = AREA_RADIUS_PX
    top = kids.max() if len(kids) else 0.0
    if top <= 0:
        return np.full(len(kids), lo)
    return lo + (hi - lo) * np.sqrt(kids / top)


def html_map(data: Study) -> str:
    """Render the app's interactive map (:func:`coverage_map`) as a standalone offline page.

    The page has the boundary, reach areas, blind spots, areas and places with the app's popups and legend,
    the proposed sites of a plan (orange), a title box with the headline figure, and the data attribution.
    Leaflet is inlined (:func:`coverage.outputs.leaflet.standalone_html`); there are no background tiles, so
    nothing is fetched from the network. Every text from the data is HTML-escaped.
    """
    lang = data.lang
    m = coverage_map(
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
                f"{html.escape(header('children_gained', lang))}: "
                f"{fmt_number(row['children_gained'], 0, lang=lang)}"
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
        m.add_child(leaflet.FeatureLayer(features, name="proposals"))
    m.add_child(_title_box(_title_html(data)))
    # branca puts the title into <title> as it is: escape it (a project named "</title><script>...")
    root = cast(Figure, m.get_root())  # a folium map's root is a branca Figure
    root.title = html.escape(f"{text('title', lang)} – {data.name}")
    return _check_offline(standalone_html(m))


def _title_box(html_text: str) -> Any:

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
            self.html_json = script_json(html_text)  # inert to branca's second Jinja pass

    return TitleBox(html_text)


def _title_html(data: Study) -> str:
    lang = data.lang
    s = data.result.summary
    line = text(
        "covered_line",
        lang,
        covered=fmt_number(s["children_covered"], 0, lang=lang),
        total=fmt_number(s["children_total"], 0, lang=lang),
        share=fmt_share(s["children_covered_share"], 0, lang=lang),
    )
    parts = [
        f"<b style='font-size:14px'>{html.escape(text('title', lang))} – {html.escape(data.name)}</b>",
        html.escape(describe_settings(data.result, lang, include_planned=data.include_planned)),
        html.escape(line),
        html.escape(i18n.t("demand.line", lang, demand=describe_demand(data.result.areas, lang))),
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
