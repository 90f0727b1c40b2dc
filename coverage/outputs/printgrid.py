"""The 1 km grid on the print map and in the report: the same picture as the web map, on paper.

Cells are filled by their class of children 0-6 (:data:`~coverage.outputs.document.CHILDREN_PALETTE`),
populated cells beyond reach get a dashed magenta outline and each village's blind spot a thick one, so the
map also reads in greyscale and with colour blindness. Villages are labelled at their population-weighted
centres (:func:`coverage.analysis.villages.village_points`) instead of the cells.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ..analysis.demand import grid_cell_km
from ..analysis.villages import numeric_column, village_points, village_table
from ..core import i18n
from ..core.model import CRS
from .document import CHILDREN_CLASSES, CHILDREN_PALETTE, COLORS, children_class, children_class_labels


def is_grid(areas: gpd.GeoDataFrame) -> bool:
    """Whether the areas are grid cells (drawn by this module)."""
    return bool(len(areas)) and grid_cell_km(areas) is not None


def draw_cells(ax: Any, areas: gpd.GeoDataFrame, plot_polygons: Any) -> None:
    """Draw the cells by class of children, then the dashed outline of populated cells beyond reach."""
    kids = numeric_column(areas, "children_0_6")
    pop = numeric_column(areas, "population")
    classes = children_class(kids)
    geoms = areas.geometry.to_numpy()
    for k, colour in enumerate(CHILDREN_PALETTE):
        mask = classes == k
        if mask.any():
            plot_polygons(ax, geoms[mask], facecolor=colour, edgecolor="white", linewidth=0.15, zorder=4)
    covered = areas["covered"].to_numpy(bool) if "covered" in areas else np.ones(len(areas), bool)
    beyond = ~covered & ((pop > 0) | (kids > 0))
    if beyond.any():
        plot_polygons(ax, geoms[beyond], facecolor="none", edgecolor=COLORS["beyond"], linewidth=0.7,
                      linestyle=(0, (2, 1.5)), zorder=5)  # fmt: skip
    if "newly_covered" in areas:
        newly = areas["newly_covered"].fillna(False).to_numpy(bool)
        if newly.any():
            plot_polygons(ax, geoms[newly], facecolor="none", edgecolor=COLORS["newly_covered"],
                          linewidth=1.4, zorder=5)  # fmt: skip


def draw_village_blind(ax: Any, blind: gpd.GeoDataFrame, plot_polygons: Any) -> None:
    """Outline each village's blind spot (dissolved cells beyond reach) thick, over the cells."""
    plot_polygons(ax, blind.geometry, facecolor="none", edgecolor=COLORS["beyond"], linewidth=1.6, zorder=6)


def handles(areas: gpd.GeoDataFrame, lang: str, *, village_blind: bool, strip: bool = False) -> list:
    """Legend entries: a heading, one patch per class of children, the outlines beyond reach.

    ``strip``: leave the classes out (drawn as one row by :func:`class_strip`, for narrow side panels).
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    out: list = [] if strip else [Line2D([], [], ls="", label=i18n.t("map.legend_cells", lang))]
    for colour, label in ([] if strip else zip(CHILDREN_PALETTE, children_class_labels(lang), strict=True)):
        out.append(Patch(facecolor=colour, edgecolor="#999999", linewidth=0.4, label=f"   {label}"))
    if "covered" in areas:
        out.append(Patch(facecolor="white", edgecolor=COLORS["beyond"], linestyle=(0, (2, 1.5)),
                         linewidth=1.0, label=i18n.t("map.legend_beyond", lang)))  # fmt: skip
    if village_blind:
        out.append(Patch(facecolor="none", edgecolor=COLORS["beyond"], linewidth=1.8,
                         label=i18n.t("map.legend_village_blind", lang)))  # fmt: skip
    return out


def class_strip(panel: Any, top: float, lang: str) -> float:
    """Draw the classes of children as one row of swatches with their labels below; return the y below."""
    from matplotlib.patches import Rectangle

    panel.text(0.0, top, i18n.t("map.legend_cells", lang), fontsize=8.5, va="top")
    y = top - 0.045
    width = 1.0 / len(CHILDREN_PALETTE)
    labels = children_class_labels(lang)  # the open ends short, so that each label fits under its swatch
    labels[0], labels[-1] = f"< {CHILDREN_CLASSES[0]}", f"≥ {CHILDREN_CLASSES[-1]}"
    for k, (colour, label) in enumerate(zip(CHILDREN_PALETTE, labels, strict=True)):
        x = k * width
        panel.add_patch(Rectangle((x, y), width * 0.9, 0.018, facecolor=colour, edgecolor="#999999",
                                  linewidth=0.4, transform=panel.transAxes, clip_on=False))  # fmt: skip
        panel.text(x + width * 0.45, y - 0.006, label, fontsize=6.5, va="top", ha="center",
                   transform=panel.transAxes)  # fmt: skip
    return y - 0.04


def village_labels(areas: gpd.GeoDataFrame) -> tuple[np.ndarray, list[str], np.ndarray, np.ndarray]:
    """Village label points (EPSG:3067), names, children and whether any of their children are beyond reach.

    Ordered for the greedy labeller: villages with children beyond reach first, then the most children.
    """
    centres = village_points(areas.to_crs(CRS) if areas.crs is not None else areas)
    if not len(centres):
        return np.empty((0, 2)), [], np.empty(0), np.empty(0, bool)
    table = village_table(areas).set_index("name").reindex(centres["name"])
    kids = table["children_0_6"].to_numpy(float)
    beyond = pd.to_numeric(table["children_uncovered"], errors="coerce").fillna(0).to_numpy(float) > 0.5
    order = np.lexsort((-kids, ~beyond))
    xy = centres[["x", "y"]].to_numpy(float)[order]
    return xy, [str(n) for n in centres["name"].to_numpy()[order]], kids[order], beyond[order]
