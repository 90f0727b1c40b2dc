"""Location-allocation (coverage.planning.plan): hand-checked optima, brute force, fixed places, projects."""

from __future__ import annotations

import itertools
import json
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from coverage.analysis import reach as analysis_reach
from coverage.cli.main import main
from coverage.core.errors import PlanningError, UnreachableTargetError
from coverage.core.model import Project, Settings
from coverage.io import store
from coverage.io.datasets import load_dataset
from coverage.planning.cover import solve_cover, solve_set_cover
from coverage.planning.median import solve_median
from coverage.planning.plan import compare, plan
from coverage.planning.sites import add_sites, generate_candidates
from coverage.travel.base import Pairs
from coverage.travel.straight import StraightLine

CRS = "EPSG:3067"
X0, Y0 = 350_000.0, 6_700_000.0  # somewhere in Uusimaa; the test strip runs east from here


def pt(x_m: float, y_m: float = 0.0) -> Point:
    return Point(X0 + x_m, Y0 + y_m)


# --- maximal covering by hand -------------------------------------------------------------------------------

# Five areas on a line; candidate j reaches the areas marked 1.
#            c0 c1 c2 c3
REACH = np.array(
    [
        [1, 0, 0, 0],  # a0  w 10
        [1, 1, 0, 0],  # a1  w  4
        [0, 1, 1, 0],  # a2  w  6
        [0, 0, 1, 1],  # a3  w  3
        [0, 0, 0, 1],  # a4  w  8
    ],
    dtype=bool,
)
W = np.array([10, 4, 6, 3, 8], dtype=float)


def test_cover_hand_optimum_k1_k2():
    # k=1: c0 = 14, c1 = 10, c2 = 9, c3 = 11 -> c0.
    one = solve_cover(W, REACH, k=1)
    assert one.chosen.tolist() == [0] and one.value == 14 and one.optimal and one.gap == 0
    # k=2: c0+c3 = 14 + 11 = 25 (the best pair; c0+c2 = 23, c1+c3 = 21).
    two = solve_cover(W, REACH, k=2, method="exact")
    assert sorted(two.chosen.tolist()) == [0, 3] and two.value == 25 and two.optimal
    assert two.after == 25 and two.before == 0
    assert two.covered.tolist() == [True, True, False, True, True]
    assert sorted(two.site_gain.tolist()) == [11.0, 14.0]


def test_cover_existing_places_are_fixed():
    # a0 and a1 are already covered by an existing place: c0 would add nothing new.
    existing = np.array([True, True, False, False, False])
    sol = solve_cover(W, REACH, k=1, existing=existing, method="exact")
    assert sol.chosen.tolist() == [3] and sol.value == 11  # c2 adds 6 + 3 = 9, c3 adds 3 + 8 = 11
    assert sol.before == 14 and sol.after == 25
    assert sol.assignment[0] == -1 and sol.assignment[1] == -1  # served by the existing place, not a new site
    two = solve_cover(W, REACH, k=2, existing=existing, method="exact")
    assert sorted(two.chosen.tolist()) == [1, 3] or sorted(two.chosen.tolist()) == [2, 3]
    assert two.value == 17  # 6 + 3 + 8, with the existing 14 untouched
    assert 0 not in two.chosen  # the candidate next to the existing place is never worth a site


def test_cover_stops_when_nothing_more_to_gain():
    sol = solve_cover(W, REACH, k=4, existing=np.array([True, True, True, False, False]))
    assert sol.value == 11 and sol.chosen.tolist() == [3] and sol.optimal  # one site covers what is left


def test_cover_accepts_pairs_and_picks_nearest_site():

    pairs = Pairs(
        rows=np.array([0, 0, 1]), cols=np.array([0, 1, 1]), minutes=np.array([9.0, 2.0, 1.0]), shape=(2, 2)
    )
    sol = solve_cover([1, 1], pairs, k=2)
    assert sorted(sol.chosen.tolist()) == [1] and sol.assignment.tolist() == [1, 1]


def test_cover_bad_input_messages():
    with pytest.raises(PlanningError, match="whole number"):
        solve_cover(W, REACH, k=-1)
    with pytest.raises(PlanningError, match="5 area weights"):
        solve_cover(W, REACH[:3], k=1)
    with pytest.raises(PlanningError, match="unknown method"):
        solve_cover(W, REACH, k=1, method="magic")
    with pytest.raises(PlanningError, match="negative"):
        solve_cover([-1, 0, 0, 0, 0], REACH, k=1)


def test_arrays_are_read_only_and_integers():
    sol = solve_cover(W, REACH, k=2, method="exact")
    assert sol.chosen.dtype.kind == "i" and sol.assignment.dtype.kind == "i"
    with pytest.raises(ValueError):
        sol.chosen[0] = 3


# --- set cover --------------------------------------------------------------------------------------------


def test_set_cover_hand_optimum():
    # total 31; target 0.75 -> 23.25 children: no single site (max 14); c0 + c3 = 25 -> 2 sites.
    sol = solve_set_cover(W, REACH, target_share=0.75)
    assert sol.value == 2 and sorted(sol.chosen.tolist()) == [0, 3] and sol.optimal and sol.bound == 2
    # target 0.4 -> 12.4: c0 alone (14).
    assert solve_set_cover(W, REACH, target_share=0.4).chosen.tolist() == [0]


def test_set_cover_existing_counts_towards_target():
    existing = np.array([True, True, False, False, False])  # 14 of 31 = 45 % already
    assert solve_set_cover(W, REACH, target_share=0.45, existing=existing).value == 0
    sol = solve_set_cover(W, REACH, target_share=0.8, existing=existing)  # 24.8: 14 + c3 (11) = 25
    assert sol.chosen.tolist() == [3] and sol.after == 25


def test_set_cover_unreachable_target_says_best_share():
    reach = REACH.copy()
    reach[4] = False  # nobody can reach a4 (8 of 31 children): at most 23 / 31 = 74.2 %
    with pytest.raises(UnreachableTargetError, match=r"at most 74\.2 %") as info:
        solve_set_cover(W, reach, target_share=0.9)
    assert info.value.max_share == pytest.approx(23 / 31)
    assert info.value.current_share == 0
    with pytest.raises(PlanningError, match="target_share"):
        solve_set_cover(W, REACH, target_share=1.5)


# --- p-median by hand -------------------------------------------------------------------------------------


def test_median_hand_optimum():
    # Areas at x = 0, 1, 10, 11 (weights 1, 1, 3, 3); candidates at x = 0 and x = 10; minutes = |dx|.
    ax = np.array([0.0, 1.0, 10.0, 11.0])
    cx = np.array([0.0, 10.0])
    minutes = np.abs(ax[:, None] - cx[None, :])
    w = np.array([1.0, 1.0, 3.0, 3.0])
    one = solve_median(w, minutes, k=1, method="exact")
    # x=0: (0 + 1 + 30 + 33) / 8 = 8; x=10: (10 + 9 + 0 + 3) / 8 = 2.75
    assert one.chosen.tolist() == [1] and one.value == pytest.approx(2.75) and one.optimal
    two = solve_median(w, minutes, k=2, method="exact")
    assert sorted(two.chosen.tolist()) == [0, 1] and two.value == pytest.approx((1 + 3) / 8)
    assert two.minutes.tolist() == [0.0, 1.0, 0.0, 1.0]


def test_median_existing_place_is_fixed_and_used():
    ax = np.array([0.0, 1.0, 10.0, 11.0])
    cx = np.array([0.0, 10.0])
    minutes = np.abs(ax[:, None] - cx[None, :])
    w = np.array([1.0, 1.0, 3.0, 3.0])
    # an existing place at x = 10.5 serves areas 2 and 3 at 0.5 min: the new site goes to x = 0
    existing = np.abs(ax - 10.5)
    sol = solve_median(w, minutes, k=1, existing_minutes=existing, method="exact")
    assert sol.chosen.tolist() == [0]
    assert sol.minutes.tolist() == [0.0, 1.0, 0.5, 0.5]
    assert sol.assignment.tolist() == [0, 0, -1, -1]
    assert sol.before == pytest.approx((10.5 + 9.5 + 1.5 + 1.5) / 8)


def test_median_sparse_pairs_with_cutoff_is_certified():
    rng = np.random.default_rng(3)
    a, c = rng.random((60, 2)) * 30, rng.random((12, 2)) * 30
    w = rng.integers(1, 9, 60).astype(float)
    model = StraightLine(speed_kmh=60.0, circuity=1.0)
    dense = model.minutes(a * 1000, c * 1000)
    full = solve_median(w, dense, k=3, method="exact")
    pairs = model.within(a * 1000, c * 1000, 12.0)
    sparse = solve_median(
        w, pairs, k=3, cutoff=12.0, method="exact", true_minutes=lambda ch: dense[:, ch].min(axis=1)
    )
    assert sparse.value == pytest.approx(full.value)
    assert sparse.bound <= sparse.value + 1e-9


# --- brute force on random tiny instances -----------------------------------------------------------------


def _brute_cover(w, reach, existing, k):
    best = 0.0
    for subset in itertools.combinations(range(reach.shape[1]), k):
        cov = existing | (reach[:, list(subset)].any(axis=1) if subset else False)
        best = max(best, float(w[cov & ~existing].sum()))
    return best


@pytest.mark.parametrize("seed", range(4))
def test_cover_and_set_cover_agree_with_brute_force(seed):
    rng = np.random.default_rng(seed)
    for trial in range(25):
        n, m = int(rng.integers(1, 14)), int(rng.integers(1, 8))
        k = int(rng.integers(0, m + 1))
        w = rng.integers(0, 10, n).astype(float) if trial % 2 else rng.uniform(0, 5, n).round(2)
        reach = rng.random((n, m)) < rng.uniform(0.05, 0.6)
        existing = rng.random(n) < 0.2
        best = _brute_cover(w, reach, existing, k)
        for method in ("exact", "auto"):
            sol = solve_cover(w, reach, k=k, existing=existing, method=method)
            assert sol.value == pytest.approx(best) and sol.optimal, (seed, trial, method)
            got = existing | (reach[:, sol.chosen].any(axis=1) if len(sol.chosen) else False)
            assert float(w[got & ~existing].sum()) == pytest.approx(sol.value)
            assert len(sol.chosen) <= k
        greedy = solve_cover(w, reach, k=k, existing=existing, method="greedy")
        assert greedy.value <= best + 1e-9 <= greedy.bound + 2e-9
        assert greedy.value >= (1 - 1 / math.e) * best - 1e-9
        # set cover: the fewest sites reaching a random target
        target = float(rng.uniform(0.1, 1.0))
        total = w.sum()
        fewest = next(
            (
                s
                for s in range(m + 1)
                for subset in itertools.combinations(range(m), s)
                if total > 0
                and w[existing | (reach[:, list(subset)].any(axis=1) if subset else False)].sum()
                >= target * total * (1 - 1e-9)
            ),
            None,
        )
        if total == 0:
            continue
        if fewest is None:
            with pytest.raises(UnreachableTargetError):
                solve_set_cover(w, reach, target_share=target, existing=existing)
            continue
        sol = solve_set_cover(w, reach, target_share=target, existing=existing)
        assert sol.value == fewest and sol.optimal
        greedy = solve_set_cover(w, reach, target_share=target, existing=existing, method="greedy")
        assert greedy.bound <= fewest <= greedy.value


@pytest.mark.parametrize("seed", range(3))
def test_median_agrees_with_brute_force(seed):
    rng = np.random.default_rng(100 + seed)
    for _trial in range(20):
        n, m = int(rng.integers(1, 12)), int(rng.integers(1, 7))
        k = int(rng.integers(1, m + 1))
        w = rng.integers(0, 10, n).astype(float)
        if w.sum() == 0:
            w[0] = 1.0
        minutes = rng.uniform(0, 30, (n, m)).round(1)
        existing = np.where(rng.random(n) < 0.3, rng.uniform(0, 30, n), np.inf)
        best = min(
            float((w * np.minimum(existing, minutes[:, list(s)].min(axis=1))).sum() / w.sum())
            for s in itertools.combinations(range(m), k)
        )
        for method in ("exact", "auto", "greedy"):
            sol = solve_median(w, minutes, k=k, existing_minutes=existing, method=method, neighbours=2)
            assert sol.bound <= best + 1e-6 * max(1, best)
            assert sol.value >= best - 1e-9
            if method != "greedy":
                assert sol.value == pytest.approx(best, rel=1e-6) and sol.optimal


def test_mip_with_fixing_and_widening_agrees_with_brute_force():
    """Mid-size instances where the heuristics do not close the gap: HiGHS after reduced-cost fixing, and
    the p-median truncation widened until certified, still give the brute-force optimum."""
    rng = np.random.default_rng(7)
    used_mip = widened = fixed = 0
    for _trial in range(12):
        n, m, k = 40, 10, 3
        w = rng.integers(1, 10, n).astype(float)
        reach = rng.random((n, m)) < 0.25
        existing = rng.random(n) < 0.15
        best = _brute_cover(w, reach, existing, k)
        sol = solve_cover(w, reach, k=k, existing=existing, method="exact")
        assert sol.value == best and sol.optimal
        used_mip += "nodes" in sol.details
        fixed += sol.details.get("fixed_out", 0) > 0
        minutes = rng.uniform(0, 30, (n, m))
        ex = np.where(rng.random(n) < 0.3, rng.uniform(0, 30, n), np.inf)
        best_mean = min(
            float((w * np.minimum(ex, minutes[:, list(s)].min(axis=1))).sum() / w.sum())
            for s in itertools.combinations(range(m), k)
        )
        med = solve_median(w, minutes, k=k, existing_minutes=ex, method="exact", neighbours=3)
        assert med.value == pytest.approx(best_mean, rel=1e-6) and med.optimal
        widened += med.details["neighbours"] > 3
        used_mip += "nodes" in med.details
    assert used_mip >= 5 and widened >= 5 and fixed >= 1  # the paths under test were really taken


def test_time_limit_reports_gap_honestly():
    rng = np.random.default_rng(0)
    a, c = rng.random((2000, 2)), rng.random((200, 2))
    from scipy.spatial import cKDTree

    reach = cKDTree(a).sparse_distance_matrix(cKDTree(c), 0.089, output_type="coo_matrix").tocsr() > 0
    w = rng.integers(1, 21, 2000).astype(float)
    quick = solve_cover(w, reach, k=20, method="exact", time_limit=1e-3)
    full = solve_cover(w, reach, k=20, method="exact")
    assert full.optimal and full.gap == 0
    assert quick.value <= full.value <= quick.bound
    if not quick.optimal:
        assert quick.gap > 0 and "time" in quick.status.lower()


# --- projects ---------------------------------------------------------------------------------------------


def _project() -> Project:
    """A 20 km strip: an existing place at x=0; villages at 0, 6, 14, 20 km; settings 10 min by car.

    Car 50 km/h, circuity 1.0 -> 10 min = 8.33 km. The existing place covers the village at 0 and 6 km.
    """
    places = gpd.GeoDataFrame(
        {"id": ["p1"], "name": ["Keskusta"], "status": ["existing"], "opening_hours": ["Mo-Fr 09:00-11:00"]},
        geometry=[pt(0)],
        crs=CRS,
    )
    areas = gpd.GeoDataFrame(
        {
            "id": ["v0", "v6", "v14", "v20"],
            "name": ["Kirkonkylä", "Etelä", "Itä", "Korpi"],
            "population": [500, 200, 150, 90],
            "children_0_6": [40.0, 12.0, 9.0, 7.0],
        },
        geometry=[pt(0), pt(6000), pt(14000), pt(20000)],
        crs=CRS,
    )
    candidates = gpd.GeoDataFrame(
        {"id": ["school", "hall", "outside"], "name": ["Koulu", "Seurantalo", "Naapurikunta"]},
        geometry=[pt(7000), pt(17000), pt(30000)],
        crs=CRS,
    )
    boundary = gpd.GeoDataFrame(
        {"code": ["999"], "name": ["Testi"]},
        geometry=[box(X0 - 1000, Y0 - 5000, X0 + 22000, Y0 + 5000)],
        crs=CRS,
    )
    return Project(
        places=places,
        areas=areas,
        boundary=boundary,
        candidates=candidates,
        settings=Settings(mode="car", circuity=1.0, threshold_minutes=10.0),
    )


def test_plan_cover_on_project_matches_analysis():
    project = _project()
    result = plan(project, k=1, objective="cover")
    assert result.new_sites["id"].tolist() == ["hall"]  # covers 14 and 20 km (16 children); the school 9
    assert "outside" not in result.candidates["id"].tolist()  # outside the boundary
    assert result.value == 16 and result.optimal and result.bound == 16 and result.method == "exact"
    assert result.chosen_ids == ["hall"] and result.candidates["id"].iloc[result.chosen[0]] == "hall"
    assert result.before["children_covered"] == 52 and result.after["children_covered"] == 68
    assert result.new_sites["children_gained"].tolist() == [16.0]
    assert sorted(result.changed["id"]) == ["v14", "v20"]
    assert set(result.changed["new_site_id"]) == {"hall"}
    # the scenario, analysed independently, gives the same after figures
    scenario = result.scenario(project)
    assert scenario.places["status"].tolist() == ["existing", "planned"]
    again = analysis_reach.analyze(scenario, include_planned=True)
    assert again.summary["children_covered"] == result.after["children_covered"]
    cmp = compare(project, scenario)
    assert cmp.after["children_covered"] == 68 and sorted(cmp.changed["id"]) == ["v14", "v20"]


def test_plan_median_and_set_cover_on_project():
    project = _project()
    med = plan(project, k=1, objective="median", method="exact")
    # mean minutes: hall at 17 km serves 14 and 20 (3 km each) -> (0*40 + 6*12 + 3*9 + 3*7) * 1.2 / 68
    assert med.new_sites["id"].tolist() == ["hall"]
    assert med.value == pytest.approx((6 * 12 + 3 * 9 + 3 * 7) * 1.2 / 68) and med.optimal
    sc = plan(project, objective="set_cover", target_share=0.9)
    assert sc.new_sites["id"].tolist() == ["hall"] and sc.value == 1
    with pytest.raises(UnreachableTargetError, match="at most"):
        plan(
            project, objective="set_cover", target_share=1.0, candidates=project.candidates.iloc[[0]]
        )  # the school cannot reach 20 km


def test_plan_median_without_any_open_place_is_certified():
    project = _project()
    # Saturday: nothing is open, every village depends on the new site. School (7 km): 7*40 + 1*12 + 7*9 +
    # 13*7 = 446 km-children; hall (17 km): 17*40 + 11*12 + 3*9 + 3*7 = 860. The hall is beyond the first
    # cutoff (20 min = 16.7 km) from the village at 0 km: the truncated model must still be certified.
    result = plan(project, k=1, objective="median", at="Sa 10:00", method="exact")
    assert result.new_sites["id"].tolist() == ["school"]
    assert result.value == pytest.approx(446 * 1.2 / 68) and result.optimal and result.gap == 0
    assert result.solution.details["certified"]


def test_plan_existing_filtered_by_time():
    project = _project()
    # On Saturday the existing place is closed: the best single site is then the school (covers 0-14 km).
    result = plan(project, k=1, at="Sa 10:00")
    assert result.before["places_counted"] == 0
    assert result.new_sites["id"].tolist() == ["school"]
    assert result.new_sites["opening_hours"].tolist() == ["Sa 10:00-12:00"]


def test_when_is_the_daypart_with_most_children_uncovered():
    project = _project()
    # The existing place is open every daypart except Wednesday morning. A site at 12 km reaches the
    # villages at 6, 14 and 20 km: 16 children at any time, and also the 12 at 6 km on Wednesday morning.
    project.places["opening_hours"] = ["Mo-Tu,Th-Su 08:00-20:00; We 12:00-20:00"]
    site = gpd.GeoDataFrame({"id": ["mid"], "name": ["Välillä"]}, geometry=[pt(12000)], crs=CRS)
    result = plan(project, k=1, candidates=site)
    row = result.new_sites.iloc[0]
    assert row["children_gained"] == 16
    assert (row["best_weekday"], row["best_daypart"]) == ("We", "morning")
    assert row["children_gained_then"] == pytest.approx(28.0)
    assert row["opening_hours"] == "We 09:00-11:00"


def test_generate_candidates_grid_inside_boundary():
    project = _project()
    cands = generate_candidates(project, spacing_m=5000)
    grid = cands[cands["id"].str.startswith("grid:")]
    xs = sorted(set(grid.geometry.x))
    assert [x - X0 for x in xs] == [0.0, 5000.0, 10000.0, 15000.0, 20000.0]  # -1 km .. 22 km
    assert [y - Y0 for y in sorted(set(grid.geometry.y))] == [-5000.0, 0.0, 5000.0]
    assert cands["id"].iloc[:4].tolist() == ["area:v0", "area:v6", "area:v14", "area:v20"]
    assert cands["id"].is_unique
    project.candidates = project.candidates.iloc[0:0]
    result = plan(project, k=1)  # empty candidates layer -> generated
    assert result.new_sites["id"].iloc[0].startswith(("area:", "grid:")) and result.value == 16


def test_plan_json_contract():
    result = plan(_project(), k=1)
    data = json.loads(json.dumps(result.to_json(), allow_nan=False))
    assert {"settings", "new_sites", "before", "after", "objective", "optimal", "gap"} <= set(data)
    assert set(data["new_sites"][0]) >= {"id", "name", "lon", "lat", "children_gained"}
    assert set(data["before"]) == {
        "population_total",
        "population_covered",
        "children_total",
        "children_covered",
        "children_covered_share",
        "places_counted",
    }
    assert data["optimal"] is True and data["gap"] == 0
    from pyproj import Transformer

    lon, lat = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True).transform(X0 + 17000, Y0)
    assert data["new_sites"][0]["lon"] == pytest.approx(lon, abs=1e-6)
    assert data["new_sites"][0]["lat"] == pytest.approx(lat, abs=1e-6)


def test_plan_errors_are_actionable():
    project = _project()
    with pytest.raises(PlanningError, match="number of new sites"):
        plan(project, objective="cover")
    with pytest.raises(PlanningError, match="unknown objective"):
        plan(project, k=1, objective="best")
    outside = project.candidates.iloc[[2]]
    with pytest.raises(PlanningError, match="inside the municipality boundary"):
        plan(project, k=1, candidates=outside)


def test_add_sites_keeps_places_and_renames_clashing_ids():
    project = _project()
    sites = gpd.GeoDataFrame(
        {"id": ["p1"], "name": ["Uusi"], "opening_hours": ["We 09:00-11:00"]}, geometry=[pt(1, 1)], crs=CRS
    )
    out = add_sites(project, sites)
    assert out.places["id"].tolist() == ["p1", "p1-2"]
    assert out.places["status"].tolist() == ["existing", "planned"]
    assert len(project.places) == 1  # the original is untouched
    assert isinstance(out.places, gpd.GeoDataFrame) and out.places.crs == CRS
    assert not pd.isna(out.places["opening_hours"]).any()


# --- command line -----------------------------------------------------------------------------------------


def test_cli_plan_json_contract(capsys):

    code = main(["plan", "--dataset", "kaksineuvoinen", "--new", "2", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    doc = json.loads(out)
    assert {"settings", "new_sites", "before", "after", "objective", "optimal", "gap"} <= set(doc)
    assert set(doc["settings"]) == {
        "mode",
        "model",
        "speed_kmh",
        "circuity",
        "threshold_minutes",
        "threshold_km",
        "at",
    }
    assert len(doc["new_sites"]) == 2 and doc["optimal"] is True and doc["gap"] == 0
    for site in doc["new_sites"]:
        assert {"id", "name", "lon", "lat", "children_gained"} <= set(site)
        assert 19 < site["lon"] < 32 and 59 < site["lat"] < 71
    gained = sum(s["children_gained"] for s in doc["new_sites"])
    assert doc["after"]["children_covered"] - doc["before"]["children_covered"] == pytest.approx(gained)
    assert doc["objective"]["kind"] == "cover" and doc["objective"]["value"] == pytest.approx(gained)
    assert doc["after"]["places_counted"] == doc["before"]["places_counted"] + 2
    # the before figures are exactly those of `analyze`
    assert main(["analyze", "--dataset", "kaksineuvoinen", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"] == doc["before"]


def test_cli_plan_candidates_file_and_errors(capsys, tmp_path):

    project = _project()
    path = tmp_path / "project.gpkg"

    store.save(project, path)
    cands = tmp_path / "candidates.geojson"
    project.candidates.to_crs("EPSG:4326").to_file(cands, driver="GeoJSON")
    code = main(["plan", "--project", str(path), "--new", "1", "--candidates", str(cands), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert [s["id"] for s in json.loads(out)["new_sites"]] == ["hall"]
    assert "outside the municipality boundary" in err  # the third site is left out, and said so
    # median and set cover through the same command
    assert main(["plan", "--project", str(path), "--new", "1", "--objective", "median", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["objective"]["kind"] == "median"
    # errors: one line on stderr, exit 2, no traceback
    assert main(["plan", "--project", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: give the number of new sites") and "Traceback" not in err
    only_school = tmp_path / "school.geojson"
    project.candidates.iloc[[0]].to_file(only_school, driver="GeoJSON")
    code = main(
        [
            "plan",
            "--project",
            str(path),
            "--objective",
            "set_cover",
            "--target",
            "100%",
            "--candidates",
            str(only_school),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "unreachable" in err and "at most" in err and len(err.strip().splitlines()) == 1


def test_cli_plan_text_output(capsys):

    assert main(["plan", "--dataset", "vihti", "--new", "1", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "New sites reaching the most children (1)" in out and "proven optimal" in out
    villages = set(load_dataset("vihti").areas["village"])
    site = out.splitlines()[2].split()[1]  # the first proposal's row: "A  <village> (km direction) ..."
    assert site in villages and "CRS3035" not in out


def test_grid_sites_are_named_after_the_nearest_village():
    import geopandas as gpd
    from shapely.geometry import Point, box


    areas = gpd.GeoDataFrame({"id": ["a"], "name": ["Kylä"], "population": [10], "children_0_6": [2.0]},
                             geometry=[Point(0, 0)], crs="EPSG:3067")
    places = gpd.GeoDataFrame({"id": [], "name": [], "status": [], "opening_hours": []},
                              geometry=[], crs="EPSG:3067")
    boundary = gpd.GeoDataFrame({"name": ["K"]}, geometry=[box(-100, -100, 2100, 2100)], crs="EPSG:3067")
    cands = generate_candidates(Project(places=places, areas=areas, boundary=boundary), spacing_m=2000)
    names = dict(zip(cands["id"], cands["name"], strict=True))
    assert names["grid:0:0"] == "Kylä"  # on the village's point
    assert names["grid:2000:0"] == "Kylä (2,0 km I)"  # east: itä
    assert names["grid:0:2000"] == "Kylä (2,0 km P)"  # north: pohjoinen
    assert names["grid:2000:2000"] == "Kylä (2,8 km KO)"  # north-east: koillinen


def test_tied_session_slots_prefer_a_quiet_weekday_morning():
    """Nobody near the new site is reached at any time, so every slot gains the same: the suggestion is the
    first weekday morning on which no place of the network is open (Mo and Tu mornings are taken)."""
    import geopandas as gpd
    from shapely.geometry import Point


    places = gpd.GeoDataFrame(
        {"id": ["p1", "p2"], "name": ["A", "B"], "status": ["existing"] * 2,
         "opening_hours": ["Mo 09:00-11:00", "Tu 09:00-11:00"]},
        geometry=[Point(0, 0), Point(100, 0)], crs="EPSG:3067")
    areas = gpd.GeoDataFrame(
        {"id": ["near", "far"], "name": ["Lähellä", "Kaukana"], "population": [100, 100],
         "children_0_6": [10.0, 30.0]},
        geometry=[Point(0, 500), Point(50_000, 0)], crs="EPSG:3067")
    cands = gpd.GeoDataFrame(
        {"id": ["c"], "name": ["Kylätalo"]}, geometry=[Point(50_000, 100)], crs="EPSG:3067"
    )
    result = plan(
        Project(places=places, areas=areas), Settings(mode="car", threshold_minutes=10), k=1, candidates=cands
    )
    site = result.new_sites.iloc[0]
    assert (site["best_weekday"], site["best_daypart"]) == ("We", "morning")
    assert site["children_gained_then"] == pytest.approx(30.0)


def test_plan_on_the_real_grid_equals_brute_force():
    """A small piece of Vihti's 1 km grid (cells around Otalampi), 12 candidate sites, k = 2 walking."""
    project = load_dataset("vihti")
    areas = project.areas
    centre = areas.loc[areas["village"] == "Otalampi"].geometry.union_all().centroid
    project.areas = areas[areas.geometry.centroid.distance(centre) < 4000].reset_index(drop=True)
    assert 20 <= len(project.areas) <= 80 and project.areas.geometry.geom_type.eq("Polygon").all()
    project.places = project.places.iloc[:0]
    cells = project.areas.geometry.representative_point()
    candidates = gpd.GeoDataFrame(
        {"id": [f"c{i}" for i in range(12)], "name": [f"Ehdokas {i}" for i in range(12)]},
        geometry=list(cells.iloc[:: max(len(cells) // 12, 1)].iloc[:12]), crs=project.areas.crs,
    )
    settings = Settings(mode="walk", threshold_minutes=20)
    result = plan(project, settings, k=2, candidates=candidates, objective="cover")
    reach_km = 20 / 60 * 4 / 1.3
    xy = np.column_stack([cells.x, cells.y])
    site_xy = np.column_stack([candidates.geometry.x, candidates.geometry.y])
    dist = np.hypot(xy[:, None, 0] - site_xy[None, :, 0], xy[:, None, 1] - site_xy[None, :, 1])
    within = dist <= reach_km * 1000
    kids = project.areas["children_0_6"].to_numpy(float)
    best = max(kids[within[:, list(pair)].any(axis=1)].sum() for pair in itertools.combinations(range(12), 2))
    assert result.after["children_covered"] == pytest.approx(best)
    assert result.solution.optimal


# --- issue 17 part 5: one time, whole children, never next to a place -------------------------------------


def test_with_at_the_best_time_is_the_moment_and_the_hours_hold_it():
    project = _project()
    result = plan(project, k=1, at="Sa 10:00")  # the existing place is closed on Saturdays
    site = result.new_sites.iloc[0]
    assert (site["best_weekday"], site["best_daypart"]) == ("Sa", "morning")  # not a weekday afternoon
    assert site["opening_hours"] == "Sa 10:00-12:00"
    # what the school gains then: the villages at 0, 6 and 14 km, nobody else being open
    assert site["children_gained_then"] == pytest.approx(40 + 12 + 9) == site["children_gained"]
    late = plan(project, k=1, at="Tu 11:30").new_sites.iloc[0]
    assert (late["best_weekday"], late["best_daypart"]) == ("Tu", "morning")
    assert late["opening_hours"] == "Tu 10:00-12:00"  # holds 11:30 and stays inside the morning (8-12)


def test_a_time_is_named_even_when_a_session_gains_nobody_then():
    project = _project()
    project.places["opening_hours"] = ["24/7"]
    project.areas = project.areas.iloc[:2]  # the villages at 0 and 6 km: covered in every slot already
    result = plan(project, k=1, objective="median", method="exact")
    site = result.new_sites.iloc[0]
    assert site["children_gained_then"] == 0
    # the tie-break of the slots: a weekday, the least busy slot (all equal), the earliest -> Monday morning
    assert (site["best_weekday"], site["best_daypart"]) == ("Mo", "morning")
    assert site["opening_hours"] == "Mo 09:00-11:00"


def test_whole_numbers_add_up_to_the_shown_total():
    from coverage.planning.plan import whole_numbers

    assert whole_numbers([508.1, 196.9]) == [508, 197]
    assert whole_numbers([0.5, 0.5, 0.5], total=1) == [1, 0, 0]
    assert whole_numbers([2.6, 2.6, 2.6], total=7) == [3, 2, 2]  # one unit too many comes off
    assert whole_numbers([1.2, float("nan")], total=1) == [1, 0]
    # 2 079.4 - 1 374.4 is shown as 2 079 - 1 374 = 705: per-site gains of 352.5 each add up to it
    parts = [352.5, 352.5]
    assert [round(v) for v in parts] != [352, 353] and sum(whole_numbers(parts, total=705)) == 705


def test_no_candidate_within_300_m_of_an_existing_or_planned_place():
    from coverage.planning.sites import NEAR_M

    assert NEAR_M == 300
    project = _project()
    project.places = gpd.GeoDataFrame(
        {"id": ["p1", "p2"], "name": ["Keskusta", "Suunniteltu"], "status": ["existing", "planned"],
         "opening_hours": ["Mo-Fr 09:00-11:00", "We 09:00-11:00"]},
        geometry=[pt(0), pt(20000)], crs=CRS,
    )
    cands = gpd.GeoDataFrame(
        {"id": ["by_p1", "by_p2", "far"], "name": ["Kirkonkylän koulu", "Korven koulu", "Seurantalo"]},
        geometry=[pt(200), pt(20000, 250), pt(17000)], crs=CRS,
    )
    # the planned place is not counted here, and the site next to it would gain the most (Korpi + Itä: 16
    # children, like the hall) - but a planned place is already the plan
    result = plan(project, k=2, candidates=cands)
    assert result.candidates["id"].tolist() == ["far"]
    assert result.new_sites["id"].tolist() == ["far"]
    assert result.new_sites["add_session_to"].tolist() == [None]
    with pytest.raises(PlanningError, match=r"every candidate site \(2\) is within 300 m of an existing or"):
        plan(project, k=1, candidates=cands.iloc[:2])


def test_next_to_a_closed_place_the_proposal_adds_a_session_there():
    project = _project()
    project.places["opening_hours"] = ["Sep-May Mo-Fr 09:00-11:00; PH off"]
    cands = gpd.GeoDataFrame(
        {"id": ["by_p1", "hall"], "name": ["Kirkonkylän koulu", "Seurantalo"]},
        geometry=[pt(150), pt(17000)], crs=CRS,
    )
    result = plan(project, k=1, candidates=cands, at="Sa 10:00")
    site = result.new_sites.iloc[0]
    assert site["id"] == "session:p1" and site["add_session_to"] == "p1" and site["name"] == "Keskusta"
    assert (site.geometry.x, site.geometry.y) == (X0, Y0)  # the place itself, not 150 m off
    assert site["opening_hours"] == "Sa 10:00-12:00" and site["children_gained"] == 52
    data = json.loads(json.dumps(result.to_json(), allow_nan=False))
    assert data["new_sites"][0]["add_session_to"] == "p1"
    assert data["new_sites"][0]["id"] == "session:p1"  # ids stay in the JSON contract
    # accepting it edits the place's hours (keeping the rest) instead of adding a place next to it
    scenario = result.scenario(project)
    assert scenario.places["id"].tolist() == ["p1"]
    assert scenario.places["opening_hours"].tolist() == [
        "Sep-May Mo-Fr 09:00-11:00, Sep-May Sa 10:00-12:00; PH off"
    ]
    again = analysis_reach.analyze(scenario, at=result.at)
    assert again.summary["children_covered"] == result.after["children_covered"] == 52
    # without a moment the place is counted: the site next to it is left out
    assert plan(project, k=1, candidates=cands).new_sites["id"].tolist() == ["hall"]
    # kept as a named scenario, the session is an hours change of that place, not a new place
    from coverage.core.scenario import apply_scenario
    from coverage.planning.scenarios import from_plan

    kept = from_plan(result, "Lauantai", project=project)
    after = "Sep-May Mo-Fr 09:00-11:00, Sep-May Sa 10:00-12:00; PH off"
    assert kept.add == () and kept.hours == {"p1": ("Sep-May Mo-Fr 09:00-11:00; PH off", after)}
    assert apply_scenario(project, kept).project.places["opening_hours"].tolist() == (
        scenario.places["opening_hours"].tolist())


def test_add_session_rule_keeps_the_rest():
    import datetime as dt

    from coverage.planning.reschedule import add_session_rule

    week = dt.date(2026, 10, 5)
    assert add_session_rule("Sep-May Tu 09:00-11:00; PH off", "Th 09:00-11:00", week) == (
        "Sep-May Tu,Th 09:00-11:00; PH off"
    )
    assert add_session_rule("Tu 09:30-11:30", "Tu 13:00-15:00", week) == "Tu 09:30-11:30, Tu 13:00-15:00"
    # joining Th to the Tu part would override Thursday's evening session: added as an extra rule instead
    assert add_session_rule("Th 17:00-19:00; Tu 09:00-11:00", "Th 09:00-11:00", week) == (
        "Th 17:00-19:00, Th 09:00-11:00; Tu 09:00-11:00"
    )
    assert add_session_rule("", "We 09:00-11:00", week) == "We 09:00-11:00"
    with pytest.raises(PlanningError, match="edit them by hand"):
        add_session_rule("24/7", "Th 09:00-11:00", week)
