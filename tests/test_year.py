"""The year (issue 17): ``year --json`` agrees week by week with an independent computation."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import shapely
from opening_hours import OpeningHours, State

from coverage.analysis.year import iso_mondays, year_coverage
from coverage.cli.main import main
from coverage.io.datasets import load_dataset

HEL = ZoneInfo("Europe/Helsinki")


def independent_weeks(project, year, *, limit_km):
    """Per ISO week: children of areas within straight-line km x circuity of a place open that week."""
    places = project.places.to_crs(3067)
    areas = project.areas.to_crs(3067)
    places = places[places["status"] == "existing"]
    pxy = shapely.get_coordinates(places.geometry.to_numpy())
    geom = areas.geometry.to_numpy()
    pts = np.where(shapely.get_type_id(geom) == 0, geom, shapely.point_on_surface(geom))
    axy = shapely.get_coordinates(pts)
    km = np.hypot(axy[:, None, 0] - pxy[None, :, 0], axy[:, None, 1] - pxy[None, :, 1]) / 1000.0
    near = km * project.settings.circuity <= limit_km * (1 + 1e-9)
    kids = areas["children_0_6"].fillna(0).to_numpy(float)
    out = []
    for day in range(1, 54):
        try:
            monday = dt.date.fromisocalendar(year, day, 1)
        except ValueError:
            break
        start = dt.datetime.combine(monday, dt.time(0), tzinfo=HEL)
        end = start + dt.timedelta(days=7)
        n_sessions, is_open = 0, []
        for text in places["opening_hours"]:
            oh = OpeningHours(text, timezone=HEL, country="FI")
            found = oh.intervals(start, end)
            k = sum(1 for a, b, state, _c in found if state == State.OPEN and (b or end) > a)
            n_sessions += k
            is_open.append(k > 0)
        covered = kids[(near & np.array(is_open)[None, :]).any(axis=1)].sum()
        out.append((f"{year}-W{day:02d}", monday.isoformat(), covered, n_sessions, sum(is_open)))
    return out


@pytest.mark.parametrize("extra", [[], ["--km", "5"]])
def test_year_json_agrees_week_by_week_with_opening_hours_py(capsys, extra):
    assert main(["year", "--dataset", "vihti", "--year", "2027", "--json", *extra]) == 0
    got = json.loads(capsys.readouterr().out)
    assert set(got) == {"settings", "year", "weeks"} and got["year"] == 2027
    project = load_dataset("vihti")
    s = project.settings
    limit_km = 5.0 if extra else s.threshold_minutes / 60.0 * s.speed_kmh
    want = independent_weeks(project, 2027, limit_km=limit_km)
    assert len(got["weeks"]) == len(want) == 52
    total = project.areas["children_0_6"].fillna(0).sum()
    for w, (week, monday, covered, sessions, places_open) in zip(got["weeks"], want, strict=True):
        assert set(w) == {"week", "monday", "children_covered", "children_covered_share", "sessions",
                          "places_open"}
        assert (w["week"], w["monday"], w["sessions"]) == (week, monday, sessions)
        assert w["places_open"] == places_open
        assert w["children_covered"] == pytest.approx(covered, abs=1e-6), week
        assert w["children_covered_share"] == pytest.approx(covered / total)
    summer = [w for w in got["weeks"] if "2027-06-07" <= w["monday"] <= "2027-08-23"]
    assert len(summer) == 12 and all(w["children_covered"] == 0 and w["places_open"] == 0 for w in summer)
    # the figures move with the calendar: a public-holiday week has fewer sessions than an ordinary one
    by = {w["week"]: w for w in got["weeks"]}
    assert by["2027-W12"]["sessions"] < by["2027-W11"]["sessions"]  # Good Friday 26.3. and PH off


def test_text_names_the_gaps_in_words(capsys):
    assert main(["year", "--dataset", "vihti", "--year", "2027"]) == 0
    out = capsys.readouterr().out
    total = load_dataset("vihti").areas["children_0_6"].sum()
    want = f"viikot 23–34: yksikään paikka ei ole auki; {int(round(total)):,} lasta ilman kohtaamispaikkaa"
    assert want.replace(",", "\u00a0") in out
    assert "2027-W28" in out
    assert main(["year", "--dataset", "vihti", "--year", "2027", "--lang", "en"]) == 0
    assert "weeks 23–34: no place is open" in capsys.readouterr().out


def test_week_by_weekday_view_and_iso_53_weeks():
    project = load_dataset("vihti")
    r = year_coverage(project, year=2026)
    assert len(r.weeks) == 53 == len(iso_mondays(2026)) and r.weeks["week"].iloc[-1] == "2026-W53"
    # a day's coverage never exceeds the week's, and the week is covered by some day when any place is open
    days = r.days.to_numpy()
    week = r.weeks["children_covered"].to_numpy()
    assert (days <= week[:, None] + 1e-9).all()
    assert (days.max(axis=1) > 0).tolist() == (week > 0).tolist()
    assert (days[:, 5:] == 0).all()  # no example place opens at weekends


def test_year_refuses_at_with_one_line(capsys):
    assert main(["year", "--dataset", "vihti", "--at", "Tu 10:00"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
