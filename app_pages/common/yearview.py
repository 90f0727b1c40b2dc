"""The year strip of Katvealueet (issue 17): the cached year coverage and its view."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pandas as pd
import streamlit as st

from coverage.analysis.year import YearResult, year_coverage
from coverage.core import i18n
from coverage.core.i18n import t
from coverage.core.model import Project

from .cache import _settings, travel_model
from .state import View

K_YEAR = "kat_year"


@st.cache_resource(show_spinner=False, max_entries=16)
def _year(_project: Project, token: str, settings_key: str, year: int, include_planned: bool) -> YearResult:
    settings = _settings(settings_key)
    return year_coverage(_project, settings, year=year, include_planned=include_planned,
                         model=travel_model(settings))


@st.cache_resource(show_spinner=False, max_entries=16)
def _strip_png(_project: Project, token: str, settings_key: str, year: int, include_planned: bool,
               lang: str) -> bytes:  # fmt: skip
    """The strip drawn once per view, year and language (matplotlib is the slow part of a rerun)."""
    from coverage.outputs.printmap import style
    from coverage.outputs.yearstrip import year_figure

    result = _year(_project, token, settings_key, year, include_planned)
    with style():
        fig = year_figure(result, lang)
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=100)  # no tight bbox: it draws the figure twice
    return png.getvalue()


def year_result(view: View, year: int) -> YearResult:
    """Cached year coverage of the view (the sidebar's settings and planned-places choice)."""
    return _year(view.project, view.token, view.settings_key, int(year), view.include_planned)


def show_year(view: View) -> None:
    """Draw the year section: the year choice, the gaps in words, the strip, and the weeks as a table."""
    from coverage.outputs.yearstrip import gap_lines, ordinary_line

    default = view.week.isocalendar()[0]
    this = dt.date.today().year
    years = list(range(min(default, this) - 1, max(default, this) + 3))
    if st.session_state.get(K_YEAR) not in years:
        st.session_state[K_YEAR] = default
    year = st.selectbox(t("kat.year.choose"), years, key=K_YEAR)
    result = year_result(view, int(year))
    lang = view.lang
    st.markdown(ordinary_line(result, lang))
    gaps = gap_lines(result, lang)
    if gaps:
        st.markdown("\n".join(f"- {g}" for g in gaps))
    else:
        st.success(t("year.no_gaps", lang))
    png = _strip_png(view.project, view.token, view.settings_key, int(year), view.include_planned, lang)
    # the strip's facts in words for a screen reader (and in the weeks table below)
    alt = t("year.strip.alt", lang, year=int(year)) + " " + (" ".join(gaps) or t("year.no_gaps", lang))
    st.image(png, width="stretch", alt=alt)
    st.caption(t("year.strip.legend", lang))
    with st.expander(t("kat.year.table")):
        st.dataframe(_week_table(result), hide_index=True, width="stretch", key="kat_year_table")


def _week_table(result: YearResult) -> pd.DataFrame:
    cols = [t(f"year.cols.{k}") for k in range(6)]
    w = result.weeks
    data: dict[str, Any] = {
        cols[0]: w["week"],
        cols[1]: [d.strftime("%d.%m.%Y") for d in w["monday"]],
        cols[2]: [i18n.fmt_number(v, 0) for v in w["children_covered"]],
        cols[3]: [i18n.fmt_share(v) for v in w["children_covered_share"]],
        cols[4]: w["sessions"],
        cols[5]: w["places_open"],
    }
    out = pd.DataFrame(data)
    out[t("kat.year.open_places")] = [", ".join(n) for n in result.open_places]
    return out


def show_cell(view: View) -> None:
    """Choose a weekday x daypart cell of the matrix: the places open then, the villages beyond reach then."""
    from coverage.core.schedule import DAYPARTS, WEEKDAYS

    cols = st.columns(2)
    day = cols[0].selectbox(t("kat.cell.weekday"), list(WEEKDAYS), key="kat_cell_day",
                            format_func=lambda d: i18n.weekday_name(WEEKDAYS.index(d)))
    part = cols[1].selectbox(t("kat.cell.daypart"), [k for k, _a, _b in DAYPARTS], key="kat_cell_part",
                             format_func=lambda p: t(f"daypart.{p}"))
    detail = _cell(view.project, view.token, view.settings_key, str(day), str(part), view.week,
                   view.include_planned)
    covered = detail.result.summary["children_covered"]
    st.markdown(t("kat.cell.summary", when=f"{i18n.weekday_name(WEEKDAYS.index(day))} {t(f'daypart.{part}')}",
                  n=len(detail.places), children=i18n.fmt_number(covered, 0)))
    if len(detail.places):
        st.dataframe(pd.DataFrame({
            t("kat.cell.place"): detail.places["name"],
            t("kat.cell.hours"): [h.replace("-", "–") for h in detail.places["hours"]],
        }), hide_index=True, width="stretch", key="kat_cell_places")
    v = detail.villages
    if len(v):
        st.dataframe(pd.DataFrame({
            t("kat.cell.village"): v["name"].astype(str),
            t("kat.cell.uncovered"): [i18n.fmt_number(x, 0) for x in v["children_uncovered"]],
        }), hide_index=True, width="stretch", key="kat_cell_villages")


@st.cache_resource(show_spinner=False, max_entries=32)
def _cell(_project: Project, token: str, settings_key: str, day: str, part: str, week: dt.date,
          include_planned: bool) -> Any:
    from coverage.analysis.cell import cell_detail

    settings = _settings(settings_key)
    return cell_detail(_project, day, part, settings, week=week, include_planned=include_planned,
                       model=travel_model(settings))
