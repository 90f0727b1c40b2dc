r"""The print map: A4 landscape, drawn with matplotlib from the project's own layers (no tiles, no internet).

The map shows the municipal boundary, the reach of every counted place, the blind spots, the villages/areas
(point areas as circles sized by children 0-6, coloured by coverage; polygon areas filled by coverage), the
places (numbered; the numbers are explained in the side panel) and proposed new sites. Around it: title,
travel settings, headline figures, legend, a scale bar, a north arrow (true north, corrected for the
meridian convergence of ETRS-TM35FIN), the date and the data attribution.

Labels are placed greedily: each label tries eight positions around its point and takes the first that
overlaps no label, marker or panel already drawn; an area label with no free position is left out (a place
number never is).

Examples
--------
>>> import io
>>> from coverage.io.datasets import load_dataset
>>> from coverage.outputs.export import prepare
>>> buf = io.BytesIO()
>>> print_map(prepare(load_dataset("vihti")), buf, fmt="png", dpi=50)
>>> buf.getvalue()[:4]
b'\x89PNG'
"""

from __future__ import annotations

import math
import threading
import warnings
from contextlib import contextmanager
from typing import Any

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import shapely

from ..analysis.reach import demand_points
from ..analysis.study import Study
from ..core import i18n
from ..core.errors import ExportError
from ..core.i18n import fmt_number, fmt_share
from ..core.model import CRS
from . import printgrid
from .document import COLORS, ORGANISER_COLORS, credits, describe_settings, fmt_date, text

A4_LANDSCAPE = (11.69, 8.27)
"""Figure size in inches."""

RC = {
    "font.family": "DejaVu Sans",
    "pdf.fonttype": 42,  # TrueType: text stays text (searchable, extractable), Nordic glyphs embedded
    "ps.fonttype": 42,
    "svg.fonttype": "none",
    "axes.unicode_minus": True,
    "hatch.linewidth": 0.6,
    # Text from the data (place, area and municipality names) is drawn as it is: no mathtext for "$x^2$"
    # (and no crash on a typo such as "$\foo$"), never LaTeX.
    "text.parse_math": False,
    "text.usetex": False,
}

PLANNED_MARKER = "D"
"""Planned places are diamonds (running places are circles), counted or not."""

_MANY_POLYGONS = 60
"""More polygon areas than this are a grid: drawn without outlines and without labels."""

_OFFSETS = ((1, 1), (1, -1), (-1, 1), (-1, -1), (1, 0), (-1, 0), (0, 1), (0, -1))


_RC_LOCK = threading.RLock()


@contextmanager
def style():
    """Apply the matplotlib settings of every Katve figure (DejaVu Sans, TrueType fonts in PDFs).

    ``rcParams`` are global: the lock keeps two renderings in different threads (the app's download
    buttons run in their own threads) from restoring each other's settings in the wrong order.

    Characters the font lacks (emoji in a place name) are drawn as empty boxes without a warning: the
    text comes from the data, and the PDF's text layer still holds it.
    """
    import matplotlib.pyplot as plt

    with _RC_LOCK, plt.rc_context(RC), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font", category=UserWarning)
        yield


def new_figure(size: tuple[float, float] = A4_LANDSCAPE) -> Any:
    """Create a figure not registered with pyplot (no GUI, no global state), with an Agg canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size)
    FigureCanvasAgg(fig)
    return fig


def print_map(data: Study, out: Any, *, fmt: str = "png", dpi: int = 200) -> None:
    """Draw the A4 landscape print map and save it as ``fmt`` (``png``/``pdf``) to ``out`` (path or file)."""
    if fmt not in ("png", "pdf"):
        raise ExportError(f"the print map is png or pdf, not {fmt!r}")
    with style():
        fig = new_figure()
        map_page(fig, data)
        meta = (
            {"Title": f"{text('title', data.lang)} – {data.name}", "Creator": "Katve"}
            if fmt == "pdf"
            else None
        )
        fig.savefig(out, format=fmt, dpi=dpi, metadata=meta)


def map_page(fig: Any, data: Study) -> None:
    """Lay out the print map on ``fig``: map on the left; title, figures, legend and places on the right."""
    lang = data.lang
    ax = fig.add_axes((0.015, 0.06, 0.64, 0.92))
    numbers = draw_map(ax, data)
    panel = fig.add_axes((0.67, 0.06, 0.315, 0.92))
    panel.set_axis_off()
    panel.set_xlim(0, 1)
    panel.set_ylim(0, 1)
    panel.set_autoscale_on(False)
    y = _panel_header(panel, data)
    y = _legend(panel, data, y - 0.02)
    _place_list(panel, data, numbers, y - 0.02)
    credit = credits(data.result.areas, data.lang).replace(" · ", "\n")  # the grid source: a line of its own
    fig.text(0.015, 0.028, credit, fontsize=7.5, color="#333333", va="center", linespacing=1.4)
    fig.text(
        0.655,
        0.025,
        text("printed", lang, date=fmt_date(data.today, lang)) + " · Katve",
        fontsize=7.5,
        color="#333333",
        va="center",
        ha="right",
    )


def _panel_header(panel: Any, data: Study) -> float:
    lang = data.lang
    s = data.result.summary
    y = flow(panel, 1.0, text("title", lang), fontsize=14, weight="bold")
    y = flow(panel, y - 0.004, data.name, fontsize=12.5)
    y = flow(panel, y - 0.01, describe_settings(data.result, lang), fontsize=8.5, color="#333333")
    big = fmt_share(s["children_covered_share"], 0, lang=lang)
    t = panel.text(0.0, y - 0.015, big, fontsize=24, weight="bold", va="top", color=COLORS["accent"])
    box = extent_in(panel, t)
    covered_line = text(
        "covered_line",
        lang,
        covered=fmt_number(s["children_covered"], 0, lang=lang),
        total=fmt_number(s["children_total"], 0, lang=lang),
        share=big,
    )
    label, _, numbers = covered_line.partition(":")
    x = box.x1 + 0.04
    y2 = flow(panel, y - 0.017, label, fontsize=8.5, x=x)
    flow(panel, y2, numbers.strip().rsplit(" (", 1)[0], fontsize=8.5, x=x)
    y = min(box.y0, y2 - 0.03) - 0.02
    pop = text(
        "pop_line",
        lang,
        covered=fmt_number(s["population_covered"], 0, lang=lang),
        total=fmt_number(s["population_total"], 0, lang=lang),
        share=fmt_share(s.get("population_covered_share"), 0, lang=lang),
    )
    y = flow(panel, y, pop, fontsize=8.5)
    y = flow(panel, y, text("places_line", lang, n=s["places_counted"]), fontsize=8.5)
    return y - 0.02


def flow(
    ax: Any,
    y: float,
    string: str,
    *,
    fontsize: float,
    x: float = 0.0,
    width: float | None = None,
    gap: float = 0.006,
    **kw: Any,
) -> float:
    """Draw ``string`` at axes position (x, y) (top), wrapped by measurement to ``width``; return the y below.

    ``ax`` must have 0..1 data limits (the side panel). ``width`` defaults to the rest of the axes.
    """
    width = (1.0 - x) if width is None else width
    wrapped = wrap_text(ax, string, width, fontsize, **kw)
    t = ax.text(x, y, wrapped, fontsize=fontsize, va="top", ha="left", linespacing=1.25, **kw)
    return extent_in(ax, t).y0 - gap


def wrap_text(ax: Any, string: str, width: float, fontsize: float, **kw: Any) -> str:
    """Break ``string`` into lines at most ``width`` wide (``ax`` data units) as measured in ``ax``.

    Words are kept whole (a word longer than ``width`` gets a line of its own); only ``weight`` and ``style``
    of ``kw`` change the measure.
    """
    lines: list[str] = []
    current = ""
    for word in string.split():
        trial = f"{current} {word}".strip()
        if current and text_width(ax, trial, fontsize, **kw) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    lines.append(current)
    return "\n".join(lines)


def text_width(ax: Any, string: str, fontsize: float, **kw: Any) -> float:
    """Width of ``string`` drawn in ``ax`` (data units); only ``weight`` and ``style`` of ``kw`` count."""
    t = ax.text(0, 0, string, fontsize=fontsize, **{k: v for k, v in kw.items() if k in ("weight", "style")})
    width = extent_in(ax, t).width
    t.remove()
    return width


def extent_in(ax: Any, artist: Any) -> Any:
    """Return the artist's extent in ``ax``'s data coordinates (axes fraction for the 0..1 side panel)."""
    renderer = ax.figure.canvas.get_renderer()
    return artist.get_window_extent(renderer).transformed(ax.transData.inverted())


def _legend(panel: Any, data: Study, top: float) -> float:
    grid = printgrid.is_grid(data.result.areas)
    if grid:
        top = printgrid.class_strip(panel, top, data.lang)
    handles = legend_handles(data, strip=grid)
    leg = panel.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.0, top),
        frameon=False,
        fontsize=8.5,
        borderaxespad=0.0,
        handlelength=1.6,
        labelspacing=0.5,
        borderpad=0.0,
    )
    panel.add_artist(leg)
    renderer = panel.figure.canvas.get_renderer()
    box = leg.get_window_extent(renderer).transformed(panel.transData.inverted())
    y = box.y0 - 0.025
    if _point_areas(data.result.areas).any():
        y = _size_legend(panel, data, y)
    return y


def legend_handles(data: Study, *, compact: bool = False, strip: bool = False) -> list:
    """Return the legend entries of :func:`draw_map` (``compact``: no heading row, for narrow legends).

    ``strip``: the grid's classes of children are drawn apart (:func:`.printgrid.class_strip`).
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    lang = data.lang
    handles = [
        Line2D([], [], color=COLORS["boundary"], lw=1.4, label=text("legend.boundary", lang)),
        Patch(facecolor=_rgba(COLORS["reach"], 0.12), edgecolor=_rgba(COLORS["reach"], 0.7),
              label=text("legend.reach", lang)),
    ]  # fmt: skip
    if not (len(data.blind) and "village" in data.blind):  # village blind spots: in the grid's entries
        handles.append(Patch(facecolor=_rgba(COLORS["blind"], 0.14), edgecolor=COLORS["blind"], hatch="///",
                             label=text("legend.blind", lang)))  # fmt: skip
    if not compact:
        handles.append(Line2D([], [], ls="", label=text("legend.places", lang)))
    return handles + _place_handles(data, compact=compact) + _area_handles(data, strip=strip)


def _marker(**style: Any) -> Any:
    """Make a legend entry that is one marker (no line)."""
    from matplotlib.lines import Line2D

    return Line2D([], [], ls="", **style)


def _place_handles(data: Study, *, compact: bool) -> list:
    """Legend entries of the places: one per organiser type, planned, not counted, proposals."""
    lang = data.lang
    places = data.result.places
    if data.plan is not None and len(data.proposals):  # proposals added to a scenario are drawn as stars only
        places = places.loc[~places["id"].astype(str).isin(set(data.proposals["id"].astype(str)))]
    handles = []
    for otype in _organiser_types(places):
        name = i18n.label("organiser_type", otype, lang)
        label = f"{text('legend.places', lang)} {name}" if compact else f"   {name}"
        colour = ORGANISER_COLORS[otype]
        handles.append(_marker(marker="o", mfc=colour, mec="black", mew=1.0, ms=8, label=label))
    kinds = _place_kinds(places)
    if (kinds == "planned_counted").any():  # a scenario: counted, but not (yet) real
        handles.append(_marker(marker=PLANNED_MARKER, mfc="#bdbdbd", mec="black", mew=1.0, ms=8,
                               label=text("legend.place_planned_counted", lang)))  # fmt: skip
    if (kinds == "planned").any():
        handles.append(_marker(marker=PLANNED_MARKER, mfc="white", mec="#333333", mew=1.2, ms=8,
                               label=text("legend.place_planned", lang)))  # fmt: skip
    if (kinds == "not_counted").any():
        handles.append(_marker(marker="o", mfc="white", mec="#999999", mew=1.2, ms=8,
                               label=text("legend.place_not_counted", lang)))  # fmt: skip
    if data.plan is not None and len(data.proposals):
        handles.append(_marker(marker="*", mfc=COLORS["proposal"], mec="black", mew=0.7, ms=14,
                               label=text("legend.proposal", lang)))  # fmt: skip
    return handles


def _area_handles(data: Study, *, strip: bool = False) -> list:
    """Legend entries of the areas, covered and not: dots for point areas, patches for polygons."""
    from matplotlib.patches import Patch

    areas = data.result.areas
    if printgrid.is_grid(areas):
        village_blind = len(data.blind) > 0 and "village" in data.blind
        return printgrid.handles(areas, data.lang, village_blind=village_blind, strip=strip)
    is_point = _point_areas(areas)
    handles = []
    for key, label in (("covered", "legend.area_covered"), ("uncovered", "legend.area_uncovered")):
        if is_point.any() or not len(areas):
            handles.append(_marker(marker="o", mfc=_rgba(COLORS[key], 0.45), mec=COLORS[key], ms=8,
                                   label=text(label, data.lang)))  # fmt: skip
        if (~is_point).any():
            handles.append(Patch(facecolor=_rgba(COLORS[key], 0.18), edgecolor=_rgba("#555555", 0.5),
                                 label=text(label, data.lang)))  # fmt: skip
    return handles


def _size_legend(panel: Any, data: Study, top: float) -> float:
    kids = _kids(data.result.areas)
    kmax = float(kids.max()) if len(kids) and kids.max() > 0 else 1.0
    y = flow(panel, top, text("legend.size", data.lang), fontsize=8.5)
    samples = _nice_samples(kmax)
    x = 0.04
    y -= 0.035
    for value in samples:
        size = _marker_area(np.array([value]), kmax)[0]
        panel.scatter(
            [x],
            [y],
            s=size,
            facecolor="none",
            edgecolor="#555555",
            lw=0.8,
            transform=panel.transAxes,
            clip_on=False,
        )
        radius_axes = math.sqrt(size) / 2 / 72 / (panel.get_position().width * A4_LANDSCAPE[0])
        panel.text(x + radius_axes + 0.012, y, fmt_number(value, 0, lang=data.lang), fontsize=8, va="center")
        x += 2 * radius_axes + 0.16
    return y - 0.035


def _place_list(panel: Any, data: Study, numbers: list[tuple[int, str, str]], top: float) -> None:
    """List the numbered places (and the lettered proposals) under the legend, in two columns if long."""
    entries = [(str(num), planned_name(name, kind, data.lang), False) for num, name, kind in numbers]
    if data.plan is not None and len(data.proposals):
        entries.append(("", text("report.proposals", data.lang), True))
        entries += [(str(r.label), str(r.name), False) for r in data.proposals.itertuples(index=False)]
    if not entries:
        return
    y = flow(panel, top, text("places_list", data.lang), fontsize=9.5, weight="bold")
    line = 0.024
    per_column = max(int(max(y, 0.0) / line), 1)
    columns = 1 if len(entries) <= per_column else 2
    width = 58 if columns == 1 else 27
    shown = entries[: per_column * columns]
    for k, (mark, name, heading) in enumerate(shown):
        col, row = divmod(k, per_column)
        x = 0.0 + col * 0.5
        yy = y - row * line
        if heading:
            panel.text(x, yy, _ellipsis(name, width + 4), fontsize=8, va="top", weight="bold")
            continue
        panel.text(x, yy, mark, fontsize=7.5, va="top", ha="left", weight="bold", color=COLORS["text"])
        panel.text(x + 0.05, yy, _ellipsis(name, width), fontsize=7.5, va="top")
    if len(entries) > len(shown):
        panel.text(0.0, y - per_column * line, f"+ {len(entries) - len(shown)} …", fontsize=7.5, va="top")


# --- the map itself -----------------------------------------------------------------------------------------


def draw_map(
    ax: Any,
    data: Study,
    *,
    proposals: bool = True,
    north_arrow: bool = True,
    scale_bar: bool = True,
    label_areas: bool = True,
) -> list[tuple[int, str, str]]:
    """Draw the map layers on ``ax`` (EPSG:3067 metres); return ``[(number, place name, colour key)]``.

    Places are numbered in the order of the project's places; the list explains the numbers. Proposed sites
    (with a plan) are stars labelled with their letters (``A``, ``B``, ...); a place with the id of a
    proposed site (a scenario with the proposals added) is drawn as the star only.
    """
    props = data.proposals if (proposals and data.plan is not None) else None
    hidden = set(props["id"].astype(str)) if props is not None else set()
    ax.set_axis_off()
    _draw_layers(ax, data)
    xy_areas, kids, kmax = _draw_areas(ax, data.result.areas, data.blind, data.reach)
    numbers, xy_places = _draw_places(ax, data.result.places, hidden)
    pxy = np.empty((0, 2))
    if props is not None and len(props):
        pxy = shapely.get_coordinates(props.geometry.to_numpy())
        ax.scatter(pxy[:, 0], pxy[:, 1], s=320, marker="*", facecolor=COLORS["proposal"], edgecolor="black",
                   linewidth=0.8, zorder=8)  # fmt: skip
    _set_extent(ax, data, xy_areas, xy_places)
    marks = [(str(n), x, y) for (n, _name, _kind), (x, y) in zip(numbers, xy_places, strict=True)]
    if props is not None:
        marks += [(str(lab), x, y) for lab, (x, y) in zip(props["label"], pxy, strict=True)]
    _labels(ax, data, xy_areas, kids, kmax, np.array([(x, y) for _l, x, y in marks]).reshape(-1, 2),
            [m[0] for m in marks], label_areas=label_areas)  # fmt: skip
    if scale_bar:
        add_scale_bar(ax, lang=data.lang)
    if north_arrow:
        add_north_arrow(ax, lang=data.lang)
    return numbers


def _draw_layers(ax: Any, data: Study) -> None:
    """Draw the municipality, the reach of the counted places (inside the boundary) and the blind spots."""
    project = data.project
    boundary = project.boundary.to_crs(CRS) if len(project.boundary) else None
    if boundary is not None:
        _plot_polygons(ax, boundary.geometry, facecolor="#fbfbf8", edgecolor="none", zorder=0)
    if len(data.reach):
        reach = shapely.union_all(data.reach.geometry.to_numpy())
        if boundary is not None:
            reach = shapely.intersection(reach, shapely.union_all(boundary.geometry.to_numpy()))
        _plot_polygons(ax, [reach], facecolor=_rgba(COLORS["reach"], 0.12),
                       edgecolor=_rgba(COLORS["reach"], 0.7), linewidth=0.6, zorder=1)  # fmt: skip
    if len(data.blind) and "village" in data.blind:
        pass  # drawn over the cells by _draw_areas
    elif len(data.blind):
        _plot_polygons(ax, data.blind.geometry, facecolor=_rgba(COLORS["blind"], 0.14),
                       edgecolor=COLORS["blind"], linewidth=0.7, hatch="///", zorder=2)  # fmt: skip
    if boundary is not None:
        _plot_polygons(ax, boundary.geometry, facecolor="none", edgecolor=COLORS["boundary"], linewidth=1.4,
                       zorder=3)  # fmt: skip


def _draw_areas(
    ax: Any, areas: gpd.GeoDataFrame, blind: gpd.GeoDataFrame | None = None, reach: Any = None
) -> tuple[np.ndarray, np.ndarray, float]:
    """Draw the areas, covered or not: polygons filled, point areas as circles sized by their children.

    Grid cells are a choropleth of children with the blind spots outlined (:mod:`.printgrid`). Returns the
    demand points, the children per area and the largest (the circles' and labels' scale).
    """
    covered = areas["covered"].to_numpy(bool)
    is_point = _point_areas(areas)
    if printgrid.is_grid(areas):
        printgrid.draw_cells(ax, areas, _plot_polygons)
        if reach is not None and len(reach):  # the reach's edge over the cells
            _plot_polygons(ax, [shapely.union_all(reach.geometry.to_numpy())], facecolor="none",
                           edgecolor=COLORS["reach"], linewidth=1.0, zorder=6)  # fmt: skip
        if blind is not None and len(blind) and "village" in blind:
            printgrid.draw_village_blind(ax, blind, _plot_polygons)
    elif (~is_point).any():
        polys = areas.loc[~is_point]
        cov = covered[~is_point]
        many = len(polys) > _MANY_POLYGONS  # a grid: cell outlines would only add noise
        for mask, key in ((cov, "covered"), (~cov, "uncovered")):
            if mask.any():
                _plot_polygons(ax, polys.geometry[mask], facecolor=_rgba(COLORS[key], 0.18),
                               edgecolor="none" if many else _rgba("#555555", 0.5), linewidth=0.3,
                               zorder=4)  # fmt: skip
    xy_areas = demand_points(areas) if len(areas) else np.empty((0, 2))
    kids = _kids(areas)
    kmax = float(kids.max()) if len(kids) and kids.max() > 0 else 1.0
    if is_point.any():
        size = _marker_area(kids, kmax)
        for mask, key in ((covered & is_point, "covered"), (~covered & is_point, "uncovered")):
            if mask.any():
                ax.scatter(xy_areas[mask, 0], xy_areas[mask, 1], s=size[mask],
                           facecolor=_rgba(COLORS[key], 0.5), edgecolor=COLORS[key], linewidth=0.8,
                           zorder=5)  # fmt: skip
    return xy_areas, kids, kmax


def _draw_places(
    ax: Any, places: gpd.GeoDataFrame, hidden: set[str]
) -> tuple[list[tuple[int, str, str]], np.ndarray]:
    """Draw the places (not those in ``hidden``): counted ones by organiser colour, planned dashed.

    Returns ``[(number, name, kind)]`` of the places drawn (numbered in project order) and their points.
    """
    shown = ~places["id"].astype(str).isin(hidden).to_numpy(bool)
    named = zip(places["name"], _place_kinds(places), strict=True)
    all_numbers = [(i + 1, str(n), str(k)) for i, (n, k) in enumerate(named)]
    numbers = [n for n, keep in zip(all_numbers, shown, strict=True) if keep]
    places = places.loc[shown]
    xy = demand_points(places) if len(places) else np.empty((0, 2))
    kinds = _place_kinds(places)
    fill = np.array(
        [ORGANISER_COLORS.get(str(o), ORGANISER_COLORS["other"]) for o in _column(places, "organiser_type")],
        dtype=object,
    )
    for key in ("not_counted", "planned", "planned_counted", "place"):
        mask = kinds == key
        if not mask.any():
            continue
        marker = PLANNED_MARKER if key.startswith("planned") else "o"
        if key in ("place", "planned_counted"):
            ax.scatter(xy[mask, 0], xy[mask, 1], s=60, c=list(fill[mask]), edgecolors="black", linewidths=1.0,
                       marker=marker, zorder=7)  # fmt: skip
        else:
            ax.scatter(xy[mask, 0], xy[mask, 1], s=60, facecolor="white",
                       edgecolors="#333333" if key == "planned" else "#999999", linewidths=1.2,
                       marker=marker, zorder=7)  # fmt: skip
    return numbers, xy


def _set_extent(ax: Any, data: Study, xy_areas: np.ndarray, xy_places: np.ndarray) -> None:
    frames = []
    if len(data.project.boundary):
        frames.append(data.project.boundary.to_crs(CRS).total_bounds)
    pts = np.concatenate([xy_areas, xy_places]) if len(xy_areas) + len(xy_places) else np.empty((0, 2))
    if len(pts):
        frames.append(np.array([*pts.min(axis=0), *pts.max(axis=0)]))
    if data.plan is not None and len(data.proposals):
        frames.append(data.proposals.total_bounds)
    if not frames:
        return
    b = np.array(frames)
    x0, y0, x1, y1 = b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()
    pad = 0.04 * max(x1 - x0, y1 - y0, 2000.0)
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
    # widen the shorter side so that 1 m is as long across as up: the map fills the axes box
    box = ax.get_window_extent(ax.figure.canvas.get_renderer())
    ratio = box.width / box.height
    w, h = x1 - x0, y1 - y0
    if w / h < ratio:
        extra = (h * ratio - w) / 2
        x0, x1 = x0 - extra, x1 + extra
    else:
        extra = (w / ratio - h) / 2
        y0, y1 = y0 - extra, y1 + extra
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    ax.set_autoscale_on(False)


def _labels(
    ax: Any,
    data: Study,
    xy_areas: np.ndarray,
    kids: np.ndarray,
    kmax: float,
    xy_places: np.ndarray,
    marks: list[str],
    *,
    label_areas: bool,
) -> None:
    """Greedy collision-free labels: place numbers first (always placed), then area names by priority."""
    renderer = ax.figure.canvas.get_renderer()
    taken: list[Any] = []
    to_disp = ax.transData.transform
    # markers are obstacles: place dots (60 pt²), proposal stars (320 pt², lettered) and area circles
    size_pt = np.array([math.sqrt(60.0 if m.isdigit() else 320.0) / 2 for m in marks])
    if len(xy_places):
        for (x, y), r in zip(to_disp(xy_places), size_pt * ax.figure.dpi / 72, strict=True):
            taken.append(_box(x - r, y - r, x + r, y + r))
    is_point = _point_areas(data.result.areas)
    if len(xy_areas):
        radius_px = np.sqrt(_marker_area(kids, kmax)) / 2 * ax.figure.dpi / 72
        for (x, y), r, pt in zip(to_disp(xy_areas), radius_px, is_point, strict=True):
            if pt:
                taken.append(_box(x - r * 0.7, y - r * 0.7, x + r * 0.7, y + r * 0.7))
    for artist in _corner_obstacles(ax):
        taken.append(artist)
    for mark, (x, y), r_pt in zip(marks, xy_places, size_pt, strict=True):
        _place_label(
            ax,
            renderer,
            taken,
            x,
            y,
            mark,
            radius_pt=float(r_pt),
            force=True,
            fontsize=8,
            weight="bold",
            color=COLORS["text"],
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
        )
    if not label_areas or not len(xy_areas):
        return
    covered = data.result.areas["covered"].to_numpy(bool)
    names = data.result.areas["name"].astype(str).to_numpy()
    if printgrid.is_grid(data.result.areas):  # label the villages, not the cells
        xy_areas, label_names, kids, beyond = printgrid.village_labels(data.result.areas)
        names, covered, is_point = np.asarray(label_names, dtype=object), ~beyond, np.zeros(len(beyond), bool)
        kmax = float(kids.max()) if len(kids) and kids.max() > 0 else 1.0
    order = np.lexsort((-kids, covered))  # uncovered first, then most children
    if (~is_point).sum() > _MANY_POLYGONS and not printgrid.is_grid(data.result.areas):
        order = order[is_point[order]]  # many polygons without village names: no labels worth printing
    limit = 40 if is_point.all() else 25
    for i in order[:limit]:
        r_pt = math.sqrt(_marker_area(kids[i : i + 1], kmax)[0]) / 2 if is_point[i] else 2
        _place_label(
            ax,
            renderer,
            taken,
            xy_areas[i, 0],
            xy_areas[i, 1],
            names[i],
            radius_pt=r_pt * 0.75 + 1,
            force=False,
            fontsize=7.5,
            color="#8b1a10" if not covered[i] else "#1d3f5e",
            style="italic" if not covered[i] else "normal",
            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.6},
        )


def _place_label(
    ax: Any,
    renderer: Any,
    taken: list,
    x: float,
    y: float,
    label: str,
    *,
    radius_pt: float,
    force: bool,
    **kw: Any,
) -> bool:
    axes_box = ax.get_window_extent(renderer)
    first = None
    for dx, dy in _OFFSETS:
        t = ax.annotate(
            label,
            (x, y),
            xytext=(dx * (radius_pt + 4), dy * (radius_pt + 3)),
            textcoords="offset points",
            ha="left" if dx > 0 else "right" if dx < 0 else "center",
            va="bottom" if dy > 0 else "top" if dy < 0 else "center",
            zorder=9,
            annotation_clip=False,
            **kw,
        )
        box = t.get_window_extent(renderer).expanded(1.04, 1.1)
        inside = (
            box.x0 >= axes_box.x0
            and box.x1 <= axes_box.x1
            and box.y0 >= axes_box.y0
            and box.y1 <= axes_box.y1
        )
        if inside and not any(box.overlaps(o) for o in taken):
            taken.append(box)
            if first is not None:
                first.remove()
            return True
        if first is None and force:
            first = t
        else:
            t.remove()
    if first is not None:
        taken.append(first.get_window_extent(renderer))
        return True
    return False


def _corner_obstacles(ax: Any) -> list:
    """Screen boxes kept free for the north arrow (top right) and the scale bar (bottom left)."""
    from matplotlib.transforms import Bbox

    box = ax.get_window_extent(ax.figure.canvas.get_renderer())
    w, h = box.width, box.height
    return [
        Bbox.from_extents(box.x1 - 0.09 * w, box.y1 - 0.16 * h, box.x1, box.y1),
        Bbox.from_extents(box.x0, box.y0, box.x0 + 0.36 * w, box.y0 + 0.08 * h),
    ]


def _box(x0: float, y0: float, x1: float, y1: float) -> Any:
    from matplotlib.transforms import Bbox

    return Bbox.from_extents(x0, y0, x1, y1)


def add_scale_bar(ax: Any, *, lang: str = "fi") -> None:
    """Draw a four-segment black/white scale bar in the lower left corner, about a quarter of the map wide."""
    from matplotlib.patches import Rectangle

    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    width_m = x1 - x0
    length = nice_length(width_m * 0.25)
    left, bottom = x0 + 0.03 * width_m, y0 + 0.035 * (y1 - y0)
    height = 0.012 * (y1 - y0)
    ax.add_patch(
        Rectangle(
            (left - 0.012 * width_m, bottom - 0.022 * (y1 - y0)),
            length + 0.07 * width_m,
            0.065 * (y1 - y0),
            facecolor="white",
            edgecolor="none",
            alpha=0.8,
            zorder=10,
        )
    )
    for k in range(4):
        ax.add_patch(
            Rectangle(
                (left + k * length / 4, bottom),
                length / 4,
                height,
                facecolor="black" if k % 2 == 0 else "white",
                edgecolor="black",
                lw=0.6,
                zorder=11,
            )
        )
    for value in (0.0, length / 2, length):
        ax.text(
            left + value,
            bottom + height * 1.6,
            fmt_number(value / 1000.0, 0 if value % 1000 == 0 else 1, lang=lang),
            ha="center",
            va="bottom",
            fontsize=7.5,
            zorder=11,
        )
    ax.text(
        left + length + 0.01 * width_m,
        bottom + height / 2,
        "km",
        ha="left",
        va="center",
        fontsize=7.5,
        zorder=11,
    )


def nice_length(target_m: float) -> float:
    """Largest 1-2-5 x 10^k metres not above ``target_m`` (at least 100 m)."""
    if not target_m > 0:
        return 1000.0
    exp = math.floor(math.log10(target_m))
    for mult in (5, 2, 1):
        value = mult * 10.0**exp
        if value <= target_m:
            return max(value, 100.0)
    return max(10.0**exp, 100.0)


def add_north_arrow(ax: Any, *, lang: str = "fi") -> float:
    """Draw a north arrow (top right) pointing to true north; return its angle from grid north in degrees."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    angle = convergence_deg((x0 + x1) / 2, (y0 + y1) / 2)
    cx, cy, length = 0.955, 0.9, 0.07
    rad = math.radians(angle)
    tip = (cx + math.sin(rad) * length / 2, cy + math.cos(rad) * length / 2 * _aspect(ax))
    tail = (cx - math.sin(rad) * length / 2, cy - math.cos(rad) * length / 2 * _aspect(ax))
    ax.annotate(
        "",
        xy=tip,
        xytext=tail,
        xycoords="axes fraction",
        arrowprops={"arrowstyle": "-|>,head_length=0.9,head_width=0.45", "lw": 1.6, "color": "black"},
        zorder=11,
    )
    ax.text(
        tip[0] + math.sin(rad) * 0.012,
        tip[1] + 0.012,
        text("north", lang),
        transform=ax.transAxes,
        ha="center",
        va="bottom",
        fontsize=11,
        weight="bold",
        zorder=11,
    )
    return angle


def convergence_deg(x: float, y: float) -> float:
    """Angle (degrees, clockwise positive) from grid north to true north at EPSG:3067 point (x, y)."""
    from pyproj import Transformer

    to_wgs = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)
    to_tm = Transformer.from_crs("EPSG:4326", CRS, always_xy=True)
    lon, lat = to_wgs.transform(x, y)
    nx, ny = to_tm.transform(lon, lat + 0.01)
    return math.degrees(math.atan2(nx - x, ny - y))


def _aspect(ax: Any) -> float:
    box = ax.get_window_extent(ax.figure.canvas.get_renderer())
    return box.width / box.height if box.height else 1.0


# --- helpers ------------------------------------------------------------------------------------------------


def _plot_polygons(ax: Any, geoms: Any, **kw: Any) -> None:
    """Draw polygons as one compound path (fast for thousands of grid cells; holes stay holes)."""
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    geoms = np.asarray(list(geoms), dtype=object)
    geoms = geoms[[g is not None and not shapely.is_empty(g) for g in geoms]] if len(geoms) else geoms
    parts = shapely.get_parts(geoms) if len(geoms) else geoms
    parts = parts[shapely.get_type_id(parts) == 3] if len(parts) else parts
    if not len(parts):
        return
    rings = [np.asarray(r.coords) for p in parts for r in (p.exterior, *p.interiors) if len(r.coords) >= 4]
    if not rings:
        return
    verts = np.concatenate(rings)
    codes = np.full(len(verts), MplPath.LINETO, dtype=np.uint8)
    starts = np.cumsum([0] + [len(r) for r in rings[:-1]])
    codes[starts] = MplPath.MOVETO
    codes[starts + np.array([len(r) for r in rings]) - 1] = MplPath.CLOSEPOLY
    ax.add_patch(PathPatch(MplPath(verts, codes), **kw))


def _point_areas(areas: gpd.GeoDataFrame) -> np.ndarray:
    if not len(areas):
        return np.zeros(0, bool)
    return shapely.get_type_id(areas.geometry.to_numpy()) == 0


def _kids(areas: pd.DataFrame) -> np.ndarray:
    return pd.to_numeric(areas["children_0_6"], errors="coerce").fillna(0.0).clip(lower=0).to_numpy(float)


def _marker_area(kids: np.ndarray, kmax: float) -> np.ndarray:
    """Marker area (pt²) proportional to children: 14 pt² minimum, 420 pt² for the largest area."""
    return 14.0 + 406.0 * np.asarray(kids, float) / max(kmax, 1e-9)


def _nice_samples(kmax: float) -> list[float]:
    top = float(nice_length(kmax)) if kmax >= 100 else max(round(kmax), 1.0)
    values = [top, top / 4, top / 20]
    return [v for v in values if v >= 1] or [top]


def _organiser_types(places: pd.DataFrame) -> list[str]:
    """Organiser types of the counted places, in the order of :data:`ORGANISER_COLORS` (unknown -> other)."""
    counted = places["counted"].to_numpy(bool)
    present = {o if o in ORGANISER_COLORS else "other" for o in _column(places, "organiser_type")[counted]}
    return [o for o in ORGANISER_COLORS if o in present]


def _column(df: pd.DataFrame, name: str) -> np.ndarray:
    if name not in df:
        return np.array([""] * len(df), dtype=object)
    return df[name].astype(object).where(df[name].notna(), "").astype(str).to_numpy(object)


def _place_kinds(places: pd.DataFrame) -> np.ndarray:
    """Classify places: ``place`` (counted), ``planned_counted`` (scenario), ``planned``, ``not_counted``."""
    counted = places["counted"].to_numpy(bool)
    planned = is_planned(places)
    return np.where(
        counted,
        np.where(planned, "planned_counted", "place"),
        np.where(planned, "planned", "not_counted"),
    )


def is_planned(places: pd.DataFrame) -> np.ndarray:
    """Whether each place is planned (status ``planned``), not yet running; counted or not."""
    if "status" not in places:
        return np.zeros(len(places), dtype=bool)
    return places["status"].astype(str).str.strip().str.lower().to_numpy() == "planned"


def planned_name(name: str, kind: str, lang: str) -> str:
    """Return the place's name, with ``(suunniteltu)`` after it when it is planned (``kind`` of the map)."""
    if kind.startswith("planned"):
        return f"{name} ({i18n.label('status', 'planned', lang)})"
    return name


def _rgba(color: str, alpha: float) -> tuple[float, float, float, float]:
    r, g, b, _ = matplotlib.colors.to_rgba(color)
    return (r, g, b, alpha)


def _ellipsis(value: str, width: int) -> str:
    return value if len(value) <= width else value[: width - 1] + "…"
