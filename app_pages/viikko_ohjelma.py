"""Viikko-ohjelma: the week's programme of all meeting places, a calendar-like grid by weekday."""

import datetime as dt

import pandas as pd
import streamlit as st

from app_pages.common import messages, state
from coverage.analysis import week
from coverage.core import i18n
from coverage.core.i18n import t
from coverage.outputs import document

view = state.current_view()
st.header(t("vo.header"))
state.show_flash()
picked = st.date_input(t("vo.week"), value=view.week, key="vo_week", format="DD.MM.YYYY")
monday = picked - dt.timedelta(days=picked.weekday())
statuses = ("existing", "planned") if view.include_planned else ("existing",)
sessions, bad = week.programme(view.project.places, monday, statuses=statuses)
st.caption(
    t(
        "vo.caption",
        monday=messages.date_text(monday),
        sunday=messages.date_text(monday + dt.timedelta(days=6)),
    )
)
if bad:
    st.warning(t("vo.bad_hours", names=messages._md(", ".join(bad))))
if not len(sessions):
    st.info(t("vo.empty_week"))

days = st.columns(7)
for d, column in enumerate(days):
    day = monday + dt.timedelta(days=d)
    with column:
        st.markdown(f"**{i18n.weekday_name(d).capitalize()}**  \n{messages.date_text(day)}")
        todays = sessions[sessions["weekday"] == d] if len(sessions) else sessions
        if not len(todays):
            st.caption(t("vo.empty_day"))
        for _i, s in todays.iterrows():
            colour = document.ORGANISER_COLORS.get(s["organiser_type"], document.ORGANISER_COLORS["other"])
            with st.container(border=True):
                st.markdown(f":material/schedule: **{s['start']:%H:%M}–{s['end']:%H:%M}**")
                st.markdown(messages._md(s["name"]))
                if s["organiser"]:
                    st.caption(messages._md(s["organiser"]))
                if s["status"] != "existing":
                    st.caption(i18n.label("status", s["status"]))
                st.html(f'<div style="height:4px;border-radius:2px;background:{colour}"></div>')

if len(sessions):
    with st.expander(t("vo.table")):
        st.dataframe(
            pd.DataFrame(
                {
                    t("vo.col.weekday"): [i18n.weekday_name(d) for d in sessions["weekday"]],
                    t("vo.col.date"): [messages.date_text(d) for d in sessions["date"]],
                    t("vo.col.start"): [f"{a:%H:%M}" for a in sessions["start"]],
                    t("vo.col.end"): [f"{b:%H:%M}" for b in sessions["end"]],
                    t("vo.col.place"): sessions["name"],
                    t("vo.col.organiser"): sessions["organiser"],
                    t("vo.col.address"): sessions["address"],
                    t("vo.col.status"): [i18n.label("status", s) for s in sessions["status"]],
                }
            ),
            hide_index=True,
            width="stretch",
            key="vo_table",
        )
