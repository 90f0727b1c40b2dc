"""The year strip: children within reach of an open meeting place per ISO week, and per week x weekday.

Drawn with matplotlib for the app (Katvealueet) and the meeting report alike, so both show the same figure.
Colour is the share of children 0-6 covered (0-100 %, one scale for both panels); a week in which no counted
place is open is drawn grey with a cross, so a gap reads without colour too.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..analysis.year import YearResult
from ..core.i18n import Texts, fmt_number, fmt_share, t, weekday_name

CMAP = "Greens"
CLOSED = "#d9d9d9"


def draw_year(strip_ax: Any, grid_ax: Any | None, result: YearResult, lang: str = "fi") -> None:
    """Draw the 52/53-week strip on ``strip_ax`` and, when given, the week x weekday view on ``grid_ax``."""
    from matplotlib.colors import ListedColormap

    weeks = result.weeks
    n = len(weeks)
    total = result.children_total or 1.0
    share = weeks["children_covered"].to_numpy(float) / total
    closed = weeks["places_open"].to_numpy(int) == 0
    cmap = ListedColormap([CLOSED])
    strip_ax.imshow(share[None, :], cmap=CMAP, vmin=0, vmax=1, aspect="auto")
    strip_ax.imshow(np.where(closed, 1.0, np.nan)[None, :], cmap=cmap, vmin=0, vmax=1, aspect="auto")
    for k in np.flatnonzero(closed):
        strip_ax.text(k, 0, "×", ha="center", va="center", fontsize=7, color="#555555")
    strip_ax.set_yticks([0], [t("year.strip.children", lang)], fontsize=8)
    _week_axis(strip_ax, n, top=True)
    if grid_ax is not None:
        days = result.days.to_numpy(float).T / total  # (7, n)
        grid_ax.imshow(days, cmap=CMAP, vmin=0, vmax=1, aspect="auto")
        shut = np.where(np.repeat(closed[None, :], 7, axis=0), 1.0, np.nan)
        grid_ax.imshow(shut, cmap=cmap, vmin=0, vmax=1, aspect="auto")
        grid_ax.set_yticks(range(7), [weekday_name(d, lang, short=True) for d in range(7)], fontsize=7.5)
        _week_axis(grid_ax, n, top=False)
    strip_ax.set_title(t("year.strip.title", lang, year=result.year), fontsize=9.5, loc="left")


def draw_strips(ax: Any, years: list[YearResult], labels: list[str], lang: str = "fi") -> None:
    """Draw one year strip per row on ``ax`` (a scenario comparison): same colours and crosses as the strip.

    Rows may have different week counts only if their years differ; they are drawn to the longest.
    """
    from matplotlib.colors import ListedColormap

    n = max((len(y.weeks) for y in years), default=0)
    share = np.full((len(years), n), np.nan)
    closed = np.zeros((len(years), n), dtype=bool)
    for i, y in enumerate(years):
        total = y.children_total or 1.0
        share[i, : len(y.weeks)] = y.weeks["children_covered"].to_numpy(float) / total
        closed[i, : len(y.weeks)] = y.weeks["places_open"].to_numpy(int) == 0
    ax.imshow(share, cmap=CMAP, vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    ax.imshow(np.where(closed, 1.0, np.nan), cmap=ListedColormap([CLOSED]), vmin=0, vmax=1, aspect="auto",
              interpolation="nearest")
    for i, k in zip(*np.nonzero(closed), strict=True):
        ax.text(k, i, "×", ha="center", va="center", fontsize=6, color="#555555")
    ax.set_yticks(range(len(labels)), labels, fontsize=7.5)
    _week_axis(ax, n, top=True)
    ax.set_yticks(np.arange(len(labels) + 1) - 0.5, minor=True)
    ax.grid(which="minor", axis="y", color="white", linewidth=1.5)


def strips_figure(years: list[YearResult], labels: list[str], lang: str = "fi", *, width: float = 9.0) -> Any:
    """Draw a stand-alone figure of :func:`draw_strips` (one row per scenario) for the app."""
    from .printmap import new_figure

    height = 0.55 + 0.32 * len(years)
    fig = new_figure((width, height))
    ax = fig.add_axes((0.22, 0.08, 0.76, 1 - 0.45 / height - 0.08))
    draw_strips(ax, years, labels, lang)
    return fig


def _week_axis(ax: Any, n: int, *, top: bool) -> None:
    ticks = [k for k in range(n) if (k + 1) % 4 == 1 or k == n - 1]
    ax.set_xticks(ticks, [str(k + 1) for k in ticks], fontsize=7)
    if top:
        ax.xaxis.tick_top()
    ax.set_xticks(np.arange(n + 1) - 0.5, minor=True)
    ax.grid(which="minor", axis="x", color="white", linewidth=0.6)
    ax.tick_params(which="both", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)


def year_figure(result: YearResult, lang: str = "fi", *, width: float = 9.0) -> Any:
    """Draw a stand-alone figure (strip above, week x weekday below) for the app (no pyplot state)."""
    from .printmap import new_figure

    fig = new_figure((width, 2.6))
    strip = fig.add_axes((0.1, 0.72, 0.88, 0.12))
    grid = fig.add_axes((0.1, 0.08, 0.88, 0.58))
    draw_year(strip, grid, result, lang)
    return fig


def gap_lines(result: YearResult, lang: str = "fi") -> list[str]:
    """Name the gaps of the year in words, e.g. "viikot 23–34: yksikään paikka ei ole auki; ..."."""
    tx = Texts("year", lang)
    out = []
    for g in result.gaps():
        weeks = (tx["weeks_one"].format(a=g["first"]) if g["first"] == g["last"]
                 else tx["weeks_many"].format(a=g["first"], b=g["last"]))
        out.append(tx["gap"][g["kind"]].format(weeks=weeks, places=g["places_open"],
                                                total=result.places_total,
                                                children=fmt_number(g["children_without"], 0, lang=lang)))
    return out


def ordinary_line(result: YearResult, lang: str = "fi") -> str:
    """Say the ordinary week's coverage (median of the weeks with a place open) in one sentence."""
    w = result.weeks
    open_weeks = w.loc[w["places_open"] > 0, "children_covered"]
    covered = float(open_weeks.median()) if len(open_weeks) else 0.0
    total = result.children_total
    return Texts("year", lang)["ordinary"].format(
        covered=fmt_number(covered, 0, lang=lang), total=fmt_number(total, 0, lang=lang),
        share=fmt_share(covered / total if total else None, lang=lang))
