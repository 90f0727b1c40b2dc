"""Leaflet-only map elements, safe JSON for templates, offline assets and WGS84 transforms."""

from __future__ import annotations

import base64
import html
import json
import math
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template
from pyproj import Transformer

from ..analysis.reach import demand_points
from ..core.errors import ExportError, KatveError
from ..core.model import CRS, Project
from .document import ORGANISER_COLORS

WGS84 = "EPSG:4326"

LEAFLET_DIR = Path(__file__).resolve().parents[2] / "static" / "leaflet"
"""Where ``make static/leaflet/leaflet.js`` unpacks Leaflet (git-ignored)."""

APP_LEAFLET_JS = "/app/static/leaflet/leaflet.js"
APP_LEAFLET_CSS = "/app/static/leaflet/leaflet.css"
"""Leaflet as served by streamlit's static file serving (``enableStaticServing = true``)."""


# --- small Leaflet-only elements --------------------------------------------------------------------------

AREA_CLASS = "katve-area"
"""CSS class of the areas on the map (circles of point areas, grid cells), for browser tests and styling."""

BLIND_CLASS = "katve-blind"
"""CSS class of the blind-spot polygons."""

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
        self.features = features
        self.data = {"type": "FeatureCollection", "features": features}

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


class AccessibleFrame(MacroElement):
    """WCAG 2.1 for the document the map runs in (the app's map iframe, the HTML export).

    The page's language, a title, and a viewport that lets people zoom (folium's ``user-scalable=no`` fails
    1.4.4 / axe ``meta-viewport``); the map container is a labelled region.
    """

    _template = Template("""
        {% macro header(this, kwargs) %}
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
            var doc = document.documentElement;
            doc.setAttribute("lang", {{ this.script_lang }});
            if (!document.title) { document.title = {{ this.script_label }}; }
            document.querySelectorAll('meta[name="viewport"]').forEach(function (m) {
                m.setAttribute("content", "width=device-width, initial-scale=1.0");
            });
            var box = {{ this._parent.get_name() }}.getContainer();
            box.setAttribute("role", "region");
            box.setAttribute("aria-label", {{ this.script_label }});
        })();
        {% endmacro %}
    """)

    def __init__(self, lang: str, label: str) -> None:
        super().__init__()
        self._name = "AccessibleFrame"
        self.lang, self.label = lang, label

    @property
    def script_lang(self) -> str:
        """The language code as a script-safe JSON string."""
        return script_json(self.lang)

    @property
    def script_label(self) -> str:
        """The map's accessible name as a script-safe JSON string."""
        return script_json(self.label)


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


def standalone_html(m: folium.Map, *, leaflet_dir: str | Path | None = None) -> str:
    """Render the map as one self-contained HTML page: Leaflet's JS and CSS (with its images) inlined.

    Raises
    ------
    KatveError
        When Leaflet is not in ``leaflet_dir`` (default :data:`LEAFLET_DIR`; run
        ``make static/leaflet/leaflet.js``).
    """
    folder = Path(leaflet_dir if leaflet_dir is not None else LEAFLET_DIR)
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
    return sorted({str(v) if str(v) in ORGANISER_COLORS else "other" for v in df[column].fillna("")})


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


_EXTERNAL = re.compile(r"<(?:script|link)[^>]+(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.IGNORECASE)


def _check_offline(page: str) -> str:
    """Raise if the page still loads anything from the network (folium defaults creeping back)."""
    found = _EXTERNAL.search(page)
    if found:
        raise ExportError(f"the HTML map would load a remote resource: {found.group(0)[:120]}")
    return page
