"""Versiot: every save of the open project file (who, when, what changed); restore one; the access file."""

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from app_pages.common import auth, frame, messages, saving, state
from coverage.core.i18n import t
from coverage.io import access, versions

HELSINKI = ZoneInfo("Europe/Helsinki")
ss = st.session_state


def _local_time(at: str) -> str:
    try:
        when = dt.datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone(HELSINKI)
    except ValueError:
        return at
    return f"{when:%d.%m.%Y %H:%M}"


def version_table(kept: list[versions.Version], lang: str) -> pd.DataFrame:
    """The versions, newest first, as the page shows them."""
    return pd.DataFrame(
        {
            t("ver.col.version"): [v.number for v in reversed(kept)],
            t("ver.col.at"): [_local_time(v.at) for v in reversed(kept)],
            t("ver.col.user"): [v.user or t("versions.unknown_user") for v in reversed(kept)],
            t("ver.col.summary"): [versions.summary(v, lang) for v in reversed(kept)],
        }
    )


def set_kept() -> None:
    """Callback: the number of versions kept goes into the project's settings (saved with the next save)."""
    project = state.current_project().copy()
    project.settings = project.settings.replace(versions_kept=int(ss["ver_kept"]))
    state.set_project(project)


def save_access() -> None:
    """Callback: validate and write access.toml (admins only, checked here)."""
    if not (auth.enabled() and auth.is_admin()):
        state.flash("error", t("auth.denied.new"))
        return
    try:
        access.write_access_text(state.projects_dir(), ss["ver_access_text"])
    except (access.AccessFileError, OSError) as exc:
        state.flash("error", t("ver.access.error", message=messages._md(str(exc))))
        return
    state.flash("success", t("ver.access.saved"))


view = state.current_view()
frame.page_header(t("ver.header"), view)
st.write(t("ver.intro"))
project = view.project
path = Path(project.path) if project.path else None
if path is None or not view.source.startswith("file:"):
    st.info(t("ver.not_file"))
else:
    kept = versions.history(path)
    if not kept:
        st.info(t("ver.none"))
    else:
        st.dataframe(version_table(kept, view.lang), hide_index=True, width="stretch", key="ver_table")
    if kept and auth.can_edit():
        numbers = [v.number for v in reversed(kept)]
        c1, c2 = st.columns([1, 2])
        c1.selectbox(t("ver.pick"), numbers, key="ver_pick")
        if state.is_dirty():
            st.warning(t("ver.restore_dirty"))
        st.button(
            t("ver.restore"),
            on_click=lambda: saving.restore_version(int(ss["ver_pick"])),
            key="ver_restore",
            icon=":material/history:",
        )
    if auth.can_edit():
        ss["ver_kept"] = project.settings.versions_kept
        st.number_input(
            t("ver.kept"), min_value=1, max_value=1000, step=1, key="ver_kept", on_change=set_kept,
            help=t("ver.kept_help"),
        )  # fmt: skip

if auth.enabled() and auth.is_admin():
    st.subheader(t("ver.access.header"))
    file = access.access_path(state.projects_dir())
    ss.setdefault("ver_access_text", file.read_text(encoding="utf-8") if file.is_file() else "")
    st.text_area(t("ver.access.text"), key="ver_access_text", height=240)
    st.button(t("ver.access.save"), on_click=save_access, key="ver_access_save")
