"""Tilastot: visitor statistics per place and month, reach per home village, professionals' outreach per term.

The coordinator records each session with the quick form (or imports a CSV/XLSX), sees visits per place per
month, the share of first-timers and the children reached per place, where visitors come from (when home
villages are recorded) and which places get outreach visits this term and which get none.
"""

import datetime as dt
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from app_pages.common import messages, saving, state
from coverage.analysis import outreach, records, stats
from coverage.analysis.villages import village_of
from coverage.core import i18n
from coverage.core.errors import InputError, KatveError
from coverage.core.i18n import t
from coverage.io import datasets, files, importers

ss = st.session_state
SAVE_NAME = "draft_tilastot_save_name"  # "draft_" keys are reset when another project is opened
PERIOD = "draft_tilastot_period"
TERM = "tilastot_term"
IMPORT_FILE, IMPORT_WHAT, IMPORT_HOW = "tilastot_import_file", "tilastot_import_what", "tilastot_import_how"
ENTRY = {name: f"tilastot_entry_{name}" for name in
         ("place", "date", "adults", "children", "first_timers", "multicultural", "home_area")}
OENTRY = {name: f"tilastot_oentry_{name}" for name in
          ("place", "date", "time", "minutes", "profession", "organisation", "notes")}
TERMS = {"previous": -1, "this": 0, "next": 1}


@st.cache_resource(show_spinner=False, max_entries=32)
def _compute(_project, token: str, start: dt.date | None, end: dt.date | None) -> stats.VisitStats:
    return stats.compute(_project, start=start, end=end)


@st.cache_resource(show_spinner=False, max_entries=32)
def _outreach(_project, token: str, start: dt.date, end: dt.date) -> tuple:
    return (outreach.outreach_by_place(_project, start=start, end=end),
            outreach.outreach_matrix(_project, start=start, end=end))


def _lines(problems, upload_path: str = "", upload_name: str = "") -> str:
    texts = [str(p).replace(upload_path, upload_name) if upload_path else str(p) for p in problems]
    more = len(texts) - 25
    return "\n".join(f"- {messages._md(x)}" for x in texts[:25]) + (
        f"\n- {t('error.more', n=more)}" if more > 0 else ""
    )


def _updated(**layers):
    project = state.current_project()
    updated = project.copy()
    updated.path, updated.version = project.path, project.version
    for name, table in layers.items():
        setattr(updated, name, table)
    state.set_project(updated)


# --- callbacks ---------------------------------------------------------------------------------------------


def load_examples(dataset: str) -> None:
    tables = datasets.example_tables(dataset)
    if tables is None:
        return
    visits, outreach = tables
    _updated(visits=visits, outreach=outreach)
    ss.pop(PERIOD, None)
    state.flash("info", t("tilastot.example.loaded", visits=len(visits), outreach=len(outreach)))


def record_visit() -> None:
    project = state.current_project()
    try:
        visits = stats.add_visit(
            project.visits,
            place_id=ss[ENTRY["place"]],
            date=ss[ENTRY["date"]],
            adults=ss[ENTRY["adults"]],
            children=ss[ENTRY["children"]],
            first_timers=ss[ENTRY["first_timers"]],
            multicultural=ss[ENTRY["multicultural"]],
            home_area=ss[ENTRY["home_area"]] or "",
        )
    except InputError as exc:
        state.flash("error", t("tilastot.entry.rejected") + "\n\n" + _lines(exc.problems))
        return
    except KatveError as exc:
        state.flash("error", t("tilastot.entry.rejected") + " " + messages._md(str(exc)))
        return
    _updated(visits=visits)
    ss.pop(PERIOD, None)  # the period grows to include the new session
    names = dict(zip(project.places["id"].astype(str), project.places["name"].astype(str), strict=True))
    state.flash(
        "success",
        t(
            "tilastot.entry.done",
            place=messages._md(names.get(ss[ENTRY["place"]], "")),
            date=messages.date_text(ss[ENTRY["date"]]),
            visitors=int(ss[ENTRY["adults"]]) + int(ss[ENTRY["children"]]),
        ),
    )
    for name in ("adults", "children"):
        ss[ENTRY[name]] = 0
    for name in ("first_timers", "multicultural"):
        ss[ENTRY[name]] = None


def add_outreach_visit() -> None:
    project = state.current_project()
    start = dt.datetime.combine(ss[OENTRY["date"]], ss[OENTRY["time"]])
    try:
        outreach = stats.add_outreach(
            project.outreach,
            place_id=ss[OENTRY["place"]],
            start=start,
            end=start + dt.timedelta(minutes=int(ss[OENTRY["minutes"]])),
            profession=ss[OENTRY["profession"]].strip(),
            organisation=ss[OENTRY["organisation"]].strip(),
            notes=ss[OENTRY["notes"]].strip(),
        )
    except InputError as exc:
        state.flash("error", t("tilastot.entry.rejected") + "\n\n" + _lines(exc.problems))
        return
    _updated(outreach=outreach)
    names = dict(zip(project.places["id"].astype(str), project.places["name"].astype(str), strict=True))
    state.flash(
        "success",
        t(
            "tilastot.oentry.done",
            profession=messages._md(ss[OENTRY["profession"]].strip()),
            place=messages._md(names.get(ss[OENTRY["place"]], "")),
            when=f"{messages.date_text(start.date())} {start:%H:%M}",
        ),
    )
    ss[OENTRY["profession"]] = ss[OENTRY["notes"]] = ""


def import_table() -> None:
    upload = ss.get(IMPORT_FILE)
    if upload is None:
        return
    layer = ss.get(IMPORT_WHAT, "visits")
    project = state.current_project()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload"
        try:
            path = files.write_upload(tmp, upload.name, upload.getvalue())
            result = importers.read_visits(path) if layer == "visits" else importers.read_outreach(path)
            table, dropped = stats.merge_table(
                layer, project.layer(layer), result.data, replace=ss.get(IMPORT_HOW) == "replace"
            )
        except KatveError as exc:
            problems = getattr(exc, "problems", None)
            body = _lines(problems, str(path), upload.name) if problems else messages._md(str(exc))
            state.flash("error", t("tilastot.import.failed") + "\n\n" + body)
            return
    _updated(**{layer: table})
    ss.pop(PERIOD, None)
    if result.warnings:
        state.flash(
            "warning",
            t("tilastot.import.warnings") + "\n\n" + _lines(result.warnings, str(path), upload.name),
        )
    state.flash("success", t("tilastot.import.done", n=len(result.data), dropped=dropped))


def save(*, force: bool = False) -> None:
    saving.save_current(ss.get(SAVE_NAME), force=force)


# --- page ---------------------------------------------------------------------------------------------------
view = state.current_view()
project = view.project
lang = view.lang
st.header(t("tilastot.header", name=messages._md(project.municipality_name)))
state.show_flash()
st.caption(t("tilastot.intro"))

places = project.places
place_ids = [str(i) for i, s in zip(places["id"], places["status"], strict=True) if str(s) != "candidate"]
place_names = dict(zip(places["id"].astype(str), places["name"].astype(str), strict=True))

everything = messages.guarded(lambda: _compute(project, view.token, None, None))
if everything is not None and not everything.has_visits:
    st.info(t("tilastot.none"))
    dataset = view.source.partition(":")[2] if view.source.startswith("dataset:") else ""
    if dataset and datasets.example_tables(dataset) is not None:
        st.button(
            t("tilastot.example.button"), on_click=load_examples, args=(dataset,), key="tilastot_examples"
        )

result = None
if everything is not None and everything.has_visits:
    first, last = everything.totals["first_date"], everything.totals["last_date"]
    period = st.date_input(t("tilastot.period"), value=(first, last), format="DD.MM.YYYY", key=PERIOD)
    start, end = (tuple(period) + (None, None))[:2] if isinstance(period, (tuple, list)) else (period, None)
    result = messages.guarded(lambda: _compute(project, view.token, start, end or start))

if result is not None and not result.has_visits:
    st.info(t("tilastot.none_in_period"))
elif result is not None:
    tot = result.totals
    cols = st.columns(5)
    cols[0].metric(t("tilastot.metric.sessions"), i18n.fmt_number(tot["sessions"], lang=lang))
    cols[1].metric(t("tilastot.metric.visits"), i18n.fmt_number(tot["visitors"], lang=lang))
    cols[2].metric(t("tilastot.metric.children"), i18n.fmt_number(tot["children"], lang=lang))
    cols[3].metric(
        t("tilastot.metric.first_share"),
        i18n.fmt_share(tot["first_timer_share"], lang=lang),
        help=t("tilastot.metric.share_help"),
    )
    cols[4].metric(t("tilastot.metric.per_session"), i18n.fmt_number(tot["mean_visitors"], 1, lang=lang))

    visited = result.places[result.places["sessions"] > 0]
    st.subheader(t("tilastot.chart.month"))
    grid = stats.month_table(
        project, visits=stats.visits_frame(project.visits, start=start, end=end or start)
    )
    # long form: place names (which may hold ':' as in "MLL:n") are values, never Vega-Lite field names
    month, place, visits_label = t("tilastot.col.month"), t("tilastot.col.place"), t("tilastot.col.visitors")
    long = grid.rename_axis(index=place, columns=month).stack().rename(visits_label).reset_index()
    st.bar_chart(long, x=month, y=visits_label, color=place, stack=True)

    left, right = st.columns(2)
    with left:
        st.subheader(t("tilastot.chart.first"))
        share = visited.set_index("name")["first_timer_share"].mul(100).round(1).dropna()
        st.bar_chart(share.rename(t("tilastot.col.first_share")), horizontal=True, x_label="", y_label="%")
    with right:
        st.subheader(t("tilastot.chart.children"))
        st.bar_chart(
            result.places.set_index("name")["children"].rename(t("tilastot.col.children")),
            horizontal=True,
            x_label="",
            y_label=t("tilastot.col.children"),
        )

    st.subheader(t("tilastot.table.header"))
    table = pd.DataFrame(
        {
            t("tilastot.col.place"): result.places["name"],
            t("tilastot.col.sessions"): result.places["sessions"],
            t("tilastot.col.adults"): result.places["adults"],
            t("tilastot.col.children"): result.places["children"],
            t("tilastot.col.visitors"): result.places["visitors"],
            t("tilastot.col.first_share"): (result.places["first_timer_share"] * 100).round(1),
            t("tilastot.col.multicultural"): result.places["multicultural"],
            t("tilastot.col.per_session"): result.places["mean_visitors"].round(1),
            t("tilastot.col.last_date"): [
                messages.date_text(d) if isinstance(d, dt.date) else "" for d in result.places["last_date"]
            ],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")

    st.subheader(t("tilastot.reach.header"))
    if result.has_home_areas:
        st.caption(t("tilastot.reach.caption"))
        reach = result.reach[result.reach["records"] > 0]
        st.dataframe(
            pd.DataFrame(
                {
                    t("tilastot.col.area"): reach["name"],
                    t("tilastot.col.visitors"): reach["visitors"],
                    t("tilastot.col.children"): reach["children"],
                    t("tilastot.col.children_0_6"): reach["children_0_6"].round(0),
                    t("tilastot.col.per100"): reach["child_visits_per_100"].round(1),
                    t("tilastot.col.places"): [
                        ", ".join(place_names.get(p, p) for p in ids) for ids in reach["places"]
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )
        if len(result.unmatched_home_areas):
            st.caption(
                t(
                    "tilastot.reach.unmatched",
                    names=", ".join(
                        f"{messages._md(k)} ({v})" for k, v in result.unmatched_home_areas.items()
                    ),
                )
            )
    else:
        st.caption(t("tilastot.reach.none"))
    place_warnings = [w for w in result.warnings if w.field == "place_id"]
    if place_warnings:
        st.warning(t("tilastot.warnings") + "\n\n" + _lines(place_warnings))

# --- record a session / import ------------------------------------------------------------------------------
left, right = st.columns(2)
with left, st.form("tilastot_visit_entry"):
    st.subheader(t("tilastot.entry.header"))
    st.caption(t("tilastot.entry.caption"))
    st.selectbox(
        t("tilastot.entry.place"), place_ids, format_func=lambda i: place_names.get(i, i), key=ENTRY["place"]
    )
    st.date_input(t("tilastot.entry.date"), value=dt.date.today(), format="DD.MM.YYYY", key=ENTRY["date"])
    c1, c2 = st.columns(2)
    c1.number_input(
        t("tilastot.entry.adults"), min_value=0, max_value=10_000, step=1, value=0, key=ENTRY["adults"]
    )
    c2.number_input(
        t("tilastot.entry.children"), min_value=0, max_value=10_000, step=1, value=0, key=ENTRY["children"]
    )
    c1.number_input(
        t("tilastot.entry.first_timers"),
        min_value=0,
        max_value=10_000,
        step=1,
        value=None,
        key=ENTRY["first_timers"],
    )
    c2.number_input(
        t("tilastot.entry.multicultural"),
        min_value=0,
        max_value=10_000,
        step=1,
        value=None,
        key=ENTRY["multicultural"],
    )
    areas = [""] + sorted(set(village_of(project.areas))) if len(project.areas) else [""]  # home villages
    st.selectbox(
        t("tilastot.entry.home_area"),
        areas,
        key=ENTRY["home_area"],
        format_func=lambda a: a or t("tilastot.entry.no_home", lang),
    )
    st.form_submit_button(
        t("tilastot.entry.submit"), on_click=record_visit, type="primary", disabled=not place_ids
    )
with right:
    st.subheader(t("tilastot.import.header"))
    st.file_uploader(t("tilastot.import.file"), type=["csv", "xlsx", "txt"], key=IMPORT_FILE)
    st.radio(
        t("tilastot.import.what"),
        ["visits", "outreach"],
        horizontal=True,
        key=IMPORT_WHAT,
        format_func=lambda w: t(f"tilastot.import.{w}", lang),
    )
    st.radio(
        t("tilastot.import.how"),
        ["update", "replace"],
        key=IMPORT_HOW,
        format_func=lambda h: t(f"tilastot.import.{h}", lang),
    )
    st.button(
        t("tilastot.import.button"),
        on_click=import_table,
        disabled=ss.get(IMPORT_FILE) is None,
        key="tilastot_import_button",
    )

# --- outreach -----------------------------------------------------------------------------------------------
st.subheader(t("tilastot.outreach.header"))
st.radio(
    t("tilastot.outreach.term"),
    list(TERMS),
    index=1,
    horizontal=True,
    key=TERM,
    format_func=lambda k: t(f"tilastot.outreach.term.{k}", lang),
)
term_start, term_end = records.term_bounds(dt.date.today(), offset=TERMS[ss.get(TERM, "this")])
st.caption(
    t("tilastot.outreach.caption", start=messages.date_text(term_start), end=messages.date_text(term_end))
)
found = messages.guarded(lambda: _outreach(project, view.token, term_start, term_end))
if found is not None:
    by_place, matrix = found
    has = by_place[by_place["has_outreach"]]
    if len(has):
        st.dataframe(
            pd.DataFrame(
                {
                    t("tilastot.col.place"): has["name"],
                    t("tilastot.col.outreach_visits"): has["outreach_visits"],
                    t("tilastot.col.professions"): [", ".join(p) for p in has["professions"]],
                    t("tilastot.col.organisations"): [", ".join(o) for o in has["organisations"]],
                    t("tilastot.col.first"): [
                        f"{messages.date_text(x.date())} {x:%H:%M}" for x in has["first"]
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.info(t("tilastot.outreach.none_planned"))
    without = by_place[~by_place["has_outreach"] & by_place["known"]]
    if len(without):
        st.warning(t("tilastot.outreach.without", names="; ".join(messages._md(n) for n in without["name"])))
    elif len(has):
        st.success(t("tilastot.outreach.all_have"))
    if matrix.shape[1]:
        with st.expander(t("tilastot.outreach.matrix")):
            st.dataframe(matrix, width="stretch")

with st.form("tilastot_outreach_entry"):
    st.markdown(f"**{t('tilastot.oentry.header')}**")
    c1, c2, c3, c4 = st.columns([3, 2, 1, 1])
    c1.selectbox(
        t("tilastot.entry.place"), place_ids, format_func=lambda i: place_names.get(i, i), key=OENTRY["place"]
    )
    c2.date_input(t("tilastot.entry.date"), value=dt.date.today(), format="DD.MM.YYYY", key=OENTRY["date"])
    c3.time_input(
        t("tilastot.oentry.time"), value=dt.time(10, 0), step=dt.timedelta(minutes=15), key=OENTRY["time"]
    )
    c4.number_input(
        t("tilastot.oentry.minutes"), min_value=15, max_value=480, step=15, value=60, key=OENTRY["minutes"]
    )
    c1, c2 = st.columns(2)
    c1.text_input(t("tilastot.oentry.profession"), key=OENTRY["profession"])
    c2.text_input(t("tilastot.oentry.organisation"), key=OENTRY["organisation"])
    st.text_input(t("tilastot.oentry.notes"), key=OENTRY["notes"])
    st.form_submit_button(t("tilastot.oentry.submit"), on_click=add_outreach_visit, disabled=not place_ids)

# --- save ---------------------------------------------------------------------------------------------------
st.subheader(t("tilastot.save.header"))
ss.setdefault(SAVE_NAME, Path(project.path).name if project.path else saving.download_name(project))
st.text_input(t("kp.save.filename"), key=SAVE_NAME)
cols = st.columns(2)
cols[0].button(t("kp.save.button"), on_click=save, type="primary", key="tilastot_save")
cols[1].download_button(
    t("kp.download"),
    data=lambda: saving.project_bytes(state.current_project()),
    file_name=saving.download_name(project),
    mime="application/geopackage+sqlite3",
    key="tilastot_download",
    on_click="ignore",
)
saving.show_save_conflict(save, key="tilastot_save")
