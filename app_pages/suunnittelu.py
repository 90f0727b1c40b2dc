"""Suunnittelu: propose new meeting-place sites, compare before/after, accept them as planned places.

The plan follows the sidebar (mode, threshold, time, *count planned places*) and the options of the form;
it is computed when the form is sent (then cached per project, settings and options: coming back is
instant) and becomes ``common.current_plan()``, which the Vienti page puts into the exports.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from app_pages.common import auth, cache, frame, messages, reschedview, scenarioview, state
from coverage.analysis.villages import village_of
from coverage.core import errors, i18n, schedule
from coverage.core.i18n import t
from coverage.outputs import webmap
from coverage.planning import core, scenarios
from coverage.planning import plan as planning_plan

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


# the form shows the options of the plan on display (widget state is dropped while another page runs)
shown = cache.plan_options(ss.get(state.K_PLAN_OPTIONS))
for key, option in WIDGETS.items():
    if key not in ss:
        ss[key] = _widget_value(option, shown[option])

n_layer = len(project.candidates) if project.candidates is not None else 0
with st.form("plan_form"):
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
    submitted = st.form_submit_button(t("suunnittelu.run"), type="primary", icon=":material/calculate:")

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


NEXT_TO_M = 300.0  # a proposed site this close to a place is that place: add a session there instead


def _next_to_a_place(sites: pd.DataFrame) -> list[str]:
    """Per proposed site: "add a session to <place>" when an existing or planned place is within 300 m."""
    places = project.places
    if not len(places) or not len(sites) or "geometry" not in sites:
        return [""] * len(sites)
    places = places.to_crs(3067) if places.crs is not None else places
    counted = places[places["status"].astype(str).isin(["existing", "planned"])]
    geoms = sites.geometry.to_crs(3067) if getattr(sites, "crs", None) is not None else sites.geometry
    out = []
    for g in geoms:
        d = counted.geometry.distance(g)
        out.append(t("resched.add_session", name=str(counted["name"].iat[int(d.to_numpy().argmin())]))
                   if len(d) and float(d.min()) <= NEXT_TO_M else "")
    return out


def summary_table(before: dict, after: dict, after_label: str) -> pd.DataFrame:
    """Before/after figures as shown (formatted text)."""
    rows = []
    for key, label, digits, share in (
        ("children_covered", "suunnittelu.row.children", 0, False),
        ("children_covered_share", "suunnittelu.row.share", 1, True),
        ("population_covered", "suunnittelu.row.population", 0, False),
        ("places_counted", "suunnittelu.row.places", 0, False),
    ):
        b, a = before.get(key), after.get(key)
        show = (lambda v: i18n.fmt_share(v, lang=lang)) if share else (lambda v, d=digits: _fmt(v, d))
        rows.append(
            {
                t("suunnittelu.col.figure"): t(label),
                t("suunnittelu.col.before"): show(b),
                after_label: show(a),
                t("suunnittelu.col.change"): _delta(b, a, digits, share=share),
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


def changed_table(changed: pd.DataFrame, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Villages whose children change status, as shown: children, cells, minutes, the proposals behind."""
    rows = changed.assign(_village=village_of(changed).to_numpy(object))
    rows["_by"] = (
        [labels.get(str(v), "") if isinstance(v, str) else "" for v in rows["new_site_id"]]
        if labels is not None and "new_site_id" in rows else ""
    )  # fmt: skip
    out = []
    for (village, covered), group in rows.groupby(["_village", "covered_after"], sort=False):
        line = {
            t("suunnittelu.col.village"): str(village),
            t("suunnittelu.col.children"): _fmt(group["children_0_6"].sum(), 0),
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


def _accept(sites: pd.DataFrame) -> None:
    """Callback: add the proposals picked in the multiselect to the inventory as planned places (unsaved)."""
    picked = sites[sites["label"].isin(ss.get("plan_accept_pick") or [])]
    if not len(picked) or not auth.can_edit():
        return
    try:
        cache.accept_sites(picked.drop(columns=["label"]))
    except errors.KatveError as exc:
        state.flash("error", t("suunnittelu.error", message=messages._md(messages._first_lines(exc))))
        return
    ss[state.K_PLAN_OPTIONS] = None  # the proposal is in the project now; a new plan starts from the form
    names = ", ".join(f"{a}: {n}" for a, n in zip(picked["label"], picked["name"], strict=True))
    state.flash("success", t("suunnittelu.accepted", n=len(picked), names=messages._md(names)))


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
    metrics = st.columns(4 if plan.objective == "median" else 3)
    metrics[0].metric(
        t("suunnittelu.metric.children"),
        f"{_fmt(after['children_covered'])} / {_fmt(after['children_total'])}",
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
        best = [
            f"{i18n.weekday_name(schedule.WEEKDAYS.index(d), lang)} {t(f'daypart.{p}')}"
            if isinstance(d, str)
            and d in schedule.WEEKDAYS
            and isinstance(p, str)
            and i18n.has(f"daypart.{p}")
            else "–"
            for d, p in zip(sites["best_weekday"], sites["best_daypart"], strict=True)
        ]
        st.dataframe(
            pd.DataFrame(
                {
                    t("suunnittelu.col.label"): sites["label"].to_numpy(object),
                    t("suunnittelu.col.name"): sites["name"].astype(str).to_numpy(object),
                    t(gained): [_fmt(v, 1) for v in sites["children_gained"]],
                    t("suunnittelu.col.best"): best,
                    t("suunnittelu.col.then"): [_fmt(v, 1) for v in sites["children_gained_then"]],
                    t("suunnittelu.col.hours"): sites["opening_hours"].astype(str).to_numpy(object),
                    t("suunnittelu.col.candidate"): sites["id"].astype(str).to_numpy(object),
                    t("resched.col.note"): _next_to_a_place(sites),
                }
            ),
            hide_index=True,
            width="stretch",
        )

    st.subheader(t("suunnittelu.before_after"))
    st.table(summary_table(before, after, t("suunnittelu.col.after")))

    st.subheader(t("suunnittelu.changed"))
    if len(plan.changed):
        labels = dict(zip(sites["id"].astype(str), sites["label"], strict=True))
        st.dataframe(changed_table(plan.changed, labels), hide_index=True, width="stretch")
    else:
        st.caption(t("suunnittelu.changed_none"))

    if len(sites) and auth.can_edit():  # a viewer plans but does not accept proposals into the project
        with st.container(border=True):
            st.markdown(f"**{t('suunnittelu.accept')}**")
            all_labels = sites["label"].tolist()
            chosen = st.multiselect(
                t("suunnittelu.accept_pick"),
                all_labels,
                default=all_labels,
                format_func=lambda a: f"{a}: {dict(zip(all_labels, sites['name'], strict=True))[a]}",
                key="plan_accept_pick",
            )
            st.button(
                t("suunnittelu.accept_button"),
                key="plan_accept",
                icon=":material/add_location_alt:",
                disabled=not chosen,
                on_click=_accept,
                args=(sites.copy(),),
                help=t("suunnittelu.accept_help"),
            )
            st.caption(t("suunnittelu.accept_help"))
    if len(sites):
        scenarioview.save_box(view, lambda name, author: scenarios.from_plan(plan, name, author=author),
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
            st.dataframe(changed_table(comparison.changed), hide_index=True, width="stretch")
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
