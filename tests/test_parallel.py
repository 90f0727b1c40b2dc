"""coverage.core.parallel: threads for the heavy compiled loops, and the analyses that use them.

Every parallel path is checked against the same computation done another way (one thread, a plain union,
brute force), on inputs large enough that the parallel path really runs.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from coverage.analysis import reach
from coverage.analysis import week as analysis_week
from coverage.core import parallel, schedule
from coverage.core.errors import KatveError
from coverage.core.model import Project, Settings
from coverage.travel.straight import StraightLine

CRS = "EPSG:3067"
MODEL = StraightLine(speed_kmh=60.0, circuity=1.5, mode="car")  # 1 straight km = 1.5 minutes


@pytest.fixture
def two_threads(monkeypatch):
    monkeypatch.setenv(parallel.ENV_VAR, "2")


# --- the helpers ------------------------------------------------------------------------------------------

def test_run_returns_results_in_order_and_really_runs_concurrently(two_threads):
    barrier = threading.Barrier(2, timeout=10)  # both tasks must be running at once to pass it

    def task(value):
        barrier.wait()
        return value, threading.get_ident()

    (a, ta), (b, tb) = parallel.run([lambda: task("a"), lambda: task("b")])
    assert (a, b) == ("a", "b") and ta != tb
    assert ta == threading.get_ident()  # the caller runs the first task itself


def test_one_thread_when_told(monkeypatch):
    monkeypatch.setenv(parallel.ENV_VAR, "1")
    idents = parallel.run([threading.get_ident, threading.get_ident, threading.get_ident])
    assert set(idents) == {threading.get_ident()}


@pytest.mark.parametrize(("value", "expected"), [("3", 3), ("0", 1), ("-2", 1), ("99", parallel.MAX_WORKERS)])
def test_workers_reads_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv(parallel.ENV_VAR, value)
    assert parallel.workers() == expected


def test_unreadable_setting_falls_back_to_the_machine(monkeypatch):
    monkeypatch.setenv(parallel.ENV_VAR, "many")
    machine = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert parallel.workers() == max(1, min(machine, parallel.MAX_WORKERS))


def test_an_exception_is_raised_after_the_other_tasks_finish(two_threads):
    finished = []

    def slow():
        time.sleep(0.2)
        finished.append("slow")
        return 1

    def broken():
        raise ValueError("broken task")

    with pytest.raises(ValueError, match="broken task"):
        parallel.run([broken, slow])
    assert finished == ["slow"]
    with pytest.raises(ValueError, match="broken task"):
        parallel.run([slow, broken])


def test_nested_runs_do_not_wait_on_a_full_pool(two_threads):
    def inner(k):
        return sum(parallel.run([lambda: k, lambda: k * 10, lambda: k * 100]))

    assert parallel.run([lambda k=k: inner(k) for k in range(1, 6)]) == [111, 222, 333, 444, 555]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork only")
def test_a_forked_child_gets_a_working_pool(two_threads):
    parallel.run([lambda: 1, lambda: 2])  # the parent's pool exists
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # Python >= 3.12 warns about fork with threads
        pid = os.fork()
    if pid == 0:  # child: would hang on the parent's vanished threads without the at-fork reset
        try:
            ok = parallel.run([lambda: 1, lambda: 2]) == [1, 2]
        finally:
            os._exit(0 if ok else 1)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            assert os.waitstatus_to_exitcode(status) == 0
            return
        time.sleep(0.05)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    pytest.fail("the forked child hung in parallel.run")


def test_spatial_chunks_partition_the_points_along_the_wider_side():
    rng = np.random.default_rng(3)
    xy = rng.uniform((0, 0), (10_000, 1_000), size=(50_001, 2))  # wide in x
    chunks = parallel.spatial_chunks(xy, min_points=20_000, parts=2)
    assert len(chunks) == 2
    np.testing.assert_array_equal(np.sort(np.concatenate(chunks)), np.arange(len(xy)))
    left, right = sorted(chunks, key=lambda c: xy[c, 0].min())
    assert xy[left, 0].max() <= xy[right, 0].min()
    assert abs(len(left) - len(right)) <= 1
    four = parallel.spatial_chunks(xy, min_points=10_000, parts=4)
    assert len(four) == 4 and sum(len(c) for c in four) == len(xy)
    assert parallel.spatial_chunks(xy, min_points=30_000, parts=2) == [None]  # too few to split
    assert parallel.spatial_chunks(xy, min_points=1, parts=1) == [None]


# --- travel: pairs and bits in chunks ---------------------------------------------------------------------

def _brute_bits(o, d, limit, bits):
    out = np.zeros(len(o), dtype=np.int64)
    for start in range(0, len(o), 5000):
        near = MODEL.minutes(o[start:start + 5000], d) <= limit
        for j in np.flatnonzero(near.any(axis=0)):
            out[start:start + 5000][near[:, j]] |= bits[j]
    return out


TOWNS = np.random.default_rng(0).uniform(0, 200_000, size=(30, 2))


def _scattered(n, seed):
    """Points around the same 30 towns (demand and places alike), 4 km spread."""
    rng = np.random.default_rng(seed)
    return TOWNS[rng.integers(0, len(TOWNS), n)] + rng.normal(size=(n, 2)) * 4000


def test_reach_bits_in_parallel_chunks_match_brute_force(two_threads):
    o, d = _scattered(45_000, 1), _scattered(120, 2)
    assert len(parallel.spatial_chunks(o)) == 2  # the chunked path really runs
    bits = np.random.default_rng(5).integers(0, 1 << 21, len(d))
    got = MODEL.reach_bits(o, d, 12.0, bits)
    np.testing.assert_array_equal(got, _brute_bits(o, d, 12.0, bits))
    assert (got == 0).any() and (got != 0).any()
    # destinations as the larger set (the other side is split)
    back = MODEL.reach_bits(d, o, 12.0, np.ones(len(o), dtype=np.int64))
    np.testing.assert_array_equal(back, (MODEL.minutes(d, o) <= 12.0).any(axis=1).astype(np.int64))


def test_reach_bits_checks_its_input():
    with pytest.raises(KatveError, match="one value per destination"):
        MODEL.reach_bits(np.zeros((2, 2)), np.zeros((3, 2)), 5.0, np.ones(2))
    assert MODEL.reach_bits(np.zeros((2, 2)), np.empty((0, 2)), 5.0, np.empty(0)).tolist() == [0, 0]


def test_within_is_the_same_on_one_thread_and_two(monkeypatch):
    o, d = _scattered(42_000, 3), _scattered(80, 4)
    monkeypatch.setenv(parallel.ENV_VAR, "1")
    one = MODEL.within(o, d, 9.0)
    monkeypatch.setenv(parallel.ENV_VAR, "2")
    two = MODEL.within(o, d, 9.0)
    assert len(one.rows) > 10_000
    np.testing.assert_array_equal(one.rows, two.rows)
    np.testing.assert_array_equal(one.cols, two.cols)
    np.testing.assert_allclose(one.minutes, two.minutes)


# --- analysis: union, bit sums, week expansion ------------------------------------------------------------

def test_union_of_clusters_in_threads_equals_one_union(two_threads):
    rng = np.random.default_rng(8)
    centres = np.concatenate([rng.normal(c, 3000, size=(60, 2)) for c in ((0, 0), (80_000, 0), (0, 90_000))]
                             + [rng.uniform(150_000, 400_000, size=(40, 2))])
    circles = MODEL.reach_polygons(centres, 6.0)  # 4 km circles
    groups = reach._disjoint_groups(circles, 2)
    assert len(groups) == 2
    np.testing.assert_array_equal(np.sort(np.concatenate(groups)), np.arange(len(circles)))
    a, b = (shapely.union_all(circles[g]) for g in groups)
    assert not shapely.intersects(a, b)  # groups never touch
    got, plain = reach._union(circles), shapely.union_all(circles)
    assert got.is_valid
    assert shapely.symmetric_difference(got, plain).area < 1e-6 * plain.area
    assert len(shapely.get_parts(got)) == len(shapely.get_parts(plain))


def test_union_of_one_cluster_or_few_polygons_is_a_plain_union(two_threads):
    ring = MODEL.reach_polygons(np.array([[i * 1000.0, 0.0] for i in range(100)]), 3.0)  # one chain
    assert reach._disjoint_groups(ring, 2) == []
    assert shapely.equals(reach._union(ring), shapely.union_all(ring))
    apart = MODEL.reach_polygons(np.array([[0.0, 0.0], [50_000.0, 0.0]]), 3.0)
    assert len(shapely.get_parts(reach._union(apart))) == 2


@pytest.mark.parametrize("k", [21, 40])
def test_sum_by_bit_equals_the_unpacked_matrix_product(k):
    rng = np.random.default_rng(k)
    bits = rng.integers(0, 1 << k, 5000, dtype=np.int64)
    weights = rng.uniform(0, 10, 5000)
    cells = analysis_week._unpack_cells(bits, k)
    np.testing.assert_array_equal(analysis_week._cell_bits(cells), bits)
    np.testing.assert_allclose(analysis_week._sum_by_bit(bits, weights, k), weights @ cells, rtol=1e-12)
    manual = [weights[(bits >> j) & 1 == 1].sum() for j in range(k)]
    np.testing.assert_allclose(analysis_week._sum_by_bit(bits, weights, k), manual, rtol=1e-12)


@pytest.mark.parametrize("monday", [dt.date(2026, 3, 23), dt.date(2026, 10, 19), dt.date(2026, 12, 7)])
@pytest.mark.parametrize("hours", ["Mo-Su 08:00-20:00; PH off", "24/7", "Su 02:00-05:00", "Sa,Su 00:30-04:30",
                                   "Sep-May Mo,We 09:00-11:30; Su 17:00-19:00; PH off"])
def test_week_expansion_in_wall_clock_minutes_across_dst(monday, hours):
    # Mar 29 and Oct 25 2026 are DST changes; Dec 6 is Independence Day (the week before Dec 7)
    analysis_week._week_intervals.cache_clear()
    got = analysis_week._week_intervals(hours, monday)
    start = dt.datetime.combine(monday, dt.time(0), tzinfo=schedule.TZ)
    expected = []
    for a, b in schedule.open_intervals(hours, start, start + dt.timedelta(days=7)):  # aware expansion
        lo, hi = ((t.date() - monday).days * 1440.0 + t.hour * 60 + t.minute for t in (a, b))
        expected.append((lo, hi))
    assert list(got) == expected
    if hours == "Mo-Su 08:00-20:00; PH off":
        assert got == tuple((d * 1440.0 + 480, d * 1440.0 + 1200) for d in range(7))


def test_analysis_results_do_not_change_the_project():
    places = gpd.GeoDataFrame({"id": ["p"], "name": ["P"], "status": ["existing"],
                               "opening_hours": ["Mo 10:00-12:00"]},
                              geometry=gpd.points_from_xy([0], [0]), crs=CRS)
    areas = gpd.GeoDataFrame({"id": ["a", "b"], "name": ["A", "B"], "population": [10, 20],
                              "children_0_6": [1.0, 2.0]},
                             geometry=gpd.points_from_xy([100, 90_000], [0, 0]), crs=CRS)
    project = Project(places=places, areas=areas, settings=Settings(mode="car", threshold_minutes=10))
    before = project.areas.copy(), project.places.copy()
    r = reach.analyze(project)
    r.areas.loc[0, "name"] = "changed"
    r.areas.loc[1, "children_0_6"] = 99.0
    r.places.loc[0, "status"] = "closed"
    pd.testing.assert_frame_equal(project.areas, before[0])
    pd.testing.assert_frame_equal(project.places, before[1])
    assert "covered" not in project.areas and "counted" not in project.places


def test_weekday_matrix_of_a_large_project_equals_brute_force(two_threads):
    rng = np.random.default_rng(11)
    xy = _scattered(44_000, 12)
    kids = np.round(rng.uniform(0, 5, len(xy)), 1)
    place_xy = _scattered(150, 13)
    days = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
    hours = [f"{days[i % 7]} {8 + i % 10:02d}:00-{10 + i % 10:02d}:30" for i in range(len(place_xy))]
    places = gpd.GeoDataFrame({"id": [f"p{i}" for i in range(len(place_xy))], "name": "P",
                               "status": "existing", "opening_hours": hours},
                              geometry=gpd.points_from_xy(*place_xy.T), crs=CRS)
    areas = gpd.GeoDataFrame({"id": [f"a{i}" for i in range(len(xy))], "name": "A", "population": 10,
                              "children_0_6": kids}, geometry=gpd.points_from_xy(*xy.T), crs=CRS)
    settings = Settings(mode="car", threshold_minutes=10, speeds_kmh={"car": 60.0}, circuity=1.5)
    project = Project(places=places, areas=areas, settings=settings)
    week = dt.date(2026, 12, 7)
    got = analysis_week.weekday_matrix(project, week=week, result=reach.analyze(project))

    cells = analysis_week._open_cells(places, week, analysis_week.DEFAULT_MIN_OPEN_MINUTES)  # (150, 21)
    expected = np.zeros(21)
    for start in range(0, len(xy), 4000):
        near = (MODEL.minutes(xy[start:start + 4000], place_xy) <= 10.0).astype(int)  # (rows, 150)
        expected += kids[start:start + 4000] @ ((near @ cells.astype(int)) > 0)
    np.testing.assert_allclose(got.to_numpy().ravel(), expected, rtol=1e-12)
    assert expected.max() > 1000  # the case is not trivially empty
