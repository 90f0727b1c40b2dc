"""The meeting report: a multi-page A4 PDF for the family-centre network meeting (fi, sv or en).

Pages, in order (a page is left out when it would be empty):

1. Title, travel settings, four key figures, findings in plain sentences and the map.
2. Blind spots: the uncovered villages/areas ranked by children, the blind-spot polygons, and the overlapping
   sessions of nearby places.
3. The week: children within reach per weekday x time of day (heat map) and every place's opening hours in
   plain language (planned places tagged).
4. The year: its gaps in words and the week x weekday strip; then the method and the data sources.
5. Proposals (with a plan): the proposed sites, the key figures before and after, and the map with them.
6. Visitor statistics (when the project has visits, via :mod:`coverage.analysis.stats`).

A section that would start a page runs on instead when the page before it is nearly empty, and a short
section is pulled up to the page before when it fits: no page is less than a fifth full when that can be
helped (:class:`_Document`). Table cells wrap (nothing is cut) and chart legends sit below their charts.

Every page has the municipality, the date, the page number and the attribution in its footer. Drawn with
matplotlib (``PdfPages``) in DejaVu Sans with TrueType fonts, so the text is selectable and extractable
(the tests read it back with pypdf).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib.ticker
import numpy as np
import pandas as pd

from ..analysis.demand import describe_demand
from ..analysis.study import Study
from ..analysis.villages import changed_villages
from ..core import i18n
from ..core.hours import describe_hours
from ..core.i18n import fmt_number, fmt_range, fmt_share, has, label, weekday_name
from ..core.schedule import WEEKDAYS
from . import printgrid
from .document import (
    COLORS,
    credits,
    describe_settings,
    fmt_date,
    header,
    text,
    threshold_text,
    travel_model,
)
from .printmap import (
    draw_map,
    extent_in,
    flow,
    is_planned,
    legend_handles,
    new_figure,
    planned_name,
    style,
    text_width,
    wrap_text,
)
from .tables import place_table

A4_PORTRAIT = (8.27, 11.69)
_MARGIN = (0.08, 0.06, 0.84, 0.885)  # page axes: left, bottom, width, height (figure fraction)
_MAX_TABLE_ROWS = 25
_PAD = 0.018  # horizontal room left free in each table cell (page fraction)
_MAX_CELL_LINES = 8  # a table cell shows at most this many lines


def meeting_report(data: Study, out: Any) -> int:
    """Write the meeting report of ``data`` (in ``data.lang``) as PDF to ``out`` (path or binary file).

    Returns
    -------
    int
        The number of pages.
    """
    from matplotlib.backends.backend_pdf import PdfPages

    with style():
        doc = _Document.lay_out(data, _sections)
        doc.footers()
        meta = {
            "Title": f"{text('title', data.lang)} – {data.name}",
            "Subject": text("subtitle", data.lang),
            "Creator": "Katve",
        }
        with PdfPages(out, metadata=meta) as pdf:
            for fig in doc.pages:
                pdf.savefig(fig)
        return len(doc.pages)


def _sections(doc: _Document) -> None:
    """Write the report's sections in order (a page's section begins with :meth:`_Document.section_break`)."""
    _front_page(doc)
    _blind_spot_page(doc)
    _week_page(doc)
    _year_section(doc)
    _method(doc)
    if doc.data.plan is not None:
        _proposal_page(doc)
    _visits_page(doc)


# --- a tiny page-layout engine ------------------------------------------------------------------------------

MIN_FILL = 0.2
"""No page of a report is less full than this (share of the page's text height), when it can be helped."""


@dataclass
class _Layout:
    """The decisions of a layout pass, read by the next: soft breaks not taken, page bottoms raised."""

    joined: set[int] = field(default_factory=set)  # ordinals of section breaks to run on without a new page
    floors: dict[int, float] = field(default_factory=dict)  # page index -> lowest cursor allowed on it


class _Document:
    """Pages of text, tables and figures laid out top-down with a cursor ``y`` (0..1 in the page axes).

    A section that starts a new page calls :meth:`section_break`, a *soft* break: it is not taken while the
    page is less than :data:`MIN_FILL` full (the overflow of a short tail shares its page with the next
    section). :meth:`lay_out` lays the document out again when a page still ends up that empty: a short
    section is pulled up to the previous page when it fits there, else the previous page ends earlier so
    that more of it flows over.
    """

    def __init__(self, data: Study, layout: _Layout | None = None):
        self.data = data
        self.lang = data.lang
        self.layout = layout or _Layout()
        self.pages: list[Any] = []
        self.starts: list[int | None] = []  # per page: the ordinal of the section break that began it
        self.lowest: list[float] = []  # per page: the lowest the cursor went
        self.breaks = 0
        self.ax: Any = None
        self._y = 0.0
        self.new_page()

    @classmethod
    def lay_out(cls, data: Study, build: Callable[[_Document], None], *, passes: int = 5) -> _Document:
        """Build the document with ``build`` until no page is less than :data:`MIN_FILL` full (or no remedy).

        Of the passes, the one with the fewest such pages (then the fewest pages) is returned.
        """
        layout = _Layout()
        best: _Document | None = None
        for _ in range(passes):
            doc = cls(data, layout)
            build(doc)
            if best is None or (len(doc.sparse_pages()), len(doc.pages)) < (
                len(best.sparse_pages()),
                len(best.pages),
            ):
                best = doc
            remedy = doc.remedy()
            if remedy is None:
                break
            layout = remedy
        assert best is not None
        return best

    # one typographic point in page-axes units (vertical)
    @property
    def pt(self) -> float:
        return 1.0 / (A4_PORTRAIT[1] * _MARGIN[3] * 72.0)

    @property
    def y(self) -> float:
        return self._y

    @y.setter
    def y(self, value: float) -> None:
        self._y = value
        self.lowest[-1] = min(self.lowest[-1], value)

    @property
    def bottom(self) -> float:
        """The lowest the cursor may go on this page (0 unless a layout pass raised it)."""
        return self.layout.floors.get(len(self.pages) - 1, 0.0)

    def fill(self, page: int) -> float:
        """How full page ``page`` is: the share of its text height above the lowest cursor."""
        return 1.0 - max(0.0, self.lowest[page])

    def sparse_pages(self) -> list[int]:
        """Pages after the first that are less than :data:`MIN_FILL` full."""
        return [k for k in range(1, len(self.pages)) if self.fill(k) < MIN_FILL]

    def remedy(self) -> _Layout | None:
        """Return the layout of the next pass for the first sparse page (``None``: none, or no remedy)."""
        sparse = self.sparse_pages()
        if not sparse:
            return None
        k = sparse[0]
        short = self.fill(k)
        joined, floors = set(self.layout.joined), dict(self.layout.floors)
        start = self.starts[k]
        if start is not None and self.lowest[k - 1] - self.layout.floors.get(k - 1, 0.0) >= short + 0.03:
            joined.add(start)  # the short section fits under the previous one: run on
        elif self.fill(k - 1) - (MIN_FILL - short) >= MIN_FILL:
            floors[k - 1] = max(floors.get(k - 1, 0.0), MIN_FILL - short + 0.01)  # more flows over
        else:
            return None
        return _Layout(joined, floors)

    def new_page(self) -> None:
        fig = new_figure(A4_PORTRAIT)
        ax = fig.add_axes(_MARGIN)
        ax.set_axis_off()
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_autoscale_on(False)
        self.pages.append(fig)
        self.starts.append(None)
        self.lowest.append(1.0)
        self.ax = ax
        self.y = 1.0

    def section_break(self) -> None:
        """Start the next section on a new page, unless this page is nearly empty or the layout runs on."""
        ordinal = self.breaks
        self.breaks += 1
        if self.y > 0.999:
            return
        if ordinal in self.layout.joined or self.fill(len(self.pages) - 1) < MIN_FILL:
            self.y -= 0.03
            return
        self.new_page()
        self.starts[-1] = ordinal

    def need(self, height: float) -> None:
        """Start a new page unless ``height`` fits below the cursor."""
        if self.y - height < self.bottom and self.y < 0.999:
            self.new_page()

    def heading(self, string: str, *, size: float = 13.0) -> Any:
        """Write a heading (kept with at least a few lines below it); return its text artist."""
        self.need(size * 5 * self.pt)
        top = self.y - 0.3 * size * self.pt
        self.y = (
            flow(self.ax, top, string, fontsize=size, weight="bold", color=COLORS["accent"])
            - 0.4 * size * self.pt
        )
        return self.ax.texts[-1]

    def paragraph(self, string: str, *, size: float = 9.5, color: str = "#1a1a1a", x: float = 0.0) -> None:
        lines = max(1, math.ceil(len(string) / 100))
        self.need(lines * size * 1.4 * self.pt)
        self.y = flow(self.ax, self.y, string, fontsize=size, color=color, x=x, gap=0.5 * size * self.pt)

    def bullets(self, items: list[str], *, size: float = 9.5) -> None:
        for item in items:
            self.need(2 * size * 1.4 * self.pt)
            self.ax.text(0.0, self.y, "•", fontsize=size, va="top")
            self.y = flow(self.ax, self.y, item, fontsize=size, x=0.025, gap=0.45 * size * self.pt)

    def table(
        self,
        columns: list[tuple[str, float, str]],
        rows: list[list[str]],
        *,
        size: float = 8.5,
        total: int | None = None,
    ) -> None:
        """Draw a table: ``columns`` are (header, width as page fraction, "left"|"right").

        A cell too long for its column is wrapped onto more lines (a word longer than the column is broken)
        and its row grows; nothing is cut and no text leaves its cell. Rows that do not fit continue on the
        next page under a repeated header. ``total`` (more rows than given) adds a "... and N more" line.
        """
        row_h = size * 1.55 * self.pt
        if not rows:
            self.paragraph(text("report.none", self.lang), size=size, color="#555555")
            return
        cells = [
            [_cell_lines(self.ax, str(value), width - _PAD, size) for (_h, width, _a), value in
             zip(columns, row, strict=True)]
            for row in rows
        ]  # fmt: skip
        heights = [_lines_height(max(len(c) for c in row), row_h) for row in cells]
        heads = [_header_lines(self.ax, h, w - 0.6 * _PAD, size) for h, w, _a in columns]  # still inside
        head_h = _lines_height(max(len(lines) for lines, _size in heads), row_h)
        k = 0
        while k < len(rows):
            self.need(head_h + heights[k] + row_h)
            self._table_header(columns, heads, head_h)
            fresh = True  # a row goes on a fresh page even if it is taller than the page
            while k < len(rows) and (self.y - heights[k] >= self.bottom or fresh):
                fresh = False
                if k % 2 == 1:
                    self.ax.add_patch(
                        _rect(0.0, self.y - heights[k], sum(w for _h, w, _a in columns), heights[k],
                              color="#f0f4f7")
                    )  # fmt: skip
                self._table_row(columns, cells[k], size, heights[k])
                k += 1
            if k < len(rows):
                self.new_page()
        if total is not None and total > len(rows):
            self.paragraph(
                text("report.more_rows", self.lang, n=total - len(rows)), size=size, color="#555555"
            )
        self.y -= 0.6 * row_h

    def _table_header(
        self, columns: list[tuple[str, float, str]], heads: list[tuple[list[str], float]], height: float
    ) -> None:
        x = 0.0
        self.ax.add_patch(
            _rect(0.0, self.y - height, sum(w for _h, w, _a in columns), height, color="#2f5d62")
        )
        for (_head, width, align), (lines, hsize) in zip(columns, heads, strict=True):
            tx = x + _PAD / 3 if align == "left" else x + width - _PAD / 3
            self.ax.text(
                tx,
                self.y - height / 2,
                "\n".join(lines),
                fontsize=hsize,
                weight="bold",
                color="white",
                ha=align,
                va="center",
                linespacing=_LINESPACING,
            )
            x += width
        self.y -= height

    def _table_row(
        self, columns: list[tuple[str, float, str]], cells: list[list[str]], size: float, height: float
    ) -> None:
        x = 0.0
        for (_head, width, align), lines in zip(columns, cells, strict=True):
            tx = x + _PAD / 3 if align == "left" else x + width - _PAD / 3
            self.ax.text(
                tx,
                self.y - height / 2,
                "\n".join(lines),
                fontsize=size,
                ha=align,
                va="center",
                linespacing=_LINESPACING,
            )
            x += width
        self.y -= height

    def figure_axes(self, height: float, *, width: float = 1.0, left: float = 0.0, below: float = 0.0) -> Any:
        """Add an axes of ``height`` (page-axes units) at the cursor and move the cursor below it.

        ``below`` is room kept free under the axes on the same page (tick labels, a legend).
        """
        self.need(height + below)
        fig = self.pages[-1]
        x0, y0, w, h = _MARGIN
        ax = fig.add_axes((x0 + left * w, y0 + (self.y - height) * h, width * w, height * h))
        self.y -= height
        return ax

    def legend_below(
        self, chart: Any, handles: list | None = None, *, ncol: int = 3, size: float = 7.5
    ) -> Any:
        """Put the legend of ``chart`` (an axes on this page) under it, tick labels and all; return it.

        The legend is drawn on the page, below everything of the chart, so it never covers the chart or the
        heading above it; the cursor moves below the legend.
        """
        renderer = self.ax.figure.canvas.get_renderer()
        box = chart.get_tightbbox(renderer).transformed(self.ax.transData.inverted())
        if handles is None:
            handles, _labels = chart.get_legend_handles_labels()
        self.y = min(self.y, box.y0) - 0.008
        legend = self._legend(handles, x=max(box.x0, 0.0), y=self.y, ncol=ncol, size=size)
        self.y = extent_in(self.ax, legend).y0 - 0.01
        return legend

    def map_with_legend(self, data: Study) -> None:
        """Draw the map of ``data`` with its compact legend below it, filling the rest of the page.

        The legend is measured first: the map takes what is left of the page above it (at least 0.3 high,
        else it starts a new page). The page is then full.
        """
        handles = legend_handles(data, compact=True)
        trial = self._legend(handles, x=0.0, y=1.0, ncol=3, size=7.5)
        room = extent_in(self.ax, trial).height + 0.035  # the legend, its gap and the map's scale bar
        trial.remove()
        self.need(0.3 + room)
        chart = self.figure_axes(self.y - room)
        draw_map(chart, data)
        self.legend_below(chart, handles)
        self.y = 0.0

    def _legend(self, handles: list, *, x: float, y: float, ncol: int, size: float) -> Any:
        """Draw a legend on the page with its top left corner at (``x``, ``y``) (page-axes units)."""
        from matplotlib.legend import Legend

        legend = Legend(
            self.ax,
            handles,
            [h.get_label() for h in handles],
            loc="upper left",
            bbox_to_anchor=(x, y),
            bbox_transform=self.ax.transData,
            ncol=ncol,
            frameon=False,
            fontsize=size,
            handlelength=1.5,
            columnspacing=1.2,
            borderaxespad=0.0,
            borderpad=0.0,
        )
        self.ax.add_artist(legend)
        return legend

    def footers(self) -> None:
        total = len(self.pages)
        stamp = f"{self.data.name} · {fmt_date(self.data.today, self.lang)}"
        for n, fig in enumerate(self.pages, start=1):
            credit = credits(self.data.result.areas, self.lang).replace(" · ", "\n")
            fig.text(0.08, 0.03, f"{stamp} · {credit}", fontsize=7, color="#555555", va="center",
                     linespacing=1.4)  # fmt: skip
            fig.text(
                0.92,
                0.03,
                text("report.page", self.lang, n=n, total=total),
                fontsize=7,
                color="#555555",
                va="center",
                ha="right",
            )


_LINESPACING = 1.05


def _lines_height(lines: int, row_h: float) -> float:
    """Height of a table row (or header) of ``lines`` lines of text (``row_h``: of one line)."""
    return row_h * (1 + 0.9 * (lines - 1) + (0.2 if lines > 1 else 0.0))


def _rect(x: float, y: float, w: float, h: float, *, color: str) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), w, h, facecolor=color, edgecolor="none", zorder=0)


def _header_lines(ax: Any, head: str, width: float, size: float) -> tuple[list[str], float]:
    """Wrap a column header into ``width``: a long word shrinks the header (to 6 pt), then is broken."""
    hsize = size
    while True:
        lines = wrap_text(ax, head, width, hsize, weight="bold").split("\n")
        if hsize <= 6 or max(text_width(ax, h, hsize, weight="bold") for h in lines) <= width:
            break
        hsize -= 0.5  # a single long word: shrink rather than spill into the next column
    return _cell_lines(ax, head, width, hsize, weight="bold"), hsize


def _cell_lines(
    ax: Any, string: str, width: float, size: float, *, weight: str = "normal", most: int = _MAX_CELL_LINES
) -> list[str]:
    """Break ``string`` into lines at most ``width`` wide: at spaces, inside a word too long for a line.

    Only text beyond ``most`` lines (never a real name; a row must fit on a page) is cut, with "…".
    """
    if text_width(ax, string, size, weight=weight) <= width:
        return [string]
    room = most * (int(width / text_width(ax, "l", size, weight=weight)) + 1)  # the most characters shown
    cut = len(string) > room
    lines: list[str] = []
    for line in wrap_text(ax, string[:room], width, size, weight=weight).split("\n"):
        while len(line) > 1 and text_width(ax, line, size, weight=weight) > width and len(lines) <= most:
            lines.append(line[: _longest_fit(ax, line, width, size, weight)])
            line = line[len(lines[-1]) :]
        lines.append(line)
    if cut or len(lines) > most:
        lines = lines[:most]
        last = lines[-1].rstrip()
        lines[-1] = last[: _longest_fit(ax, last + "…", width, size, weight, tail="…")].rstrip() + "…"
    return lines


def _longest_fit(ax: Any, line: str, width: float, size: float, weight: str, *, tail: str = "") -> int:
    """Return the length of the longest head of ``line`` fitting ``width`` (with ``tail``); at least 1."""
    lo, hi = 1, max(len(line) - len(tail), 1)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if text_width(ax, line[:mid] + tail, size, weight=weight) <= width:
            lo = mid
        else:
            hi = mid - 1
    return lo


# --- pages --------------------------------------------------------------------------------------------------


def _front_page(doc: _Document) -> None:
    data, lang = doc.data, doc.lang
    s = data.result.summary
    ax = doc.ax
    doc.y = flow(ax, 1.0, text("title", lang), fontsize=20, weight="bold", color=COLORS["accent"])
    doc.y = flow(ax, doc.y, f"{data.name} – {text('subtitle', lang)}", fontsize=12)
    doc.y = flow(
        ax,
        doc.y - 0.004,
        f"{fmt_date(data.today, lang)} · "
        + describe_settings(data.result, lang, include_planned=data.include_planned),
        fontsize=9,
        color="#444444",
    )
    doc.y -= 0.01
    doc.heading(text("report.key_figures", lang))
    limit = threshold_text(data.settings, lang)
    kpis = [
        (fmt_share(s["children_covered_share"], 0, lang=lang), text("report.kpi_share", lang, limit=limit)),
        (
            fmt_number(s["children_covered"], 0, lang=lang),
            text("report.kpi_covered", lang, total=fmt_number(s["children_total"], 0, lang=lang)),
        ),
        (fmt_number(s["children_uncovered"], 0, lang=lang), text("report.kpi_blind", lang)),
        (fmt_number(s["places_counted"], 0, lang=lang), text("report.kpi_places", lang)),
    ]
    top = doc.y
    bottom = top
    for k, (big, caption) in enumerate(kpis):
        x = k * 0.25
        ax.add_patch(_rect(x + 0.005, top - 0.115, 0.23, 0.115, color="#eef3f6"))
        t = ax.text(
            x + 0.02,
            top - 0.012,
            big,
            fontsize=20,
            weight="bold",
            va="top",
            color=COLORS["blind"] if k == 2 and s["children_uncovered"] > 0 else COLORS["accent"],
        )
        y = extent_in(ax, t).y0
        bottom = min(bottom, flow(ax, y - 0.006, caption, fontsize=8, x=x + 0.02, width=0.2))
    doc.y = min(bottom, top - 0.115) - 0.02
    doc.heading(text("report.findings", lang))
    doc.bullets(_findings(data))
    doc.y -= 0.01
    doc.heading(text("report.map", lang), size=11)
    doc.map_with_legend(data)


def _findings(data: Study) -> list[str]:
    lang = data.lang
    s = data.result.summary
    out = []
    villages = data.result.villages()
    blind = villages[villages["children_uncovered"] > 0]
    if len(blind):
        top = ", ".join(
            f"{name} ({fmt_number(ch, 0, lang=lang)})"
            for name, ch in zip(blind["name"].head(3), blind["children_uncovered"].head(3), strict=True)
        )
        out.append(
            text(
                "report.finding_blind",
                lang,
                children=fmt_number(s["children_uncovered"], 0, lang=lang),
                areas=len(blind),
                top=top,
            )
        )
    else:
        out.append(text("report.finding_no_blind", lang))
    matrix = data.matrix
    values = matrix.to_numpy(float)
    total = float(matrix.attrs.get("total") or s["children_total"] or 0.0)
    if values.size and values.max() > 0:
        d, p = np.unravel_index(int(np.argmax(values)), values.shape)
        cell = f"{weekday_name(int(d), lang)} {i18n.t(f'daypart.{matrix.columns[p]}', lang)}"
        out.append(
            text(
                "report.finding_best",
                lang,
                cell=cell,
                children=fmt_number(values[d, p], 0, lang=lang),
                share=fmt_share(values[d, p] / total if total else None, 0, lang=lang),
            )
        )
    empty_days = [weekday_name(d, lang, short=True) for d in range(len(values)) if not values[d].any()]
    if empty_days:
        out.append(text("report.finding_empty", lang, cells=", ".join(empty_days)))
    n_over = len(data.overlaps)
    out.append(
        text("report.finding_overlaps", lang, n=n_over)
        if n_over
        else text("report.finding_no_overlaps", lang)
    )
    estimated = data.result.areas.get("children_estimated")
    if estimated is not None and estimated.astype("boolean").fillna(False).any():
        grid = printgrid.is_grid(data.result.areas)
        out.append(text("report.finding_estimated_grid" if grid else "report.finding_estimated", lang))
    return out


def _blind_spot_page(doc: _Document) -> None:
    """Write the page of blind spots: the villages ranked, the blind-spot polygons, the overlaps."""
    data, lang = doc.data, doc.lang
    doc.section_break()
    doc.heading(text("report.blind_villages", lang))
    villages = data.result.villages()
    blind = villages[villages["children_uncovered"] > 0]
    places = data.result.places
    names = dict(zip(places["id"].astype(str), places["name"].astype(str), strict=True))
    rows = [
        [
            str(rank),
            str(v.name),
            fmt_number(v.children_uncovered, 0, lang=lang),
            fmt_number(v.cells_uncovered, 0, lang=lang),
            fmt_range(v.minutes_min, v.minutes_max, lang=lang),
            names.get(str(v.nearest_place_id), "–") if isinstance(v.nearest_place_id, str) else "–",
        ]
        for rank, v in enumerate(blind.head(_MAX_TABLE_ROWS).itertuples(index=False), start=1)
    ]
    areas_word = "cells" if printgrid.is_grid(data.result.areas) else "areas"
    doc.table(
        [
            (header("rank", lang), 0.05, "left"),
            (header("village", lang), 0.25, "left"),
            (header("children_uncovered", lang), 0.15, "right"),
            (header(areas_word, lang), 0.1, "right"),
            (header("minutes", lang), 0.12, "right"),
            (header("nearest_place", lang), 0.33, "left"),
        ],
        rows,
        total=len(blind),
    )
    _blind_polygon_table(doc)
    _overlap_table(doc)


def _blind_polygon_table(doc: _Document) -> None:
    """Write the blind-spot polygons: area, population and children inside, areas counted in."""
    data, lang = doc.data, doc.lang
    polygons = data.blind
    by_village = "village" in polygons
    doc.heading(text("report.blind_polygons", lang), size=11)
    note = "report.blind_polygons_note_cells" if by_village else "report.blind_polygons_note"
    doc.paragraph(text(note, lang), size=8.5, color="#444444")
    rows = [
        [
            f"{r.id} {r.village}" if by_village else str(r.id),
            fmt_number(r.area_km2, 1, lang=lang),
            fmt_number(r.population, 0, lang=lang),
            fmt_number(r.children_0_6, 0, lang=lang),
            fmt_number(r.areas, 0, lang=lang),
        ]
        for r in polygons.head(_MAX_TABLE_ROWS).itertuples(index=False)
    ]
    doc.table(
        [
            (header("id", lang), 0.3 if by_village else 0.12, "left"),
            (header("area_km2", lang), 0.18, "right"),
            (header("population", lang), 0.18, "right"),
            (header("children_0_6", lang), 0.18, "right"),
            (header("cells" if by_village else "areas", lang), 0.14, "right"),
        ],
        rows,
        total=len(polygons),
    )


def _overlap_table(doc: _Document) -> None:
    """Write the overlapping sessions of nearby places in the reference week."""
    data, lang = doc.data, doc.lang
    doc.heading(text("report.overlaps", lang), size=11)
    over = data.overlaps
    week = over.attrs.get("week") or data.matrix.attrs.get("week")
    doc.paragraph(
        text(
            "report.overlaps_note",
            lang,
            limit=threshold_text(data.settings, lang),
            week=fmt_date(week, lang) if week else "–",
        ),
        size=8.5,
        color="#444444",
    )
    rows = []
    for r in over.head(_MAX_TABLE_ROWS).itertuples(index=False):
        day = weekday_name(WEEKDAYS.index(r.weekday), lang, short=True)
        rows.append(
            [
                day,
                f"{_clock(r.start, lang)}–{_clock(r.end, lang)}",
                str(r.place_a),
                str(r.place_b),
                fmt_number(r.distance_km, 1, lang=lang),
            ]
        )
    doc.table(
        [
            (header("weekday", lang), 0.07, "left"),
            (header("time", lang), 0.15, "left"),
            (header("place_a", lang), 0.32, "left"),
            (header("place_b", lang), 0.32, "left"),
            (header("distance_km", lang), 0.14, "right"),
        ],
        rows,
        total=len(over),
    )


def _week_page(doc: _Document) -> None:
    data, lang = doc.data, doc.lang
    doc.section_break()
    doc.heading(text("report.matrix", lang))
    matrix = data.matrix
    week = matrix.attrs.get("week")
    doc.paragraph(
        text(
            "report.matrix_note",
            lang,
            limit=threshold_text(data.settings, lang),
            week=fmt_date(week, lang) if week else "–",
        ),
        size=8.5,
        color="#444444",
    )
    doc.y -= 0.03  # room for the daypart labels above the heat map
    ax = doc.figure_axes(0.36, width=0.8, left=0.17)
    _heatmap(ax, matrix, data)
    doc.y -= 0.03
    doc.heading(text("report.schedule", lang), size=11)
    table = place_table(data)
    planned = is_planned(table)
    rows = [
        [
            str(k),
            planned_name(str(r["name"]), "planned" if plan else "place", lang),
            str(r.get("organiser") or ""),
            describe_hours(str(r["opening_hours"] or ""), lang),
            fmt_number(r["hours_per_week"], 1, lang=lang),
            fmt_number(r["children_within"], 0, lang=lang),
        ]
        for k, ((_, r), plan) in enumerate(zip(table.iterrows(), planned, strict=True), start=1)
    ]
    doc.table(
        [
            (header("rank", lang), 0.04, "right"),
            (header("name", lang), 0.25, "left"),
            (header("organiser", lang), 0.17, "left"),
            (header("opening_hours", lang), 0.3, "left"),
            (header("hours_per_week", lang), 0.12, "right"),
            (header("children_within", lang), 0.12, "right"),
        ],
        rows,
        size=7.5,
    )


def _year_section(doc: _Document) -> None:
    """Draw the year (issue 17): the gaps in words above the week strip and the week x weekday view."""
    from ..analysis.year import year_coverage
    from .yearstrip import draw_year, gap_lines, ordinary_line

    data, lang = doc.data, doc.lang
    year = year_coverage(data.project, data.settings, year=data.monday.isocalendar()[0],
                         include_planned=data.include_planned, model=data.model)
    gaps = gap_lines(year, lang)
    doc.need(0.42 + 0.03 * len(gaps))  # heading, sentences and both panels stay on one page
    doc.heading(i18n.t("year.strip.title", lang, year=year.year), size=11)
    doc.paragraph(ordinary_line(year, lang))
    doc.bullets(gaps or [i18n.t("year.no_gaps", lang)], size=9)
    doc.y -= 0.04  # room for the week numbers above the strip
    strip = doc.figure_axes(0.035, width=0.9, left=0.1)
    doc.y -= 0.01
    grid = doc.figure_axes(0.16, width=0.9, left=0.1)
    draw_year(strip, grid, year, lang)
    strip.set_title("", loc="left")  # the section heading says it
    doc.y -= 0.03
    doc.paragraph(i18n.t("year.strip.legend", lang), size=8, color="#444444")


def _heatmap(ax: Any, matrix: pd.DataFrame, data: Study) -> None:
    lang = data.lang
    values = matrix.to_numpy(float)
    total = float(matrix.attrs.get("total") or data.result.summary["children_total"] or 1.0)
    share = values / total if total else values * 0
    ax.imshow(share, cmap="Greens", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(
        range(values.shape[1]), [i18n.t(f"daypart.{c}", lang) for c in matrix.columns], fontsize=8.5
    )
    ax.set_yticks(
        range(values.shape[0]), [weekday_name(d, lang) for d in range(values.shape[0])], fontsize=8.5
    )
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    for d in range(values.shape[0]):
        for p in range(values.shape[1]):
            label = (
                f"{fmt_number(values[d, p], 0, lang=lang)}\n{fmt_share(share[d, p], 0, lang=lang)}"
                if values[d, p]
                else "–"
            )
            ax.text(
                p,
                d,
                label,
                ha="center",
                va="center",
                fontsize=8,
                color="white" if share[d, p] > 0.55 else "#1a1a1a",
            )
    ax.set_xticks(np.arange(values.shape[1] + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(values.shape[0] + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="white", linewidth=2)
    ax.tick_params(which="minor", length=0)


def _proposal_page(doc: _Document) -> None:
    data, lang = doc.data, doc.lang
    plan = data.plan
    doc.section_break()
    doc.heading(text("report.proposals", lang))
    objective = str(getattr(plan, "objective", "") or "")
    key = f"export.report.objective.{objective}"
    gap = getattr(plan, "gap", None)
    optimal = getattr(plan, "optimal", None)
    if objective:
        quality = (
            text("report.optimal", lang)
            if optimal
            else text(
                "report.not_optimal", lang, gap=fmt_share(gap, 1, lang=lang) if gap is not None else "–"
            )
        )
        doc.paragraph(
            text(
                "report.proposals_note",
                lang,
                objective=i18n.t(key, lang) if has(key) else objective,
                quality=quality,
            ),
            size=9,
            color="#444444",
        )
    props = data.proposals
    rows = [
        [str(r["label"]), str(r["name"]), fmt_number(r["children_gained"], 0, lang=lang), _session(r, lang)]
        for _, r in props.iterrows()
    ]
    doc.table(
        [
            (header("rank", lang), 0.05, "left"),
            (header("name", lang), 0.42, "left"),
            (header("children_gained", lang), 0.22, "right"),
            (header("session", lang), 0.31, "left"),
        ],
        rows,
    )
    changed = getattr(plan, "changed", None)
    if isinstance(changed, pd.DataFrame) and len(changed) and "covered_after" in changed:
        villages = changed_villages(changed)
        names = ", ".join(
            f"{n} ({fmt_number(c, 0, lang=lang)})"
            for n, c in zip(villages["name"], villages["children_0_6"], strict=True)
        )
        doc.paragraph(text("report.newly_covered", lang, names=names), size=9)
    before = _summary_of(getattr(plan, "before", None)) or data.result.summary
    after = _summary_of(getattr(plan, "after", None))
    if after:
        rows = []
        for key_, label, digits, is_share in (
            ("children_covered", text("sum.children_covered", lang), 0, False),
            ("children_covered_share", text("sum.children_share", lang), 1, True),
            ("population_covered", text("sum.population_covered", lang), 0, False),
            ("places_counted", text("sum.places_counted", lang), 0, False),
        ):
            a, b = before.get(key_), after.get(key_)
            if a is None or b is None:
                continue
            rows.append([label, *_before_after(float(a), float(b), lang, digits=digits, share=is_share)])
        doc.y -= 0.01
        doc.table(
            [
                (header("figure", lang), 0.4, "left"),
                (header("before", lang), 0.18, "right"),
                (header("after", lang), 0.22, "right"),
                (header("change", lang), 0.2, "right"),
            ],
            rows,
        )
    doc.y -= 0.01
    after_data = data.after
    doc.heading(text("report.after_map", lang), size=11)
    doc.map_with_legend(after_data)


def _session(row: pd.Series, lang: str) -> str:
    """Format the suggested session of a proposed site, e.g. ``ma aamupäivä 8–12`` (empty if not given)."""
    day, part = str(row.get("best_weekday") or ""), str(row.get("best_daypart") or "")
    if day not in WEEKDAYS or not has(f"daypart.{part}"):
        return ""
    weekday = weekday_name(WEEKDAYS.index(day), lang, short=True)
    return f"{weekday} {i18n.t(f'daypart.{part}', lang)}"


def _before_after(a: float, b: float, lang: str, *, digits: int, share: bool) -> list[str]:
    """Format before, after and the signed change (percentage points for shares)."""
    sign = "+" if b - a > 0 else ""
    if share:
        change = f"{sign}{fmt_number(100.0 * (b - a), 1, lang=lang)} {text('report.pp', lang)}"
        return [fmt_share(a, 1, lang=lang), fmt_share(b, 1, lang=lang), change]
    return [
        fmt_number(a, digits, lang=lang),
        fmt_number(b, digits, lang=lang),
        sign + fmt_number(b - a, digits, lang=lang),
    ]


def _summary_of(value: Any) -> dict | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return value
    if hasattr(value, "summary"):
        return dict(value.summary)
    return None


def _visits_page(doc: _Document) -> None:
    data, lang = doc.data, doc.lang
    visits = data.project.visits
    if visits is None or not len(visits):
        return
    figures = data.visit_stats
    if not figures.has_visits:
        return
    doc.section_break()
    doc.heading(text("report.visits", lang))
    t = figures.totals
    first, last = t.get("first_date"), t.get("last_date")
    period = f"{fmt_date(first, lang)}–{fmt_date(last, lang)}" if first and last else ""
    doc.paragraph(
        text(
            "report.visits_note",
            lang,
            period=period,
            sessions=fmt_number(t["sessions"], 0, lang=lang),
            visitors=fmt_number(t["visitors"], 0, lang=lang),
            children=fmt_number(t["children"], 0, lang=lang),
            adults=fmt_number(t["adults"], 0, lang=lang),
        ),
        size=9,
    )
    rows = []
    for r in figures.places.itertuples(index=False):
        rows.append(
            [
                str(r.name),
                fmt_number(r.sessions, 0, lang=lang),
                fmt_number(r.visitors, 0, lang=lang),
                fmt_number(r.children, 0, lang=lang),
                fmt_number(r.mean_visitors, 1, lang=lang),
                fmt_share(r.first_timer_share, 0, lang=lang) if pd.notna(r.first_timer_share) else "–",
            ]
        )
    doc.table(
        [
            (header("name", lang), 0.32, "left"),
            (header("sessions", lang), 0.14, "right"),
            (header("visitors", lang), 0.12, "right"),
            (header("visitors_children", lang), 0.15, "right"),
            (header("mean_visitors", lang), 0.13, "right"),
            (header("first_timer_share", lang), 0.14, "right"),
        ],
        rows[:_MAX_TABLE_ROWS],
        total=len(rows),
    )
    months = figures.months
    if len(months):
        per_month = months.groupby("month")[["children", "adults"]].sum().sort_index()
        doc.y -= 0.01
        doc.heading(text("report.visits_per_month", lang), size=11)
        ax = doc.figure_axes(0.25, width=0.92, left=0.06, below=0.07)
        _month_bars(ax, per_month, lang)
        doc.legend_below(ax, ncol=2)


def _month_bars(ax: Any, per_month: pd.DataFrame, lang: str) -> None:
    """Stacked bars of child and adult visits per month (``per_month`` indexed by ``YYYY-MM``)."""
    x = np.arange(len(per_month))
    kids = per_month["children"].to_numpy(float)
    adults = per_month["adults"].to_numpy(float)
    ax.bar(x, kids, color=COLORS["covered"], label=header("visitors_children", lang))
    ax.bar(x, adults, bottom=kids, color="#a6cee3", label=header("visitors_adults", lang))
    labels = [f"{int(m[5:7])}/{m[:4]}" for m in per_month.index.astype(str)]
    ax.set_xticks(x, labels, fontsize=7.5, rotation=45 if len(x) > 10 else 0)
    ax.tick_params(axis="y", labelsize=7.5)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _pos: fmt_number(v, 0, lang=lang)))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _method(doc: _Document) -> None:
    data, lang = doc.data, doc.lang
    doc.y -= 0.01
    doc.need(0.16)
    doc.heading(text("report.method", lang), size=11)
    at = ""
    if data.result.at is not None:
        at = f" ({text('at', lang, when=_weekday_clock(data.result.at, lang))})"
    if data.include_planned:
        at += f" ({text('planned_counted', lang)})"
    sources = sorted(
        {
            str(v).strip()
            for v in data.project.places.get("source", pd.Series(dtype=object)).dropna()
            if str(v).strip()
        }
    )
    project = ", ".join(sources) or (data.project.path and Path(data.project.path).name) or data.name
    grid = printgrid.is_grid(data.result.areas)
    doc.paragraph(
        text(
            "report.method_text_grid" if grid else "report.method_text",
            lang,
            demand=describe_demand(data.result.areas, lang, estimated=not grid),  # grid: its own sentence
            limit=threshold_text(data.settings, lang),
            travel=_travel(data, lang),
            at=at,
            project=str(project),
        ),
        size=8.5,
        color="#333333",
    )


def _travel(data: Study, lang: str) -> str:
    """How one travels and how it is measured, e.g. ``kävellen (lastenvaunut; linnuntie × 1,3, 4 km/h)``."""
    mode, model = label("mode", data.settings.mode, lang), travel_model(data.result, lang)
    if mode.endswith(")"):
        return f"{mode[:-1]}; {model})"
    return f"{mode} ({model})"


def _clock(value: Any, lang: str) -> str:
    when = pd.Timestamp(value).to_pydatetime() if not isinstance(value, dt.datetime) else value
    return f"{when:%H:%M}" if lang == "en" else f"{when:%H.%M}"


def _weekday_clock(when: dt.datetime, lang: str) -> str:
    return f"{weekday_name(when.weekday(), lang, short=True)} {_clock(when, lang)}"
