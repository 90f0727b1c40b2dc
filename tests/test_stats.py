"""Visitor statistics and outreach (coverage.analysis.stats, python -m coverage stats).

The fixture tests/data/visits_small.csv has seven rows (six sessions: rows 1 and 2 are the same session at V01
on 1.9.2025, split by home village). Every expected figure below is worked out by hand from that file:

    row place date        adults children first_timers multicultural home_area
    1   V01   2025-09-01  4      6        2            1             Nummela
    2   V01   2025-09-01  1      2        -            0             Huhmari
    3   V01   2025-09-08  3      5        1            -             Nummela
    4   V02   2025-09-02  2      3        0            0
    5   V02   2025-09-30  5      7        3            2             tervalampi
    6   V03   2025-10-16  1      1        1            0             Atlantis
    7   V01   2025-10-06  2      2        0            0             03100  (= Nummela's id)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import string
import subprocess
import sys
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coverage.analysis import outreach as analysis_outreach
from coverage.analysis import records, stats
from coverage.cli.main import main
from coverage.core import i18n
from coverage.core.errors import InputError, KatveError
from coverage.core.schedule import TZ
from coverage.io import datasets, importers, store
from coverage.io.datasets import load_dataset

DATA = Path(__file__).parent / "data"
VISITS = DATA / "visits_small.csv"
OUTREACH = DATA / "outreach_small.csv"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def visits() -> pd.DataFrame:
    return importers.read_visits(VISITS).data


@pytest.fixture(scope="module")
def outreach() -> pd.DataFrame:
    return importers.read_outreach(OUTREACH).data


@pytest.fixture()
def project(visits, outreach):
    p = load_dataset("vihti")
    p.visits = visits.copy()
    p.outreach = outreach.copy()
    return p


# --- totals -----------------------------------------------------------------------------------------------

def test_totals_by_hand(visits):
    t = stats.visit_totals(visits)
    assert t["records"] == 7
    assert t["sessions"] == 6  # rows 1 and 2 are one session
    assert t["places"] == 3
    assert t["adults"] == 4 + 1 + 3 + 2 + 5 + 1 + 2 == 18
    assert t["children"] == 6 + 2 + 5 + 3 + 7 + 1 + 2 == 26
    assert t["visitors"] == 44
    # first_timers is missing on row 2 (3 visitors): share over the other rows only
    assert t["first_timers"] == 2 + 1 + 0 + 3 + 1 + 0 == 7
    assert t["first_timer_share"] == pytest.approx(7 / (44 - 3))
    # multicultural is missing on row 3 (8 visitors)
    assert t["multicultural"] == 1 + 0 + 0 + 2 + 0 + 0 == 3
    assert t["multicultural_share"] == pytest.approx(3 / (44 - 8))
    assert t["mean_visitors"] == pytest.approx(44 / 6)
    assert t["mean_children"] == pytest.approx(26 / 6)
    assert t["first_date"] == dt.date(2025, 9, 1)
    assert t["last_date"] == dt.date(2025, 10, 16)


def test_period_is_inclusive(visits):
    t = stats.visit_totals(visits, start="1.10.2025", end=dt.date(2025, 10, 16))
    assert (t["sessions"], t["visitors"], t["children"]) == (2, 4 + 2, 2 + 1)  # rows 7 and 6
    t = stats.visit_totals(visits, end="2025-09-01")
    assert (t["sessions"], t["records"], t["visitors"]) == (1, 2, 10 + 3)  # rows 1 and 2
    with pytest.raises(KatveError, match="ends .* before it starts"):
        stats.visit_totals(visits, start="2025-10-01", end="2025-09-01")
    with pytest.raises(KatveError, match="cannot read the start date '1st of May'"):
        stats.visit_totals(visits, start="1st of May")


def test_recorded_shares_not_zero_filled():
    raw = pd.DataFrame({"place_id": ["a", "a"], "date": ["2025-03-04", "2025-03-11"],
                        "adults": [2, 2], "children": [2, 2]})
    t = stats.visit_totals(raw)  # no optional columns at all
    assert t["first_timers"] is None and math.isnan(t["first_timer_share"])
    assert t["visitors"] == 8 and t["sessions"] == 2


# --- per place, per month --------------------------------------------------------------------------------

def test_per_place_by_hand(project):
    table = stats.visits_per_place(project).set_index("place_id")
    assert list(table.index) == ["V01", "V02", "V03", "V04", "V05", "V06", "V07"]  # project order, zeros kept
    v01 = table.loc["V01"]
    assert (v01["sessions"], v01["records"]) == (3, 4)  # 1.9. (rows 1+2), 8.9., 6.10.
    assert (v01["adults"], v01["children"], v01["visitors"]) == (4 + 1 + 3 + 2, 6 + 2 + 5 + 2, 25)
    assert v01["first_timers"] == 3
    assert v01["first_timer_share"] == pytest.approx(3 / (10 + 8 + 4))  # row 2 has no first_timers
    assert v01["mean_visitors"] == pytest.approx(25 / 3)
    assert v01["mean_children"] == pytest.approx(15 / 3)
    assert table.loc["V02", "children"] == 3 + 7
    assert table.loc["V02", "first_timer_share"] == pytest.approx(3 / 17)
    assert table.loc["V03", "visitors"] == 2
    assert table.loc["V04", "sessions"] == 0 and math.isnan(table.loc["V04", "mean_visitors"])
    assert table["known"].all()
    assert table.loc["V01", "name"] == "Annantien perhetupa"


def test_unknown_place_listed_and_warned(project, visits):
    extra = pd.concat([visits, pd.DataFrame({"place_id": ["X9"], "date": [dt.date(2025, 9, 3)],
                                             "adults": [1], "children": [1]})], ignore_index=True)
    table = stats.visits_per_place(project, visits=extra)
    last = table.iloc[-1]
    assert (last["place_id"], bool(last["known"]), last["visitors"]) == ("X9", False, 2)
    warnings = stats.check_visits(project, extra)
    assert [(w.row, w.field) for w in warnings] == [(6, "home_area"), (8, "place_id")]
    assert all(w.severity == "warning" for w in warnings)
    assert "'X9'" in warnings[1].message and "V01" in warnings[1].message


def test_per_month_and_grid(project, visits):
    long = stats.visits_per_month(visits).set_index(["month", "place_id"])
    assert long.loc[("2025-09", "V01"), "sessions"] == 2
    assert long.loc[("2025-09", "V01"), "visitors"] == 10 + 3 + 8
    assert long.loc[("2025-09", "V02"), "visitors"] == 5 + 12
    assert long.loc[("2025-10", "V01"), "visitors"] == 4
    assert long.loc[("2025-10", "V03"), "visitors"] == 2
    assert len(long) == 4
    total = stats.visits_per_month(visits, by_place=False).set_index("month")
    assert total["visitors"].to_dict() == {"2025-09": 38, "2025-10": 6}
    assert total["sessions"].to_dict() == {"2025-09": 4, "2025-10": 2}

    grid = stats.month_table(project, value="children")
    assert list(grid.columns) == ["2025-09", "2025-10"]
    assert grid.loc["Annantien perhetupa"].tolist() == [6 + 2 + 5, 2]
    assert grid.loc["MLL:n iltaperhekahvila Ojakkala"].tolist() == [0, 1]
    assert int(grid.to_numpy().sum()) == 26


def test_month_grid_fills_gaps(project):
    gap = pd.DataFrame({"place_id": ["V01", "V01"], "date": ["2025-09-01", "2025-12-01"],
                        "adults": [1, 1], "children": [1, 2]})
    grid = stats.month_table(project, visits=gap, value="sessions", names=False)
    assert list(grid.columns) == ["2025-09", "2025-10", "2025-11", "2025-12"]
    assert grid.loc["V01"].tolist() == [1, 0, 0, 1]
    with pytest.raises(KatveError, match="unknown figure"):
        stats.month_table(project, value="cats")


def test_visits_by_place_for_the_map(project):
    s = stats.visits_by_place(project)
    assert list(s.index) == list(project.places["id"])
    assert s.to_dict() == {"V01": 25, "V02": 17, "V03": 2, "V04": 0, "V05": 0, "V06": 0, "V07": 0}
    assert stats.visits_by_place(project, value="sessions")["V01"] == 3
    radii = stats.marker_radii(s, min_px=4, max_px=20)
    assert radii[0] == pytest.approx(20)
    assert radii[1] == pytest.approx(20 * math.sqrt(17 / 25))  # areas proportional to visits
    assert radii[3] == 4  # no visits: smallest marker
    assert stats.marker_radii(np.zeros(3), min_px=6).tolist() == [6, 6, 6]


# --- reach --------------------------------------------------------------------------------------------------


def test_reach_by_area_by_hand(project):
    reach = stats.reach_by_area(project).set_index("area_id")
    nummela = reach.loc["Nummela"]  # rows 1, 3 (by village) and 7 (by the id of one of its cells)
    assert (nummela["records"], nummela["adults"], nummela["children"], nummela["visitors"]) == (3, 9, 13, 22)
    assert nummela["places"] == ["V01"]
    children = project.areas.loc[project.areas["village"] == "Nummela", "children_0_6"].sum()
    assert nummela["child_visits_per_100"] == pytest.approx(100 * 13 / children)
    assert reach.loc["Huhmari", "visitors"] == 3  # row 2
    assert reach.loc["Tervalampi", "children"] == 7  # "tervalampi" matches Tervalampi ignoring case
    assert reach.loc["Tervalampi", "places"] == ["V02"]
    assert reach.loc["Vihdin kirkonkylä", "records"] == 0 and reach.loc["Vihdin kirkonkylä", "places"] == []
    assert len(reach) == project.areas["village"].nunique()  # one row per village, not per cell
    assert int(reach["visitors"].sum()) == 22 + 3 + 12  # row 4 has no home area, row 6 matches none
    unmatched = stats.unmatched_home_areas(project)
    assert unmatched.to_dict() == {"Atlantis": 1}


# --- validation of the input --------------------------------------------------------------------------------


def test_invalid_visits_list_every_problem():
    bad = pd.read_csv(DATA / "visits_bad.csv", dtype=str)
    with pytest.raises(InputError) as err:
        stats.visit_totals(bad)
    lines = str(err.value).splitlines()
    assert lines == [
        "visits:2: date: cannot read the date '31.2.2025': use YYYY-MM-DD or D.M.YYYY",
        "visits:3: adults: must not be negative (got -2)",
        "visits:4: first_timers: 5 is more than the visitors in total (adults + children = 2)",
    ]


def test_missing_column_is_an_error():
    with pytest.raises(InputError, match="required column 'children' is missing"):
        stats.visit_totals(pd.DataFrame({"place_id": ["a"], "date": ["2025-01-08"], "adults": [1]}))


# --- term and outreach --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2025, 10, 1), (dt.date(2025, 8, 11), dt.date(2025, 12, 20))),
        (dt.date(2025, 8, 11), (dt.date(2025, 8, 11), dt.date(2025, 12, 20))),
        (dt.date(2025, 12, 24), (dt.date(2026, 1, 7), dt.date(2026, 5, 31))),  # Christmas break: spring term
        (dt.date(2026, 3, 2), (dt.date(2026, 1, 7), dt.date(2026, 5, 31))),
        (dt.date(2026, 6, 15), (dt.date(2026, 8, 11), dt.date(2026, 12, 20))),  # summer: the coming autumn
    ],
)
def test_term_bounds(today, expected):
    assert records.term_bounds(today) == expected


def test_outreach_this_term(project):
    table = analysis_outreach.outreach_by_place(project, today=dt.date(2025, 10, 1)).set_index("place_id")
    assert table.attrs["period"] == (dt.date(2025, 8, 11), dt.date(2025, 12, 20))
    assert table.loc["V01", "outreach_visits"] == 2
    assert table.loc["V01", "professions"] == ["neuvolan terveydenhoitaja", "perheneuvoja"]
    assert table.loc["V01", "organisations"] == ["Länsi-Uudenmaan hyvinvointialue"]
    assert table.loc["V01", "first"] == pd.Timestamp("2025-09-08 09:30")
    assert table.loc["V02", "outreach_visits"] == 1  # the February visit is next term
    assert list(table.index[~table["has_outreach"]]) == ["V03", "V04", "V05", "V06", "V07"]
    spring = analysis_outreach.outreach_by_place(project, today=dt.date(2026, 1, 20)).set_index("place_id")
    assert spring.loc["V02", "professions"] == ["kirjastonhoitaja"]
    assert spring["outreach_visits"].sum() == 1
    whole = analysis_outreach.outreach_by_place(project, start="2025-01-01", end="2026-12-31")
    assert whole["outreach_visits"].sum() == 4


def test_outreach_matrix(project):
    grid = analysis_outreach.outreach_matrix(project, today=dt.date(2025, 10, 1))
    assert list(grid.columns) == ["neuvolan terveydenhoitaja", "perheneuvoja"]
    assert grid.loc["Annantien perhetupa"].tolist() == [1, 1]
    assert grid.loc["MLL:n perhekahvila Nummela"].tolist() == [1, 0]
    assert len(grid) == 7 and int(grid.to_numpy().sum()) == 3


def test_outreach_events_for_the_calendar(project):
    events = analysis_outreach.outreach_events(project)
    assert len(events) == 4
    first, second, third, fourth = events  # ordered by start
    assert first.start == dt.datetime(2025, 9, 8, 9, 30, tzinfo=TZ)
    assert first.end == dt.datetime(2025, 9, 8, 11, 0, tzinfo=TZ)  # given in the file
    assert first.summary == "neuvolan terveydenhoitaja: Annantien perhetupa"
    assert first.location == "Annantien perhetupa, Annantie, 03100 Nummela"
    # no end: until V02 closes (Tu 10:00-12:00) / V01 closes (Mo 09:00-12:00)
    assert (second.place_id, second.end.time()) == ("V02", dt.time(12, 0))
    assert (third.place_id, third.end.time()) == ("V01", dt.time(12, 0))
    assert third.description == "perheneuvoja\nLänsi-Uudenmaan hyvinvointialue\nTeemana uni"
    assert fourth.start.date() == dt.date(2026, 2, 10)
    assert len({e.uid for e in events}) == 4
    assert [e.uid for e in analysis_outreach.outreach_events(project)] == [e.uid for e in events]  # stable
    json.dumps([e.to_dict() for e in events])
    october = analysis_outreach.outreach_events(project, start="2025-10-01", end="2025-10-31")
    assert [e.profession for e in october] == ["perheneuvoja"]


def test_outreach_outside_opening_hours_gets_default_length(project):
    project.outreach = pd.DataFrame(
        {"place_id": ["V03"], "start": ["2025-10-14 08:00"], "profession": ["sosiaaliohjaaja"]}
    )
    (event,) = analysis_outreach.outreach_events(project)
    assert event.end - event.start == dt.timedelta(minutes=analysis_outreach.DEFAULT_OUTREACH_MINUTES)


# --- compute / JSON -----------------------------------------------------------------------------------------


def test_compute_json(project):
    result = stats.compute(project, today=dt.date(2025, 10, 1))
    data = json.loads(json.dumps(result.to_json()))
    assert data["totals"]["sessions"] == 6 and data["totals"]["visitors"] == 44
    assert data["totals"]["first_date"] == "2025-09-01"
    assert data["places"][0] == {
        "id": "V01",
        "name": "Annantien perhetupa",
        "known": True,
        "sessions": 3,
        "adults": 10,
        "children": 15,
        "visitors": 25,
        "first_timers": 3,
        "multicultural": 1,
        "first_timer_share": pytest.approx(3 / 22),
        "multicultural_share": pytest.approx(1 / 17),
        "mean_visitors": pytest.approx(25 / 3),
        "mean_children": 5.0,
        "first_date": "2025-09-01",
        "last_date": "2025-10-06",
    }
    assert {r["id"]: r["visitors"] for r in data["reach"] if r["records"]} == {
        "Nummela": 22,
        "Huhmari": 3,
        "Tervalampi": 12,
    }
    assert data["unmatched_home_areas"] == {"Atlantis": 1}
    assert data["outreach"]["from"] == "2025-08-11" and data["outreach"]["to"] == "2025-12-20"
    assert data["outreach"]["without"] == ["V03", "V04", "V05", "V06", "V07"]
    assert [w.split(": ")[1] for w in data["warnings"]] == ["home_area"]


def test_compute_reports_problems_of_both_tables(project):
    project.visits = pd.DataFrame(
        {"place_id": ["V01"], "date": ["yesterday"], "adults": [1], "children": [1]}
    )
    project.outreach = pd.DataFrame({"place_id": ["V01"], "start": ["soon"], "profession": ["nurse"]})
    with pytest.raises(InputError) as err:
        stats.compute(project)
    assert [p.field for p in err.value.problems] == ["date", "start"]


def _bare(name: str):
    """An embedded data set without its example visits and outreach."""
    project = load_dataset(name)
    project.visits, project.outreach = project.visits.iloc[0:0], project.outreach.iloc[0:0]
    return project


def _bare_app(app):
    """Give the app session a copy of its project (embedded Vihti) without the example visits and outreach.

    A new object, not an in-place change: the session's project may be shared through the app's cache.
    """
    project = app.session_state["project"].copy()
    project.visits, project.outreach = project.visits.iloc[0:0], project.outreach.iloc[0:0]
    app.session_state["project"] = project
    app.session_state["project_token"] = f"bare-{uuid.uuid4().hex}"
    return app


def test_empty_project_has_no_visits():
    result = stats.compute(_bare("kaksineuvoinen"), today=dt.date(2025, 10, 1))
    assert not result.has_visits and not result.has_home_areas
    assert result.totals["sessions"] == 0 and math.isnan(result.totals["mean_visitors"])
    assert len(result.places) == 6 and result.places["visitors"].sum() == 0
    assert result.to_json()["outreach"]["without"] == ["K01", "K02", "K03", "K04", "K05", "K06"]


# --- command line -------------------------------------------------------------------------------------------


def test_cli_json(capsys):
    code = main(
        [
            "stats",
            "--dataset",
            "vihti",
            "--visits",
            str(VISITS),
            "--outreach",
            str(OUTREACH),
            "--today",
            "2025-10-01",
            "--json",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0
    data = json.loads(out)
    assert data["totals"]["children"] == 26
    assert data["outreach"]["places"][0]["professions"] == ["neuvolan terveydenhoitaja", "perheneuvoja"]
    assert f"{VISITS}:6: home_area: 'Atlantis' matches no area" in err


def test_cli_text_in_finnish_by_default(capsys):
    code = main(["stats", "--visits", str(VISITS), "--outreach", str(OUTREACH), "--today", "2025-10-01"])
    out, _err = capsys.readouterr()
    assert code == 0
    assert out.startswith(
        "Käynnit 1.9.2025 – 16.10.2025 (Vihti): 6 kertaa 3 paikassa, 44 käyntiä (aikuiset 18, lapset 26)\n"
    )
    # 7 / 41 first-timers and 3 / 36 multicultural, with a decimal comma and a space before %
    assert "ensikertalaiset: 7 (17,1\u00a0% kävijöistä" in out and "monikulttuuriset: 3 (8,3\u00a0%)" in out
    assert "kerralla keskimäärin 7,3 kävijää, joista lapsia 4,3" in out
    header = next(line for line in out.splitlines() if line.startswith("  id   paikka"))
    assert header.split() == [
        "id",
        "paikka",
        "kertoja",
        "aikuisia",
        "lapsia",
        "käyntejä",
        "ensikertalaisia",
        "kävijöitä",
        "/",
        "kerta",
    ]
    assert "\nTavoittavuus kotialueittain" in out and "ei tunnistettu alueeksi: Atlantis (1)" in out
    assert "\nJalkautuminen 11.8.2025 – 20.12.2025\n" in out
    assert "Annantien perhetupa: 2 × neuvolan terveydenhoitaja, perheneuvoja" in out
    assert "sessions" not in out and "Visits" not in out and "17.1" not in out


def test_cli_text_and_period_in_english(capsys):
    code = main(
        ["stats", "--visits", str(VISITS), "--from", "1.10.2025", "--to", "2025-10-31", "--lang", "en"]
    )
    out, _err = capsys.readouterr()
    assert code == 0
    assert "2 sessions at 2 places, 6 visits (3 adults, 3 children)" in out
    assert "  first-timers: 1 (16.7% of the visitors where recorded); multicultural: 0 (0.0%)" in out
    assert "  per session: 3.0 visitors, 1.5 children" in out  # rows 6 and 7: 6 visitors, 3 children
    assert "\nPer place\n" in out and "Visits per month (adults + children)" in out
    assert "Outreach 2025-10-01 – 2025-10-31" in out


def test_cli_text_in_swedish_and_the_projects_language(capsys, tmp_path):
    args = ["--visits", str(VISITS), "--outreach", str(OUTREACH), "--today", "2025-10-01"]
    assert main(["stats", *args, "--lang", "sv"]) == 0
    sv = capsys.readouterr().out
    assert sv.startswith(
        "Besök 1.9.2025 – 16.10.2025 (Vihti): 6 träffar på 3 platser, 44 besök (vuxna 18, barn 26)\n"
    )
    assert "förstagångsbesökare: 7 (17,1\u00a0% av besökarna" in sv and "mångkulturella: 3 (8,3\u00a0%)" in sv
    assert "\nUppsökande verksamhet 11.8.2025 – 20.12.2025\n" in sv and "inte igenkända som område" in sv
    project = load_dataset("vihti")
    project.settings = dataclasses.replace(project.settings, language="sv")
    store.save(project, tmp_path / "sv.gpkg")
    assert main(["stats", "--project", str(tmp_path / "sv.gpkg"), *args]) == 0
    assert capsys.readouterr().out == sv  # the project's language without --lang
    assert main(["stats", "--project", str(tmp_path / "sv.gpkg"), *args, "--lang", "fi"]) == 0
    assert capsys.readouterr().out.startswith("Käynnit ")  # --lang overrides it


def test_cli_json_is_the_same_in_every_language(capsys):
    args = ["stats", "--visits", str(VISITS), "--outreach", str(OUTREACH), "--today", "2025-10-01", "--json"]
    outputs = []
    for lang in ([], ["--lang", "sv"], ["--lang", "en"]):
        assert main([*args, *lang]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1] == outputs[2]
    assert json.loads(outputs[0])["totals"]["first_timer_share"] == pytest.approx(7 / 41)


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def test_text_has_every_key_in_every_language_with_the_same_fields():
    """The report's strings live in the one catalogue (cli.stats.*): every key in every language."""
    texts = {lang: i18n.Texts("cli.stats", lang) for lang in ("fi", "sv", "en")}
    keys = set(texts["fi"])
    assert {"no_visits", "visits", "place_cols", "reach_cols", "outreach"} <= keys
    for lang, tx in texts.items():
        assert set(tx) == keys, lang
        for key in keys:
            text, en = tx[key], texts["en"][key]
            if isinstance(text, tuple):  # table headers: one per column
                assert len(text) == len(en) and all(text), (lang, key)
            else:
                assert text.strip() and _fields(text) == _fields(en), (lang, key)


def test_cli_no_visits(capsys, tmp_path):
    store.save(_bare("kaksineuvoinen"), tmp_path / "k.gpkg")
    assert main(["stats", "--project", str(tmp_path / "k.gpkg"), "--today", "2025-10-01"]) == 0
    out, _err = capsys.readouterr()
    assert out.startswith(
        "Ei kirjattuja käyntejä (Kaksineuvoinen (Kauhava + Evijärvi)): kirjaa ne sovelluksessa (Tilastot)"
    )
    assert "\n  ei suunniteltuja jalkautumisia\n" in out
    assert "ei jalkautumisia: Perhekeskus Kaislan kohtaamispaikka" in out
    assert main(["stats", "--project", str(tmp_path / "k.gpkg"), "--from", "2025-09-01", "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith("No visits recorded in 2025-09-01 – … (Kaksineuvoinen")
    t = stats.visit_totals(load_dataset("kaksineuvoinen").visits)
    assert t["visitors"] >= 1000
    assert main(["stats", "--dataset", "kaksineuvoinen", "--today", "2026-10-01"]) == 0
    fi = capsys.readouterr().out  # the embedded example visits
    assert fi.startswith(f"Käynnit {t['first_date'].day}.{t['first_date'].month}.{t['first_date'].year} – ")
    assert f"{t['visitors']:,} käyntiä (".replace(",", "\u00a0") in fi  # a space between thousands


def test_cli_bad_input(capsys):
    assert main(["stats", "--visits", str(DATA / "visits_bad.csv")]) == 2
    _out, err = capsys.readouterr()
    assert f"{DATA / 'visits_bad.csv'}:2: date:" in err
    assert "Traceback" not in err
    assert main(["stats", "--visits", str(VISITS), "--from", "32.1.2025"]) == 2
    assert "cannot read the start date '32.1.2025'" in capsys.readouterr().err
    assert main(["stats", "--visits", str(DATA / "nope.csv")]) == 2
    assert "nope.csv:-: -: file not found" in capsys.readouterr().err


def test_cli_subprocess():
    proc = subprocess.run(
        [sys.executable, "-m", "coverage", "stats", "--visits", str(VISITS), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["totals"]["sessions"] == 6


@pytest.mark.parametrize("name", ["vihti", "kaksineuvoinen"])
def test_example_tables_fit_their_dataset(name):
    folder = ROOT / "geodata" / name
    project = load_dataset(name)
    project.visits = importers.read_visits(folder / "visits.csv").data
    project.outreach = importers.read_outreach(folder / "outreach.csv").data
    result = stats.compute(project, today=dt.date(2026, 10, 1))
    assert result.warnings == []  # every place id and home village is known
    assert result.totals["sessions"] > 100
    assert result.totals["visitors"] == result.totals["adults"] + result.totals["children"]
    assert (result.places["sessions"] > 0).all()
    assert result.outreach["has_outreach"].any() and not result.outreach["has_outreach"].all()
    assert "Example data" in (folder / "SOURCES.md").read_text(encoding="utf-8")


# --- editing helpers ----------------------------------------------------------------------------------------


def test_add_visit_and_outreach_validate_the_row(visits):
    more = stats.add_visit(
        visits,
        place_id="V02",
        date=dt.date(2025, 10, 7),
        adults=2,
        children=3,
        first_timers=1,
        home_area="Huhmari",
    )
    assert len(more) == len(visits) + 1 and len(visits) == 7  # the input is not changed
    assert stats.visit_totals(more)["visitors"] == 44 + 5
    with pytest.raises(InputError, match="form:1: first_timers: 9 is more than the visitors"):
        stats.add_visit(visits, place_id="V02", date="2025-10-07", adults=2, children=3, first_timers=9)
    o = stats.add_outreach(
        pd.DataFrame(),
        place_id="V01",
        start=dt.datetime(2025, 10, 6, 9, 30),
        end=dt.datetime(2025, 10, 6, 10, 30),
        profession="perheneuvoja",
    )
    assert o.loc[0, "start"] == pd.Timestamp("2025-10-06 09:30") and o.loc[0, "profession"] == "perheneuvoja"
    with pytest.raises(InputError, match="end: ends .* before it starts"):
        stats.add_outreach(
            o, place_id="V01", start="2025-10-06 10:00", end="2025-10-06 09:00", profession="x"
        )
    with pytest.raises(InputError, match="profession: required value is missing"):
        stats.add_outreach(o, place_id="V01", start="2025-10-06 10:00", profession="")


def test_merge_updates_sessions_instead_of_doubling(visits, outreach):
    again, dropped = stats.merge_table("visits", visits, visits)
    assert dropped == 7 and stats.visit_totals(again)["visitors"] == 44  # importing twice counts once
    update = pd.DataFrame(
        {"place_id": ["V01", "V04"], "date": ["1.9.2025", "2025-09-03"], "adults": [6, 2], "children": [9, 2]}
    )
    merged, dropped = stats.merge_table("visits", visits, update)
    assert dropped == 2  # rows 1 and 2 (the V01 session of 1.9.) give way to the new count
    assert stats.visit_totals(merged)["visitors"] == 44 - (10 + 3) + 15 + 4
    replaced, dropped = stats.merge_table("visits", visits, update, replace=True)
    assert (len(replaced), dropped) == (2, 7)
    o, dropped = stats.merge_table("outreach", outreach, outreach.iloc[:1])
    assert (len(o), dropped) == (4, 1)


def test_term_offsets():
    today = dt.date(2025, 10, 1)
    assert records.term_bounds(today, offset=1) == (dt.date(2026, 1, 7), dt.date(2026, 5, 31))
    assert records.term_bounds(today, offset=-1) == (dt.date(2025, 1, 7), dt.date(2025, 5, 31))
    assert records.term_bounds(today, offset=-2) == (dt.date(2024, 8, 11), dt.date(2024, 12, 20))


# --- the Tilastot page (AppTest) ----------------------------------------------------------------------------

PAGE = "app_pages/tilastot.py"


def _button(at, key):
    return next(b for b in at.button if b.key == key)


def _ok(at):
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def test_page_loads_examples_and_shows_their_figures(app):
    _bare_app(app)
    app.switch_page(PAGE).run()
    _ok(app)
    assert app.header[0].value == "Kävijätilastot ja jalkautuminen: Vihti"
    assert app.info[0].value.startswith("Kävijätilastoja ei ole vielä")
    _button(app, "tilastot_examples").click().run()
    _ok(app)
    project = load_dataset("vihti")
    project.visits, project.outreach = datasets.example_tables("vihti")
    t = stats.visit_totals(project.visits)
    shown = {m.label: m.value for m in app.metric}
    assert shown["Kertoja"] == str(t["sessions"])
    assert shown["Käyntejä (aikuiset + lapset)"] == f"{t['visitors']:,}".replace(",", "\u00a0")
    assert shown["Ensikertalaisia"] == f"{100 * t['first_timer_share']:.1f}\u00a0%".replace(".", ",")
    table = app.dataframe[0].value
    assert table["Lapsia"].tolist() == stats.visits_per_place(project)["children"].tolist()
    assert app.session_state["project_dirty"]


def test_page_records_a_session_and_rejects_a_bad_one(app):
    _bare_app(app)
    app.switch_page(PAGE).run()
    app.selectbox(key="tilastot_entry_place").set_value("V02")
    app.date_input(key="tilastot_entry_date").set_value(dt.date(2025, 10, 7))
    app.number_input(key="tilastot_entry_adults").set_value(3)
    app.number_input(key="tilastot_entry_children").set_value(4)
    app.number_input(key="tilastot_entry_first_timers").set_value(1)
    app.selectbox(key="tilastot_entry_home_area").set_value("Huhmari")
    _button(app, "FormSubmitter:tilastot_visit_entry-Kirjaa").click().run()
    _ok(app)
    visits = app.session_state["project"].visits
    assert visits[["place_id", "adults", "children", "first_timers", "home_area"]].values.tolist() == [
        ["V02", 3, 4, 1, "Huhmari"]
    ]
    assert visits.loc[0, "date"] == dt.date(2025, 10, 7)
    assert {m.label: m.value for m in app.metric}["Käyntejä (aikuiset + lapset)"] == "7"
    assert any("Kirjattu: MLL\\:n perhekahvila Nummela 7.10.2025, 7 kävijää" in s.value for s in app.success)
    assert app.number_input(key="tilastot_entry_adults").value == 0  # the form is ready for the next session

    app.number_input(key="tilastot_entry_adults").set_value(1)
    app.number_input(key="tilastot_entry_children").set_value(1)
    app.number_input(key="tilastot_entry_first_timers").set_value(5)
    _button(app, "FormSubmitter:tilastot_visit_entry-Kirjaa").click().run()
    assert any("first\\_timers\\: 5 is more than the visitors" in e.value for e in app.error)
    assert len(app.session_state["project"].visits) == 1


def test_page_adds_outreach_and_saves(app, projects_dir):
    _bare_app(app)
    app.switch_page(PAGE).run()
    term = records.term_bounds(dt.date.today())
    app.selectbox(key="tilastot_oentry_place").set_value("V03")
    app.date_input(key="tilastot_oentry_date").set_value(term[0] + dt.timedelta(days=10))
    app.text_input(key="tilastot_oentry_profession").set_value("neuvolan terveydenhoitaja")
    _button(app, "FormSubmitter:tilastot_outreach_entry-Lisää").click().run()
    _ok(app)
    table = app.dataframe[0].value
    assert table["Kohtaamispaikka"].tolist() == ["MLL:n iltaperhekahvila Ojakkala"]
    assert table["Ammattilaiset"].tolist() == ["neuvolan terveydenhoitaja"]
    assert "Ei ammattilaisten käyntejä: Annantien perhetupa; " in app.warning[0].value
    assert "Ojakkala" not in app.warning[0].value

    app.text_input(key="draft_tilastot_save_name").set_value("tilastot.gpkg").run()
    _button(app, "tilastot_save").click().run()
    _ok(app)
    saved = store.load(projects_dir / "tilastot.gpkg")
    assert saved.outreach["profession"].tolist() == ["neuvolan terveydenhoitaja"]
    assert saved.outreach.loc[0, "end"] - saved.outreach.loc[0, "start"] == pd.Timedelta(minutes=60)


@pytest.mark.parametrize(("lang", "header"), [("sv", "Besöksstatistik"), ("en", "Visitor statistics")])
def test_page_in_swedish_and_english(app, lang, header):
    _bare_app(app)
    app.selectbox(key="lang").set_value(lang).run()
    app.switch_page(PAGE).run()
    _button(app, "tilastot_examples").click().run()
    _ok(app)
    assert app.header[0].value.startswith(header)
    assert len(app.metric) == 5


def test_figures_survive_the_project_file(project, tmp_path):
    # every visit with an end: store.save writes a missing end (NaT) as the text 'NaT' (reported to the lead)
    project.outreach["end"] = project.outreach["end"].fillna(
        project.outreach["start"] + pd.Timedelta(hours=1)
    )
    before = stats.compute(project, today=dt.date(2025, 10, 1)).to_json()
    store.save(project, tmp_path / "p.gpkg")
    after = stats.compute(store.load(tmp_path / "p.gpkg"), today=dt.date(2025, 10, 1)).to_json()
    assert after == before
