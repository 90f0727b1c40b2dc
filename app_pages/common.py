"""Shared UI state of the Katve app: the current project, the sidebar settings, cached analysis, saving.

Every page starts with ``view = common.current_view()`` and reads everything from it::

    view.project          # the session's working copy (Project, EPSG:3067)
    view.settings         # Settings from the sidebar (mode, threshold) on top of the project's
    view.at               # datetime in the reference week, or None for "any time"
    view.include_planned  # count planned places too
    common.analysis(view) # cached CoverageResult; also reach(view), blind_polygons(view), matrix(view) ...

State lives in ``st.session_state``; the keys are the ``K_*`` constants below. Changing the project (an
edit, an import) goes through :func:`set_project`, which gives it a new cache token: the cached results of
the old content are never reused. Loading and analysis are cached in ``st.cache_resource`` keyed on
(project token, settings, time), so moving the threshold slider recomputes only the analysis, and
returning to an earlier setting is instant. Cached results are shared between sessions: treat them as
read-only.

Actions that change which project is open (open, save-as, upload, reload) run in widget callbacks, before
the script reruns; their outcome is queued with :func:`flash` and shown once by :func:`show_flash`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import tempfile
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st

from coverage import analysis as an
from coverage import i18n, maps, planning, schedule, store, validation
from coverage.datasets import DATASETS, DEFAULT_DATASET, load_dataset
from coverage.i18n import t
from coverage.model import (
    CRS,
    KINDS,
    ORGANISER_TYPES,
    PLACE_FIELDS,
    STATUSES,
    InputError,
    KatveError,
    Problem,
    Project,
    Settings,
)
from coverage.travel import model_from_settings

ROOT = Path(__file__).resolve().parent.parent

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
    ss.setdefault(K_LANG, i18n.DEFAULT_LANGUAGE)
    ss.setdefault(K_SOURCE, f"dataset:{DEFAULT_DATASET}")
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
    i18n.set_language(ss[K_LANG])
    _ensure_project()


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
    for key in [k for k in ss if str(k).startswith("draft_")]:  # editors' drafts belong to the old project
        del ss[key]


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
    return store.load(path)


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
    return i18n.label("dataset", name, lang) if kind == "dataset" else name


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


# --- sidebar ------------------------------------------------------------------------------------------------


def sidebar() -> None:
    """The sidebar: language, project (open/upload), travel mode, threshold, time, planned places."""
    ss = st.session_state
    lang = i18n.get_language()  # format_funcs must not depend on the thread they are called from
    with st.sidebar:
        st.selectbox(t("sidebar.language"), list(i18n.LANGUAGES), format_func=i18n.LANGUAGES.get, key=K_LANG)
        choices = sources()
        if ss[K_SOURCE] not in choices:
            choices.append(ss[K_SOURCE])
        st.selectbox(
            t("sidebar.project"),
            choices,
            format_func=lambda s: source_label(s, lang),
            key=K_SOURCE,
            help=t("sidebar.project_help"),
        )
        st.file_uploader(t("sidebar.open_file"), type=["gpkg"], key=K_UPLOAD, on_change=_on_upload)
        if is_dirty():
            st.caption(f"● {t('sidebar.unsaved')}")

        st.subheader(t("sidebar.settings"))
        modes = ["walk", "bike", "car"]
        st.radio(t("sidebar.mode"), modes, format_func=lambda m: i18n.label("mode", m, lang), key=K_MODE)
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
                format_func=lambda d: i18n.weekday_name(d, lang),
                key=K_DAY,
            )
            cols[1].time_input(t("sidebar.time"), step=dt.timedelta(minutes=15), key=K_TIME)
            monday = schedule.reference_week()
            st.caption(t("sidebar.week", monday=_date(monday), sunday=_date(monday + dt.timedelta(days=6))))
        st.checkbox(t("sidebar.include_planned"), key=K_PLANNED)
        st.caption(model_caption(current_settings()))


def _on_upload() -> None:
    """Callback: store an uploaded .gpkg in the projects folder (validated) and open it."""
    upload = st.session_state.get(K_UPLOAD)
    if upload is None:
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
            store.load(probe)
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
    return schedule.parse_at(
        f"{schedule.WEEKDAYS[int(ss.get(K_DAY, 0))]} {when:%H:%M}", schedule.reference_week()
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
        lang=i18n.get_language(),
        week=schedule.reference_week(),
        source=str(ss.get(K_SOURCE, "")),
    )


def model_caption(settings: Settings) -> str:
    """One line naming the travel model and its parameters."""
    if settings.network:
        return t("sidebar.model_network", name=Path(settings.network).name)
    return t(
        "sidebar.model_straight",
        circuity=i18n.fmt_number(settings.circuity, 2),
        speed=i18n.fmt_number(settings.speed_kmh, 0),
    )


def threshold_text(settings: Settings) -> str:
    """E.g. ``10 min autolla``."""
    mode = i18n.label("mode", settings.mode)
    if settings.threshold_km is not None:
        return t("common.threshold_km", value=i18n.fmt_number(settings.threshold_km, 1), mode=mode)
    return t("common.threshold_minutes", value=i18n.fmt_number(settings.threshold_minutes, 0), mode=mode)


def when_text(at: dt.datetime | None) -> str:
    """E.g. ``auki tiistai klo 10:00`` or ``kaikki paikat ...``."""
    if at is None:
        return t("common.when_any")
    return t("common.when_at", weekday=i18n.weekday_name(at.weekday()), time=f"{at:%H:%M}")


# --- cached analysis ----------------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=8)
def _model(model_key: str) -> Any:
    """The travel model for settings without the threshold (a road network is built once)."""
    return model_from_settings(Settings.from_dict(json.loads(model_key)))


def travel_model(settings: Settings) -> Any:
    """The cached travel model of ``settings``."""
    data = settings.to_dict()
    data.update(threshold_minutes=10.0, threshold_km=None)
    return _model(json.dumps(data, sort_keys=True, default=str))


def _settings(key: str) -> Settings:
    return Settings.from_dict(json.loads(key))


def _at_moment(
    compute: Callable[..., Any], project: Project, settings_key: str, at_key: str, include_planned: bool
) -> Any:
    """Run ``compute(project, settings, at=, include_planned=, model=)`` (coverage.analysis) on cache keys."""
    settings = _settings(settings_key)
    at = dt.datetime.fromisoformat(at_key) if at_key else None
    return compute(project, settings, at=at, include_planned=include_planned, model=travel_model(settings))


@st.cache_resource(show_spinner=False, max_entries=64)
def _analysis(_project: Project, token: str, settings_key: str, at_key: str, include_planned: bool) -> Any:
    return _at_moment(an.analyze, _project, settings_key, at_key, include_planned)


@st.cache_resource(show_spinner=False, max_entries=32)
def _reach(_project: Project, token: str, settings_key: str, at_key: str, include_planned: bool) -> Any:
    return _at_moment(an.reach_areas, _project, settings_key, at_key, include_planned)


@st.cache_resource(show_spinner=False, max_entries=32)
def _blind(_project: Project, token: str, settings_key: str, at_key: str, include_planned: bool) -> Any:
    return _at_moment(an.blind_spot_polygons, _project, settings_key, at_key, include_planned)


@st.cache_resource(show_spinner=False, max_entries=32)
def _matrix(_project: Project, token: str, settings_key: str, week: dt.date, include_planned: bool) -> Any:
    settings = _settings(settings_key)
    return an.weekday_matrix(
        _project, settings, week=week, include_planned=include_planned, model=travel_model(settings)
    )


@st.cache_resource(show_spinner=False, max_entries=32)
def _overlaps(_project: Project, token: str, settings_key: str, week: dt.date, include_planned: bool) -> Any:
    settings = _settings(settings_key)
    return an.overlaps(
        _project, settings, week=week, include_planned=include_planned, model=travel_model(settings)
    )


def analysis(view: View) -> Any:
    """Cached :func:`coverage.analysis.analyze` of the view."""
    return _analysis(view.project, view.token, view.settings_key, view.at_key, view.include_planned)


def reach(view: View) -> gpd.GeoDataFrame:
    """Cached :func:`coverage.analysis.reach_areas`."""
    return _reach(view.project, view.token, view.settings_key, view.at_key, view.include_planned)


def blind_polygons(view: View) -> gpd.GeoDataFrame:
    """Cached :func:`coverage.analysis.blind_spot_polygons`."""
    return _blind(view.project, view.token, view.settings_key, view.at_key, view.include_planned)


def matrix(view: View, week: dt.date | None = None) -> pd.DataFrame:
    """Cached :func:`coverage.analysis.weekday_matrix` (children covered)."""
    return _matrix(view.project, view.token, view.settings_key, week or view.week, view.include_planned)


def overlap_list(view: View, week: dt.date | None = None) -> pd.DataFrame:
    """Cached :func:`coverage.analysis.overlaps`."""
    return _overlaps(view.project, view.token, view.settings_key, week or view.week, view.include_planned)


# --- planning (Suunnittelu) ---------------------------------------------------------------------------------

PLAN_DEFAULTS: dict[str, Any] = {
    "objective": "cover",
    "k": 3,
    "target_share": 0.9,
    "candidates": "layer",
    "spacing_m": 2000.0,
    "time_limit": 30.0,
    "method": "auto",
}
"""Options of :func:`plan_result`: ``objective`` (cover | set_cover | median), ``k`` new sites,
``target_share`` (set cover), ``candidates`` (``layer``: the project's candidates layer when it has one, else
generated; ``generated``: always a grid), ``spacing_m`` of the generated grid, solver ``time_limit`` (s) and
``method`` (auto | exact | greedy)."""


def plan_options(options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Complete and normalise planning options (unknown keys refused, numbers as float/int).

    Raises
    ------
    KatveError
        For an unknown option.
    """
    given = dict(options or {})
    unknown = sorted(set(given) - set(PLAN_DEFAULTS))
    if unknown:
        raise KatveError(f"unknown planning option(s) {', '.join(unknown)}; use {', '.join(PLAN_DEFAULTS)}")
    out = {**PLAN_DEFAULTS, **given}
    out["k"] = int(out["k"])
    for key in ("target_share", "spacing_m", "time_limit"):
        out[key] = float(out[key])
    return out


@st.cache_resource(show_spinner=False, max_entries=16)
def _plan(
    _project: Project, token: str, settings_key: str, at_key: str, include_planned: bool, options_key: str
) -> planning.PlanResult:
    settings = _settings(settings_key)
    at = dt.datetime.fromisoformat(at_key) if at_key else None
    o = json.loads(options_key)
    has_layer = _project.candidates is not None and len(_project.candidates) > 0
    candidates = (
        planning.generate_candidates(_project, spacing_m=o["spacing_m"])
        if o["candidates"] == "generated" and has_layer
        else None  # plan(): the layer when there is one, else generated with spacing_m
    )
    return planning.plan(
        _project,
        settings,
        k=o["k"] if o["objective"] != "set_cover" else None,
        objective=o["objective"],
        candidates=candidates,
        target_share=o["target_share"],
        method=o["method"],
        time_limit=o["time_limit"],
        at=at,
        include_planned=include_planned,
        spacing_m=o["spacing_m"],
        model=travel_model(settings),
    )


def _plan_key(view: View) -> tuple[str, str, str, bool]:
    return (view.token, view.settings_key, view.at_key, view.include_planned)


def plan_result(view: View, options: dict[str, Any] | None = None) -> planning.PlanResult:
    """Cached :func:`coverage.planning.plan` of the view with ``options`` (see :data:`PLAN_DEFAULTS`).

    The cache key is the project token, the settings, the time, *count planned places* and the options; the
    result becomes the session's :func:`current_plan`.

    Raises
    ------
    KatveError
        :class:`~coverage.planning.PlanningError` (e.g. no candidates) or
        :class:`~coverage.planning.UnreachableTargetError` (set cover target out of reach).
    """
    ss = st.session_state
    ss[K_PLAN] = None
    opts = plan_options(options)
    result = _plan(
        view.project,
        view.token,
        view.settings_key,
        view.at_key,
        view.include_planned,
        json.dumps(opts, sort_keys=True),
    )
    ss[K_PLAN] = (_plan_key(view), result)
    return result


def current_plan() -> planning.PlanResult | None:
    """The last plan computed on the Suunnittelu page, if it was made for the current project and sidebar.

    ``None`` when no plan was computed in this session, or the project changed since (an edit, accepting
    the proposal) or the sidebar's mode, threshold, time or *count planned places* differ from the plan's:
    an export never mixes proposals with figures of other settings.
    """
    stored = st.session_state.get(K_PLAN)
    if not stored:
        return None
    key, result = stored
    return result if key == _plan_key(current_view()) else None


@st.cache_resource(show_spinner=False, max_entries=16)
def _comparison(_project: Project, token: str, settings_key: str, at_key: str) -> planning.Comparison:
    at = dt.datetime.fromisoformat(at_key) if at_key else None
    return planning.compare(_project, _project, _settings(settings_key), at=at)


def scenario_comparison(view: View) -> planning.Comparison:
    """Cached :func:`coverage.planning.compare` of the hand-made scenario: the current network (existing
    places) against the same project with its ``planned`` places counted too."""
    return _comparison(view.project, view.token, view.settings_key, view.at_key)


def accept_sites(sites: gpd.GeoDataFrame) -> Project:
    """Add proposed ``sites`` (rows of ``PlanResult.new_sites``) to the working copy as ``planned`` places.

    They get inventory ids in the project's style (``V08``, ``V09`` ...; see :func:`next_place_id`), the
    suggested session as opening hours, and the working copy is marked unsaved (:func:`set_project`).
    Returns the new working copy.
    """
    project = current_project()
    ids = list(project.places["id"].astype(str)) if len(project.places) else []
    renamed = sites.copy()
    new_ids = []
    for _ in range(len(renamed)):
        new_ids.append(next_place_id(ids + new_ids))
    renamed["source"] = [
        f"{src}; {old}" if str(src or "").strip() else str(old)
        for src, old in zip(
            renamed["source"] if "source" in renamed else [""] * len(renamed), renamed["id"], strict=True
        )
    ]
    renamed["id"] = new_ids
    updated = planning.add_sites(project, renamed, status="planned")
    set_project(updated)
    return updated


def guarded(func: Callable[[], Any]) -> Any:
    """Run ``func``; on a :class:`KatveError` show it as one error box and return ``None``."""
    try:
        return func()
    except KatveError as exc:
        st.error(t("error.analysis", message=_md(_first_lines(exc))))
        return None


# --- saving -------------------------------------------------------------------------------------------------


def save_target(project: Project, filename: str | None = None) -> Path:
    """Where saving goes: the given name in the projects folder, else the file the project came from."""
    if filename:
        name = filename.strip()
        if not name.lower().endswith(".gpkg"):
            name += ".gpkg"
        return _project_path(re.sub(r"[^\w.-]+", "_", name, flags=re.UNICODE))
    if project.path:
        return Path(project.path)
    raise KatveError("give a file name for the project, e.g. vihti.gpkg")


def save_current(filename: str | None = None, *, force: bool = False) -> None:
    """Callback: save the working copy; queue the outcome. A conflict is remembered for the page to offer
    *overwrite* or *reload* (``st.session_state["save_conflict"]``)."""
    ss = st.session_state
    project = current_project()
    ss.pop("save_conflict", None)
    try:
        target = save_target(project, filename)
        saved = project.copy()
        saved.path, saved.version = project.path, project.version
        store.save(saved, target, force=force)
    except store.ConflictError as exc:
        ss["save_conflict"] = {"filename": filename, "message": str(exc)}
        return
    except (KatveError, OSError) as exc:
        flash("error", t("kp.save.error", message=_md(_first_lines(exc))))
        return
    source = (
        f"file:{Path(saved.path).name}"
        if Path(saved.path).parent.resolve() == projects_dir().resolve()
        else ss[K_SOURCE]
    )
    ss[K_PROJECT] = saved
    ss[K_PROJECT_SOURCE] = source
    ss[K_SOURCE] = source
    ss[K_TOKEN] = f"{source}@{saved.version}"
    ss[K_DIRTY] = False
    flash("success", t("kp.save.done", path=saved.path))


def reload_current() -> None:
    """Callback: drop the working copy (and unsaved edits) and load the source again."""
    ss = st.session_state
    ss.pop("save_conflict", None)
    ss[K_PROJECT_SOURCE] = None
    _project_file.clear()


def show_save_conflict(save: Callable[..., Any], *, key: str) -> None:
    """After a save that found the file changed by someone else: say so and offer to overwrite or reload.

    ``save(force=True)`` overwrites; the buttons' keys are ``{key}_force`` and ``{key}_reload``.
    """
    conflict = st.session_state.get("save_conflict")
    if conflict:
        st.warning(t("kp.save.conflict") + "\n\n" + _md(conflict["message"]))
        c1, c2 = st.columns(2)
        c1.button(t("kp.save.force"), on_click=save, kwargs={"force": True}, key=f"{key}_force")
        c2.button(t("kp.save.reload"), on_click=reload_current, key=f"{key}_reload")


def project_bytes(project: Project) -> bytes:
    """The project as GeoPackage bytes (for downloading)."""
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "project.gpkg"
        copy = project.copy()
        copy.path = copy.version = None
        store.save(copy, target)
        return target.read_bytes()


def download_name(project: Project) -> str:
    """A file name for downloading the project."""
    base = Path(project.path).stem if project.path else (project.name or "katve")
    return re.sub(r"[^\w.-]+", "_", base, flags=re.UNICODE).strip("_").lower() + ".gpkg"


# --- messages -----------------------------------------------------------------------------------------------


def page_header(title: str, view: View) -> None:
    """Start a page: its header, the queued messages and a caption of the threshold, time and model."""
    st.header(title)
    show_flash()
    st.caption(
        threshold_text(view.settings) + " · " + when_text(view.at) + " · " + model_caption(view.settings)
    )


def flash(kind: str, message: str) -> None:
    """Queue a message (``success`` / ``info`` / ``warning`` / ``error``) for the next :func:`show_flash`."""
    st.session_state.setdefault(K_FLASH, []).append((kind, message))


def show_flash() -> None:
    """Show and clear the queued messages."""
    for kind, message in st.session_state.get(K_FLASH, []):
        getattr(st, kind if kind in ("success", "info", "warning", "error") else "info")(message)
    st.session_state[K_FLASH] = []


def show_problems(problems: Iterable[Problem], *, header: str = "", limit: int = 25) -> None:
    """List problems in one error box (the first ``limit`` lines)."""
    problems = list(problems)
    if not problems:
        return
    lines = [f"- {_md(str(p))}" for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"- {t('error.more', n=len(problems) - limit)}")
    st.error((header + "\n\n" if header else "") + "\n".join(lines))


def _first_lines(exc: BaseException, limit: int = 8) -> str:
    lines = str(exc).splitlines() or [type(exc).__name__]
    extra = len(lines) - limit
    text = "; ".join(lines[:limit])
    return text + (f" {t('error.more', n=extra)}" if extra > 0 else "")


_AUTOLINK = re.compile(r"(?i)(https?|ftp|mailto|www|@)")


def _md(text: str) -> str:
    """Escape markdown so that data text is shown as it is.

    Backslash-escapes every markdown character, and breaks GFM's autolink triggers (``http:``, ``www.``,
    ``@``) with an invisible word joiner (U+2060), which escaping alone does not stop.
    """
    escaped = re.sub(r"([\\`*_{}\[\]<>()#+\-.!|~$&:])", r"\\\1", str(text))
    return _AUTOLINK.sub("\\1\u2060", escaped)


def _date(day: dt.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def date_text(day: dt.date) -> str:
    """A date as ``1.12.2026``."""
    return _date(day)


# --- the places table (Kohtaamispaikat) ---------------------------------------------------------------------

TABLE_COLUMNS = [
    "id",
    "name",
    "organiser",
    "organiser_type",
    "kind",
    "address",
    "opening_hours",
    "ages",
    "languages",
    "status",
    "notes",
    "lat",
    "lon",
]
"""The editable columns of the places table, in order (other schema columns are kept, hidden)."""

CHOICE_OPTIONS = {"organiser_type": ORGANISER_TYPES, "kind": KINDS, "status": STATUSES}


def places_table(places: gpd.GeoDataFrame) -> pd.DataFrame:
    """Places as an editable table: text columns, WGS84 ``lat``/``lon`` (6 decimals), hidden ``_x``/``_y``.

    ``_x``/``_y`` keep the exact EPSG:3067 coordinates so that rows whose lat/lon were not edited keep their
    geometry bit for bit (see :func:`places_from_table`).
    """
    gdf = places if places.crs is None or places.crs.equals(CRS) else places.to_crs(CRS)
    out = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).reset_index(drop=True)
    for name, (kind, _req) in PLACE_FIELDS.items():
        if name not in out:
            out[name] = ""
        if kind == "str":
            out[name] = out[name].astype(object).where(out[name].notna(), "").astype(str)
    geom = gdf.geometry.reset_index(drop=True)
    ok = (~geom.isna() & ~geom.is_empty).to_numpy() if len(geom) else np.zeros(0, bool)
    x = np.full(len(out), np.nan)
    y = np.full(len(out), np.nan)
    if ok.any():
        x[ok], y[ok] = geom[ok].x.to_numpy(), geom[ok].y.to_numpy()
    lon, lat = _to_lonlat(x, y)
    out["lat"], out["lon"] = np.round(lat, 6), np.round(lon, 6)
    out["_x"], out["_y"] = x, y
    extra = [c for c in out.columns if c not in TABLE_COLUMNS and c not in ("_x", "_y")]
    return out[TABLE_COLUMNS + extra + ["_x", "_y"]]


def places_from_table(table: pd.DataFrame) -> gpd.GeoDataFrame:
    """Invert :func:`places_table`: a places GeoDataFrame in EPSG:3067.

    A row whose ``lat``/``lon`` still match its hidden ``_x``/``_y`` keeps that exact point; edited or new
    rows are projected from lat/lon; rows without coordinates get no geometry (validation names them).
    """
    df = table.reset_index(drop=True).copy()
    lat = (
        pd.to_numeric(df.get("lat"), errors="coerce").to_numpy(float)
        if "lat" in df
        else np.full(len(df), np.nan)
    )
    lon = (
        pd.to_numeric(df.get("lon"), errors="coerce").to_numpy(float)
        if "lon" in df
        else np.full(len(df), np.nan)
    )
    x0 = pd.to_numeric(df["_x"], errors="coerce").to_numpy(float) if "_x" in df else np.full(len(df), np.nan)
    y0 = pd.to_numeric(df["_y"], errors="coerce").to_numpy(float) if "_y" in df else np.full(len(df), np.nan)
    lon0, lat0 = _to_lonlat(x0, y0)
    same = (
        np.isfinite(x0) & (np.abs(np.round(lat0, 6) - lat) < 5e-7) & (np.abs(np.round(lon0, 6) - lon) < 5e-7)
    )
    x, y = _from_lonlat(lon, lat)
    x, y = np.where(same, x0, x), np.where(same, y0, y)
    has = np.isfinite(x) & np.isfinite(y)
    geometry = gpd.GeoSeries.from_xy(np.where(has, x, 0.0), np.where(has, y, 0.0), crs=CRS)
    geometry[~has] = None
    for name in df.columns:
        if name in PLACE_FIELDS and PLACE_FIELDS[name][0] == "str":
            df[name] = df[name].astype(object).where(df[name].notna(), "").map(lambda v: str(v).strip())
    data = df.drop(columns=[c for c in ("lat", "lon", "_x", "_y", "check") if c in df])
    return gpd.GeoDataFrame(data, geometry=geometry, crs=CRS)


def apply_editor_changes(table: pd.DataFrame, changes: dict[str, Any] | None) -> pd.DataFrame:
    """Apply ``st.data_editor``'s change set (edited / deleted / added rows, by position) to ``table``."""
    out = table.reset_index(drop=True).copy()
    if not changes:
        return out
    for pos, values in (changes.get("edited_rows") or {}).items():
        for column, value in values.items():
            if column in out.columns:
                if out[column].dtype != object and not isinstance(value, (int, float, type(None))):
                    out[column] = out[column].astype(object)
                out.loc[int(pos), column] = value
    deleted = sorted(int(p) for p in (changes.get("deleted_rows") or []))
    if deleted:
        out = out.drop(index=deleted).reset_index(drop=True)
    added = [
        row for row in (changes.get("added_rows") or []) if any(v not in (None, "") for v in row.values())
    ]
    if added:
        new = pd.DataFrame(added)
        for column in out.columns:
            if column not in new:
                new[column] = np.nan if column in ("lat", "lon", "_x", "_y") else ""
        out = pd.concat([out, new[out.columns]], ignore_index=True)
    return out


def table_problems(table: pd.DataFrame, *, boundary: Any = None) -> list[Problem]:
    """Validate a places table (as :func:`coverage.validation.validate_layer` would the layer)."""
    places = places_from_table(table)
    return validation.validate_layer(
        "places", places, path="places", boundary=boundary if boundary is not None and len(boundary) else None
    )


def row_checks(n_rows: int, problems: list[Problem]) -> list[str]:
    """One text per row for the table's check column: ``✓`` or the row's problems."""
    by_row: dict[int, list[str]] = {}
    for p in problems:
        if p.row is not None:
            by_row.setdefault(p.row, []).append(
                f"{'⚠' if p.severity == 'error' else 'ℹ'} {p.field}: {p.message}"
            )
    return ["; ".join(by_row[r]) if r in by_row else t("kp.ok") for r in range(1, n_rows + 1)]


def next_place_id(ids: Iterable[Any]) -> str:
    """A new id in the style of the existing ones: ``V07`` -> ``V08``; ``P1`` when there is no pattern."""
    best: tuple[str, int, int] | None = None
    taken = {str(i) for i in ids}
    for value in taken:
        m = re.fullmatch(r"(.*?)(\d+)", value)
        if m and (best is None or int(m.group(2)) > best[1]):
            best = (m.group(1), int(m.group(2)), len(m.group(2)))
    prefix, number, width = best if best else ("P", 0, 1)
    while True:
        number += 1
        candidate = f"{prefix}{number:0{width}d}"
        if candidate not in taken:
            return candidate


def project_centre(project: Project) -> tuple[float, float]:
    """(lat, lon) of the project's centre (boundary, else places and areas), rounded to 6 decimals."""
    frames = [f for f in (project.boundary, project.places, project.areas) if f is not None and len(f)]
    if not frames:
        return 60.4, 24.4
    x0, y0, x1, y1 = frames[0].to_crs(CRS).total_bounds
    lon, lat = _to_lonlat(np.array([(x0 + x1) / 2]), np.array([(y0 + y1) / 2]))
    return round(float(lat[0]), 6), round(float(lon[0]), 6)


def _to_lonlat(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lonlat = maps.to_wgs84_xy(np.column_stack([np.asarray(x, float), np.asarray(y, float)]))
    return lonlat[:, 0], lonlat[:, 1]


def _from_lonlat(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    xy = maps.from_wgs84_xy(np.column_stack([np.asarray(lon, float), np.asarray(lat, float)]))
    return xy[:, 0], xy[:, 1]


# --- the weekly programme (Viikko-ohjelma) ------------------------------------------------------------------


def programme(
    places: pd.DataFrame, week: dt.date, *, statuses: Iterable[str] = ("existing", "planned")
) -> tuple[pd.DataFrame, list[str]]:
    """All sessions of ``places`` in the week of ``week``: one row per opening interval.

    Returns
    -------
    (DataFrame, list of str)
        Columns ``weekday`` (0-6), ``date``, ``start``, ``end`` (Helsinki datetimes), ``place_id``, ``name``,
        ``organiser``, ``organiser_type``, ``address``, ``status``; sorted by start then name. The list names
        places whose opening hours cannot be read (they are left out).
    """
    monday = week - dt.timedelta(days=week.weekday())
    start = dt.datetime.combine(monday, dt.time(0), tzinfo=schedule.TZ)
    end = start + dt.timedelta(days=7)
    wanted = set(statuses)
    rows, bad = [], []
    for _i, place in places.iterrows():
        if str(place.get("status", "")) not in wanted:
            continue
        hours = str(place.get("opening_hours", "") or "")
        try:
            intervals = schedule.open_intervals(hours, start, end)
        except KatveError:
            bad.append(str(place.get("name", "")))
            continue
        for a, b in intervals:
            rows.append(
                {
                    "weekday": a.weekday(),
                    "date": a.date(),
                    "start": a,
                    "end": b,
                    "place_id": str(place.get("id", "")),
                    "name": str(place.get("name", "")),
                    "organiser": str(place.get("organiser", "") or ""),
                    "organiser_type": str(place.get("organiser_type", "") or ""),
                    "address": str(place.get("address", "") or ""),
                    "status": str(place.get("status", "")),
                }
            )
    columns = [
        "weekday",
        "date",
        "start",
        "end",
        "place_id",
        "name",
        "organiser",
        "organiser_type",
        "address",
        "status",
    ]
    out = pd.DataFrame(rows, columns=columns)
    if len(out):
        out = out.sort_values(["start", "name"], kind="stable").reset_index(drop=True)
    return out, bad
