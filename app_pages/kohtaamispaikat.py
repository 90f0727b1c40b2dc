"""Kohtaamispaikat: the inventory as an editable, validated table; add by map click; import; save."""

from pathlib import Path

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from app_pages.common import auth, import_ui, messages, places, saving, state
from coverage.core import i18n, validation
from coverage.core.i18n import t
from coverage.outputs import webmap

DRAFT = "draft_places"  # the table being edited (may hold invalid rows)
GEN = "places_editor_gen"  # editor generation (monotonic): bumped to remount the editor on a new draft
IMPORT_FILE, IMPORT_HOW = "import_file", "import_how"
SAVE_NAME = "draft_save_name"  # reset with the drafts when another project is opened
ss = st.session_state


def set_draft(table: pd.DataFrame) -> list:
    """Take a new draft; when it is valid it becomes the project's places. Returns its problems."""
    ss[DRAFT] = table.reset_index(drop=True)
    ss[GEN] = ss.get(GEN, 0) + 1
    project = state.current_project()
    problems = places.table_problems(ss[DRAFT], boundary=project.boundary)
    if not any(p.severity == "error" for p in problems):
        updated = project.copy()
        updated.path, updated.version = project.path, project.version
        updated.places = validation.normalise_layer("places", places.places_from_table(ss[DRAFT]))
        state.set_project(updated)
    return problems


def commit_edits(key: str) -> None:
    set_draft(places.apply_editor_changes(ss[DRAFT], ss.get(key)))


def add_place() -> None:
    table = ss[DRAFT]
    row = {c: "" for c in table.columns if c not in ("lat", "lon", "_x", "_y")}
    row.update(
        id=places.next_place_id(table["id"]),
        name=ss["add_name"].strip(),
        organiser=ss["add_organiser"].strip(),
        organiser_type=ss["add_organiser_type"],
        kind=ss["add_kind"],
        address=ss["add_address"].strip(),
        opening_hours=ss["add_hours"].strip(),
        status=ss["add_status"],
        ages="0-6",
        lat=float(ss["add_lat"]),
        lon=float(ss["add_lon"]),
    )
    new = pd.concat([table, pd.DataFrame([row])], ignore_index=True)
    project = state.current_project()
    mine = [
        p
        for p in places.table_problems(new, boundary=project.boundary)
        if p.row == len(new) and p.severity == "error"
    ]
    if mine:
        state.flash(
            "error",
            t("kp.add.rejected")
            + "\n\n"
            + "\n".join(f"- {messages._md(p.field)}: {messages._md(p.message)}" for p in mine),
        )
        return
    set_draft(new)
    state.flash("success", t("kp.add.added", name=messages._md(row["name"])))


def save(*, force: bool = False) -> None:
    saving.save_current(ss.get(SAVE_NAME), force=force)


# --- page ---------------------------------------------------------------------------------------------------
view = state.current_view()
project = view.project
if DRAFT not in ss:
    ss[DRAFT] = places.places_table(project.places)
    ss[GEN] = ss.get(GEN, 0) + 1
draft = ss[DRAFT]
problems = places.table_problems(draft, boundary=project.boundary)
errors = [p for p in problems if p.severity == "error"]

st.header(t("kp.header"))
state.show_flash()
st.markdown(t("kp.intro"))

shown = draft.copy()
shown.insert(0, "check", places.row_checks(len(draft), problems))
choice = {
    name: [""] + list(values) if name != "status" else list(values)
    for name, values in places.CHOICE_OPTIONS.items()
}
config = {
    "check": st.column_config.TextColumn(t("kp.col.check"), disabled=True, width="large"),
    "lat": st.column_config.NumberColumn(t("kp.col.lat"), format="%.6f", min_value=-90, max_value=90),
    "lon": st.column_config.NumberColumn(t("kp.col.lon"), format="%.6f", min_value=-180, max_value=180),
    **{
        name: st.column_config.SelectboxColumn(
            t(f"kp.col.{name}"),
            options=options,
            required=(name == "status"),
            format_func=lambda v, n=name: i18n.label(n, v, view.lang) if v else "–",
        )
        for name, options in choice.items()
    },
    **{
        name: st.column_config.TextColumn(t(f"kp.col.{name}"))
        for name in places.TABLE_COLUMNS
        if name not in ("lat", "lon", *choice)
    },
}
editor_key = f"places_editor_{ss[GEN]}"
st.data_editor(
    shown,
    key=editor_key,
    num_rows="dynamic",
    hide_index=True,
    column_config=config,
    column_order=["check", *places.TABLE_COLUMNS],
    disabled=["check"],
    on_change=commit_edits,
    args=(editor_key,),
    width="stretch",
)
if errors:
    names = draft["name"].astype(str).tolist()
    st.error(
        t("kp.problems", n=len(errors))
        + "\n\n"
        + "\n".join(
            "- "
            + messages._md(
                t(
                    "kp.problem_line",
                    row=p.row or "-",
                    field=p.field,
                    message=p.message,
                    name=names[p.row - 1] if p.row and p.row <= len(names) else "-",
                )
            )
            for p in errors[:30]
        )
    )
else:
    st.success(t("kp.all_valid", n=len(draft)))

# --- add a place --------------------------------------------------------------------------------------------
st.subheader(t("kp.add.header"))
st.caption(t("kp.add.hint"))
left, right = st.columns([3, 2])


def apply_click(value: dict | None) -> None:
    """Take a new map click as the new place's coordinates (once per click)."""
    click = (value or {}).get("last_clicked")
    if click and (click.get("lat"), click.get("lng")) != ss.get("add_click_applied"):
        ss["add_click_applied"] = (click.get("lat"), click.get("lng"))
        ss["add_lat"], ss["add_lon"] = round(float(click["lat"]), 6), round(float(click["lng"]), 6)


apply_click(ss.get("kp_map"))  # the click that triggered this rerun, so the marker is drawn there now
if "add_lat" not in ss:
    ss["add_lat"], ss["add_lon"] = places.project_centre(project)
with left:
    m = webmap.base_map(project)
    webmap.add_boundary(m, project.boundary)
    webmap.add_places(m, project.places, lang=view.lang)
    picked = folium.FeatureGroup(name="picked")
    folium.CircleMarker([ss["add_lat"], ss["add_lon"]], radius=9, color="#000", weight=3, fill=False).add_to(
        picked
    )
    clicked = st_folium(
        m,
        key="kp_map",
        height=420,
        use_container_width=True,
        returned_objects=["last_clicked"],
        feature_group_to_add=picked,
    )
apply_click(clicked)
with right, st.form("add_place", clear_on_submit=False):
    st.text_input(t("kp.col.name"), key="add_name")
    st.text_input(t("kp.col.organiser"), key="add_organiser")
    st.selectbox(
        t("kp.col.organiser_type"),
        places.CHOICE_OPTIONS["organiser_type"],
        key="add_organiser_type",
        format_func=lambda v: i18n.label("organiser_type", v, view.lang),
    )
    st.selectbox(
        t("kp.col.kind"),
        places.CHOICE_OPTIONS["kind"],
        key="add_kind",
        format_func=lambda v: i18n.label("kind", v, view.lang),
    )
    st.text_input(t("kp.col.address"), key="add_address")
    st.text_input(t("kp.col.opening_hours"), value=t("kp.add.default_hours"), key="add_hours")
    st.selectbox(
        t("kp.col.status"),
        places.CHOICE_OPTIONS["status"],
        key="add_status",
        format_func=lambda v: i18n.label("status", v, view.lang),
    )
    c1, c2 = st.columns(2)
    c1.number_input(
        t("kp.col.lat"), min_value=-90.0, max_value=90.0, step=0.0001, format="%.6f", key="add_lat"
    )
    c2.number_input(
        t("kp.col.lon"), min_value=-180.0, max_value=180.0, step=0.0001, format="%.6f", key="add_lon"
    )
    st.form_submit_button(t("kp.add.submit"), on_click=add_place, type="primary")

# --- save and download --------------------------------------------------------------------------------------
st.subheader(t("kp.save.header"))
editable = auth.can_edit()  # a viewer gets no save or import controls (the save itself checks again)
ss.setdefault(SAVE_NAME, Path(project.path).name if project.path else saving.download_name(project))
if editable:
    st.text_input(t("kp.save.filename"), key=SAVE_NAME)
cols = st.columns(2)
if editable:
    cols[0].button(
        t("kp.save.button"), on_click=save, disabled=bool(errors), type="primary", key="save_button"
    )
else:
    cols[0].caption(t("auth.readonly"))
cols[1].download_button(
    t("kp.download"),
    data=lambda snapshot=project: saving.project_bytes(snapshot),  # written on click, outside this run
    file_name=saving.download_name(project),
    mime="application/geopackage+sqlite3",
    disabled=bool(errors),
    key="download_button",
    on_click="ignore",
)
if errors:
    st.caption(t("kp.save.invalid"))
saving.show_save_conflict(save, key="save")

# --- import -------------------------------------------------------------------------------------------------
if not editable:
    st.stop()
st.subheader(t("kp.import.header"))
st.file_uploader(t("kp.import.file"), type=["csv", "xlsx", "geojson", "json", "gpkg", "zip"], key=IMPORT_FILE)
st.radio(
    t("kp.import.how"),
    ["append", "replace"],
    key=IMPORT_HOW,
    horizontal=True,
    format_func=lambda h: t(f"kp.import.{h}", view.lang),
)
st.button(
    t("import.preview.button"),
    disabled=ss.get(IMPORT_FILE) is None,
    key="import_button",
    on_click=lambda: import_ui.run_preview(
        ss.get(IMPORT_FILE), ss[DRAFT], replace=ss.get(IMPORT_HOW) == "replace"
    ),
)
import_ui.show(ss[DRAFT], set_draft)
