"""The frame of every page: sidebar, page header, captions."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tempfile
from pathlib import Path

import streamlit as st

from coverage.core.errors import InputError, KatveError
from coverage.core.i18n import LANGUAGES, fmt_number, get_language, label, t, weekday_name
from coverage.core.model import Settings
from coverage.core.schedule import reference_week
from coverage.io.store import load

from . import auth
from .messages import _date, _first_lines, _md
from .state import (
    K_BY,
    K_DAY,
    K_KM,
    K_LANG,
    K_MINUTES,
    K_MODE,
    K_PLANNED,
    K_SOURCE,
    K_TIME,
    K_UPLOAD,
    K_WHEN,
    KM_RANGE,
    MINUTES_RANGE,
    View,
    current_settings,
    flash,
    is_dirty,
    projects_dir,
    show_flash,
    source_label,
    sources,
)

# --- sidebar ------------------------------------------------------------------------------------------------


def sidebar() -> None:
    """The sidebar: language, project (open/upload), travel mode, threshold, time, planned places."""
    ss = st.session_state
    lang = get_language()  # format_funcs must not depend on the thread they are called from
    with st.sidebar:
        st.selectbox(t("sidebar.language"), list(LANGUAGES), format_func=LANGUAGES.get, key=K_LANG)
        choices = auth.visible_sources(sources())
        if ss[K_SOURCE] not in choices:
            choices.append(ss[K_SOURCE])
        st.selectbox(
            t("sidebar.project"),
            choices,
            format_func=lambda s: source_label(s, lang),
            key=K_SOURCE,
            help=t("sidebar.project_help"),
        )
        if auth.can_create():
            st.file_uploader(t("sidebar.open_file"), type=["gpkg"], key=K_UPLOAD, on_change=_on_upload)
        if is_dirty():
            st.caption(f"● {t('sidebar.unsaved')}")

        st.subheader(t("sidebar.settings"))
        modes = ["walk", "bike", "car"]
        st.radio(t("sidebar.mode"), modes, format_func=lambda m: label("mode", m, lang), key=K_MODE)
        st.radio(
            t("sidebar.threshold_by"),
            ["minutes", "km"],
            horizontal=True,
            key=K_BY,
            format_func=lambda b: t(f"sidebar.by_{b}", lang),
        )
        if ss[K_BY] == "km":
            st.slider(t("sidebar.threshold_km"), KM_RANGE[0], KM_RANGE[1], step=0.5, key=K_KM)
        else:
            st.slider(
                t("sidebar.threshold_minutes"), MINUTES_RANGE[0], MINUTES_RANGE[1], step=1, key=K_MINUTES
            )
        st.radio(
            t("sidebar.when"),
            ["any", "at"],
            horizontal=True,
            key=K_WHEN,
            format_func=lambda w: t(f"sidebar.when_{w}", lang),
        )
        if ss[K_WHEN] == "at":
            cols = st.columns(2)
            cols[0].selectbox(
                t("sidebar.weekday"),
                list(range(7)),
                format_func=lambda d: weekday_name(d, lang),
                key=K_DAY,
            )
            cols[1].time_input(t("sidebar.time"), step=dt.timedelta(minutes=15), key=K_TIME)
            monday = reference_week()
            st.caption(t("sidebar.week", monday=_date(monday), sunday=_date(monday + dt.timedelta(days=6))))
        st.checkbox(t("sidebar.include_planned"), key=K_PLANNED)
        st.caption(model_caption(current_settings()))


def _on_upload() -> None:
    """Callback: store an uploaded .gpkg in the projects folder (validated) and open it."""
    upload = st.session_state.get(K_UPLOAD)
    if upload is None:
        return
    if not auth.can_create():
        flash("error", t("auth.denied.new"))
        return
    try:
        name = open_uploaded_project(upload.name, upload.getvalue())
    except KatveError as exc:
        flash("error", f"{t('error.load')}: {_md(_first_lines(exc))}")
        return
    st.session_state[K_SOURCE] = f"file:{name}"
    flash("success", t("sidebar.opened", name=name))


def open_uploaded_project(filename: str, data: bytes) -> str:
    """Validate an uploaded project and store it under a free name in the projects folder; return the name.

    Raises
    ------
    InputError
        When the file is not a valid project (every problem listed, paths named after the upload).
    """
    stem = re.sub(r"[^\w.-]+", "_", Path(filename).stem, flags=re.UNICODE).strip("._") or "projekti"
    folder = projects_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / f"{stem}.gpkg"
        probe.write_bytes(data)
        try:
            load(probe)
        except InputError as exc:
            raise InputError(
                [dataclasses.replace(p, path=p.path.replace(str(probe), filename)) for p in exc.problems]
            ) from None
    target = folder / f"{stem}.gpkg"
    n = 2
    while target.exists():
        target = folder / f"{stem}-{n}.gpkg"
        n += 1
    target.write_bytes(data)
    return target.name


def model_caption(settings: Settings) -> str:
    """One line naming the travel model and its parameters."""
    if settings.network:
        return t("sidebar.model_network", name=Path(settings.network).name)
    return t(
        "sidebar.model_straight",
        circuity=fmt_number(settings.circuity, 2),
        speed=fmt_number(settings.speed_kmh, 0),
    )


def threshold_text(settings: Settings) -> str:
    """E.g. ``10 min autolla``."""
    mode = label("mode", settings.mode)
    if settings.threshold_km is not None:
        return t("common.threshold_km", value=fmt_number(settings.threshold_km, 1), mode=mode)
    return t("common.threshold_minutes", value=fmt_number(settings.threshold_minutes, 0), mode=mode)


def when_text(at: dt.datetime | None) -> str:
    """E.g. ``auki tiistai klo 10:00`` or ``kaikki paikat ...``."""
    if at is None:
        return t("common.when_any")
    return t("common.when_at", weekday=weekday_name(at.weekday()), time=f"{at:%H:%M}")


# --- page header --------------------------------------------------------------------------------------------


def page_header(title: str, view: View) -> None:
    """Start a page: its header, the queued messages and a caption of the threshold, time and model."""
    st.header(title)
    show_flash()
    st.caption(
        threshold_text(view.settings) + " · " + when_text(view.at) + " · " + model_caption(view.settings)
    )
