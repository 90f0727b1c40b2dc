"""Rescheduling (issue 17): ``plan --reschedule K`` equals brute force on small instances."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point

from coverage.cli.main import main
from coverage.core.errors import PlanningError
from coverage.core.model import CRS, Project, Settings
from coverage.core.schedule import WEEKDAYS
from coverage.io.datasets import load_dataset
from coverage.io.store import save
from coverage.planning.reschedule import moved_rule, parse_days, reschedule

X0, Y0 = 380_000.0, 6_700_000.0
WEEK = dt.date(2027, 2, 1)  # an ordinary term week, no public holiday
HOURS = ["09:00-11:00", "10:00-12:00", "17:00-19:00"]


def instance(seed: int, n_places: int = 5, n_areas: int = 40):
    """Random places (one to two weekly sessions each, written as opening_hours) and areas on 20 x 20 km."""
    rng = np.random.default_rng(seed)
    sessions, rules = [], []
    for p in range(n_places):
        days = sorted(rng.choice(7 if seed % 2 else 5, size=int(rng.integers(1, 3)), replace=False))
        hours = HOURS[int(rng.integers(len(HOURS)))]
        rules.append(f"{','.join(WEEKDAYS[d] for d in days)} {hours}")
        sessions += [(p, int(d)) for d in days]
    places = gpd.GeoDataFrame(
        {"id": [f"P{p}" for p in range(n_places)], "name": [f"Paikka {p}" for p in range(n_places)],
         "status": ["existing"] * n_places, "opening_hours": rules},
        geometry=[Point(X0 + x, Y0 + y) for x, y in rng.uniform(0, 20_000, (n_places, 2))], crs=CRS)
    axy = rng.uniform(0, 20_000, (n_areas, 2))
    areas = gpd.GeoDataFrame(
        {"id": [f"A{a}" for a in range(n_areas)], "name": [f"Kylä {a}" for a in range(n_areas)],
         "population": [100] * n_areas, "children_0_6": rng.integers(0, 30, n_areas).astype(float)},
        geometry=[Point(X0 + x, Y0 + y) for x, y in axy], crs=CRS)
    settings = Settings(mode="car", circuity=1.0, threshold_km=6.0)
    project = Project(places=places, areas=areas, settings=settings)
    pxy = np.column_stack([places.geometry.x - X0, places.geometry.y - Y0])
    near = np.hypot(axy[:, None, 0] - pxy[None, :, 0], axy[:, None, 1] - pxy[None, :, 1]) <= 6000 * (1 + 1e-9)
    return project, sessions, near, areas["children_0_6"].to_numpy()


def child_days(sessions, day_of, near, kids, days):
    open_ = np.zeros((near.shape[1], 7), dtype=bool)
    for (p, _d), d in zip(sessions, day_of, strict=True):
        open_[p, d] = True
    return sum(kids[(near & open_[None, :, d]).any(axis=1)].sum() for d in days)


def brute_force(sessions, near, kids, days, k):
    base = [d for _p, d in sessions]
    best = child_days(sessions, base, near, kids, days)
    for r in range(1, k + 1):
        for chosen in itertools.combinations(range(len(sessions)), r):
            options = [[d for d in days if d != base[s]] for s in chosen]
            for targets in itertools.product(*options):
                day_of = list(base)
                for s, d in zip(chosen, targets, strict=True):
                    day_of[s] = d
                best = max(best, child_days(sessions, day_of, near, kids, days))
    return best


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("k", [1, 2])
def test_exact_equals_brute_force(seed, k):
    project, sessions, near, kids = instance(seed)
    days = [0, 1, 2, 3, 4]
    want = brute_force(sessions, near, kids, days, k)
    got = reschedule(project, k=k, week=WEEK, method="exact")
    base = [d for _p, d in sessions]
    assert got.before == pytest.approx(child_days(sessions, base, near, kids, days))
    assert got.optimal and got.after == pytest.approx(want)
    # the moves as reported reach that figure, and their gains add up to it
    day_of = list(base)
    for m in got.moves.itertuples(index=False):
        p = int(m.place_id[1:])
        s = next(i for i, (q, d) in enumerate(sessions) if q == p and WEEKDAYS[day_of[i]] == m.from_day)
        day_of[s] = WEEKDAYS.index(m.to_day)
    assert len(got.moves) <= k
    assert child_days(sessions, day_of, near, kids, days) == pytest.approx(got.after)
    assert got.moves["gain_child_days"].sum() == pytest.approx(got.after - got.before)
    assert (got.moves["gain_child_days"] > 0).all()
    greedy = reschedule(project, k=k, week=WEEK, method="greedy")
    assert greedy.before == got.before and greedy.after <= got.after + 1e-9 and not greedy.optimal


def test_cli_reschedule_1_json_equals_brute_force(tmp_path, capsys):
    project, sessions, near, kids = instance(3)
    path = tmp_path / "pieni.gpkg"
    save(project, path)
    assert main(["plan", "--project", str(path), "--reschedule", "1", "--km", "6", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert set(got) == {"settings", "moves", "before", "after", "optimal"}
    assert all(set(m) == {"place_id", "name", "from", "to", "hours", "gain_child_days"} for m in got["moves"])
    # the CLI uses the reference week; the brute force reads the same rules (no holidays in these rules)
    assert got["after"]["child_days"] == pytest.approx(brute_force(sessions, near, kids, [0, 1, 2, 3, 4], 1))
    assert got["optimal"] is True


def test_vihti_text_and_days():
    r = reschedule(load_dataset("vihti"), k=2, week=WEEK, days="Mo-Fr")
    assert r.optimal and r.after > r.before and r.days == ("Mo", "Tu", "We", "Th", "Fr")
    assert parse_days("Tu-Th,Sa") == ("Tu", "We", "Th", "Sa")
    with pytest.raises(PlanningError):
        parse_days("Xx")


@pytest.mark.parametrize(("rule", "a", "b", "hours", "want"), [
    ("Sep-May Mo,We,Fr 09:00-12:00; PH off", "Mo", "Tu", "09:00-12:00",
     "Sep-May Tu,We,Fr 09:00-12:00; PH off"),
    ("Sep-May Tu 10:00-12:00; PH off", "Tu", "Th", "10:00-12:00", "Sep-May Th 10:00-12:00; PH off"),
    ("Mo-Fr 09:00-11:00", "We", "Sa", "09:00-11:00", "Mo,Tu,Th-Sa 09:00-11:00"),
    ("Mo 09:00-11:00; Th 17:00-19:00", "Th", "Tu", "17:00-19:00", "Mo 09:00-11:00; Tu 17:00-19:00"),
])
def test_accepting_a_move_keeps_the_rest_of_the_rule(rule, a, b, hours, want):
    assert moved_rule(rule, a, b, hours, week=WEEK) == want


def test_a_rule_that_cannot_be_edited_safely_is_refused():
    with pytest.raises(PlanningError):
        moved_rule("Mo 09:00-11:00,17:00-19:00", "Mo", "Tu", "09:00-11:00", week=WEEK)


@pytest.mark.parametrize(("rule", "code"), [
    ("Mo 09:00-11:00,17:00-19:00", "several_times"),
    ("We 09:00-11:00", "not_found"),
])
def test_a_refused_edit_is_said_in_the_users_language(rule, code):
    from app_pages.common.messages import user_sentence
    from coverage.core.errors import HoursEditError
    from coverage.core.i18n import set_language

    with pytest.raises(HoursEditError) as caught:
        moved_rule(rule, "Mo", "Tu", "09:00-11:00", week=WEEK)
    assert caught.value.code == code and caught.value.rule == rule
    set_language("fi")
    said = user_sentence(caught.value)
    assert said is not None and f"”{rule}”" in said and "Kohtaamispaikat-sivulla" in said
    assert "edit" not in said and "cannot" not in said
