"""Session state of the app: the project, the chosen view (mode, threshold, moment), flash messages."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import uuid
from pathlib import Path

import numpy as np
import streamlit as st

from coverage.core.errors import KatveError
from coverage.core.i18n import DEFAULT_LANGUAGE, LANGUAGES, get_language, label, set_language, t
from coverage.core.model import Project, Settings
from coverage.core.schedule import WEEKDAYS, parse_at, reference_week
from coverage.io.datasets import DATASETS, DEFAULT_DATASET, load_dataset
from coverage.io.store import load

from .messages import _first_lines, _md

ROOT = Path(__file__).resolve().parents[2]

# --- session-state keys -----------------------------------------------------------------------------------
K_LANG = "lang"
K_SOURCE = "source"  # "dataset:vihti" | "file:<name>.gpkg"
K_PROJECT = "project"  # the working copy (Project)
K_PROJECT_SOURCE = "project_source"  # the source the working copy was loaded from
K_TOKEN = "project_token"  # cache token of the working copy's content
K_DIRTY = "project_dirty"  # unsaved changes
K_MODE = "mode"
K_BY = "threshold_by"  # "minutes" | "km"
K_MINUTES = "threshold_minutes"
K_KM = "threshold_km"
K_WHEN = "when"  # "any" | "at"
K_DAY = "at_day"  # 0 = Monday
K_TIME = "at_time"  # datetime.time
K_PLANNED = "include_planned"
K_FLASH = "flash"  # [(kind, message)] shown once
K_UPLOAD = "upload_project"
K_PLAN = "plan_current"  # (view key, PlanResult) of the last plan computed on the Suunnittelu page
K_PLAN_OPTIONS = "plan_options"  # the options of the plan the Suunnittelu page shows (dict) or None

_PERSISTENT = (K_LANG, K_SOURCE, K_MODE, K_BY, K_MINUTES, K_KM, K_WHEN, K_DAY, K_TIME, K_PLANNED)

MINUTES_RANGE = (1, 90)
KM_RANGE = (0.5, 50.0)
DEFAULT_AT = (1, dt.time(10, 0))  # Tuesday 10:00: a typical meeting-place morning


def projects_dir() -> Path:
    """Where project files live: ``$KATVE_PROJECTS`` or ``<repo>/projects`` (git-ignored)."""
    return Path(os.environ.get("KATVE_PROJECTS") or ROOT / "projects")


# --- the view a page works on -----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class View:
    """A snapshot of what the sidebar asks for; the argument of the cached analysis functions."""

    project: Project
    token: str
    settings: Settings
    at: dt.datetime | None
    include_planned: bool
    lang: str
    week: dt.date  # Monday of the reference week
    source: str = ""  # the project selector's value, e.g. "dataset:vihti"

    @property
    def settings_key(self) -> str:
        """Settings as canonical JSON (the cache key)."""
        return json.dumps(self.settings.to_dict(), sort_keys=True, default=str)

    @property
    def at_key(self) -> str:
        """The moment as ISO text ('' = any time)."""
        return self.at.isoformat() if self.at is not None else ""


# --- session setup ------------------------------------------------------------------------------------------


def init_session() -> None:
    """Session defaults and the language of this run; call first in ``app.py``."""
    ss = st.session_state
    ss.setdefault(K_LANG, DEFAULT_LANGUAGE)
    if K_SOURCE not in ss:
        ss[K_SOURCE] = _source_from_address() or f"dataset:{DEFAULT_DATASET}"
    ss.setdefault(K_WHEN, "any")
    ss.setdefault(K_DAY, DEFAULT_AT[0])
    ss.setdefault(K_TIME, DEFAULT_AT[1])
    ss.setdefault(K_PLANNED, False)
    ss.setdefault(K_FLASH, [])
    # Keep sidebar values alive while their widget is hidden (e.g. the km slider while minutes are chosen)
    # or while a page without the sidebar runs: re-setting a widget's key detaches it from clean-up.
    for key in _PERSISTENT:
        if key in ss:
            ss[key] = ss[key]
    set_language(ss[K_LANG])
    _ensure_project()
    _show_source_in_address()


def _ensure_project() -> None:
    """Load the selected source into the session when it is not the working copy's source."""
    ss = st.session_state
    source = ss[K_SOURCE]
    if ss.get(K_PROJECT_SOURCE) == source and ss.get(K_PROJECT) is not None:
        return
    try:
        project, token = _load_source(source)
    except KatveError as exc:
        flash("error", f"{t('error.load')}: {_md(_first_lines(exc))}")
        ss[K_SOURCE] = f"dataset:{DEFAULT_DATASET}"
        project, token = _load_source(ss[K_SOURCE])
    _adopt(project, token, source=ss[K_SOURCE])


def _adopt(project: Project, token: str, *, source: str, dirty: bool = False) -> None:
    """Make ``project`` the working copy and reset the settings widgets to its settings."""
    ss = st.session_state
    ss[K_PROJECT] = project
    ss[K_PROJECT_SOURCE] = source
    ss[K_TOKEN] = token
    ss[K_DIRTY] = dirty
    s = project.settings
    ss[K_MODE] = s.mode
    ss[K_BY] = "km" if s.threshold_km is not None else "minutes"
    ss[K_MINUTES] = int(np.clip(round(s.threshold_in_minutes), *MINUTES_RANGE))
    ss[K_KM] = float(np.clip(round(s.threshold_in_km * 2) / 2, *KM_RANGE))
    _restore_view(s, saved=source.startswith("file:"))
    for key in [k for k in ss if str(k).startswith("draft_")]:  # editors' drafts belong to the old project
        del ss[key]


# --- the view saved in the project, the open project in the address (issue 16) ------------------------------


def _restore_view(s: Settings, *, saved: bool) -> None:
    """The moment (and, for a saved project file, the language) the project was saved with."""
    ss = st.session_state
    day, _, clock = (s.at or "").partition(" ")
    if day in WEEKDAYS and clock:
        try:
            ss[K_DAY], ss[K_TIME], ss[K_WHEN] = WEEKDAYS.index(day), dt.time.fromisoformat(clock), "at"
        except ValueError:
            pass
    elif saved:
        ss[K_WHEN] = "any"
    if saved and s.language in LANGUAGES:
        ss[K_LANG] = s.language
        set_language(s.language)


def use_language() -> None:
    """Callbacks run before ``init_session``: call first in one whose messages are read (user's language)."""
    set_language(st.session_state.get(K_LANG))


def view_settings() -> Settings:
    """The sidebar's view as the project's settings (mode, threshold, moment, language), for saving."""
    ss = st.session_state
    at = f"{WEEKDAYS[int(ss.get(K_DAY, 0))]} {(ss.get(K_TIME) or DEFAULT_AT[1]):%H:%M}"
    return current_settings().replace(language=get_language(), at=at if ss.get(K_WHEN) == "at" else "")


def _source_from_address() -> str | None:
    """The project named in the address (``?project=file:vihti.gpkg``): a browser reload keeps it open."""
    try:
        wanted = st.query_params.get("project")
    except Exception:  # noqa: BLE001 - no address outside a browser session
        return None
    return wanted if wanted and wanted in sources() else None


def _show_source_in_address() -> None:
    try:
        if st.query_params.get("project") != st.session_state[K_SOURCE]:
            st.query_params["project"] = st.session_state[K_SOURCE]
    except Exception:  # noqa: BLE001
        pass


def _load_source(source: str) -> tuple[Project, str]:
    kind, _, name = source.partition(":")
    if kind == "dataset":
        return _dataset(name).copy(), f"dataset:{name}"
    if kind == "file":
        path = _project_path(name)
        stat = path.stat() if path.exists() else None
        project = _project_file(str(path), stat.st_mtime_ns if stat else 0, stat.st_size if stat else 0)
        return project.copy(), f"file:{name}@{project.version}"
    raise KatveError(f"unknown project source {source!r}")


@st.cache_resource(show_spinner=False, max_entries=8)
def _dataset(name: str) -> Project:
    return load_dataset(name)


@st.cache_resource(show_spinner=False, max_entries=16)
def _project_file(path: str, mtime_ns: int, size: int) -> Project:
    """A project file, cached per (path, modification time, size)."""
    return load(path)


def _project_path(name: str) -> Path:
    """A file name in the projects folder (no directories: ``../x.gpkg`` is refused)."""
    clean = Path(name).name
    if not clean or clean != name or not clean.lower().endswith(".gpkg"):
        raise KatveError(f"{name!r} is not a project file name (expected NAME.gpkg in {projects_dir()})")
    return projects_dir() / clean


def project_files() -> list[str]:
    """Names of the ``.gpkg`` files in the projects folder."""
    folder = projects_dir()
    return sorted(p.name for p in folder.glob("*.gpkg")) if folder.is_dir() else []


def sources() -> list[str]:
    """The choices of the project selector: embedded data sets, then project files."""
    return [f"dataset:{d}" for d in DATASETS] + [f"file:{n}" for n in project_files()]


def source_label(source: str, lang: str | None = None) -> str:
    """Display name of a source."""
    kind, _, name = source.partition(":")
    return label("dataset", name, lang) if kind == "dataset" else name


def current_project() -> Project:
    """The session's working copy."""
    return st.session_state[K_PROJECT]


def set_project(project: Project, *, dirty: bool = True) -> None:
    """Replace the working copy (after an edit or import): new cache token, marked unsaved."""
    ss = st.session_state
    ss[K_PROJECT] = project
    base = str(ss.get(K_TOKEN, "")).split("+")[0]
    ss[K_TOKEN] = f"{base}+{uuid.uuid4().hex[:12]}"
    ss[K_DIRTY] = dirty


def is_dirty() -> bool:
    """Whether the working copy has unsaved changes."""
    return bool(st.session_state.get(K_DIRTY))


# --- settings from the sidebar ------------------------------------------------------------------------------


def current_settings() -> Settings:
    """The project's settings with the sidebar's mode and threshold."""
    ss = st.session_state
    base = current_project().settings
    if ss.get(K_BY) == "km":
        return base.replace(mode=ss[K_MODE], threshold_km=float(ss[K_KM]), threshold_minutes=None)
    return base.replace(mode=ss[K_MODE], threshold_minutes=float(ss[K_MINUTES]), threshold_km=None)


def current_at() -> dt.datetime | None:
    """The sidebar's moment in the reference week, or ``None`` for any time."""
    ss = st.session_state
    if ss.get(K_WHEN) != "at":
        return None
    when = ss.get(K_TIME) or DEFAULT_AT[1]
    return parse_at(
        f"{WEEKDAYS[int(ss.get(K_DAY, 0))]} {when:%H:%M}", reference_week()
    )


def current_view() -> View:
    """What the sidebar asks for, as one value (see :class:`View`)."""
    ss = st.session_state
    return View(
        project=current_project(),
        token=str(ss[K_TOKEN]),
        settings=current_settings(),
        at=current_at(),
        include_planned=bool(ss.get(K_PLANNED)),
        lang=get_language(),
        week=reference_week(),
        source=str(ss.get(K_SOURCE, "")),
    )


def flash(kind: str, message: str, *, near: str = "") -> None:
    """Queue a message (``success`` / ``info`` / ``warning`` / ``error``) for the next :func:`show_flash`;
    ``near`` names the place by the button the user pressed (``show_flash(near=...)`` shows it there)."""
    st.session_state.setdefault(K_FLASH, []).append((kind, message, near))


_TOAST_ICONS = {"success": "✅", "info": "ℹ️", "warning": "⚠️", "error": "❗"}


def show_flash(near: str = "") -> None:
    """Show and clear the queued messages meant for this place (``near``; "" = the top of the page), each
    also as a toast (its first line) so that it is seen wherever the user is on the page."""
    keep = []
    for item in st.session_state.get(K_FLASH, []):
        kind, message, where, seen = (tuple(item) + ("", False))[:4]
        if where != near:
            if not (near == "" and seen):  # a message for a place this page did not have is dropped
                keep.append((kind, message, where, near == ""))
            continue
        kind = kind if kind in _TOAST_ICONS else "info"
        getattr(st, kind)(message)
        st.toast(message.split("\n\n")[0][:300], icon=_TOAST_ICONS[kind])
    st.session_state[K_FLASH] = keep
