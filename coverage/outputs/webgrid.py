"""The 1 km population grid on the web map: cells as a choropleth of children, village names on top.

Used by :mod:`coverage.outputs.webmap` when the areas are grid cells (see
:func:`coverage.analysis.demand.grid_cell_km`): each cell is filled by its class of children 0-6
(:data:`~coverage.outputs.document.CHILDREN_PALETTE`, colour-blind safe); populated cells beyond reach get a
dashed magenta outline (a pattern as well as a colour), and each village's blind spot (the dissolved cells)
a thick one. Village names are text labels with their own popups, so the map reads at municipality zoom
and at village zoom. Every fact shown here is also in the village and cell tables of the app and exports.
"""

from __future__ import annotations

import html
from typing import Any, cast

import folium
import geopandas as gpd
import numpy as np
from branca.element import Figure
from jinja2 import Template

from ..analysis.villages import numeric_column, village_of, village_points, village_table
from ..core import i18n
from ..core.model import CRS
from .document import CHILDREN_PALETTE, COLORS, children_class, children_class_labels
from .leaflet import (
    AREA_CLASS,
    BLIND_CLASS,
    FeatureLayer,
    _add,
    _esc,
    _feature,
    _float,
    _records,
    _to_wgs84,
    to_wgs84_xy,
)

CELL_CLASS = "katve-cell"
"""CSS class of the grid cells (browser tests find them by it)."""

VILLAGE_CLASS = "katve-village"
"""CSS class of the village labels."""

_SIMPLIFY_M = 5.0


class VillageLabels(FeatureLayer):
    """Village names as text labels (Leaflet ``divIcon``), each with a popup of the village's figures."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON({{ this.script_data }}, {
            pointToLayer: function (feature, latlng) {
                var p = feature.properties;
                var icon = L.divIcon({className: p.className, html: p.icon, iconSize: null});
                return L.marker(latlng, {icon: icon, keyboard: true, title: p.title, zIndexOffset: 500});
            },
            onEachFeature: function (feature, layer) {
                if (feature.properties.popup) { layer.bindPopup(feature.properties.popup, {maxWidth: 320}); }
            }
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, features: list[dict[str, Any]], *, name: str = "villages"):
        super().__init__(features, name=name)
        self._name = "VillageLabels"


def add_cells(m: folium.Map, areas: gpd.GeoDataFrame, *, lang: str | None = None) -> FeatureLayer:
    """Draw grid cells filled by their class of children, populated cells beyond reach outlined (dashed).

    The popup names the cell by its village ("Selki, 1 km ruutu"), its children (estimated), residents and,
    with an analysis result (``covered``), the minutes to the nearest counted place.
    """
    geoms = _to_wgs84(areas, simplify_m=_SIMPLIFY_M)
    kids = numeric_column(areas, "children_0_6")
    pop = numeric_column(areas, "population")
    classes = children_class(kids)
    has_result = "covered" in areas
    covered = areas["covered"].to_numpy(bool) if has_result else np.ones(len(areas), bool)
    beyond = ~covered & ((pop > 0) | (kids > 0))
    newly = beyond & False
    if "newly_covered" in areas:
        newly = areas["newly_covered"].fillna(False).to_numpy(bool)
    villages = village_of(areas).to_numpy(object)
    estimated = (
        areas["children_estimated"].fillna(False).to_numpy(bool)
        if "children_estimated" in areas else np.zeros(len(areas), bool)
    )  # fmt: skip
    features = []
    rows = _records(areas, ("name", "minutes", "distance_km"))
    for k, (g, row) in enumerate(zip(geoms, rows, strict=True)):
        style = {
            "color": COLORS["newly_covered"] if newly[k] else COLORS["beyond"] if beyond[k] else "#ffffff",
            "weight": 3 if newly[k] else 2 if beyond[k] else 0.5,
            "dashArray": "4 3" if beyond[k] else None,
            "opacity": 1.0 if beyond[k] else 0.7,
            "fillColor": CHILDREN_PALETTE[int(classes[k])],
            "fillOpacity": 0.75,
            "className": f"{AREA_CLASS} {CELL_CLASS}" + (" katve-beyond" if beyond[k] else ""),
        }
        lines = [
            f"<b>{_esc(row.get('name', ''))}</b>",
            html.escape(i18n.t("map.cell_village", lang, village=villages[k])),
            html.escape(i18n.t("map.area_children", lang, children=i18n.fmt_number(kids[k], 0, lang=lang)))
            + (f" <i>({html.escape(i18n.t('map.cell_estimated', lang))})</i>" if estimated[k] else ""),
            html.escape(
                i18n.t("map.area_population", lang, population=i18n.fmt_number(pop[k], 0, lang=lang))
            ),
        ]
        if has_result:
            lines += _reach_lines(row, covered[k], lang)
        if newly[k]:
            lines.append(f"<i>{html.escape(i18n.t('map.area_newly_covered', lang))}</i>")
        features.append(_feature(g, style=style, popup="<br>".join(lines)))
    return _add(m, features, "areas")


def add_village_blind_spots(
    m: folium.Map, polygons: gpd.GeoDataFrame, *, lang: str | None = None
) -> FeatureLayer:
    """Outline each village's blind spot (its dissolved populated cells beyond reach), no fill."""
    geoms = _to_wgs84(polygons, simplify_m=_SIMPLIFY_M)
    style = {"color": COLORS["beyond"], "weight": 3.5, "opacity": 0.9, "fill": False,
             "className": BLIND_CLASS}  # fmt: skip
    features = []
    for g, row in zip(geoms, _records(polygons, ("village", "children_0_6", "areas")), strict=True):
        tip = i18n.t(
            "map.village_blind", lang, village=row.get("village", ""),
            children=i18n.fmt_number(_float(row.get("children_0_6")), 0, lang=lang),
            cells=i18n.fmt_number(_float(row.get("areas")), 0, lang=lang),
        )  # fmt: skip
        features.append(_feature(g, style=style, tooltip=html.escape(tip)))
    return _add(m, features, "blind_spots")


def add_villages(m: folium.Map, areas: gpd.GeoDataFrame, *, lang: str | None = None) -> FeatureLayer | None:
    """Label every village at its population-weighted centre; the popup gives its children and reach."""
    if not len(areas):
        return None
    centres = village_points(areas.to_crs(CRS) if areas.crs is not None else areas)
    table = village_table(areas).set_index("name") if "covered" in areas else None
    lonlat = to_wgs84_xy(centres[["x", "y"]].to_numpy(float))
    features = []
    for (name, _x, _y), (lon, lat) in zip(centres.itertuples(index=False), lonlat, strict=True):
        lines = [f"<b>{html.escape(str(name))}</b>"]
        if table is not None and name in table.index:
            v = table.loc[name]
            lines.append(html.escape(i18n.t(
                "map.village_children", lang, children=i18n.fmt_number(v["children_0_6"], 0, lang=lang),
                covered=i18n.fmt_number(v["children_covered"], 0, lang=lang),
                share=i18n.fmt_share(v["children_covered_share"], 0, lang=lang),
            )))  # fmt: skip
            if v["children_uncovered"] > 0:
                lines.append(html.escape(i18n.t(
                    "map.village_beyond", lang, cells=int(v["cells_uncovered"]),
                    children=i18n.fmt_number(v["children_uncovered"], 0, lang=lang),
                )))  # fmt: skip
        props = {
            "icon": f"<span>{html.escape(str(name))}</span>",
            "className": VILLAGE_CLASS,
            "title": str(name),
            "popup": "<br>".join(lines),
            "style": {},
        }
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [
            round(float(lon), 6), round(float(lat), 6)]}, "properties": props})  # fmt: skip
    layer = VillageLabels(features)
    m.add_child(layer)
    cast(Figure, m.get_root()).header.add_child(folium.Element(_LABEL_CSS))
    return layer


def legend_rows(*, lang: str | None = None, coloured: bool = True, village_blind: bool = False) -> list[str]:
    """Return the legend's grid rows: the classes of children and (with a result) the outlines."""
    t = i18n.t
    rows = [f"<div style='margin-top:4px'>{html.escape(t('map.legend_cells', lang))}</div>"]
    for colour, label in zip(CHILDREN_PALETTE, children_class_labels(lang or "fi"), strict=True):
        rows.append(_row(_square(colour, "#999999"), label))
    if coloured:
        rows.append(_row(_square("#ffffff", COLORS["beyond"], dashed=True), t("map.legend_beyond", lang)))
    if village_blind:
        swatch = _square("transparent", COLORS["beyond"], width=3)
        rows.append(_row(swatch, t("map.legend_village_blind", lang)))
    return rows


_LABEL_CSS = """<style>
.katve-village span { display: inline-block; transform: translate(-50%, 8px); white-space: nowrap;
  font: 600 12px/1.2 sans-serif; color: #1a1a1a; background: rgba(255, 255, 255, 0.8); padding: 1px 4px;
  border-radius: 3px; box-shadow: 0 0 2px rgba(0, 0, 0, 0.4); }
.katve-village:focus span { outline: 2px solid #1f4e79; }
</style>"""


def _reach_lines(row: dict[str, Any], covered: bool, lang: str | None) -> list[str]:
    minutes, km = _float(row.get("minutes")), _float(row.get("distance_km"))
    if minutes is None:
        line = i18n.t("map.area_no_place", lang)
    elif km is None:
        line = i18n.t("map.area_nearest_minutes", lang, minutes=i18n.fmt_number(minutes, 0, lang=lang))
    else:
        line = i18n.t("map.area_nearest", lang, minutes=i18n.fmt_number(minutes, 0, lang=lang),
                      km=i18n.fmt_number(km, 1, lang=lang))  # fmt: skip
    state = i18n.t("map.area_covered" if covered else "map.area_blind", lang)
    return [html.escape(line), f"<b>{html.escape(state)}</b>"]


def _square(fill: str, border: str, *, dashed: bool = False, width: int = 1) -> str:
    style = (
        "display:inline-block;width:14px;height:14px;margin-right:6px;vertical-align:middle;"
        f"border:{width + 1 if dashed else width}px {'dashed' if dashed else 'solid'} {border};"
        f"background:{fill}"
    )
    return f'<span style="{style}"></span>'


def _row(mark: str, label: str) -> str:
    return f"<div>{mark}{html.escape(label)}</div>"
