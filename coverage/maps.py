"""Folium maps of a project and its coverage (the only place that reprojects to WGS84).

The builders are pure functions of a :class:`~coverage.model.Project` and analysis results; they never
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
>>> from coverage.datasets import load_dataset
>>> m = coverage_map(load_dataset("vihti"), tiles=False)
>>> [src for _name, src in m.default_js]
['/app/static/leaflet/leaflet.js']
"""

from __future__ import annotations

import base64
import html
import json
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import xyzservices
from branca.element import MacroElement
from jinja2 import Template
from pyproj import Transformer

from . import i18n
from .analysis import demand_points
from .model import CRS, KatveError, Project
from .schedule import WEEKDAYS
from .stats import marker_radii, visits_by_place

WGS84 = "EPSG:4326"

LEAFLET_DIR = Path(__file__).resolve().parent.parent / "static" / "leaflet"
"""Where ``make static/leaflet/leaflet.js`` unpacks Leaflet (git-ignored)."""

APP_LEAFLET_JS = "/app/static/leaflet/leaflet.js"
APP_LEAFLET_CSS = "/app/static/leaflet/leaflet.css"
"""Leaflet as served by streamlit's static file serving (``enableStaticServing = true``)."""

DATA_ATTRIBUTION = "© Maanmittauslaitos, Tilastokeskus, CC BY 4.0"
"""Attribution of the embedded boundary and population data (shown on every map)."""

TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
TILES_ATTRIBUTION = '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'

ORGANISER_COLOURS: dict[str, str] = {
    "municipality": "#1f78b4",
    "mll": "#ff7f00",
    "parish": "#6a3d9a",
    "other_ngo": "#b15928",
    "other": "#555555",
}
"""Place marker colour by ``organiser_type`` (unknown types get ``other``'s colour)."""

COVERED_COLOUR = "#33a02c"
BLIND_COLOUR = "#e31a1c"
NEUTRAL_COLOUR = "#7f7f7f"
REACH_COLOUR = "#1f78b4"
BOUNDARY_COLOUR = "#333333"

PLACE_CLASS = "katve-place"
AREA_CLASS = "katve-area"
REACH_CLASS = "katve-reach"
BLIND_CLASS = "katve-blind"
"""CSS classes on the SVG paths of places, areas, reach areas and blind spots (the browser test counts
them)."""

AREA_RADIUS_PX = (5.0, 30.0)
"""Area circle radius in pixels: smallest, and for the area with the most children (area ~ children)."""

PLACE_RADIUS_PX = 8.0
"""Place marker radius in pixels when the project records no visits."""

VISIT_RADIUS_PX = (6.0, 16.0)
"""Place marker radius in pixels when sized by visitors: no visits, and the place with the most visitors
(circle area proportional to visitors, see :func:`coverage.stats.marker_radii`)."""

PROPOSAL_COLOUR = "#ffd92f"
"""Fill of the proposed new sites (the same yellow as on the printed maps)."""

PROPOSAL_CLASS = "katve-proposal"
NEWLY_COVERED_COLOUR = PROPOSAL_COLOUR
PROPOSAL_SIZE_PX = 30

_SIMPLIFY_M = {"boundary": 20.0, "polygons": 10.0}
_WEEKDAY_CODES = tuple(WEEKDAYS)
_VISITS_CACHE: OrderedDict[tuple, pd.Series | None] = OrderedDict()  # see place_visits
_VISITS_LOCK = threading.Lock()


# --- small Leaflet-only elements --------------------------------------------------------------------------

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "'": "\\u0027"})
_NO_JINJA = str.maketrans({"{": "\\u007b", "}": "\\u007d"})


def script_json(value: Any) -> str:
    r"""Return ``value`` as JSON that is safe inside a ``<script>`` of a branca (folium) template.

    Every element here embeds its data with this, never with Jinja's ``tojson``:

    * ``<``, ``>``, ``&`` and ``'`` are written as ``\u003c`` etc. (as ``tojson`` does): no ``</script>`` in a
      place name can end the script;
    * ``{`` and ``}`` inside strings are written as ``\u007b`` / ``\u007d``: branca renders the output of an
      element's script macro a *second* time as a Jinja template, so a ``{{ ... }}`` in a place name would
      otherwise be evaluated on the server (template injection). JSON syntax itself never has ``{{``,
      ``{%`` or ``{#`` outside strings.

    JavaScript reads the same strings back. Keys are sorted (as ``tojson`` does).

    >>> script_json({"name": "{{7*7}} </script>"})
    '{"name": "\\u007b\\u007b7*7\\u007d\\u007d \\u003c/script\\u003e"}'
    """
    text = json.dumps(value, sort_keys=True, allow_nan=False)
    return _JSON_STRING.sub(lambda m: m.group(0).translate(_NO_JINJA), text).translate(_SCRIPT_SAFE)


class FeatureLayer(MacroElement):
    """A GeoJSON layer drawn with plain Leaflet: points as circle markers, polygons as paths.

    Each feature's ``properties`` may hold ``style`` (Leaflet path options, for points also ``radius``),
    ``popup`` and ``tooltip`` (HTML strings the caller has escaped). The data is embedded as JSON.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON({{ this.script_data }}, {
            pointToLayer: function (feature, latlng) {
                return L.circleMarker(latlng, feature.properties.style || {});
            },
            style: function (feature) { return feature.properties.style || {}; },
            onEachFeature: function (feature, layer) {
                var p = feature.properties;
                if (p.popup) { layer.bindPopup(p.popup, {maxWidth: 320}); }
                if (p.tooltip) { layer.bindTooltip(p.tooltip, {sticky: true}); }
            }
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, features: list[dict[str, Any]], *, name: str = "layer"):
        super().__init__()
        self._name = "FeatureLayer"
        self.layer_name = name
        self.data = {"type": "FeatureCollection", "features": features}

    @property
    def features(self) -> list[dict[str, Any]]:
        """The GeoJSON features (for tests and the export)."""
        return self.data["features"]

    @property
    def script_data(self) -> str:
        """The data as script-safe JSON for the template (see :func:`script_json`)."""
        return script_json(self.data)


class Legend(MacroElement):
    """A legend box (bottom right) with pre-escaped HTML."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: "bottomright"});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create("div", "katve-legend");
            div.innerHTML = {{ this.script_html }};
            L.DomEvent.disableClickPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, html_text: str):
        super().__init__()
        self._name = "Legend"
        self.html = html_text

    @property
    def script_html(self) -> str:
        """The HTML as a script-safe JSON string (see :func:`script_json`)."""
        return script_json(self.html)


class Attribution(MacroElement):
    """Add a plain-text attribution to the map's attribution control."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.script_text }});
        {% endmacro %}
    """)

    def __init__(self, text: str):
        super().__init__()
        self._name = "Attribution"
        self.text = html.escape(text)

    @property
    def script_text(self) -> str:
        """The text as a script-safe JSON string (see :func:`script_json`)."""
        return script_json(self.text)


class ScaleControl(MacroElement):
    """A metric-only scale bar (bottom left): Finnish users measure in metres and kilometres, not miles."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.scale({metric: true, imperial: false, maxWidth: 150}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "ScaleControl"


class LabelLayer(FeatureLayer):
    """Point features drawn as labelled SVG stars (Leaflet ``divIcon``: no images, no plugins).

    Each feature's ``properties`` hold ``icon`` (the marker's HTML, built and escaped by
    :func:`proposal_icon_html`), ``className`` and optionally ``popup`` / ``tooltip`` (escaped HTML).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON({{ this.script_data }}, {
            pointToLayer: function (feature, latlng) {
                var p = feature.properties;
                var icon = L.divIcon({className: p.className || "", html: p.icon,
                                      iconSize: [p.size, p.size], iconAnchor: [p.size / 2, p.size / 2],
                                      popupAnchor: [0, -p.size / 2], tooltipAnchor: [p.size / 2, 0]});
                return L.marker(latlng, {icon: icon, zIndexOffset: 1000, riseOnHover: true,
                                         keyboard: true, title: p.title || ""});
            },
            onEachFeature: function (feature, layer) {
                var p = feature.properties;
                if (p.popup) { layer.bindPopup(p.popup, {maxWidth: 320}); }
                if (p.tooltip) { layer.bindTooltip(p.tooltip); }
            }
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, features: list[dict[str, Any]], *, name: str = "labels"):
        super().__init__(features, name=name)
        self._name = "LabelLayer"


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
    m.add_child(Attribution(DATA_ATTRIBUTION))
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
        From :func:`coverage.analysis.analyze`: colours areas covered / blind spot and marks places that
        do not count. Without it, areas are grey and every place is drawn as counted.
    reach : GeoDataFrame, optional
        From :func:`coverage.analysis.reach_areas` (``place_id, name, geometry``).
    blind_spots : GeoDataFrame, optional
        From :func:`coverage.analysis.blind_spot_polygons` (``id, area_km2, children_0_6, geometry``).
    lang : str, optional
        UI language for popups and the legend (default: the current one, see :mod:`coverage.i18n`).
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
    places = result.places if result is not None else project.places
    visits = place_visits(project) if size_by_visits else None
    add_places(m, places, lang=lang, visits=visits)
    if legend:
        m.add_child(
            Legend(
                legend_html(
                    lang=lang,
                    organiser_types=_present(places, "organiser_type"),
                    coloured_areas=result is not None,
                    reach=reach is not None and len(reach) > 0,
                    blind_spots=blind_spots is not None and len(blind_spots) > 0,
                    visits=visits is not None,
                )
            )
        )
    return m


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
                )
            )
        )
    return m


def place_visits(project: Project) -> pd.Series | None:
    """Visitors (adults + children) recorded per place id, or ``None`` when the project records none.

    A visits layer that cannot be read (see :mod:`coverage.stats`) also gives ``None``: the map then
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
    style = {"color": BOUNDARY_COLOUR, "weight": 2, "fill": False, "interactive": False}
    names = boundary["name"].astype(object).tolist() if "name" in boundary else [""] * len(boundary)
    features = [_feature(g, style=style, tooltip=_esc(n) or None) for g, n in zip(geoms, names, strict=True)]
    return _add(m, features, "boundary")


def add_reach(m: folium.Map, reach: gpd.GeoDataFrame, *, lang: str | None = None) -> FeatureLayer:
    """Draw each counted place's reach area as a faint blue polygon."""
    geoms = _to_wgs84(reach, simplify_m=_SIMPLIFY_M["polygons"])
    style = {
        "color": REACH_COLOUR,
        "weight": 1,
        "opacity": 0.5,
        "fillColor": REACH_COLOUR,
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
    """Draw blind-spot polygons in translucent red with a tooltip (id, km², children)."""
    geoms = _to_wgs84(polygons, simplify_m=_SIMPLIFY_M["polygons"])
    style = {
        "color": BLIND_COLOUR,
        "weight": 1,
        "opacity": 0.6,
        "fillColor": BLIND_COLOUR,
        "fillOpacity": 0.15,
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
        colour = (COVERED_COLOUR if covered[k] else BLIND_COLOUR) if has_result else NEUTRAL_COLOUR
        style = {
            "radius": round(float(radius[k]), 1),
            "color": NEWLY_COVERED_COLOUR if newly[k] else colour,
            "weight": 4 if newly[k] else 1.5,
            "fillColor": colour,
            "fillOpacity": 0.35,
            "className": AREA_CLASS,
        }
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
        colour = ORGANISER_COLOURS.get(str(row.get("organiser_type", "") or ""), ORGANISER_COLOURS["other"])
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
    """Draw proposed new sites (:attr:`coverage.planning.PlanResult.new_sites`) as lettered yellow stars.

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
    out = []
    for i in range(n):
        label, j = "", i + 1
        while j:
            j, r = divmod(j - 1, 26)
            label = chr(65 + r) + label
        out.append(label)
    return out


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
        f'<polygon points="{points}" fill="{PROPOSAL_COLOUR}" stroke="#000" stroke-width="1.5" '
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
    if day is not None and part is not None and str(day) in _WEEKDAY_CODES and i18n.has(f"daypart.{part}"):
        then = _float(get("children_gained_then"))
        parts.append(
            i18n.t(
                "map.proposal_best_time",
                lang,
                weekday=i18n.weekday_name(_WEEKDAY_CODES.index(str(day)), lang),
                daypart=i18n.t(f"daypart.{part}", lang),
                children=i18n.fmt_number(then, 0, lang=lang),
            )
        )
    if get("opening_hours"):
        parts.append(f"{i18n.t('map.proposal_hours', lang)}: <code>{_esc(get('opening_hours'))}</code>")
    if get("id"):
        parts.append(f"<small>{_esc(get('id'))}</small>")
    return "<br>".join(parts)


def place_popup_html(
    row: Any, *, counted: bool = True, visitors: float | None = None, lang: str | None = None
) -> str:
    """Build the popup of a place: every data value HTML-escaped, labels from :mod:`coverage.i18n`.

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
) -> str:
    """Build the legend's HTML (texts escaped).

    ``visits`` explains the place marker size (visitors recorded), ``proposals`` the proposed-site stars
    and ``newly_covered`` the yellow ring of areas a proposal newly covers.
    """

    def swatch(
        fill: str, *, border: str = "#222", radius: str = "50%", dashed: bool = False, opacity: float = 0.9
    ) -> str:
        style = (
            f"display:inline-block;width:12px;height:12px;margin-right:6px;vertical-align:middle;"
            f"border-radius:{radius};border:2px {'dashed' if dashed else 'solid'} {border};"
            f"background:{fill};opacity:{opacity}"
        )
        return f'<span style="{style}"></span>'

    def row(mark: str, text: str) -> str:
        return f"<div>{mark}{html.escape(text)}</div>"

    types = [t for t in ORGANISER_COLOURS if organiser_types is None or t in set(organiser_types)]
    out = [
        f"<b>{html.escape(i18n.t('map.legend', lang))}</b>",
        f"<div style='margin-top:4px'>{html.escape(i18n.t('map.legend_places', lang))}</div>",
    ]
    out += [row(swatch(ORGANISER_COLOURS[t]), i18n.label("organiser_type", t, lang)) for t in types]
    if visits:
        small = swatch("#bbb", border="#222").replace("width:12px;height:12px", "width:8px;height:8px")
        big = swatch("#bbb", border="#222").replace("width:12px;height:12px", "width:18px;height:18px")
        out.append(row(small + big, i18n.t("map.legend_visits", lang)))
    out.append(row(swatch("#fff", border="#555", dashed=True), i18n.t("map.legend_planned", lang)))
    out.append(row(swatch("#ddd", border="#999", opacity=0.6), i18n.t("map.legend_not_counted", lang)))
    out.append(f"<div style='margin-top:4px'>{html.escape(i18n.t('map.legend_areas', lang))}</div>")
    if coloured_areas:
        out.append(
            row(
                swatch(COVERED_COLOUR, border=COVERED_COLOUR, opacity=0.6), i18n.t("map.legend_covered", lang)
            )
        )
        out.append(
            row(swatch(BLIND_COLOUR, border=BLIND_COLOUR, opacity=0.6), i18n.t("map.legend_blind", lang))
        )
    if reach:
        out.append(
            row(
                swatch(REACH_COLOUR, border=REACH_COLOUR, radius="2px", opacity=0.3),
                i18n.t("map.legend_reach", lang),
            )
        )
    if blind_spots:
        out.append(
            row(
                swatch(BLIND_COLOUR, border=BLIND_COLOUR, radius="2px", opacity=0.3),
                i18n.t("map.legend_blind_polygon", lang),
            )
        )
    if newly_covered:
        out.append(
            row(
                swatch(COVERED_COLOUR, border=NEWLY_COVERED_COLOUR, opacity=0.8),
                i18n.t("map.legend_newly_covered", lang),
            )
        )
    if proposals:
        star = proposal_icon_html("A").replace(
            f'width="{PROPOSAL_SIZE_PX}" height="{PROPOSAL_SIZE_PX}"',
            'width="16" height="16" style="vertical-align:middle;margin-right:6px"',
        )
        out.append(f"<div>{star}{html.escape(i18n.t('map.legend_proposal', lang))}</div>")
    out.append(
        row(swatch("transparent", border=BOUNDARY_COLOUR, radius="2px"), i18n.t("map.legend_boundary", lang))
    )
    box = (
        "background:rgba(255,255,255,0.92);padding:6px 8px;border-radius:4px;font:12px/1.5 sans-serif;"
        "box-shadow:0 1px 4px rgba(0,0,0,0.3);max-width:240px"
    )
    return f'<div style="{box}">{"".join(out)}</div>'


def area_radius_px(children: Sequence[float] | np.ndarray) -> np.ndarray:
    """Circle radii in pixels with circle *area* proportional to children (see :data:`AREA_RADIUS_PX`)."""
    kids = np.clip(np.nan_to_num(np.asarray(children, dtype=float)), 0, None)
    lo, hi = AREA_RADIUS_PX
    top = kids.max() if len(kids) else 0.0
    if top <= 0:
        return np.full(len(kids), lo)
    return lo + (hi - lo) * np.sqrt(kids / top)


def standalone_html(m: folium.Map, *, leaflet_dir: str | Path = LEAFLET_DIR) -> str:
    """Render the map as one self-contained HTML page: Leaflet's JS and CSS (with its images) inlined.

    Raises
    ------
    KatveError
        When Leaflet is not in ``leaflet_dir`` (run ``make static/leaflet/leaflet.js``).
    """
    folder = Path(leaflet_dir)
    js_file, css_file = folder / "leaflet.js", folder / "leaflet.css"
    if not js_file.is_file() or not css_file.is_file():
        raise KatveError(f"Leaflet not found in {folder}: run `make static/leaflet/leaflet.js` (needs npm)")
    js = js_file.read_text(encoding="utf-8").replace("</script", "<\\/script")
    css = css_file.read_text(encoding="utf-8")

    def data_uri(match: re.Match) -> str:
        image = folder / match.group(1)
        if not image.is_file():
            return match.group(0)
        return f"url(data:image/png;base64,{base64.b64encode(image.read_bytes()).decode('ascii')})"

    css = re.sub(r"url\((images/[^)]+\.png)\)", data_uri, css).replace("</style", "<\\/style")
    js_marker, css_marker = "katve-inline-leaflet.js", "katve-inline-leaflet.css"
    saved = (m.default_js, m.default_css)
    m.default_js, m.default_css = [("leaflet", js_marker)], [("leaflet_css", css_marker)]
    try:
        page = m.get_root().render()
    finally:
        m.default_js, m.default_css = saved
    page = re.sub(
        rf'<script src="{re.escape(js_marker)}"></script>', lambda _m: f"<script>{js}</script>", page
    )
    page = re.sub(
        rf'<link rel="stylesheet" href="{re.escape(css_marker)}"\s*/>',
        lambda _m: f"<style>{css}</style>",
        page,
    )
    if js_marker in page or css_marker in page:  # pragma: no cover - folium changed its header template
        raise KatveError("could not inline Leaflet into the HTML map (unexpected folium template)")
    return page


def asset_urls(m: folium.Map) -> list[str]:
    """Every script and stylesheet URL the map (or any element in it) asks the browser to load."""
    urls: list[str] = []

    def walk(element: Any) -> None:
        for attr in ("default_js", "default_css"):
            urls.extend(src for _name, src in getattr(element, attr, []) or [])
        for child in getattr(element, "_children", {}).values():
            walk(child)

    walk(m)
    return list(dict.fromkeys(urls))


# --- helpers -----------------------------------------------------------------------------------------------


def _esc(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value))


def _float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _present(df: pd.DataFrame, column: str) -> list[str] | None:
    if column not in df:
        return None
    return sorted({str(v) if str(v) in ORGANISER_COLOURS else "other" for v in df[column].fillna("")})


@lru_cache(maxsize=32)
def _is_project_crs(srs: str) -> bool:
    from pyproj import CRS as ProjCRS

    return ProjCRS.from_user_input(srs).equals(CRS)


# pyproj keeps PROJ objects per thread, and Streamlit runs every rerun in a new thread: a transformer used
# there is rebuilt each time (~80 ms). All map transformations therefore run in one long-lived worker thread.
_PROJ_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="katve-proj")


@lru_cache(maxsize=4)
def _transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(source, target, always_xy=True)


def _transform(xy: np.ndarray, source: str, target: str) -> np.ndarray:
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    if not len(xy):
        return np.empty((0, 2))
    x, y = _transformer(source, target).transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def to_wgs84_xy(xy: np.ndarray) -> np.ndarray:
    """``(n, 2)`` EPSG:3067 coordinates to WGS84 lon/lat (fast in any thread)."""
    return _PROJ_WORKER.submit(_transform, xy, CRS, WGS84).result()


def from_wgs84_xy(lonlat: np.ndarray) -> np.ndarray:
    """``(n, 2)`` WGS84 lon/lat to EPSG:3067 coordinates (fast in any thread)."""
    return _PROJ_WORKER.submit(_transform, lonlat, WGS84, CRS).result()


def _in_project_crs(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if gdf.crs is None:
        return gdf.set_crs(CRS)
    return gdf if _is_project_crs(gdf.crs.srs) else gdf.to_crs(CRS)


_wgs84_xy = to_wgs84_xy


def _to_wgs84(gdf: gpd.GeoDataFrame, *, simplify_m: float = 0.0) -> list[dict[str, Any] | None]:
    """Geometries as GeoJSON dicts in WGS84, simplified in metres first, coordinates rounded to ~0.1 m."""
    geoms = _in_project_crs(gdf).geometry.to_numpy()
    if simplify_m > 0:
        geoms = shapely.simplify(geoms, simplify_m, preserve_topology=True)
    geoms = shapely.transform(geoms, _wgs84_xy)
    values = shapely.set_precision(geoms, 1e-6)
    return [None if g is None or g.is_empty else json.loads(shapely.to_geojson(g)) for g in values]


def _points_wgs84(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """``(n, 2)`` lon/lat of each row's point (polygons: the analysis' representative point)."""
    xy = demand_points(_in_project_crs(gdf))
    return _wgs84_xy(xy) if len(xy) else np.empty((0, 2))


def _column(df: pd.DataFrame, name: str) -> list[Any]:
    """Return a column as a list (``None`` for a missing column or missing values)."""
    if name not in df:
        return [None] * len(df)
    return [None if _missing(v) else v for v in df[name].tolist()]


def _records(df: pd.DataFrame, columns: Sequence[str]) -> list[dict[str, Any]]:
    """Rows as dicts of ``columns`` (missing columns and values are ``None``); much faster than iterrows."""
    values = [_column(df, c) for c in columns]
    if not values:
        return [{} for _ in range(len(df))]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _feature(
    geometry: dict[str, Any] | None,
    *,
    style: dict[str, Any],
    popup: str | None = None,
    tooltip: str | None = None,
) -> dict[str, Any]:
    props: dict[str, Any] = {"style": style}
    if popup:
        props["popup"] = popup
    if tooltip:
        props["tooltip"] = tooltip
    return {"type": "Feature", "geometry": geometry, "properties": props}


def _point_feature(lonlat: Sequence[float], **kw: Any) -> dict[str, Any]:
    lon, lat = (round(float(v), 6) for v in lonlat)
    return _feature({"type": "Point", "coordinates": [lon, lat]}, **kw)


def _add(m: folium.Map, features: list[dict[str, Any]], name: str) -> FeatureLayer:
    layer = FeatureLayer([f for f in features if f["geometry"] is not None], name=name)
    m.add_child(layer)
    return layer


def _bounds_wgs84(project: Project) -> tuple[float, float, float, float]:
    """(south, west, north, east) of the boundary, else of places and areas; Finland if all are empty."""
    frames = [project.boundary] if len(project.boundary) else [project.places, project.areas]
    boxes = [_in_project_crs(f).total_bounds for f in frames if f is not None and len(f)]
    boxes = [b for b in boxes if np.isfinite(b).all()]
    if not boxes:
        return 59.8, 20.5, 70.1, 31.6
    arr = np.array(boxes)
    x0, y0, x1, y1 = arr[:, 0].min(), arr[:, 1].min(), arr[:, 2].max(), arr[:, 3].max()
    corners = _wgs84_xy(np.array([[x0, y0], [x0, y1], [x1, y0], [x1, y1]], dtype=float))
    west, south = corners.min(axis=0)
    east, north = corners.max(axis=0)
    return float(south), float(west), float(north), float(east)


__all__ = [
    "APP_LEAFLET_CSS",
    "APP_LEAFLET_JS",
    "DATA_ATTRIBUTION",
    "LEAFLET_DIR",
    "ORGANISER_COLOURS",
    "PROPOSAL_CLASS",
    "Attribution",
    "FeatureLayer",
    "LabelLayer",
    "Legend",
    "ScaleControl",
    "add_areas",
    "add_blind_spots",
    "add_boundary",
    "add_marker",
    "add_places",
    "add_proposals",
    "add_reach",
    "area_radius_px",
    "asset_urls",
    "base_map",
    "coverage_map",
    "from_wgs84_xy",
    "layers",
    "legend_html",
    "place_popup_html",
    "place_visits",
    "script_json",
    "plan_map",
    "proposal_icon_html",
    "proposal_labels",
    "proposal_popup_html",
    "standalone_html",
    "to_wgs84_xy",
]
