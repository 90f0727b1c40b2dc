"""Suunnittelu's rescheduling section (issue 17): move sessions to other days, see the week before/after.

The proposal (:func:`coverage.planning.reschedule.reschedule`) is computed when asked and cached per project,
settings, K and days; K and the days are kept in the session (not only in widget state, which Streamlit
drops while another page runs). A move becomes real only when accepted: that place's opening_hours is
rewritten (:func:`coverage.planning.reschedule.moved_rule`) and the working copy is marked unsaved.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from coverage.analysis.week import overlaps, weekday_matrix
from coverage.core import errors, i18n
from coverage.core.i18n import t
from coverage.core.model import Project
from coverage.core.schedule import WEEKDAYS
from coverage.planning.reschedule import RescheduleResult, apply_moves, reschedule
from coverage.planning.scenarios import from_moves

from . import auth, scenarioview
from .cache import _settings, travel_model
from .messages import _first_lines, _md
from .state import View, current_project, set_project

K_OPTIONS = "resched_options"  # {"k": int, "days": [codes]} kept across pages
K_ASKED = "resched_asked"


@st.cache_resource(show_spinner=False, max_entries=16)
def _proposal(_project: Project, token: str, settings_key: str, k: int, days: tuple[str, ...],
              include_planned: bool, week: Any) -> RescheduleResult:
    settings = _settings(settings_key)
    return reschedule(_project, settings, k=k, days=days, week=week, include_planned=include_planned,
                      model=travel_model(settings))


@st.cache_resource(show_spinner=False, max_entries=16)
def _week_views(_project: Project, token: str, settings_key: str, k: int, days: tuple[str, ...],
                include_planned: bool, week: Any) -> tuple[pd.DataFrame, ...]:
    settings = _settings(settings_key)
    model = travel_model(settings)
    res = _proposal(_project, token, settings_key, k, days, include_planned, week)
    moved = apply_moves(_project, res.moves, week)
    kw = {"week": week, "include_planned": include_planned, "model": model}
    return (weekday_matrix(_project, settings, **kw), weekday_matrix(moved, settings, **kw),
            overlaps(_project, settings, **kw), overlaps(moved, settings, **kw))


def _day(code: str) -> str:
    return i18n.weekday_name(WEEKDAYS.index(code))


def show_reschedule(view: View) -> None:
    """Draw the section: K and days, the moves, the week before/after, the overlaps that go, accepting."""
    ss = st.session_state
    kept = ss.setdefault(K_OPTIONS, {"k": 2, "days": list(WEEKDAYS[:5])})
    if "resched_k" not in ss:
        ss["resched_k"] = int(kept["k"])
    if "resched_days" not in ss:
        ss["resched_days"] = list(kept["days"])
    st.write(t("resched.intro"))
    cols = st.columns([1, 3])
    cols[0].number_input(t("resched.k"), min_value=1, max_value=20, step=1, key="resched_k")
    cols[1].multiselect(t("resched.days"), list(WEEKDAYS), format_func=_day, key="resched_days")
    kept.update(k=int(ss["resched_k"]), days=[d for d in WEEKDAYS if d in ss["resched_days"]])
    if not kept["days"]:
        st.info(t("resched.days_none"))
        return
    if st.button(t("resched.run"), key="resched_run", icon=":material/event_repeat:"):
        ss[K_ASKED] = True
    if not ss.get(K_ASKED):
        return
    args = (view.project, view.token, view.settings_key, int(kept["k"]), tuple(kept["days"]),
            view.include_planned, view.week)
    try:
        res = _proposal(*args)
        before, after, ov_before, ov_after = _week_views(*args)
    except errors.KatveError as exc:
        st.error(str(exc))
        return
    lang = view.lang
    st.metric(t("resched.child_days"), i18n.fmt_number(res.after, 0),
              delta=i18n.fmt_number(res.after - res.before, 0) if res.after != res.before else None,
              help=t("resched.child_days_help"))
    st.caption(t("resched.optimal" if res.optimal else "resched.heuristic", lang))
    if not len(res.moves):
        st.info(t("resched.none", lang))
        return
    st.dataframe(pd.DataFrame({
        t("resched.col.place"): res.moves["name"].astype(str),
        t("resched.col.from"): [_day(d) for d in res.moves["from_day"]],
        t("resched.col.to"): [_day(d) for d in res.moves["to_day"]],
        t("resched.col.hours"): [h.replace("-", "–") for h in res.moves["hours"]],
        t("resched.col.gain"): [i18n.fmt_number(g, 0) for g in res.moves["gain_child_days"]],
    }), hide_index=True, width="stretch", key="resched_moves")
    st.caption(t("resched.sum", before=i18n.fmt_number(res.before, 0), after=i18n.fmt_number(res.after, 0),
                 gain=i18n.fmt_number(res.after - res.before, 0)))
    scenarioview.save_box(view, lambda name, author: from_moves(view.project, res, name, author=author),
                          key="moves", what=t("scen.what.moves"))
    st.markdown(f"**{t('resched.matrix')}**")
    left, right = st.columns(2)
    left.caption(t("resched.before"))
    left.dataframe(_matrix_frame(before), width="stretch", key="resched_before")
    right.caption(t("resched.after"))
    right.dataframe(_matrix_frame(after), width="stretch", key="resched_after")
    gone = _gone(ov_before, ov_after)
    st.markdown(f"**{t('resched.overlaps_gone')}**")
    if len(gone):
        st.dataframe(gone, hide_index=True, width="stretch", key="resched_gone")
    else:
        st.caption(t("resched.overlaps_none"))
    if not auth.can_edit():  # a viewer sees the proposal but does not change the project
        return
    with st.container(border=True):
        labels = [f"{r.name}: {_day(r.from_day)} → {_day(r.to_day)} {r.hours.replace('-', '–')}"
                  for r in res.moves.itertuples(index=False)]
        pick = st.selectbox(t("resched.accept_pick"), range(len(labels)), format_func=lambda i: labels[i],
                            key="resched_pick")
        st.button(t("resched.accept"), key="resched_accept", on_click=_accept,
                  args=(res.moves.iloc[[pick]], view.week), icon=":material/done:")
        st.caption(t("resched.accept_help"))


def _matrix_frame(matrix: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({t(f"daypart.{c}"): [i18n.fmt_number(v, 0) for v in matrix[c]]
                        for c in matrix.columns})
    out.index = [_day(d) for d in matrix.index]
    return out


def _gone(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    key = ["place_a_id", "place_b_id", "weekday"]
    still = set(map(tuple, after[key].astype(str).to_numpy())) if len(after) else set()
    rows = [r for r in before.itertuples(index=False)
            if (str(r.place_a_id), str(r.place_b_id), str(r.weekday)) not in still]
    return pd.DataFrame({
        t("kat.col.place_a"): [r.place_a for r in rows],
        t("kat.col.place_b"): [r.place_b for r in rows],
        t("kat.col.weekday"): [_day(r.weekday) for r in rows],
        t("kat.col.time"): [f"{r.start:%H.%M}–{r.end:%H.%M}" for r in rows],
    })


def _accept(moves: pd.DataFrame, week: Any) -> None:
    if not auth.can_edit():
        return
    try:
        set_project(apply_moves(current_project(), moves, week))
    except errors.KatveError as exc:
        st.session_state["resched_error"] = _md(_first_lines(exc))
        return
    st.session_state.pop(K_ASKED, None)
    st.session_state["resched_done"] = ", ".join(moves["name"].astype(str))
