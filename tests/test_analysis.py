"""Coverage engine: hand-checkable geometry, time filters over holidays and seasons, overlaps, JSON."""

from __future__ import annotations

import datetime as dt
import json
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, Polygon, box

from coverage.analysis import reach as analysis_reach
from coverage.analysis import week as analysis_week
from coverage.core.errors import AnalysisError
from coverage.core.model import Project, Settings
from coverage.core.schedule import TZ
from coverage.travel.straight import StraightLine

CRS = "EPSG:3067"
# 60 km/h and circuity 1.5: one straight km = 1.5 travel km = 1.5 minutes; 6 min reach 4 straight km
SETTINGS = Settings(mode="car", speeds_kmh={"walk": 4.0, "bike": 15.0, "car": 60.0}, circuity=1.5,
                    threshold_minutes=6.0)
KM = 1000.0


def places_gdf(rows):
    """rows: (id, x_km, y_km, status, opening_hours)."""
    return gpd.GeoDataFrame(
        {"id": [r[0] for r in rows], "name": [f"Paikka {r[0]}" for r in rows], "status": [r[3] for r in rows],
         "opening_hours": [r[4] for r in rows]},
        geometry=[Point(r[1] * KM, r[2] * KM) for r in rows], crs=CRS,
    )


def areas_gdf(rows):
    """rows: (id, geometry or (x_km, y_km), population, children)."""
    geoms = [r[1] if isinstance(r[1], shapely.Geometry) else Point(r[1][0] * KM, r[1][1] * KM) for r in rows]
    return gpd.GeoDataFrame(
        {"id": [r[0] for r in rows], "name": [f"Alue {r[0]}" for r in rows],
         "population": [r[2] for r in rows], "children_0_6": [float(r[3]) for r in rows]},
        geometry=geoms, crs=CRS,
    )


def line_project(**kw):
    """Three areas on the x axis at 3, 7 and 20 km; an existing place at 0 and a planned one at 10 km."""
    places = places_gdf([
        ("p0", 0, 0, "existing", "Sep-May Tu 09:30-11:30; PH off"),
        ("p1", 10, 0, "planned", "Mo-Fr 09:00-15:00"),
        ("c0", 20, 0, "candidate", "Mo-Su 00:00-24:00"),
    ])
    areas = areas_gdf([("a3", (3, 0), 100, 10), ("a7", (7, 0), 200, 30), ("a20", (20, 0), 50, 5)])
    return Project(places=places, areas=areas, settings=SETTINGS, **kw)


# --- coverage ---------------------------------------------------------------------------------------------

def test_three_points_on_a_line():
    r = analysis_reach.analyze(line_project())
    a = r.areas.set_index("id")
    assert a["nearest_place_id"].tolist() == ["p0", "p0", "p0"]
    np.testing.assert_allclose(a["straight_km"], [3, 7, 20])
    np.testing.assert_allclose(a["distance_km"], [4.5, 10.5, 30])
    np.testing.assert_allclose(a["minutes"], [4.5, 10.5, 30])
    assert a["covered"].tolist() == [True, False, False]
    assert r.places["counted"].tolist() == [True, False, False]  # planned and candidate do not count
    s = r.summary
    assert (s["population_total"], s["population_covered"]) == (350, 100)
    assert (s["children_total"], s["children_covered"]) == (45.0, 10.0)
    assert s["children_covered_share"] == pytest.approx(10 / 45)
    assert s["places_counted"] == 1
    assert r.blind_spots()["id"].tolist() == ["a7", "a20"]  # most children first


def test_planned_places_count_in_a_scenario():
    r = analysis_reach.analyze(line_project(), include_planned=True)
    a = r.areas.set_index("id")
    assert a["nearest_place_id"].tolist() == ["p0", "p1", "p1"]
    np.testing.assert_allclose(a["minutes"], [4.5, 4.5, 15])
    assert a["covered"].tolist() == [True, True, False]
    assert r.summary["children_covered"] == 40.0 and r.summary["places_counted"] == 2


def test_threshold_in_km_bounds_travel_distance_not_straight_distance():
    project = line_project()
    # 4 straight km = 6 travel km: exactly on a 6 km limit (inclusive); 7 km = 10.5 travel km
    by_km = analysis_reach.analyze(project, SETTINGS.replace(threshold_km=6.0))
    by_min = analysis_reach.analyze(project, SETTINGS.replace(threshold_minutes=6.0))
    assert by_km.areas["covered"].tolist() == by_min.areas["covered"].tolist() == [True, False, False]
    # 7 straight km = 10.5 travel km: within an 11 km limit
    assert analysis_reach.analyze(project, SETTINGS.replace(threshold_km=11.0)).areas["covered"].tolist() == [
        True, True, False]
    # a limit of 7 km (travel) excludes the area 7 straight km away (10.5 travel km)
    assert analysis_reach.analyze(project, SETTINGS.replace(threshold_km=7.0)).areas["covered"].tolist() == [
        True, False, False]
    assert by_km.to_json()["settings"]["threshold_km"] == 6.0
    assert by_km.to_json()["settings"]["threshold_minutes"] is None


def test_area_exactly_on_the_minutes_threshold_is_covered():
    project = line_project()
    project.areas = areas_gdf([("edge", (4, 0), 10, 1), ("beyond", (4.01, 0), 10, 1)])
    assert analysis_reach.analyze(project).areas["covered"].tolist() == [True, False]


def test_polygon_area_is_measured_from_a_point_inside_it():
    # a U-shaped area whose centroid lies in the notch, far from its own land
    u = Polygon([(0, 0), (10 * KM, 0), (10 * KM, 10 * KM), (9 * KM, 10 * KM), (9 * KM, 1 * KM),
                 (1 * KM, 1 * KM), (1 * KM, 10 * KM), (0, 10 * KM)])
    assert not u.contains(u.centroid)
    project = line_project()
    project.areas = areas_gdf([("u", u, 10, 1)])
    r = analysis_reach.analyze(project)
    rep = analysis_reach.demand_points(project.areas)[0]
    assert u.contains(Point(rep))
    assert r.areas["straight_km"].iloc[0] == pytest.approx(math.hypot(*rep) / KM)


def test_layers_in_wgs84_are_reprojected():
    project = line_project()
    project.places = project.places.to_crs("EPSG:4326")
    project.areas = project.areas.to_crs("EPSG:4326")
    r = analysis_reach.analyze(project)
    np.testing.assert_allclose(r.areas["straight_km"], [3, 7, 20], rtol=1e-6)


def test_no_counted_place_leaves_everything_uncovered_and_json_has_no_nan():
    project = line_project()
    project.places["status"] = "candidate"
    r = analysis_reach.analyze(project)
    assert not r.areas["covered"].any()
    assert r.areas["nearest_place_id"].isna().all()
    doc = r.to_json()
    text = json.dumps(doc, allow_nan=False)  # raises on NaN
    assert doc["areas"][0]["minutes"] is None and doc["areas"][0]["nearest_place_id"] is None
    assert doc["summary"]["children_covered"] == 0.0
    assert doc["blind_spots"][0]["minutes"] is None and '"minutes": null' in text


def test_layers_with_a_repeated_index_work():
    project = line_project()
    project.areas.index = [7, 7, 7]
    project.places.index = [1, 1, 1]
    r = analysis_reach.analyze(project)
    assert r.areas["covered"].tolist() == [True, False, False]
    assert r.to_json()["areas"][0]["nearest_place_id"] == "p0"
    assert analysis_week.weekday_matrix(project, week=dt.date(2026, 1, 12)).loc["Tu", "morning"] == 10


def test_missing_location_is_reported_by_id():
    project = line_project()
    project.areas.loc[1, "geometry"] = None
    with pytest.raises(AnalysisError, match=r"areas: 1 row\(s\) without a location \(id a7\)"):
        analysis_reach.analyze(project)


def test_to_json_follows_the_contract():
    r = analysis_reach.analyze(line_project(), at=dt.datetime(2026, 1, 13, 10, 0))
    doc = r.to_json()
    assert set(doc) == {"settings", "places", "areas", "summary", "blind_spots", "villages"}
    assert set(doc["settings"]) == {"mode", "model", "speed_kmh", "circuity", "threshold_minutes",
                                    "threshold_km", "at"}
    assert set(doc["places"][0]) == {"id", "name", "lon", "lat", "status", "counted"}
    assert set(doc["areas"][0]) == {"id", "name", "village", "lon", "lat", "population", "children_0_6",
                                    "nearest_place_id", "straight_km", "distance_km", "minutes", "covered"}
    assert set(doc["summary"]) == {"population_total", "population_covered", "children_total",
                                   "children_covered", "children_covered_share", "places_counted"}
    assert set(doc["blind_spots"][0]) == {"id", "name", "children_0_6", "minutes"}
    assert set(doc["villages"][0]) == {"name", "population", "children_0_6", "children_covered",
                                       "children_uncovered"}
    assert doc["settings"]["at"] == "2026-01-13T10:00:00+02:00"
    assert doc["settings"]["model"] == "straight_line" and doc["settings"]["speed_kmh"] == 60.0
    # lon/lat are WGS84 of the EPSG:3067 point (0, 0) / (3 km, 0)
    lon0, lat0 = gpd.GeoSeries([Point(0, 0)], crs=CRS).to_crs("EPSG:4326").iloc[0].coords[0]
    assert (doc["places"][0]["lon"], doc["places"][0]["lat"]) == (round(lon0, 6), round(lat0, 6))
    assert [a["covered"] for a in doc["areas"]] == [True, False, False]
    assert isinstance(doc["summary"]["population_total"], int)
    json.dumps(doc, allow_nan=False)


# --- time -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("when", "counted"),
    [
        (dt.datetime(2026, 1, 13, 10, 0), True),   # an ordinary Tuesday in term
        (dt.datetime(2026, 1, 6, 10, 0), False),   # Epiphany (loppiainen), a Tuesday: PH off
        (dt.datetime(2026, 1, 13, 12, 0), False),  # after the session
        (dt.datetime(2026, 5, 26, 10, 0), True),   # last Tuesday of the Sep-May season
        (dt.datetime(2026, 6, 2, 10, 0), False),   # June: season over
        (dt.datetime(2026, 8, 25, 10, 0), False),  # August: not yet
        (dt.datetime(2026, 9, 1, 10, 0), True),    # first Tuesday of September
    ],
)
def test_time_filter_respects_holidays_and_seasons(when, counted):
    mask = analysis_reach.counted_places(line_project(), at=when)
    assert mask.tolist() == [counted, False, False]
    r = analysis_reach.analyze(line_project(), at=when)
    assert r.summary["children_covered"] == (10.0 if counted else 0.0)
    assert r.at == when.replace(tzinfo=TZ)


def test_independence_day_closes_a_monday_session():
    project = line_project()
    project.places.loc[0, "opening_hours"] = "Mo 09:00-12:00; PH off"
    assert not analysis_reach.counted_places(project, at=dt.datetime(2027, 12, 6, 10, 0)).iloc[0]  # Mon Dec 6
    assert analysis_reach.counted_places(project, at=dt.datetime(2027, 12, 13, 10, 0)).iloc[0]


def test_time_filter_accepts_weekday_text_and_counts_planned_when_asked():
    mask = analysis_reach.counted_places(line_project(), at="Mo 10:00", include_planned=True)
    assert mask.tolist() == [False, True, False]


def test_unreadable_opening_hours_name_the_place_when_time_matters():
    project = line_project()
    project.places.loc[0, "opening_hours"] = "Tu 9-11x"
    assert analysis_reach.analyze(project).summary["places_counted"] == 1  # no time filter: hours not needed
    with pytest.raises(AnalysisError, match=r"place p0 \(Paikka p0\): invalid opening_hours"):
        analysis_reach.analyze(project, at="Tu 10:00")


# --- weekday x daypart ------------------------------------------------------------------------------------

def weekday_project():
    places = places_gdf([
        ("A", 0, 0, "existing", "Sep-May Tu 09:30-11:30; PH off"),       # Tu morning
        ("B", 20, 0, "existing", "Tu 11:00-13:00; Th 17:00-19:00"),      # Tu morning+afternoon, Th evening
        ("C", 40, 0, "existing", "We 11:50-12:40"),                      # 10 min morning, 40 min afternoon
        ("P", 60, 0, "planned", "Sa 10:00-12:00"),
    ])
    areas = areas_gdf([("nearA", (1, 0), 100, 10), ("nearB", (21, 0), 100, 20), ("nearC", (41, 0), 100, 40),
                       ("nearP", (61, 0), 100, 80), ("far", (100, 0), 100, 160)])
    return Project(places=places, areas=areas, settings=SETTINGS)


def test_weekday_matrix_by_hand():
    m = analysis_week.weekday_matrix(weekday_project(), week=dt.date(2026, 1, 14))  # Wed: week of Jan 12
    assert m.attrs["week"] == dt.date(2026, 1, 12)
    assert list(m.index) == ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
    assert list(m.columns) == ["morning", "afternoon", "evening"]
    expected = pd.DataFrame(0.0, index=m.index, columns=m.columns)
    expected.loc["Tu", "morning"] = 10 + 20
    expected.loc["Tu", "afternoon"] = 20
    expected.loc["We", "afternoon"] = 40  # 10 minutes of morning are too few (30-minute rule)
    expected.loc["Th", "evening"] = 20
    pd.testing.assert_frame_equal(m, expected, check_names=False)
    assert m.attrs["total"] == 310.0


def test_weekday_matrix_reusing_an_analysis_gives_the_same_figures():
    project, week = weekday_project(), dt.date(2026, 1, 12)
    r = analysis_reach.analyze(project, include_planned=True)
    direct = analysis_week.weekday_matrix(project, week=week, include_planned=True)
    reused = analysis_week.weekday_matrix(project, week=week, include_planned=True, result=r)
    pd.testing.assert_frame_equal(direct, reused)
    assert r.demand_xy.shape == (5, 2) and not r.demand_xy.flags.writeable
    with pytest.raises(AnalysisError, match="include_planned"):
        analysis_week.weekday_matrix(project, week=week, result=r)
    with pytest.raises(AnalysisError, match="one moment"):
        analysis_week.weekday_matrix(
            project, week=week, result=analysis_reach.analyze(project, at="Tu 10:00")
        )


def test_weekday_matrix_any_opening_and_planned_places():
    m = analysis_week.weekday_matrix(
        weekday_project(), week=dt.date(2026, 1, 12), min_open_minutes=0, include_planned=True
    )
    assert m.loc["We", "morning"] == 40 and m.loc["We", "afternoon"] == 40
    assert m.loc["Sa", "morning"] == 80
    places = analysis_week.weekday_matrix(weekday_project(), week=dt.date(2026, 1, 12), value="places")
    assert places.loc["Tu", "morning"] == 2 and places.loc["Tu", "afternoon"] == 1


def test_weekday_matrix_in_a_holiday_week_and_out_of_season():
    # Epiphany (Tu Jan 6 2026): A is closed (PH off) but B has no holiday rule
    m = analysis_week.weekday_matrix(weekday_project(), week=dt.date(2026, 1, 5))
    assert m.loc["Tu", "morning"] == 20
    # June: A's Sep-May season is over
    m = analysis_week.weekday_matrix(weekday_project(), week=dt.date(2026, 6, 1))
    assert m.loc["Tu", "morning"] == 20


def test_weekday_gain_prefers_the_cells_without_a_session_nearby():
    gain = analysis_week.weekday_gain(weekday_project(), (2 * KM, 0), week=dt.date(2026, 1, 12))
    # the new site reaches nearA (1 km away) only; nearA is covered on Tuesday morning by A
    assert gain.loc["Tu", "morning"] == 0
    assert gain.loc["Mo", "morning"] == 10 and gain.loc["Tu", "afternoon"] == 10
    far = analysis_week.weekday_gain(weekday_project(), Point(100 * KM, 0), week=dt.date(2026, 1, 12))
    assert (far.to_numpy() == 160).all()
    many = analysis_week.weekday_gains(
        weekday_project(), np.array([[2 * KM, 0], [100 * KM, 0], [500 * KM, 0]]), week=dt.date(2026, 1, 12)
    )
    assert many.shape == (3, 7, 3)
    np.testing.assert_array_equal(many[0], gain.to_numpy())
    np.testing.assert_array_equal(many[1], far.to_numpy())
    assert not many[2].any()  # nobody lives there


# --- overlaps ---------------------------------------------------------------------------------------------


def overlap_project():
    places = places_gdf(
        [
            ("A", 0, 0, "existing", "Tu 09:30-11:30; We 10:00-11:00; PH off"),
            ("B", 2, 0, "existing", "Tu 11:00-13:00; We 10:00-12:00"),
            ("C", 50, 0, "existing", "Tu 10:00-12:00"),  # too far from A and B
            ("D", 0, 1, "planned", "Tu 10:00-10:45"),
        ]
    )
    return Project(places=places, areas=areas_gdf([("x", (0, 0), 1, 1)]), settings=SETTINGS)


def test_overlaps_by_hand():
    o = analysis_week.overlaps(overlap_project(), week=dt.date(2026, 1, 12))
    assert o[["place_a_id", "place_b_id", "weekday"]].values.tolist() == [["A", "B", "Tu"], ["A", "B", "We"]]

    def at(day, h, m=0):
        return dt.datetime(2026, 1, day, h, m, tzinfo=TZ)

    assert o["start"].tolist() == [at(13, 11), at(14, 10)]
    assert o["end"].tolist() == [at(13, 11, 30), at(14, 11)]
    assert o["overlap_minutes"].tolist() == [30.0, 60.0]
    np.testing.assert_allclose(o["distance_km"], [3.0, 3.0])  # 2 km x 1.5
    np.testing.assert_allclose(o["straight_km"], [2.0, 2.0])
    np.testing.assert_allclose(o["minutes"], [3.0, 3.0])
    assert o["place_a"].iloc[0] == "Paikka A" and o["place_b"].iloc[0] == "Paikka B"


def test_overlaps_with_planned_places_and_over_a_holiday():
    o = analysis_week.overlaps(overlap_project(), week=dt.date(2026, 1, 12), include_planned=True)
    pairs = set(map(tuple, o[["place_a_id", "place_b_id", "weekday"]].values.tolist()))
    assert ("A", "D", "Tu") in pairs  # 10:00-10:45 inside A's 09:30-11:30
    assert ("B", "D", "Tu") not in pairs  # B opens at 11:00
    # Epiphany week: A is closed on Tuesday (PH off), only Wednesday remains
    o = analysis_week.overlaps(overlap_project(), week=dt.date(2026, 1, 5))
    assert o["weekday"].tolist() == ["We"]


def test_overlaps_respect_a_km_threshold():
    # 2 straight km = 3 travel km; a 2.9 km threshold separates A and B
    o = analysis_week.overlaps(
        overlap_project(), SETTINGS.replace(threshold_km=2.9), week=dt.date(2026, 1, 12)
    )
    assert o.empty and list(o.columns)[:4] == ["place_a_id", "place_a", "place_b_id", "place_b"]


# --- blind-spot polygons and reach ------------------------------------------------------------------------


def strip_project():
    """A 20 km x 2 km strip with one place in the middle: two blind spots, one at each end."""
    places = places_gdf([("mid", 10, 1, "existing", "Mo-Fr 09:00-12:00")])
    areas = areas_gdf(
        [
            ("west", (1, 1), 100, 7),
            ("east", (19, 1), 300, 20),
            ("centre", (10, 1.5), 50, 3),
            ("outside", (30, 1), 10, 1),
        ]
    )
    boundary = gpd.GeoDataFrame(
        {"code": ["x"], "name": ["Strip"]}, geometry=[box(0, 0, 20 * KM, 2 * KM)], crs=CRS
    )
    return Project(places=places, areas=areas, boundary=boundary, settings=SETTINGS)


def _end_area_km2(r_km=4.0, half_km=10.0):
    """Area of one end of the strip outside a circle of radius r centred on the strip's midline."""
    y = np.linspace(0, 2, 200_001) - 1.0
    width = half_km - np.sqrt(r_km**2 - y**2)
    return float(np.trapezoid(width, dx=2 / 200_000))


def test_blind_spot_polygons_of_a_strip():
    b = analysis_reach.blind_spot_polygons(strip_project())
    assert b["id"].tolist() == ["B1", "B2"]
    assert b.crs == CRS
    # B1 = the east end (20 children), B2 = the west end (7); centre is covered; outside is off the map
    assert b["children_0_6"].tolist() == [20.0, 7.0]
    assert b["population"].tolist() == [300.0, 100.0]
    assert b["areas"].tolist() == [1, 1]
    assert b.geometry.iloc[0].centroid.x > 10 * KM > b.geometry.iloc[1].centroid.x
    np.testing.assert_allclose(b["area_km2"], _end_area_km2(), rtol=2e-3)
    assert b.attrs["extent"] == "boundary" and b.attrs["method"] == "reach_polygons"
    assert b.attrs["unassigned"] == {"areas": 1, "population": 10.0, "children_0_6": 1.0}  # 'outside'
    r = analysis_reach.analyze(strip_project())
    outside = b.attrs["unassigned"]["children_0_6"]
    assert b["children_0_6"].sum() + outside == r.summary["children_uncovered"]


def test_blind_spot_inside_a_ring_of_places_is_its_own_polygon():
    """Twelve places on a 10 km circle: their reach forms a ring with an unreached pocket inside."""
    angles = np.arange(12) * np.pi / 6
    places = places_gdf(
        [
            (f"r{i}", 10 * np.cos(a), 10 * np.sin(a), "existing", "Mo 10:00-12:00")
            for i, a in enumerate(angles)
        ]
    )
    areas = areas_gdf([("pocket", (0, 0), 50, 5), ("outside", (25, 0), 90, 9), ("ring", (10, 2), 10, 1)])
    boundary = gpd.GeoDataFrame(geometry=[box(-30 * KM, -30 * KM, 30 * KM, 30 * KM)], crs=CRS)
    project = Project(places=places, areas=areas, boundary=boundary, settings=SETTINGS)
    b = analysis_reach.blind_spot_polygons(project)
    assert len(b) == 2 and b["children_0_6"].tolist() == [9.0, 5.0]
    pocket = b.geometry.iloc[1]
    assert pocket.contains(Point(0, 0)) and pocket.area < math.pi * (7 * KM) ** 2
    assert b.geometry.iloc[0].interiors  # the outer part has the ring (and the pocket) as a hole
    # the fast outer-ring test agrees with the exact one
    parts = b.geometry.to_numpy()
    xy = analysis_reach.demand_points(areas)
    mask = np.array([True, True, False])
    exact = analysis_reach._point_in_parts(parts, xy, mask)
    fast = analysis_reach._point_in_parts(parts, xy, mask, extent=boundary.geometry.iloc[0])
    assert exact.tolist() == fast.tolist() == [1, 0, -1]


def test_fast_point_in_blind_spot_matches_the_exact_test_on_random_data():
    rng = np.random.default_rng(7)
    places = places_gdf(
        [
            (f"p{i}", x, y, "existing", "Mo 10:00-12:00")
            for i, (x, y) in enumerate(rng.uniform(0, 60, (40, 2)))
        ]
    )
    areas = areas_gdf([(f"a{i}", (x, y), 10, 1) for i, (x, y) in enumerate(rng.uniform(-5, 65, (3000, 2)))])
    notched = Polygon([(0, 0), (60 * KM, 0), (60 * KM, 60 * KM), (30 * KM, 40 * KM), (0, 60 * KM)])
    boundary = gpd.GeoDataFrame(geometry=[notched], crs=CRS)
    project = Project(places=places, areas=areas, boundary=boundary, settings=SETTINGS)
    r = analysis_reach.analyze(project)
    b = analysis_reach.blind_spot_polygons(project, result=r)
    assert len(b) > 3
    parts, xy = b.geometry.to_numpy(), r.demand_xy
    unc = ~r.areas["covered"].to_numpy(bool)
    exact = analysis_reach._point_in_parts(parts, xy, unc)
    fast = analysis_reach._point_in_parts(parts, xy, unc, extent=boundary.geometry.iloc[0])
    np.testing.assert_array_equal(exact, fast)
    assert (exact[unc] >= 0).sum() == b["areas"].sum() and (exact[~unc] == -1).all()


def test_blind_spot_polygons_reuse_an_analyze_result():
    project = strip_project()
    r = analysis_reach.analyze(project, SETTINGS.replace(threshold_minutes=30))  # 20 km: everything covered
    b = analysis_reach.blind_spot_polygons(project, result=r)
    assert b.empty and b.attrs["unassigned"]["children_0_6"] == 0.0
    with pytest.raises(AnalysisError, match="does not belong"):
        analysis_reach.blind_spot_polygons(line_project(), result=r)


def test_blind_spot_polygons_without_boundary_use_the_demand_hull():
    project = strip_project()
    project.boundary = project.boundary.iloc[0:0]
    b = analysis_reach.blind_spot_polygons(project)
    assert b.attrs["extent"] == "demand_hull"
    assert b["children_0_6"].sum() == pytest.approx(20 + 7 + 1)  # the far area is inside the hull now


class _NoPolygons:
    """A model without reach_polygons (like a third-party model): the fallback path."""

    def __init__(self, inner):
        self.inner = inner

    def describe(self):
        return {**self.inner.describe(), "model": "test_model"}

    def minutes(self, o, d):
        return self.inner.minutes(o, d)

    def nearest(self, o, d):
        return self.inner.nearest(o, d)

    def within(self, o, d, limit):
        return self.inner.within(o, d, limit)


def test_blind_spot_fallback_without_reach_polygons_uses_voronoi_cells():
    project = strip_project()
    model = _NoPolygons(StraightLine(speed_kmh=60.0, circuity=1.5))
    b = analysis_reach.blind_spot_polygons(project, model=model)
    assert set(b["method"]) == {"uncovered_cells"} and b.attrs["method"] == "uncovered_cells"
    # Voronoi cells of the demand points: west end up to midway to the centre point, east end likewise
    assert b["children_0_6"].tolist() == [20.0, 7.0]
    assert b.geometry.iloc[0].contains(Point(19 * KM, 1 * KM))
    assert not b.geometry.union_all().contains(Point(10 * KM, 1.5 * KM))
    reach = analysis_reach.reach_areas(project, model=model)
    assert reach["method"].tolist() == ["demand_hull"]
    assert reach.geometry.iloc[0].contains(Point(10 * KM, 1.25 * KM))  # hull of the place and 'centre'


class _SquareReach(StraightLine):
    """Straight-line model whose reach polygons are squares (hand-checkable area shares)."""

    def reach_polygons(self, points, max_minutes):
        r = self.straight_radius_m(max_minutes)
        return np.array([box(x - r, y - r, x + r, y + r) for x, y in points], dtype=object)


def test_apportion_by_area_splits_polygon_demand():
    places = places_gdf([("p", 0, 0, "existing", "Mo 10:00-12:00")])
    # reach square: -4..4 km. 'half' straddles the edge x = 4 km: 3..5 km, half of it outside; its demand
    # point (4 km, 0) is exactly 4 km from the place, so it is covered
    areas = areas_gdf(
        [
            ("half", box(3 * KM, -0.5 * KM, 5 * KM, 0.5 * KM), 100, 10),
            ("out", box(6 * KM, 0, 8 * KM, 1 * KM), 100, 4),
        ]
    )
    boundary = gpd.GeoDataFrame(geometry=[box(-10 * KM, -10 * KM, 10 * KM, 10 * KM)], crs=CRS)
    project = Project(places=places, areas=areas, boundary=boundary, settings=SETTINGS)
    model = _SquareReach(speed_kmh=60.0, circuity=1.5)
    by_point = analysis_reach.blind_spot_polygons(project, model=model)
    by_area = analysis_reach.blind_spot_polygons(project, model=model, apportion="area")
    assert analysis_reach.analyze(project, model=model).areas["covered"].tolist() == [True, False]
    assert by_point["children_0_6"].sum() == 4.0  # 'half' is covered at its demand point
    assert by_area["children_0_6"].sum() == pytest.approx(4.0 + 5.0)
    assert by_area.attrs["apportion"] == "area"
    assert by_area["area_km2"].sum() == pytest.approx(20 * 20 - 8 * 8)
    with pytest.raises(AnalysisError, match="apportion"):
        analysis_reach.blind_spot_polygons(project, apportion="people")


def test_reach_areas_are_circles_of_threshold_over_circuity():
    reach = analysis_reach.reach_areas(line_project(), include_planned=True)
    assert reach["place_id"].tolist() == ["p0", "p1"]
    assert reach.geometry.area.tolist() == pytest.approx([math.pi * 4000**2] * 2, rel=2e-3)
    assert reach.crs == CRS
