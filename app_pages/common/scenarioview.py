"""Suunnittelu's scenarios (issue 17 part 3): save alternatives under names, compare them, accept one.

A scenario keeps only changes (:mod:`coverage.core.scenario`): the proposals of a plan, the moves of a
rescheduling proposal, planned places counted and places closed by hand. They are kept in the working copy
(marked unsaved, saved with the project); the comparison
(:func:`coverage.planning.scenarios.compare_scenarios`) is cached per project version, settings and the
scenarios chosen. Accepting applies one to the places (added
places become *planned*); an hours change that no longer fits a place's rule (edited since) is left as it is
and named.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
import streamlit as st

from coverage.core import i18n
from coverage.core.errors import KatveError
from coverage.core.i18n import t
from coverage.core.model import Project
from coverage.core.scenario import (
    MAX_NAME,
    Scenario,
    ScenarioError,
    apply_scenario,
    find_scenario,
    merged,
    with_scenario,
    without_scenario,
)
from coverage.outputs.report_scenarios import changes_text, weeks_text
from coverage.outputs.report_scenarios import rows as scenario_rows
from coverage.planning import scenarios as sc

from . import auth, messages
from .cache import _settings, travel_model
from .state import View, current_project, flash, set_project, show_flash
from .yearview import K_YEAR

K_COMPARE = "scen_compare"  # the scenarios chosen for the comparison, kept across pages
NEW = "__new__"


def error_text(exc: KatveError) -> str:
    """The user's sentence for a problem of keeping a scenario (markdown-safe)."""
    return messages._md(messages._first_lines(exc))


def _author() -> str:
    """Who makes the scenario: the signed-in identity, "" on a laptop without sign-in."""
    user = auth.current_user()
    return str(user.identity or "") if user is not None else ""


def _keep(scenario: Scenario, into: str, near: str) -> bool:
    """Put ``scenario`` into the working copy: as a new one, or merged into the kept scenario ``into``."""
    project = current_project()
    try:
        if into == NEW:
            updated = with_scenario(project, scenario)
            name = scenario.name
        else:
            base = find_scenario(project, into)
            updated = with_scenario(project, merged(base, scenario), replace=True)
            name = base.name
    except KatveError as exc:
        flash("error", error_text(exc), near=near)
        return False
    set_project(updated)
    chosen = st.session_state.setdefault(K_COMPARE, [])
    if name not in chosen and len(chosen) < sc.MAX_COMPARED:  # the one just kept joins the comparison
        chosen.append(name)
    flash("success", t("scen.saved", name=messages._md(name)), near=near)
    return True


def _submit(key: str, make: Any) -> None:
    """Callback of a save form: make the scenario, keep it, clear the name (the message goes by the form)."""
    ss = st.session_state
    into, name = ss.get(f"scen_into_{key}", NEW), ss.get(f"scen_name_{key}", "")
    near = f"scen_save_{key}"
    try:
        scenario = make(name if into == NEW else into)
    except KatveError as exc:  # a name, or hours Katve will not rewrite by itself
        flash("error", error_text(exc), near=near)
        return
    if _keep(scenario, into, near):
        ss[f"scen_name_{key}"] = ""


def save_box(view: View, make: Any, *, key: str, what: str) -> None:
    """A small form to keep a proposal as a scenario: ``make(name, author)`` returns the Scenario."""
    if not auth.can_edit():
        return
    project = view.project
    author = _author()
    with st.form(f"scen_save_{key}", border=True):
        st.markdown(f"**{t('scen.save_title', what=what)}**")
        cols = st.columns([3, 3])
        choices = [NEW, *[s.name for s in project.scenarios]]
        if st.session_state.get(f"scen_into_{key}") not in choices:
            st.session_state[f"scen_into_{key}"] = NEW
        cols[0].selectbox(t("scen.save_into"), choices, key=f"scen_into_{key}",
                          format_func=lambda c: t("scen.save_new") if c == NEW else c)
        cols[1].text_input(t("scen.name"), max_chars=MAX_NAME, key=f"scen_name_{key}",
                           help=t("scen.name_help"))
        st.form_submit_button(t("scen.save_button"), icon=":material/bookmark_add:", on_click=_submit,
                              args=(key, lambda name: make(name, author)))
        show_flash(near=f"scen_save_{key}")


@st.cache_resource(show_spinner=False, max_entries=8)
def _comparison(_project: Project, token: str, settings_key: str, names: tuple[str, ...],
                include_planned: bool, year: int, lang: str) -> sc.Comparison:
    settings = _settings(settings_key)
    return sc.compare_scenarios(_project, list(names), settings, include_planned=include_planned,
                                model=travel_model(settings), year=year, current_label=t("scen.now", lang))


@st.cache_resource(show_spinner=False, max_entries=8)
def _strips_png(_cmp: sc.Comparison, token: str, settings_key: str, names: tuple[str, ...],
                include_planned: bool, year: int, lang: str) -> bytes:
    from coverage.outputs.printmap import style
    from coverage.outputs.yearstrip import strips_figure

    with style():
        fig = strips_figure([c.year for c in _cmp.columns], [c.name for c in _cmp.columns], lang)
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=100)
    return png.getvalue()


def _chosen(view: View) -> list[str]:
    """The kept scenarios chosen for the comparison (default: the first three)."""
    kept = [s.name for s in view.project.scenarios]
    return [n for n in st.session_state.get(K_COMPARE, kept[: sc.MAX_COMPARED]) if n in kept]


def _year(view: View) -> int:
    """The year of the comparison: the one chosen on Katvealueet, else that of the reference week."""
    return int(st.session_state.get(K_YEAR) or view.week.isocalendar()[0])


def report_comparison(view: View, lang: str) -> Any:
    """A zero-argument callable giving the comparison for the report (the scenarios chosen on Suunnittelu).

    The names and the view are read now (in the page run), the comparison when the report is made;
    ``None`` comes back when the project keeps no scenarios.
    """
    chosen, year = _chosen(view), _year(view)
    args = (view.project, view.token, view.settings_key, tuple(chosen), view.include_planned, year, lang)
    return lambda: _comparison(*args) if chosen else None


def comparison_table(cmp: sc.Comparison, estimated: bool) -> pd.DataFrame:
    """The comparison as shown: one column per scenario (first the project as it is), one row per figure."""
    shown = scenario_rows(cmp, i18n.get_language(), estimated=estimated, names=True)
    frame = pd.DataFrame(dict(shown), index=[c.name for c in cmp.columns]).T
    frame.index.name = t("scen.col.figure")
    return frame


def _accept(name: str) -> None:
    if not auth.can_edit():
        return
    project = current_project()
    try:
        scenario = find_scenario(project, name)
    except ScenarioError:  # removed meanwhile (another tab): nothing to accept
        return
    done = apply_scenario(project, scenario)
    set_project(done.project)
    lines = [t("scen.accepted", name=messages._md(name))]
    for key, names in (("added", done.added), ("closed", done.closed), ("rescheduled", done.rescheduled)):
        if names:
            lines.append(t(f"scen.accepted.{key}", names=messages._md(", ".join(names))))
    for place, reason in done.skipped:
        lines.append(t(f"scen.skipped.{reason}", name=messages._md(place)))
    flash("warning" if done.skipped else "success", "\n\n".join(lines), near="scen_accept")


def _picked() -> None:
    st.session_state[K_COMPARE] = list(st.session_state.get("scen_pick") or [])


def _delete(name: str) -> None:
    if auth.can_edit():
        set_project(without_scenario(current_project(), name))
        flash("success", t("scen.deleted", name=messages._md(name)), near="scen_list")


def _by_hand_box(view: View) -> None:
    project = view.project
    places = project.places
    if not len(places) or not auth.can_edit():
        return
    ss = st.session_state
    status = places["status"].astype(str)
    label = dict(zip(places["id"].astype(str), places["name"].astype(str), strict=True))
    author = _author()

    def make(name: str) -> Scenario:
        return sc.by_hand(current_project(), name, planned=ss.get("scen_hand_planned") or [],
                          close=ss.get("scen_hand_close") or [], author=author)

    with st.expander(t("scen.by_hand")):
        with st.form("scen_save_hand"):
            st.multiselect(t("scen.by_hand.planned"), list(places["id"][status == "planned"]),
                           format_func=lambda i: label.get(str(i), str(i)), key="scen_hand_planned")
            st.multiselect(t("scen.by_hand.close"), list(places["id"][status != "candidate"]),
                           format_func=lambda i: label.get(str(i), str(i)), key="scen_hand_close")
            st.text_input(t("scen.name"), max_chars=MAX_NAME, key="scen_name_hand", help=t("scen.name_help"))
            st.form_submit_button(t("scen.save_button"), icon=":material/bookmark_add:", on_click=_submit,
                                  args=("hand", make))
            show_flash(near="scen_save_hand")


def show_scenarios(view: View) -> None:
    """Draw the section: the kept scenarios, a new one by hand, the comparison, accepting one."""
    ss = st.session_state
    project = view.project
    st.write(t("scen.intro"))
    _by_hand_box(view)
    kept = project.scenarios
    if not kept:
        st.info(t("scen.none"))
        return
    st.dataframe(pd.DataFrame({
        t("scen.col.name"): [s.name for s in kept],
        t("scen.col.changes"): [changes_text(s, view.lang) for s in kept],
        t("scen.col.created"): [s.created[:10] for s in kept],
        t("scen.col.author"): [s.author or "–" for s in kept],
    }), hide_index=True, width="stretch", key="scen_list_table")
    show_flash(near="scen_list")
    names = [s.name for s in kept]
    ss["scen_pick"] = _chosen(view)  # widget state goes while another page runs; the choice is in K_COMPARE
    picked = st.multiselect(t("scen.compare_pick", n=sc.MAX_COMPARED), names, key="scen_pick",
                            max_selections=sc.MAX_COMPARED, on_change=_picked)
    year = _year(view)
    estimated = bool(project.areas.get("children_estimated", pd.Series([False])).astype(bool).any())
    if picked:
        args = (view.token, view.settings_key, tuple(picked), view.include_planned, year, view.lang)
        try:
            with st.spinner(t("scen.computing")):
                cmp = _comparison(project, *args)
        except ScenarioError as exc:
            st.error(error_text(exc))
            return
        st.markdown(f"**{t('scen.compare_title', year=year)}**")
        st.table(comparison_table(cmp, estimated))
        st.caption(t("scen.compare_caption", share=i18n.fmt_share(sc.BLIND_VILLAGE_SHARE, 0))
                   + (" " + t("scen.estimated") if estimated else ""))
        png = _strips_png(cmp, *args)
        alt = " ".join(t("scen.strip_alt", name=c.name, weeks=weeks_text(c.weeks_closed, view.lang))
                       for c in cmp.columns)
        st.image(png, width="stretch", alt=t("year.strip.alt", year=year) + " " + alt)
        st.caption(t("year.strip.legend"))
    if not auth.can_edit():
        return
    with st.container(border=True):
        cols = st.columns([3, 2, 2])
        pick = cols[0].selectbox(t("scen.accept_pick"), names, key="scen_accept_pick")
        cols[1].button(t("scen.accept"), key="scen_accept", icon=":material/done_all:", on_click=_accept,
                       args=(pick,), help=t("scen.accept_help"))
        cols[2].button(t("scen.delete"), key="scen_delete", icon=":material/delete:", on_click=_delete,
                       args=(pick,))
        st.caption(t("scen.accept_help"))
        show_flash(near="scen_accept")
