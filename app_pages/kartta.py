"""Kartta: headline figures and the coverage map."""

import streamlit as st
from streamlit_folium import st_folium

from app_pages import common
from coverage import i18n, maps
from coverage.i18n import t

view = common.current_view()
common.show_flash()
st.header(
    t("kartta.header", name=common._md(view.project.municipality_name or common.source_label(view.source)))
)

result = common.guarded(lambda: common.analysis(view))
if result is not None:
    s = result.summary
    blind = int((~result.areas["covered"].to_numpy(bool)).sum())
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
    cols[2].metric(t("kartta.blind_count"), str(blind), help=t("kartta.blind_count_help"))
    st.caption(
        t(
            "kartta.caption",
            counted=s["places_counted"],
            total=s["places_total"],
            threshold=common.threshold_text(view.settings),
            when=common.when_text(view.at),
        )
        + " · "
        + common.model_caption(view.settings)
    )
    if s["places_counted"] == 0:
        st.warning(t("kartta.no_places"))

    toggles = st.columns(2)
    show_reach = toggles[0].toggle(t("kartta.show_reach"), value=True, key="kartta_show_reach")
    show_blind = toggles[1].toggle(t("kartta.show_blind"), value=True, key="kartta_show_blind")
    reach = common.guarded(lambda: common.reach(view)) if show_reach else None
    blind_polygons = common.guarded(lambda: common.blind_polygons(view)) if show_blind else None
    m = maps.coverage_map(view.project, result, reach=reach, blind_spots=blind_polygons, lang=view.lang)
    # render=False: st_folium renders the map itself once more anyway (saves a full render per rerun)
    st_folium(m, key="kartta_map", height=620, use_container_width=True, returned_objects=[], render=False)
    st.caption(t("kartta.offline_note") + " " + maps.DATA_ATTRIBUTION + ", © OpenStreetMap")
