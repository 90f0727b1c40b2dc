"""Katvealueet: ranked blind spots, the weekday x daypart coverage matrix, overlapping sessions."""

import dataclasses
import datetime as dt

import pandas as pd
import streamlit as st

from app_pages.common import cache, frame, messages, state, tables, yearview
from coverage.analysis import model_change
from coverage.analysis.demand import grid_cell_km
from coverage.core import i18n, schedule
from coverage.core.i18n import t

view = state.current_view()
frame.page_header(t("kat.header"), view)

# --- ranked blind spots -------------------------------------------------------------------------------------
result = messages.guarded(lambda: cache.analysis(view))
if result is not None:
    st.subheader(t("kat.ranked_villages"))
    grid = grid_cell_km(result.areas) is not None
    cells_word = t("villages.col.cells" if grid else "villages.col.areas")
    ranked = tables.village_ranking(result, cells_word=cells_word)
    if not len(ranked):
        st.success(t("kat.none"))
    else:
        st.dataframe(ranked, hide_index=True, width="stretch", key="kat_ranked")
        s = result.summary
        st.caption(
            t(
                "kat.uncovered_total",
                children=i18n.fmt_number(s["children_uncovered"]),
                share=i18n.fmt_share(
                    1 - s["children_covered_share"] if s["children_covered_share"] is not None else None
                ),
            )
        )
        polygons = messages.guarded(lambda: cache.blind_polygons(view))
        if polygons is not None and len(polygons):
            with st.expander(t("kat.polygons")):
                st.dataframe(
                    pd.DataFrame(
                        {
                            t("kat.col.id"): polygons["id"],
                            **({t("kat.col.village"): polygons["village"]} if "village" in polygons else {}),
                            t("kat.col.area_km2"): polygons["area_km2"].round(1),
                            t("kat.col.children"): polygons["children_0_6"].round(0),
                            t("kat.col.cells" if grid else "kat.col.areas"): polygons["areas"],
                        }
                    ),
                    hide_index=True,
                    width="stretch",
                )
        with st.expander(t("kat.cells")):
            cells = result.blind_spots()
            names = tables.place_names(result)
            nearest = dict(zip(result.areas["id"].astype(str), result.areas["nearest_place_id"], strict=True))
            st.dataframe(
                pd.DataFrame(
                    {
                        t("kat.col.name"): cells["name"].astype(str),
                        t("kat.col.children"): cells["children_0_6"].astype(float).round(0),
                        t("kat.col.minutes"): cells["minutes"].astype(float).round(0),
                        t("kat.col.nearest"): [names.get(str(nearest.get(str(i))), "–") for i in cells["id"]],
                    }
                ),
                hide_index=True,
                width="stretch",
                key="kat_cells",
                column_config={
                    t("kat.col.children"): st.column_config.NumberColumn(format="%.0f"),
                    t("kat.col.minutes"): st.column_config.NumberColumn(format="%.0f"),
                },
            )

# --- roads vs straight line (issue 18): who changes status on the road network (the lead may move this) ---
if result is not None and view.settings.network:
    straight_view = dataclasses.replace(view, settings=view.settings.replace(network=None, network_sha256=""))
    straight = messages.guarded(lambda: cache.analysis(straight_view))
    if straight is not None:
        st.subheader(t("roads.change.header"))
        change = model_change.compare_results(straight, result)
        for line in model_change.comparison_lines(change, view.lang):
            st.markdown(messages._md(line))

# --- weekday x daypart matrix -------------------------------------------------------------------------------
st.subheader(t("kat.matrix"))
matrix = messages.guarded(lambda: cache.matrix(view))
if matrix is not None:
    total = float(matrix.attrs.get("total") or 0.0)
    as_share = st.toggle(t("kat.matrix_share"), key="kat_matrix_share")
    values = matrix / total if as_share and total > 0 else matrix
    shown = values.copy()
    shown.index = [i18n.weekday_name(schedule.WEEKDAYS.index(d)) for d in matrix.index]
    shown.columns = [t(f"daypart.{c}") for c in matrix.columns]
    shown.index.name = t("kat.col.weekday")
    shown.attrs = {}  # the analysis' attrs (week: a date) are not for display
    fmt = (lambda v: i18n.fmt_share(v, 0)) if as_share else (lambda v: i18n.fmt_number(v))
    styled = shown.style.background_gradient(
        cmap="YlGnBu", vmin=0.0, vmax=(1.0 if as_share else max(total, 1.0)), axis=None
    ).format(fmt)
    st.dataframe(styled, width="stretch", key="kat_matrix")
    monday = matrix.attrs.get("week", view.week)
    st.caption(
        t(
            "kat.matrix_caption",
            minutes=i18n.fmt_number(matrix.attrs.get("min_open_minutes", 30)),
            monday=messages.date_text(monday),
            sunday=messages.date_text(monday + dt.timedelta(days=6)),
            total=i18n.fmt_number(total),
        )
    )

    st.markdown(f"**{t('kat.cell.header')}**")
    messages.guarded(lambda: yearview.show_cell(view))

# --- the year (issue 17) -----------------------------------------------------------------------------------
st.subheader(t("kat.year.header"))
messages.guarded(lambda: yearview.show_year(view))

# --- overlaps -----------------------------------------------------------------------------------------------
st.subheader(t("kat.overlaps"))
st.caption(t("kat.overlaps_caption"))
overlaps = messages.guarded(lambda: cache.overlap_list(view))
if overlaps is not None:
    if not len(overlaps):
        st.info(t("kat.overlaps_none"))
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    t("kat.col.place_a"): overlaps["place_a"].astype(str),
                    t("kat.col.place_b"): overlaps["place_b"].astype(str),
                    t("kat.col.weekday"): [
                        i18n.weekday_name(schedule.WEEKDAYS.index(d)) for d in overlaps["weekday"]
                    ],
                    t("kat.col.time"): [
                        f"{a:%H:%M}–{b:%H:%M}"
                        for a, b in zip(overlaps["start"], overlaps["end"], strict=True)
                    ],
                    t("kat.col.overlap_minutes"): overlaps["overlap_minutes"].round(0),
                    t("kat.col.distance_km"): overlaps["distance_km"].round(1),
                }
            ),
            hide_index=True,
            width="stretch",
            key="kat_overlaps",
        )
