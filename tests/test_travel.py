"""Travel models: the straight-line model, checked by hand and against the dense matrix."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from coverage.core.errors import KatveError
from coverage.core.model import Settings
from coverage.travel.base import Pairs, as_xy
from coverage.travel.choose import model_from_settings
from coverage.travel.straight import StraightLine

# 60 km/h and circuity 1.5: one straight km is 1.5 travel km and 1.5 minutes
MODEL = StraightLine(speed_kmh=60.0, circuity=1.5, mode="car")


def test_minutes_by_hand():
    o = np.array([[0.0, 0.0], [3000.0, 4000.0]])
    d = np.array([[0.0, 0.0], [6000.0, 8000.0]])
    m = MODEL.minutes(o, d)
    # distances: (0, 10 km), (5 km, 5 km)
    np.testing.assert_allclose(m, [[0.0, 15.0], [7.5, 7.5]])


def test_nearest_three_points_on_a_line():
    places = np.array([[0.0, 0.0], [10_000.0, 0.0]])
    areas = np.array([[3000.0, 0.0], [7000.0, 0.0], [20_000.0, 0.0]])
    near = MODEL.nearest(areas, places)
    assert near.index.tolist() == [0, 1, 1]
    np.testing.assert_allclose(near.straight_km, [3.0, 3.0, 10.0])
    np.testing.assert_allclose(near.distance_km, [4.5, 4.5, 15.0])
    np.testing.assert_allclose(near.minutes, [4.5, 4.5, 15.0])


def test_nearest_without_destinations_is_minus_one_and_nan():
    near = MODEL.nearest(np.array([[0.0, 0.0]]), np.empty((0, 2)))
    assert near.index.tolist() == [-1]
    assert np.isnan(near.minutes).all() and np.isnan(near.distance_km).all()


def test_within_is_inclusive_sorted_and_keeps_colocated_pairs():
    o = np.array([[0.0, 0.0], [1000.0, 0.0], [50_000.0, 0.0]])
    d = np.array([[4000.0, 0.0], [0.0, 0.0], [1000.0, 0.0]])
    # 6 minutes = 6 travel km = 4 straight km; (0,0)-(4000,0) lies exactly on the limit
    pairs = MODEL.within(o, d, 6.0)
    got = list(zip(pairs.rows.tolist(), pairs.cols.tolist(), strict=True))
    assert got == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]
    np.testing.assert_allclose(pairs.minutes, [6.0, 0.0, 1.5, 4.5, 1.5, 0.0])
    assert pairs.shape == (3, 3)
    csr = pairs.to_csr()
    assert csr.nnz == 6  # zero-minute pairs survive the sparse matrix


def test_within_more_destinations_than_origins_same_answer():
    rng = np.random.default_rng(1)
    o, d = rng.uniform(0, 10_000, (5, 2)), rng.uniform(0, 10_000, (40, 2))
    a, b = MODEL.within(o, d, 5.0), MODEL.within(d, o, 5.0)
    assert sorted(zip(a.rows, a.cols, strict=True)) == sorted(zip(b.cols, b.rows, strict=True))


def test_within_empty_inputs():
    pairs = MODEL.within(np.empty((0, 2)), np.array([[0.0, 0.0]]), 5.0)
    assert isinstance(pairs, Pairs) and pairs.shape == (0, 1) and len(pairs.rows) == 0


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), min_size=1, max_size=12),
    st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), min_size=1, max_size=12),
    st.floats(0.5, 30.0),
)
def test_within_matches_dense_matrix(origins, destinations, limit):
    # points on a 1 km lattice produce many exact ties and co-located points
    o = np.array(origins, float) * 1000.0
    d = np.array(destinations, float) * 1000.0
    dense = MODEL.minutes(o, d)
    pairs = MODEL.within(o, d, limit)
    got = set(zip(pairs.rows.tolist(), pairs.cols.tolist(), strict=True))
    surely_in = set(zip(*np.nonzero(dense <= limit * (1 - 1e-9)), strict=True))
    maybe_in = set(zip(*np.nonzero(dense <= limit * (1 + 1e-9)), strict=True))
    assert surely_in <= got <= maybe_in
    on_limit = set(zip(*np.nonzero(np.isclose(dense, limit, rtol=1e-12, atol=0)), strict=True))
    assert on_limit <= got  # the limit is inclusive
    np.testing.assert_allclose(pairs.minutes, dense[pairs.rows, pairs.cols])
    assert np.all(np.diff(pairs.rows * len(d) + pairs.cols) > 0)  # sorted, no duplicates


def test_reach_matrix_holds_the_pairs_of_within():
    rng = np.random.default_rng(2)
    o, d = rng.uniform(0, 20_000, (300, 2)), rng.uniform(0, 20_000, (30, 2))
    o[0] = d[0]  # a co-located pair
    pairs, matrix = MODEL.within(o, d, 6.0), MODEL.reach_matrix(o, d, 6.0)
    assert matrix.shape == (300, 30) and matrix.nnz == len(pairs.rows) > 0
    assert matrix.tocsr()[0, 0] == 1
    expected = set(zip(pairs.rows.tolist(), pairs.cols.tolist(), strict=True))
    assert set(zip(*matrix.nonzero(), strict=True)) == expected


def test_pair_distance_km_elementwise():
    o = np.array([[0.0, 0.0], [0.0, 0.0]])
    d = np.array([[3000.0, 4000.0], [0.0, 0.0]])
    np.testing.assert_allclose(MODEL.pair_distance_km(o, d), [7.5, 0.0])
    with pytest.raises(KatveError, match="equally many"):
        MODEL.pair_distance_km(o, d[:1])


def test_reach_polygons_are_inscribed_circles_of_the_straight_radius():
    polys = MODEL.reach_polygons(np.array([[0.0, 0.0], [100_000.0, 0.0]]), 6.0)
    assert len(polys) == 2
    r = 4000.0  # 6 min = 6 travel km = 4 straight km
    assert shapely.area(polys[0]) == pytest.approx(math.pi * r * r, rel=2e-3)
    assert shapely.area(polys[0]) < math.pi * r * r  # inscribed
    assert polys[0].contains(Point(0.999 * r / math.sqrt(2), 0.999 * r / math.sqrt(2)))
    assert not polys[0].contains(Point(r + 1, 0))
    assert polys[1].centroid.x == pytest.approx(100_000.0)


def test_as_xy_accepts_geodataframes_and_rejects_bad_shapes():
    gdf = gpd.GeoDataFrame(geometry=[Point(1, 2), Point(3, 4)], crs="EPSG:3067")
    np.testing.assert_allclose(as_xy(gdf), [[1, 2], [3, 4]])
    with pytest.raises(KatveError, match="expected an"):
        as_xy(np.zeros((3, 3)))


def test_model_from_settings_uses_mode_speed_and_circuity():
    m = model_from_settings(Settings(mode="bike", circuity=1.2, threshold_minutes=15))
    assert isinstance(m, StraightLine)
    assert m.describe() == {"model": "straight_line", "mode": "bike", "speed_kmh": 15.0, "circuity": 1.2}
    # 15 km/h, circuity 1.2: 1 straight km = 1.2 km = 4.8 minutes
    assert m.minutes(np.array([[0.0, 0.0]]), np.array([[1000.0, 0.0]]))[0, 0] == pytest.approx(4.8)
