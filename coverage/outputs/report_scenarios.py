"""The meeting report's scenario page: the compared scenarios as a table, small maps and their year strips.

``data.scenarios`` is a :class:`coverage.planning.scenarios.Comparison` (the project as it is first) made by
the caller (``export --scenarios``, the app's Vienti page); without one, or with the present alone, there is
no page. The figures are the comparison's, the same the app's Suunnittelu page shows; children are whole
numbers with "≈" when the areas' children are estimates.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ..analysis.study import Study
from ..core import i18n
from ..core.i18n import fmt_number, fmt_share
from ..core.schedule import WEEKDAYS
from .printmap import draw_map
from .yearstrip import draw_strips


def has_page(data: Study) -> bool:
    """Whether the report gets a scenario page (a comparison with at least one scenario)."""
    cmp = getattr(data, "scenarios", None)
    return cmp is not None and len(cmp.columns) > 1


def changes_text(scenario: Any, lang: str) -> str:
    """Say what a scenario changes, in words ("3 uutta paikkaa, 1 paikka kiinni")."""
    if scenario is None:
        return i18n.t("scen.changes.none", lang)
    parts = [i18n.t(f"scen.changes.{k}", lang, n=v) for k, v in scenario.counts().items() if v]
    return ", ".join(parts) or i18n.t("scen.changes.empty", lang)


def weeks_text(runs: list[tuple[int, int]], lang: str) -> str:
    """Write ISO week runs as "23–35, 52" ("ei yhtään" when none)."""
    if not runs:
        return i18n.t("scen.weeks_none", lang)
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


def rows(cmp: Any, lang: str, *, estimated: bool, names: bool = False) -> list[tuple[str, list[str]]]:
    """Return the comparison's rows as shown: (label, a text per column), the change against the present.

    Shared by the report and the app's Suunnittelu page; ``names`` adds the row of blind-spot villages.
    """
    approx = "≈ " if estimated else ""
    now = cmp.columns[0]

    def kids(v: float) -> str:
        return approx + fmt_number(v, 0, lang=lang)

    def change(v: float, base: float, first: bool) -> str:
        d = round(v) - round(base)
        return "" if first or d == 0 else f" ({'+' if d > 0 else '−'}{fmt_number(abs(d), 0, lang=lang)})"

    days = (i18n.t("scen.days_workdays", lang) if tuple(cmp.days) == tuple(WEEKDAYS[:5])
            else ", ".join(i18n.weekday_name(WEEKDAYS.index(d), lang, short=True) for d in cmp.days))
    cols = list(enumerate(cmp.columns))
    out = [
        (i18n.t("scen.row.changes", lang), [changes_text(c.scenario, lang) for _i, c in cols]),
        (i18n.t("scen.row.children", lang),
         [f"{kids(c.children_covered)} / {fmt_number(c.children_total, 0, lang=lang)}"
          + change(c.children_covered, now.children_covered, i == 0) for i, c in cols]),
        (i18n.t("scen.row.share", lang), [fmt_share(c.children_covered_share, lang=lang) for _i, c in cols]),
        (i18n.t("scen.row.child_days", lang, days=days),
         [kids(c.child_days) + change(c.child_days, now.child_days, i == 0) for i, c in cols]),
        (i18n.t("scen.row.places", lang), [fmt_number(c.places_counted, 0, lang=lang) for _i, c in cols]),
        (i18n.t("scen.row.blind", lang),
         [f"{len(c.blind_villages)} ({kids(c.blind_children)})" for _i, c in cols]),
        (i18n.t("scen.row.overlaps", lang), [fmt_number(c.overlaps, 0, lang=lang) for _i, c in cols]),
        (i18n.t("scen.row.closed_weeks", lang, year=cmp.year),
         [weeks_text(c.weeks_closed, lang) for _i, c in cols]),
    ]
    if names:
        blind = [", ".join(c.blind_villages) or "–" for _i, c in cols]
        out.insert(6, (i18n.t("scen.row.blind_names", lang), blind))
    return out


def blind_lines(cmp: Any, lang: str) -> list[str]:
    """Say which villages are in a blind spot now and which each scenario takes out or puts in."""
    now = cmp.columns[0]
    lines = [i18n.t("report.scen.blind_now", lang, name=now.name, names=", ".join(now.blind_villages) or "–")]
    for c in cmp.columns[1:]:
        out = [v for v in now.blind_villages if v not in c.blind_villages]
        new = [v for v in c.blind_villages if v not in now.blind_villages]
        parts = ([i18n.t("report.scen.blind_out", lang, names=", ".join(out))] if out else []) + (
            [i18n.t("report.scen.blind_in", lang, names=", ".join(new))] if new else [])
        lines.append(f"{c.name}: {'; '.join(parts)}." if parts
                     else i18n.t("report.scen.blind_same", lang, name=c.name))
    return lines


def _world_study(data: Study, column: Any) -> Study:
    """Build a study of one column for its small map: its places, the scenario's new ones drawn as planned."""
    world = column.world
    if column.scenario is not None and column.scenario.add and len(world.places):
        world = dataclasses.replace(world, places=world.places.copy())
        added = ~world.places["id"].astype(str).isin(set(data.project.places["id"].astype(str)))
        world.places.loc[added.to_numpy(), "status"] = "planned"
    return Study.from_parts(world, column.result, model=data.model, include_planned=True, lang=data.lang,
                            today=data.today, week=data.week)


def scenario_page(doc: Any) -> None:
    """Draw the scenario page on ``doc`` (a report ``_Document``): heading, table, small maps, strips."""
    data, lang = doc.data, doc.lang
    cmp = data.scenarios
    cols = cmp.columns
    estimated = bool(np.asarray(data.result.areas.get("children_estimated", [False]), dtype=bool).any())
    doc.section_break()
    doc.heading(i18n.t("report.scen.title", lang, year=cmp.year))
    doc.paragraph(i18n.t("report.scen.intro", lang, n=len(cols) - 1), size=9, color="#444444")
    label_w = 0.28
    width = (1.0 - label_w) / len(cols)
    columns = [(i18n.t("scen.col.figure", lang), label_w, "left")]
    columns += [(c.name, width, "left") for c in cols]
    doc.table(columns, [[label, *values] for label, values in rows(cmp, lang, estimated=estimated)], size=8)
    # the villages behind the blind-spot count: the present's, then what each scenario changes
    for line in blind_lines(cmp, lang):
        doc.paragraph(line, size=8, color="#333333")
    # small maps side by side, each titled with its column
    side = min(0.3, 0.95 / len(cols))
    doc.need(side + 0.07)
    doc.y -= 0.03  # room for the titles above the maps
    top = doc.y
    for i, c in enumerate(cols):
        doc.y = top
        ax = doc.figure_axes(side, width=1.0 / len(cols) - 0.01, left=i / len(cols))
        draw_map(ax, _world_study(data, c), proposals=False, north_arrow=False, scale_bar=False,
                 label_areas=False)
        ax.set_title(c.name, fontsize=8.5, loc="left")
    doc.y = top - side - 0.02
    doc.paragraph(i18n.t("report.scen.maps", lang), size=8, color="#444444")
    # the year strips, one row per column
    height = 0.03 * len(cols)
    doc.need(height + 0.08)
    doc.y -= 0.03  # room for the week numbers above the strips
    strips = doc.figure_axes(height, width=0.78, left=0.22)
    draw_strips(strips, [c.year for c in cols], [c.name for c in cols], lang)
    doc.y -= 0.015
    doc.paragraph(i18n.t("year.strip.legend", lang), size=8, color="#444444")
    note = i18n.t("scen.compare_caption", lang, share=fmt_share(0.5, 0, lang=lang))
    doc.paragraph(note + (" " + i18n.t("scen.estimated", lang) if estimated else ""), size=8, color="#444444")
