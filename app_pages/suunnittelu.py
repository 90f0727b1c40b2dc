"""Suunnittelu: propose new meeting-place sites, compare before/after, accept them as planned places.

The plan follows the sidebar (mode, threshold, time, *count planned places*) and the options of the form;
it is computed when its button is pressed (then cached per project, settings and options: coming back is
instant) and becomes ``common.current_plan()``, which the Vienti page puts into the exports. The form's
values and the accept picks are kept in plain session-state dicts, so a visit to another page loses none.

What it shows says one thing (issue 17 part 5): the best time and the suggested session in one column,
children as whole numbers (``≈`` for estimates) whose per-site parts add up to the change shown, names not
internal ids, and "add a session: <place>" where the best site is an existing place closed at the time.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from app_pages.common import auth, cache, frame, messages, reschedview, scenarioview, state
from coverage.analysis.villages import village_of
from coverage.core import errors, i18n, schedule
from coverage.core.hours import describe_hours
from coverage.core.i18n import t
from coverage.outputs import webmap
from coverage.planning import core, scenarios
from coverage.planning import plan as planning_plan
from coverage.planning.sites import session_rows

OBJECTIVES = list(planning_plan.OBJECTIVES)  # cover, set_cover, median
METHODS = list(core.METHODS)  # auto, exact, greedy
SPACINGS = [500, 1000, 2000, 3000, 5000]
K_RANGE = (1, 20)
WIDGETS = {  # widget key -> option name (see common.PLAN_DEFAULTS)
    "plan_objective": "objective",
    "plan_k": "k",
    "plan_target": "target_share",
    "plan_candidates": "candidates",
    "plan_spacing": "spacing_m",
    "plan_time_limit": "time_limit",
    "plan_method": "method",
}
FORM_MEMORY = "plan_form_values"  # the form's current values: kept while another page runs
ACCEPT_MEMORY = "plan_accept_memory"  # (proposal ids, labels picked to accept)

ss = st.session_state
view = state.current_view()
lang = view.lang
project = view.project
frame.page_header(
    t("suunnittelu.header", name=messages._md(project.municipality_name or state.source_label(view.source))),
    view,
)
st.write(t("suunnittelu.intro"))
if view.include_planned:
    st.caption(t("suunnittelu.planned_counted"))


def _widget_value(option: str, value: Any) -> Any:
    """An option as its widget shows it (share in per cent, spacing as a whole number of metres)."""
    if option == "target_share":
        return round(float(value) * 100)
    if option in ("spacing_m", "k"):
        return int(value)
    return value


# Streamlit drops the state of widgets not shown while another page runs: the form comes back with the
# values it last had (FORM_MEMORY, kept in a plain dict), else the options of the plan on display
saved = ss.get(FORM_MEMORY) or {}
shown = cache.plan_options(ss.get(state.K_PLAN_OPTIONS))
for key, option in WIDGETS.items():
    if key not in ss:
        ss[key] = saved[key] if key in saved else _widget_value(option, shown[option])

n_layer = len(project.candidates) if project.candidates is not None else 0
# Plain widgets in a box, not an st.form: a form sends its values only when submitted, so a K typed but not
# yet computed would be unknown here and lost when the user visits another page. Nothing is computed
# before the button is pressed.
with st.container(border=True):
    cols = st.columns([3, 2, 2])
    cols[0].radio(
        t("suunnittelu.objective"),
        OBJECTIVES,
        format_func=lambda o: t(f"suunnittelu.objective.{o}", lang),
        key="plan_objective",
        help=t("suunnittelu.objective_help"),
    )
    cols[1].number_input(t("suunnittelu.k"), min_value=K_RANGE[0], max_value=K_RANGE[1], step=1, key="plan_k")
    cols[1].slider(
        t("suunnittelu.target"), 50, 100, step=1, key="plan_target", help=t("suunnittelu.target_help")
    )
    if n_layer:
        cols[2].radio(
            t("suunnittelu.candidates"),
            ["layer", "generated"],
            format_func=lambda c: t(f"suunnittelu.candidates.{c}", lang, n=n_layer),
            key="plan_candidates",
        )
    else:
        cols[2].caption(t("suunnittelu.candidates_generated_only"))
    cols[2].select_slider(
        t("suunnittelu.spacing"),
        SPACINGS,
        format_func=lambda m: f"{i18n.fmt_number(m / 1000, 1 if m % 1000 else 0, lang=lang)} km",
        key="plan_spacing",
    )
    with st.expander(t("suunnittelu.solver")):
        solver = st.columns(2)
        solver[0].number_input(
            t("suunnittelu.time_limit"), min_value=1, max_value=600, step=5, key="plan_time_limit"
        )
        solver[1].selectbox(
            t("suunnittelu.method"),
            METHODS,
            format_func=lambda m: t(f"suunnittelu.method.{m}", lang),
            key="plan_method",
        )
    submitted = st.button(t("suunnittelu.run"), key="plan_run", type="primary", icon=":material/calculate:")
ss[FORM_MEMORY] = {key: ss[key] for key in WIDGETS if key in ss}

if submitted:
    ss[state.K_PLAN_OPTIONS] = {
        "objective": ss["plan_objective"],
        "k": int(ss["plan_k"]),
        "target_share": ss["plan_target"] / 100,
        "candidates": ss.get("plan_candidates", "layer"),
        "spacing_m": float(ss["plan_spacing"]),
        "time_limit": float(ss["plan_time_limit"]),
        "method": ss["plan_method"],
    }


def _fmt(value: Any, digits: int = 0) -> str:
    return i18n.fmt_number(value, digits, lang=lang)


def _seconds(value: float) -> str:
    """Seconds with two decimals; ``< 0,01`` rather than a misleading ``0,00``."""
    return f"< {_fmt(0.01, 2)}" if float(value) < 0.005 else _fmt(value, 2)


def _delta(before: Any, after: Any, digits: int = 0, *, share: bool = False, minus: str = "−") -> str:
    """Signed change as text (``minus="-"`` for st.metric, which reads an ASCII sign for the arrow)."""
    try:
        # the change of the figures as shown: 2 079 − 1 374 = +705, never +706 from unrounded values
        scale = 100 if share else 1  # a share is shown in per cent
        diff = (round(float(after) * scale, digits) - round(float(before) * scale, digits)) / scale
    except (TypeError, ValueError):
        return "–"
    if share:  # a change of a share is in percentage points
        text = t("suunnittelu.pp", value=_fmt(abs(diff) * 100, 1))
    else:
        text = _fmt(abs(diff), digits)
    return ("+" if diff > 0 else minus if diff < 0 else "±") + text


def _metric_delta(before: Any, after: Any, digits: int = 0, *, share: bool = False) -> str | None:
    """The delta of an st.metric: ``None`` (no arrow) when nothing changes."""
    try:
        if round(float(after) - float(before), 9) == 0:
            return None
    except (TypeError, ValueError):
        return None
    return _delta(before, after, digits, share=share, minus="-")


_areas = project.areas


def _estimated_flags(areas: pd.DataFrame) -> Any:
    """Per area: its children 0-6 are an estimate (``children_estimated``; unreadable or missing: no)."""
    if "children_estimated" not in areas or not len(areas):
        return pd.Series(False, index=areas.index).to_numpy(bool)
    flags = areas["children_estimated"]
    try:
        return flags.astype("boolean").fillna(False).to_numpy(bool)
    except (TypeError, ValueError):  # text such as "kyllä": only a plain true counts
        return flags.astype(str).str.strip().str.lower().isin(["true", "1"]).to_numpy(bool)


_est = _estimated_flags(_areas)
ESTIMATED_IDS = set(_areas["id"].astype(str).to_numpy(object)[_est]) if len(_areas) else set()
ANY_ESTIMATED = bool(ESTIMATED_IDS)


def _kids(value: Any, estimated: bool = ANY_ESTIMATED) -> str:
    """A child count as shown: a whole number, ``≈ `` in front when it counts estimated children."""
    return ("≈ " if estimated else "") + _fmt(value, 0)


def _estimated(area_ids: Any) -> bool:
    return any(str(a) in ESTIMATED_IDS for a in area_ids)


def _site_name(row: Any) -> str:
    """A proposal's name as shown: the village-based name, or "add a session: <place>"."""
    target = row.get("add_session_to") if hasattr(row, "get") else None
    if isinstance(target, str) and target.strip():
        return t("plan17.add_session_name", name=str(row["name"]))
    return str(row["name"])


def _when(day: Any, part: Any, hours: Any) -> str:
    """The best time and the session in it, in words: ``tiistai aamupäivä, ti 9–11``."""
    words = []
    if isinstance(day, str) and day in schedule.WEEKDAYS:
        words.append(i18n.weekday_name(schedule.WEEKDAYS.index(day), lang))
        if isinstance(part, str) and i18n.has(f"plan17.daypart.{part}"):
            words.append(t(f"plan17.daypart.{part}"))
    text = " ".join(words)
    session = describe_hours(str(hours), lang) if isinstance(hours, str) and hours.strip() else ""
    return ", ".join(w for w in (text, session) if w) or "–"


def _shown_gain(before: dict, after: dict) -> int:
    """The change of children covered as shown: the difference of the rounded figures."""
    return round(float(after["children_covered"])) - round(float(before["children_covered"]))


def summary_table(
    before: dict, after: dict, after_label: str, estimated: bool = ANY_ESTIMATED
) -> pd.DataFrame:
    """Before/after figures as shown (formatted text; children whole, ``≈`` when estimated)."""
    rows = []
    for key, label, digits, share in (
        ("children_covered", "suunnittelu.row.children", 0, False),
        ("children_covered_share", "suunnittelu.row.share", 1, True),
        ("population_covered", "suunnittelu.row.population", 0, False),
        ("places_counted", "suunnittelu.row.places", 0, False),
    ):
        b, a = before.get(key), after.get(key)
        kids = key == "children_covered"
        show = (
            (lambda v: i18n.fmt_share(v, lang=lang))
            if share
            else (lambda v: _kids(v, estimated))
            if kids
            else (lambda v, d=digits: _fmt(v, d))
        )
        change = _delta(b, a, digits, share=share)
        rows.append(
            {
                t("suunnittelu.col.figure"): t(label),
                t("suunnittelu.col.before"): show(b),
                after_label: show(a),
                t("suunnittelu.col.change"): ("≈ " if kids and estimated else "") + change,
            }
        )
    blind_b = before.get("areas_total", 0) - before.get("areas_covered", 0)
    blind_a = after.get("areas_total", 0) - after.get("areas_covered", 0)
    rows.append(
        {
            t("suunnittelu.col.figure"): t("suunnittelu.row.blind"),
            t("suunnittelu.col.before"): _fmt(blind_b),
            after_label: _fmt(blind_a),
            t("suunnittelu.col.change"): _delta(blind_b, blind_a),
        }
    )
    return pd.DataFrame(rows).set_index(t("suunnittelu.col.figure"))


def changed_table(
    changed: pd.DataFrame, labels: dict[str, str] | None = None, total: int | None = None
) -> pd.DataFrame:
    """Villages whose children change status, as shown: children, cells, minutes, the proposals behind.

    Children are whole (``≈`` when estimated); when every village comes within reach, they add up to
    ``total`` (the shown change of children covered), else to their rounded sum.
    """
    rows = changed.assign(_village=village_of(changed).to_numpy(object))
    rows["_by"] = (
        [labels.get(str(v), "") if isinstance(v, str) else "" for v in rows["new_site_id"]]
        if labels is not None and "new_site_id" in rows else ""
    )  # fmt: skip
    out = []
    groups = list(rows.groupby(["_village", "covered_after"], sort=False))
    sums = [float(pd.to_numeric(g["children_0_6"], errors="coerce").fillna(0).sum()) for _k, g in groups]
    all_covered = all(bool(covered) for (_v, covered), _g in groups)
    whole = planning_plan.whole_numbers(sums, total if all_covered else None)
    for ((village, covered), group), n_kids in zip(groups, whole, strict=True):
        line = {
            t("suunnittelu.col.village"): str(village),
            t("suunnittelu.col.children"): _kids(n_kids, _estimated(group["id"])),
            t("suunnittelu.col.cells"): _fmt(len(group)),
            t("suunnittelu.col.min_before"): i18n.fmt_range(group["minutes_before"].min(),
                                                            group["minutes_before"].max()),
            t("suunnittelu.col.min_after"): i18n.fmt_range(group["minutes_after"].min(),
                                                           group["minutes_after"].max()),
            t("suunnittelu.col.status"): t(
                "suunnittelu.became_covered" if bool(covered) else "suunnittelu.became_blind"
            ),
        }  # fmt: skip
        if labels is not None:
            line[t("suunnittelu.col.by")] = ", ".join(sorted({b for b in group["_by"] if b}))
        out.append((-float(group["children_0_6"].sum()), str(village), line))
    return pd.DataFrame([line for _k, _v, line in sorted(out, key=lambda r: (r[0], r[1]))])


def _accept(sites: pd.DataFrame, at: Any = None) -> None:
    """Callback: add the proposals picked in the multiselect to the inventory (unsaved): new sites as
    planned places, "add a session" proposals as a session in their existing place's opening hours."""
    picked = sites[sites["label"].isin(ss.get("plan_accept_pick") or [])]
    if not len(picked) or not auth.can_edit():
        return
    try:
        cache.accept_sites(picked.drop(columns=["label"]), at=at)
    except errors.KatveError as exc:
        state.flash("error", t("suunnittelu.error", message=messages._md(messages._first_lines(exc))))
        return
    ss[state.K_PLAN_OPTIONS] = None  # the proposal is in the project now; a new plan starts from the form
    sessions = session_rows(picked)
    messages_out = []
    new = picked[~sessions]
    if len(new):
        names = ", ".join(f"{a}: {n}" for a, n in zip(new["label"], new["name"], strict=True))
        messages_out.append(t("suunnittelu.accepted", n=len(new), names=messages._md(names)))
    if sessions.any():
        added = picked[sessions]
        names = ", ".join(
            f"{a}: {n} ({describe_hours(str(h), lang)})"
            for a, n, h in zip(added["label"], added["name"], added["opening_hours"], strict=True)
        )
        messages_out.append(t("plan17.sessions_added", n=len(added), names=messages._md(names)))
        if not len(new):
            messages_out.append(t("plan17.unsaved"))
    state.flash("success", " ".join(messages_out))


options = ss.get(state.K_PLAN_OPTIONS)
plan = None
if options is None:
    st.info(t("suunnittelu.start"))
else:
    try:
        with st.spinner(t("suunnittelu.running")):
            plan = cache.plan_result(view, options)
    except errors.UnreachableTargetError as exc:
        st.error(
            t(
                "suunnittelu.unreachable",
                target=i18n.fmt_share(exc.target_share, lang=lang),
                n=exc.n_candidates,
                best=i18n.fmt_share(exc.max_share, lang=lang),
                now=i18n.fmt_share(exc.current_share, lang=lang),
            )
        )
    except errors.CandidatesNearPlacesError as exc:
        st.error(t("plan17.all_near", n=exc.n_candidates, m=_fmt(exc.near_m)))
    except errors.KatveError as exc:
        st.error(t("suunnittelu.error", message=messages._md(messages._first_lines(exc))))

if plan is not None:
    sol = plan.solution
    method = (
        t(f"suunnittelu.method.{sol.method}") if i18n.has(f"suunnittelu.method.{sol.method}") else sol.method
    )
    if plan.optimal:
        st.success(t("suunnittelu.optimal", method=method), icon=":material/verified:")
    else:
        st.warning(
            t(
                "suunnittelu.not_optimal",
                gap=i18n.fmt_share(plan.gap, 2, lang=lang),
                method=method,
                status=sol.status,
            )
        )
    st.caption(
        t(
            "suunnittelu.solve_time",
            solve=_seconds(sol.seconds),
            total=_seconds(sol.details.get("plan_seconds", sol.seconds)),
            n=_fmt(len(plan.candidates)),
            value=_fmt(plan.value, 1 if plan.objective == "median" else 0),
            unit=t(f"suunnittelu.unit.{plan.objective}"),
        )
    )

    before, after = plan.before, plan.after
    sites = plan.new_sites.copy()
    sites.insert(0, "label", webmap.proposal_labels(len(sites)))
    shown_names = [_site_name(r) for r in sites.to_dict("records")]
    metrics = st.columns(4 if plan.objective == "median" else 3)
    metrics[0].metric(
        t("suunnittelu.metric.children"),
        f"{_kids(after['children_covered'])} / {_fmt(after['children_total'])}",
        delta=_metric_delta(before["children_covered"], after["children_covered"]),
    )
    metrics[1].metric(
        t("suunnittelu.metric.share"),
        i18n.fmt_share(after["children_covered_share"], lang=lang),
        delta=_metric_delta(before["children_covered_share"], after["children_covered_share"], share=True),
    )
    metrics[2].metric(t("suunnittelu.metric.sites"), str(len(sites)))
    if plan.objective == "median":
        metrics[3].metric(
            t("suunnittelu.metric.minutes"),
            _fmt(sol.after, 1),
            delta=_metric_delta(sol.before, sol.after, 1),
            delta_color="inverse",
            help=t("suunnittelu.metric.minutes_help"),
        )

    if not len(sites):
        st.info(t("suunnittelu.no_sites"))
    elif plan.k is not None and len(sites) < plan.k:
        st.info(t("suunnittelu.fewer_sites", n=len(sites), k=plan.k))

    result = messages.guarded(lambda: cache.analysis(view))
    m = webmap.plan_map(project, plan, result, lang=lang)
    if frame.map_ready():
        st_folium(
            m, key="suunnittelu_map", height=560, use_container_width=True, returned_objects=[], render=False
        )
    st.caption(t("suunnittelu.map_caption"))

    if len(sites):
        st.subheader(t("suunnittelu.proposals"))
        gained = "suunnittelu.col.nearest" if plan.objective == "median" else "suunnittelu.col.gained"
        # whole children adding up to the shown change of children covered (median: to their rounded sum)
        whole = planning_plan.whole_numbers(
            sites["children_gained"], None if plan.objective == "median" else _shown_gain(before, after)
        )
        by_site = plan.areas.groupby(plan.areas["new_site_id"].astype(object))["id"]
        site_areas = {str(k): list(v) for k, v in by_site}
        st.dataframe(
            pd.DataFrame(
                {
                    t("suunnittelu.col.label"): sites["label"].to_numpy(object),
                    t("suunnittelu.col.name"): shown_names,
                    t(gained): [
                        _kids(v, _estimated(site_areas.get(str(i), [])))
                        for v, i in zip(whole, sites["id"], strict=True)
                    ],
                    t("plan17.col.when"): [
                        _when(d, p, h)
                        for d, p, h in zip(
                            sites["best_weekday"], sites["best_daypart"], sites["opening_hours"], strict=True
                        )
                    ],
                    t("suunnittelu.col.then"): [_kids(v) for v in sites["children_gained_then"]],
                }
            ),
            hide_index=True,
            width="stretch",
        )
        if ANY_ESTIMATED:
            st.caption(t("plan17.estimated"))

    st.subheader(t("suunnittelu.before_after"))
    st.table(summary_table(before, after, t("suunnittelu.col.after")))

    st.subheader(t("suunnittelu.changed"))
    if len(plan.changed):
        labels = dict(zip(sites["id"].astype(str), sites["label"], strict=True))
        st.dataframe(
            changed_table(plan.changed, labels, _shown_gain(before, after)), hide_index=True, width="stretch"
        )
    else:
        st.caption(t("suunnittelu.changed_none"))

    if len(sites) and auth.can_edit():  # a viewer plans but does not accept proposals into the project
        with st.container(border=True):
            st.markdown(f"**{t('suunnittelu.accept')}**")
            all_labels = sites["label"].tolist()
            shown_by_label = dict(zip(all_labels, shown_names, strict=True))
            ids = tuple(sites["id"].astype(str))
            memory = ss.get(ACCEPT_MEMORY)
            if memory is None or tuple(memory[0]) != ids:  # another plan: all its proposals picked
                ss["plan_accept_pick"] = all_labels
            elif "plan_accept_pick" not in ss:  # back from another page: the picks as they were
                ss["plan_accept_pick"] = [a for a in memory[1] if a in shown_by_label]
            chosen = st.multiselect(
                t("suunnittelu.accept_pick"),
                all_labels,
                format_func=lambda a: f"{a}: {shown_by_label[a]}",
                key="plan_accept_pick",
            )
            ss[ACCEPT_MEMORY] = (ids, list(chosen))
            st.button(
                t("plan17.accept_button_sessions" if session_rows(sites).any()
                  else "suunnittelu.accept_button"),
                key="plan_accept",
                icon=":material/add_location_alt:",
                disabled=not chosen,
                on_click=_accept,
                args=(sites.copy(), plan.at),
                help=t("suunnittelu.accept_help"),
            )
            st.caption(t("suunnittelu.accept_help"))
            if session_rows(sites).any():
                st.caption(t("plan17.accept_session_help"))
    if len(sites):
        scenarioview.save_box(
            view, lambda name, author: scenarios.from_plan(plan, name, project=project, author=author),
            key="plan", what=t("scen.what.plan"))

# --- the hand-made scenario: places marked "planned" -------------------------------------------------------
st.subheader(t("suunnittelu.scenario"))
places = project.places
planned = places[places["status"].astype(str) == "planned"] if len(places) else places
if not len(planned):
    st.info(t("suunnittelu.scenario_none"))
else:
    st.write(t("suunnittelu.scenario_intro", names=messages._md(", ".join(planned["name"].astype(str)))))
    comparison = messages.guarded(lambda: cache.scenario_comparison(view))
    if comparison is not None:
        st.table(summary_table(comparison.before, comparison.after, t("suunnittelu.col.after_planned")))
        if len(comparison.changed):
            st.dataframe(
                changed_table(comparison.changed, total=_shown_gain(comparison.before, comparison.after)),
                hide_index=True,
                width="stretch",
            )
        else:
            st.caption(t("suunnittelu.changed_none"))
    st.caption(t("suunnittelu.scenario_map_hint"))

# --- rescheduling existing sessions (issue 17) ------------------------------------------------------------
st.subheader(t("resched.header"))
if ss.get("resched_done"):
    st.success(t("resched.accepted", names=messages._md(ss.pop("resched_done"))))
if ss.get("resched_error"):
    st.error(ss.pop("resched_error"))
reschedview.show_reschedule(view)

# --- named scenarios side by side (issue 17 part 3) -------------------------------------------------------
st.subheader(t("scen.header"))
scenarioview.show_scenarios(view)
