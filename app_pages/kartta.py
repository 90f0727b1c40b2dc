"""Kartta: headline figures and the coverage map."""

import streamlit as st
from streamlit_folium import st_folium

from app_pages.common import cache, frame, messages, state, tables
from coverage.analysis.demand import describe_demand
from coverage.core import i18n
from coverage.core.i18n import t
from coverage.outputs import document

view = state.current_view()
state.show_flash()
st.header(
    t("kartta.header", name=messages._md(view.project.municipality_name or state.source_label(view.source)))
)

result = messages.guarded(lambda: cache.analysis(view))
if result is not None:
    s = result.summary
    villages = result.villages()
    blind = int((villages["children_uncovered"] > 0).sum())
    cols = st.columns(3)
    cols[0].metric(
        t("kartta.children_covered"),
        t(
            "kartta.children_of",
            covered=i18n.fmt_number(s["children_covered"]),
            total=i18n.fmt_number(s["children_total"]),
        ),
    )
    cols[1].metric(t("kartta.share"), i18n.fmt_share(s["children_covered_share"]))
    cols[2].metric(t("kartta.blind_villages"), str(blind), help=t("kartta.blind_villages_help"))
    st.caption(
        t(
            "kartta.caption",
            counted=s["places_counted"],
            total=s["places_total"],
            threshold=frame.threshold_text(view.settings),
            when=frame.when_text(view.at),
        )
        + " · "
        + frame.model_caption(view.settings)
    )
    st.caption(t("kartta.demand", demand=describe_demand(result.areas)))
    if s["places_counted"] == 0:
        st.warning(t("kartta.no_places"))

    toggles = st.columns(2)
    show_reach = toggles[0].toggle(t("kartta.show_reach"), value=True, key="kartta_show_reach")
    show_blind = toggles[1].toggle(t("kartta.show_blind"), value=True, key="kartta_show_blind")
    m = messages.guarded(lambda: cache.coverage_map(view, show_reach=show_reach, show_blind=show_blind))
    # render=False: st_folium renders the map itself once more anyway (saves a full render per rerun)
    if m is not None and frame.map_ready():
        st_folium(
            m, key="kartta_map", height=620, use_container_width=True, returned_objects=[], render=False
        )
    st.caption(t("kartta.offline_note") + " " + document.credits(result.areas) + " · © OpenStreetMap")
    with st.expander(t("kartta.villages_table")):
        st.dataframe(tables.village_overview(result), hide_index=True, width="stretch", key="kartta_villages")
