"""Vienti: download the coverage as report, print map, HTML map, GeoPackage, tables and family calendar.

Every file follows the sidebar's settings and reuses the page cache's analysis; a file is generated only when
its button is clicked (``st.download_button`` with a callable), so opening the page stays fast.
"""

import datetime as dt

import streamlit as st

from app_pages.common import cache, frame, messages, scenarioview, state
from coverage.analysis import study
from coverage.core import i18n
from coverage.core.i18n import t
from coverage.outputs import calendar, document, export, leaflet

view = state.current_view()
frame.page_header(t("vienti.header"), view)
st.write(t("vienti.intro"))

languages = list(i18n.LANGUAGES)
doc_lang = st.selectbox(
    t("vienti.lang"),
    languages,
    index=languages.index(view.lang),
    format_func=i18n.LANGUAGES.get,
    key="vienti_lang",
)

# proposals of the planning page (a PlanResult, or None before a plan)
plan = cache.current_plan()

result = messages.guarded(lambda: cache.analysis(view))
if result is not None:
    today = dt.date.today()
    data = study.Study.from_parts(
        view.project,
        result,
        reach=messages.guarded(lambda: cache.reach(view)),
        blind=messages.guarded(lambda: cache.blind_polygons(view)),
        include_planned=view.include_planned,
        plan=plan,
        lang=doc_lang,
        today=today,
        week=view.week,
    )
    if plan is not None and len(data.proposals):
        st.info(t("vienti.with_plan", n=len(data.proposals)))

    term_start, term_end = calendar.term_period(today)
    period = st.date_input(
        t("vienti.calendar_period"), value=(term_start, term_end), format="DD.MM.YYYY", key="vienti_period"
    )
    cal_start, cal_end = period if isinstance(period, tuple) and len(period) == 2 else (term_start, term_end)
    leaflet_ok = (leaflet.LEAFLET_DIR / "leaflet.js").is_file()

    items = [  # (key, format, options)
        ("report", "report", {}),
        ("pdf", "pdf", {}),
        ("png", "png", {}),
        ("html", "html", {}),
        ("gpkg", "gpkg", {}),
        ("xlsx", "xlsx", {}),
        ("csv_areas", "csv", {"table": "areas"}),
        ("csv_places", "csv", {"table": "places"}),
        ("ics", "ics", {"calendar_start": cal_start, "calendar_end": cal_end}),
    ]

    comparison = scenarioview.report_comparison(view, doc_lang)  # the scenarios chosen on Suunnittelu

    def content(fmt: str, options: dict):  # noqa: ANN202 - a zero-argument callable for st.download_button
        def make() -> bytes:
            if fmt == "report":
                data.scenarios = comparison()  # computed (or taken from the cache) only for the report
            return export.export_bytes(data, fmt, **options)

        return make

    columns = st.columns(3)
    for k, (key, fmt, options) in enumerate(items):
        with columns[k % 3].container(border=True):
            st.markdown(f"**{t(f'vienti.fmt.{key}')}**")
            st.caption(
                t(f"vienti.help.{key}", start=messages.date_text(cal_start), end=messages.date_text(cal_end))
            )
            disabled = fmt == "html" and not leaflet_ok
            if disabled:
                st.caption(t("vienti.no_leaflet"))
            st.download_button(
                t("vienti.download"),
                data=content(fmt, options),
                file_name=export.file_name(data, fmt, table=options.get("table", "areas")),
                mime=export.MEDIA_TYPES[fmt],
                key=f"vienti_{key}",
                disabled=disabled,
                icon=":material/download:",
                on_click="ignore",
            )
    st.caption(document.ATTRIBUTION)
