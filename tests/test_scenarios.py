"""Named scenarios (issue 17 part 3): kept in the project, applied without loss, compared truthfully."""

from __future__ import annotations

import dataclasses

import pyogrio
import pytest

from coverage.analysis.reach import analyze
from coverage.core.model import Settings
from coverage.core.scenario import (
    Scenario,
    ScenarioError,
    apply_scenario,
    merged,
    scenario_places,
    with_scenario,
    without_scenario,
)
from coverage.io import store, versions
from coverage.io.datasets import load_dataset
from coverage.planning import scenarios as sc
from coverage.planning.plan import plan
from coverage.planning.reschedule import reschedule

WALK20 = Settings(mode="walk", threshold_minutes=20)


@pytest.fixture(scope="module")
def vihti():
    return load_dataset("vihti")


@pytest.fixture(scope="module")
def proposals(vihti):
    return plan(vihti, WALK20, k=3), reschedule(vihti, WALK20, k=2)


def test_json_round_trip_and_bad_shapes():
    s = Scenario("Kesä 2027", note="kesäkerhot", add=({"id": "N1", "name": "Uusi", "x": 1.0, "y": 2.0},),
                 count=("V09",), close=("V02",), hours={"V01": ("Mo 09:00-11:00", "Tu 09:00-11:00")},
                 moves=({"place_id": "V01", "name": "A", "from": "Mo", "to": "Tu", "hours": "09:00-11:00"},))
    assert Scenario.from_json(s.to_json()) == s
    with pytest.raises(ScenarioError, match="name"):
        Scenario.from_dict({"name": "  "})
    with pytest.raises(ScenarioError, match="cannot be read"):
        Scenario.from_dict({"name": "x", "add": [{"id": "a"}]})  # no location
    with pytest.raises(ScenarioError, match="JSON"):
        Scenario.from_json("{not json")


def test_names_are_unique_and_replaceable(vihti):
    p = with_scenario(vihti, Scenario("A"))
    with pytest.raises(ScenarioError, match="exists already"):
        with_scenario(p, Scenario("a"))
    p2 = with_scenario(p, Scenario("a", note="uusi"), replace=True)
    assert [(s.name, s.note) for s in p2.scenarios] == [("a", "uusi")]
    assert without_scenario(p2, "a").scenarios == []
    assert vihti.scenarios == []  # the original is untouched


def test_saved_in_the_project_file_and_read_back(tmp_path, vihti, proposals):
    planned, moves = proposals
    p = vihti.copy()
    for s in (sc.from_plan(planned, "Kolme uutta"), sc.from_moves(p, moves, "Siirrot")):
        p = with_scenario(p, s)
    path = tmp_path / "vihti.gpkg"
    store.save(p, path, keep=5)
    back = store.load(path)
    assert back.scenarios == p.scenarios
    assert "katve_scenarios" in store.layer_names(path)
    # another save without them records the change as a version
    back.scenarios = back.scenarios[:1]
    store.save(back, path, keep=5)
    latest = versions.history(path)[-1]
    assert latest.changes.get("katve_scenarios") == {"removed": 1}
    assert "skenaario" in versions.summary(latest, "fi")


def test_a_broken_scenario_row_is_left_out_with_a_warning(tmp_path, vihti):
    p = with_scenario(with_scenario(vihti, Scenario("Hyvä")), Scenario("Toinen"))
    path = tmp_path / "p.gpkg"
    store.save(p, path, keep=0)
    table = pyogrio.read_dataframe(path, layer="katve_scenarios")
    table.loc[1, "changes"] = "{rikki"
    pyogrio.write_dataframe(table, path, layer="katve_scenarios", driver="GPKG")
    back = store.load(path)
    assert [s.name for s in back.scenarios] == ["Hyvä"]
    assert any("katve_scenarios" in w.field and w.row == 2 for w in back.warnings)


def test_apply_keeps_everything_not_changed(vihti, proposals):
    planned, moves = proposals
    s = merged(sc.from_plan(planned, "Kaikki"), sc.from_moves(vihti, moves, "x"))
    s = merged(s, sc.by_hand(vihti, "y", close=["V07"]))
    done = apply_scenario(vihti, s)
    places = done.project.places
    assert len(places) == len(vihti.places) - 1 + 3
    assert "V07" not in set(places["id"])
    new = places[places["source"] == "katve plan"]
    assert list(new["status"]) == ["planned"] * 3
    assert list(new["id"]) == ["V08", "V09", "V10"]  # the list's own ids, not the proposals' (grid:…, area:…)
    moved = set(moves.moves["place_id"])
    for pid in set(vihti.places["id"]) - moved - {"V07"}:  # every untouched place identical, all columns
        a = vihti.places[vihti.places["id"] == pid].iloc[0]
        b = places[places["id"] == pid].iloc[0]
        assert a.drop("geometry").fillna("").equals(b.drop("geometry").fillna("")), pid
        assert a.geometry.equals_exact(b.geometry, 1e-6)
    for pid in moved:
        assert places.loc[places["id"] == pid, "opening_hours"].iat[0] == s.hours[pid][1]
    assert done.skipped == []


def test_apply_never_overwrites_a_later_edit(vihti, proposals):
    _, moves = proposals
    s = sc.from_moves(vihti, moves, "Siirrot")
    pid = next(iter(s.hours))
    edited = vihti.copy()
    edited.places.loc[edited.places["id"] == pid, "opening_hours"] = "Mo 12:00-14:00"
    edited.places = edited.places[edited.places["id"] != "V07"].reset_index(drop=True)
    s = dataclasses.replace(s, close=("V07",))
    done = apply_scenario(edited, s)
    kept = done.project.places
    assert kept.loc[kept["id"] == pid, "opening_hours"].iat[0] == "Mo 12:00-14:00"
    reasons = dict((r, w) for w, r in done.skipped)
    assert reasons == {"hours_edited": reasons["hours_edited"], "missing": "V07"}


def test_by_hand_counts_planned_places_and_checks_ids(vihti):
    with pytest.raises(ScenarioError, match="V99"):
        sc.by_hand(vihti, "x", close=["V99"])
    p = vihti.copy()
    p.places.loc[p.places["id"] == "V03", "status"] = "planned"
    s = sc.by_hand(p, "Avataan V03", planned=["V03"])
    world = scenario_places(p, s)
    assert world.places.loc[world.places["id"] == "V03", "status"].iat[0] == "existing"
    assert apply_scenario(p, s).project.places.equals(p.places)  # accepting does not open a plan


def test_comparison_agrees_with_the_analyses_it_stands_for(vihti, proposals):
    planned, moves = proposals
    p = vihti
    for s in (sc.from_plan(planned, "Kolme uutta"), sc.from_moves(p, moves, "Siirrot"),
              sc.by_hand(p, "Ilman V01", close=["V01"])):
        p = with_scenario(p, s)
    cmp = sc.compare_scenarios(p, settings=WALK20, current_label="Nyt")
    now, new, moved, closed = cmp.columns
    assert [c.name for c in cmp.columns] == ["Nyt", "Kolme uutta", "Siirrot", "Ilman V01"]
    assert now.children_covered == pytest.approx(analyze(vihti, WALK20).summary["children_covered"])
    assert new.children_covered == pytest.approx(planned.after["children_covered"])
    assert now.child_days == pytest.approx(moves.before) and moved.child_days == pytest.approx(moves.after)
    assert moved.children_covered == pytest.approx(now.children_covered)  # moving days reaches the same homes
    without = vihti.copy()
    without.places = without.places[without.places["id"] != "V01"]
    assert closed.children_covered == pytest.approx(analyze(without, WALK20).summary["children_covered"])
    assert closed.places_counted == now.places_counted - 1
    # every example place is closed in summer (Sep-May / Sep-Apr): those weeks are named, and plan sites
    # open the whole year fill them
    assert now.weeks_closed and all(a >= 18 and b <= 36 for a, b in now.weeks_closed)
    assert new.weeks_closed == []
    # blind-spot villages: at least half of their children beyond reach; fewer with three new sites
    table = now.result.villages()
    for name in now.blind_villages:
        row = table[table["name"] == name].iloc[0]
        assert row["children_uncovered"] >= 0.5 * row["children_0_6"]
    assert set(new.blind_villages) <= set(now.blind_villages)
    assert len(new.blind_villages) < len(now.blind_villages)
    with pytest.raises(ScenarioError, match="Ei ole"):
        sc.compare_scenarios(p, ["Ei ole"], settings=WALK20)


def test_accepting_twice_adds_nothing_twice(vihti, proposals):
    planned, _ = proposals
    s = sc.from_plan(planned, "Kolme")
    once = apply_scenario(vihti, s)
    twice = apply_scenario(once.project, s)
    assert len(twice.project.places) == len(once.project.places) == len(vihti.places) + 3
    assert [r for _n, r in twice.skipped] == ["already"] * 3 and twice.added == []


def test_an_accepted_scenario_still_counts_its_places_and_ids_are_never_reused(vihti, proposals):
    planned, _ = proposals
    s = sc.from_plan(planned, "Kolme")
    before = sc.figures(vihti, s, WALK20, name="x", include_planned=False, model=_model(), year=None,
                        days=sc.WORKDAYS)
    accepted = apply_scenario(vihti, s).project  # its places are in the list now, as planned
    after = sc.figures(accepted, s, WALK20, name="x", include_planned=False, model=_model(), year=None,
                       days=sc.WORKDAYS)
    assert after.children_covered == before.children_covered > 674
    assert after.places_counted == before.places_counted == 10
    # a place closed earlier, whose visits still name it, never lends its id to a new place
    gone = vihti.copy()
    gone.places = gone.places[gone.places["id"] != "V07"].reset_index(drop=True)
    gone.visits = gone.visits.iloc[:0].copy()
    gone.visits.loc[0, "place_id"] = "V07"
    ids = apply_scenario(gone, s).project.places["id"].tolist()
    assert "V07" not in ids and ids[-3:] == ["V08", "V09", "V10"]


def _model():
    from coverage.travel.choose import model_from_settings

    return model_from_settings(WALK20)
