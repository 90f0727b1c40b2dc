"""Inside a matrix cell (issue 17): the places open then, the villages beyond reach then."""

from __future__ import annotations

import datetime as dt

import pytest

from coverage.analysis.cell import cell_detail
from coverage.analysis.week import weekday_matrix
from coverage.core import i18n
from coverage.core.schedule import DAYPARTS, WEEKDAYS, is_open
from coverage.io.datasets import load_dataset

WEEK = dt.date(2027, 2, 1)


@pytest.mark.parametrize("day", WEEKDAYS)
def test_cell_agrees_with_the_matrix_and_the_opening_hours(day):
    project = load_dataset("vihti")
    matrix = weekday_matrix(project, week=WEEK)
    total = project.areas["children_0_6"].sum()
    for part, h0, h1 in DAYPARTS:
        d = cell_detail(project, day, part, week=WEEK)
        assert d.result.summary["children_covered"] == pytest.approx(matrix.loc[day, part])
        # a place listed is open in that daypart (some quarter hour), a place not listed is not open 30 min
        when = [dt.datetime.combine(WEEK + dt.timedelta(days=WEEKDAYS.index(day)), dt.time(h, m))
                for h in range(h0, h1) for m in (0, 15, 30, 45)]
        for r in project.places.itertuples():
            quarters = sum(is_open(r.opening_hours, w) for w in when)
            assert (r.id in set(d.places["id"])) == (quarters >= 2), (day, part, r.name)
        assert d.villages["children_uncovered"].sum() == pytest.approx(total - matrix.loc[day, part])


def test_katvealueet_shows_inside_the_chosen_cell(app):
    app.switch_page("app_pages/katvealueet.py").run()
    app.selectbox(key="kat_cell_day").set_value("Th").run()
    app.selectbox(key="kat_cell_part").set_value("evening").run()
    assert not app.exception, app.exception
    places = next(d.value for d in app.dataframe if "Auki oleva paikka" in d.value.columns)
    assert places["Auki oleva paikka"].tolist() == ["MLL:n iltaperhekahvila Ojakkala"]
    villages = next(d.value for d in app.dataframe if "Kylä katveessa silloin" in d.value.columns)
    assert "Nummela" in villages["Kylä katveessa silloin"].tolist()
    text = " ".join(m.value for m in app.markdown)
    evening = i18n.t("daypart.evening", "fi")
    assert f"torstai {evening}: auki olevia paikkoja 1, lapsia kynnyksen sisällä 1\u00a0005." in text
    assert i18n.t("kat.cell.header", "fi") in text
