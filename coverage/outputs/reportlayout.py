"""The report's page-layout engine: A4 pages of text, wrapped tables and figures, laid out top-down.

``_Document`` keeps a cursor ``y`` (0..1 in the page axes) on the current page; sections begin with its
``section_break``, and ``_Document.lay_out`` builds the document again (at most a few passes) until no page
is less than :data:`MIN_FILL` full when that can be helped. Table cells wrap (at most ``_MAX_CELL_LINES``
lines), chart legends sit below their charts. Used by :mod:`coverage.outputs.report` and
:mod:`coverage.outputs.report_scenarios`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..analysis.study import Study
from .document import COLORS, credits, fmt_date, text
from .printmap import draw_map, extent_in, flow, legend_handles, new_figure, text_width, wrap_text

A4_PORTRAIT = (8.27, 11.69)
_MARGIN = (0.08, 0.06, 0.84, 0.885)  # page axes: left, bottom, width, height (figure fraction)
_PAD = 0.018  # horizontal room left free in each table cell (page fraction)
_MAX_CELL_LINES = 8  # a table cell shows at most this many lines


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
            self._cell(x, width, align, lines, height, fontsize=hsize, weight="bold", color="white")
            x += width
        self.y -= height

    def _cell(self, x: float, width: float, align: str, lines: list[str], height: float,
              **style: Any) -> None:
        """Write one table cell's lines, vertically centred in a row of ``height`` below the cursor."""
        tx = x + _PAD / 3 if align == "left" else x + width - _PAD / 3
        self.ax.text(tx, self.y - height / 2, "\n".join(lines), ha=align, va="center",
                     linespacing=_LINESPACING, **style)

    def _table_row(
        self, columns: list[tuple[str, float, str]], cells: list[list[str]], size: float, height: float
    ) -> None:
        x = 0.0
        for (_head, width, align), lines in zip(columns, cells, strict=True):
            self._cell(x, width, align, lines, height, fontsize=size)
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
