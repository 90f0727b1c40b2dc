"""The meeting report: a multi-page A4 PDF for the family-centre network meeting (fi, sv or en).

Pages, in order (a page is left out when it would be empty):

1. Title, travel settings, four key figures, findings in plain sentences and the map.
2. Blind spots: the uncovered villages/areas ranked by children, the blind-spot polygons, and the overlapping
   sessions of nearby places.
3. The week: children within reach per weekday x time of day (heat map) and every place's opening hours in
   plain language (planned places tagged).
4. The year: its gaps in words and the week x weekday strip; then the method and the data sources.
5. Proposals (with a plan): the proposed sites, the key figures before and after, and the map with them.
   Scenarios (with ``data.scenarios``): the kept scenarios beside the present, small maps, year strips
   (:mod:`coverage.outputs.report_scenarios`).
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
from . import printgrid, report_scenarios
from .document import (
    COLORS,
    describe_settings,
    fmt_date,
    header,
    text,
    threshold_text,
    travel_model,
)
from .printmap import (
    extent_in,
    flow,
    is_planned,
    planned_name,
    style,
)
from .reportlayout import _MAX_CELL_LINES, _PAD, A4_PORTRAIT, MIN_FILL, _Document, _rect  # noqa: F401 - tests read some
from .tables import place_table

_MAX_TABLE_ROWS = 25


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
    if report_scenarios.has_page(doc.data):
        report_scenarios.scenario_page(doc)
    _visits_page(doc)


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
