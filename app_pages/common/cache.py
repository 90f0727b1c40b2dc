"""Cached results of the app (one analysis per view), plans and scenario comparisons."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st

from coverage.analysis.reach import analyze, blind_spot_polygons, reach_areas
from coverage.analysis.week import overlaps, weekday_matrix
from coverage.core.errors import KatveError
from coverage.core.model import Project, Settings
from coverage.planning.plan import Comparison, PlanResult, compare, plan
from coverage.planning.sites import add_sessions, add_sites, generate_candidates, session_rows
from coverage.travel.choose import model_from_settings

from .places import next_place_id
from .state import K_PLAN, View, current_project, current_view, set_project

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
    """Run ``compute(project, settings, at=, include_planned=, model=)`` (coverage.analysis.reach) on cache
    keys."""
    settings = _settings(settings_key)
    at = dt.datetime.fromisoformat(at_key) if at_key else None
    return compute(project, settings, at=at, include_planned=include_planned, model=travel_model(settings))


@st.cache_resource(show_spinner=False, max_entries=64)
def _analysis(_project: Project, token: str, settings_key: str, at_key: str, include_planned: bool) -> Any:
    return _at_moment(analyze, _project, settings_key, at_key, include_planned)


@st.cache_resource(show_spinner=False, max_entries=32)
def _reach(_project: Project, token: str, settings_key: str, at_key: str, include_planned: bool) -> Any:
    return _at_moment(reach_areas, _project, settings_key, at_key, include_planned)


@st.cache_resource(show_spinner=False, max_entries=32)
def _blind(_project: Project, token: str, settings_key: str, at_key: str, include_planned: bool) -> Any:
    # on the cached analysis of the same view: coverage is not computed a second time
    result = _analysis(_project, token, settings_key, at_key, include_planned)
    return blind_spot_polygons(_project, result=result, model=travel_model(_settings(settings_key)))


@st.cache_resource(show_spinner=False, max_entries=32)
def _matrix(_project: Project, token: str, settings_key: str, week: dt.date, include_planned: bool) -> Any:
    settings = _settings(settings_key)
    return weekday_matrix(
        _project, settings, week=week, include_planned=include_planned, model=travel_model(settings)
    )


@st.cache_resource(show_spinner=False, max_entries=32)
def _overlaps(_project: Project, token: str, settings_key: str, week: dt.date, include_planned: bool) -> Any:
    settings = _settings(settings_key)
    return overlaps(
        _project, settings, week=week, include_planned=include_planned, model=travel_model(settings)
    )


def analysis(view: View) -> Any:
    """Cached :func:`coverage.analysis.reach.analyze` of the view."""
    return _analysis(view.project, view.token, view.settings_key, view.at_key, view.include_planned)


def reach(view: View) -> gpd.GeoDataFrame:
    """Cached :func:`coverage.analysis.reach.reach_areas`."""
    return _reach(view.project, view.token, view.settings_key, view.at_key, view.include_planned)


def blind_polygons(view: View) -> gpd.GeoDataFrame:
    """Cached :func:`coverage.analysis.reach.blind_spot_polygons`."""
    return _blind(view.project, view.token, view.settings_key, view.at_key, view.include_planned)


@st.cache_resource(show_spinner=False, max_entries=8)
def _coverage_map(
    _project: Project, token: str, settings_key: str, at_key: str, include_planned: bool, lang: str,
    show_reach: bool, show_blind: bool,
) -> Any:  # fmt: skip
    from coverage.outputs import webmap

    result = _analysis(_project, token, settings_key, at_key, include_planned)
    reach = _reach(_project, token, settings_key, at_key, include_planned) if show_reach else None
    blind = _blind(_project, token, settings_key, at_key, include_planned) if show_blind else None
    return webmap.coverage_map(_project, result, reach=reach, blind_spots=blind, lang=lang)


def coverage_map(view: View, *, show_reach: bool, show_blind: bool) -> Any:
    """Cached Kartta map (a folium Map) of the view: built once per view, language and layer choice."""
    return _coverage_map(view.project, view.token, view.settings_key, view.at_key, view.include_planned,
                         view.lang, show_reach, show_blind)  # fmt: skip


def matrix(view: View, week: dt.date | None = None) -> pd.DataFrame:
    """Cached :func:`coverage.analysis.week.weekday_matrix` (children covered)."""
    return _matrix(view.project, view.token, view.settings_key, week or view.week, view.include_planned)


def overlap_list(view: View, week: dt.date | None = None) -> pd.DataFrame:
    """Cached :func:`coverage.analysis.week.overlaps`."""
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
) -> PlanResult:
    settings = _settings(settings_key)
    at = dt.datetime.fromisoformat(at_key) if at_key else None
    o = json.loads(options_key)
    has_layer = _project.candidates is not None and len(_project.candidates) > 0
    candidates = (
        generate_candidates(_project, spacing_m=o["spacing_m"])
        if o["candidates"] == "generated" and has_layer
        else None  # plan(): the layer when there is one, else generated with spacing_m
    )
    return plan(
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


def plan_result(view: View, options: dict[str, Any] | None = None) -> PlanResult:
    """Cached :func:`coverage.planning.plan` of the view with ``options`` (see :data:`PLAN_DEFAULTS`).

    The cache key is the project token, the settings, the time, *count planned places* and the options; the
    result becomes the session's :func:`current_plan`.

    Raises
    ------
    KatveError
        :class:`~coverage.core.errors.PlanningError` (e.g. no candidates) or
        :class:`~coverage.core.errors.UnreachableTargetError` (set cover target out of reach).
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


def current_plan() -> PlanResult | None:
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
def _comparison(_project: Project, token: str, settings_key: str, at_key: str) -> Comparison:
    at = dt.datetime.fromisoformat(at_key) if at_key else None
    return compare(_project, _project, _settings(settings_key), at=at)


def scenario_comparison(view: View) -> Comparison:
    """Cached :func:`coverage.planning.plan.compare` of the hand-made scenario: the current network (existing
    places) against the same project with its ``planned`` places counted too."""
    return _comparison(view.project, view.token, view.settings_key, view.at_key)


def accept_sites(sites: gpd.GeoDataFrame, at: dt.datetime | None = None) -> Project:
    """Add proposed ``sites`` (rows of ``PlanResult.new_sites``) to the working copy as ``planned`` places.

    They get inventory ids in the project's style (``V08``, ``V09`` ...; see :func:`next_place_id`), the
    suggested session as opening hours, and the working copy is marked unsaved (:func:`set_project`).
    A proposal that adds a session to an existing place (``add_session_to``) adds no place: the session goes
    into that place's opening hours (verified on the week of ``at``, the plan's moment), the rest of the
    rule kept. Returns the new working copy.

    Raises
    ------
    PlanningError
        Opening hours that cannot be edited safely (nothing is changed then).
    """
    project = current_project()
    sessions = session_rows(sites)
    project = add_sessions(project, sites[sessions], at=at)
    sites = sites[~sessions]
    if not len(sites):
        set_project(project)
        return project
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
    updated = add_sites(project, renamed, status="planned")
    set_project(updated)
    return updated
