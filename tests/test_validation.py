"""Validation of layers: one test per bad-input kind, each asserting the row and field of the problem."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, Polygon, box

from coverage.core.errors import KatveError, Problem
from coverage.core.model import AREA_FIELDS, PLACE_FIELDS
from coverage.core.validation import (
    FAR_OUTSIDE_KM,
    normalise_layer,
    parse_datetime,
    swapped_lat_lon,
    to_numbers,
    validate_layer,
)

# A 30 km x 30 km square "municipality" around Nummela (EPSG:3067).
BOUNDARY = gpd.GeoDataFrame(
    {"code": ["927"], "name": ["Vihti"]}, geometry=[box(340_000, 6_690_000, 370_000, 6_720_000)], crs=3067
)


def places(n: int = 3, **columns) -> gpd.GeoDataFrame:
    data = {
        "id": [f"p{i}" for i in range(1, n + 1)],
        "name": [f"Paikka {i}" for i in range(1, n + 1)],
        "opening_hours": ["Tu 09:30-11:30; PH off"] * n,
        "status": ["existing"] * n,
    }
    data.update(columns)
    geometry = columns.pop("geometry", None)
    data.pop("geometry", None)
    if geometry is None:
        geometry = [Point(350_000 + 1000 * i, 6_700_000) for i in range(n)]
    return gpd.GeoDataFrame(data, geometry=geometry, crs=3067)


def areas(n: int = 3, **columns) -> gpd.GeoDataFrame:
    data = {
        "id": [f"a{i}" for i in range(1, n + 1)],
        "name": [f"Kylä {i}" for i in range(1, n + 1)],
        "population": [1000] * n,
        "children_0_6": [80.0] * n,
    }
    data.update(columns)
    return gpd.GeoDataFrame(data, geometry=[Point(350_000 + 1000 * i, 6_705_000) for i in range(n)], crs=3067)


def only(problems: list[Problem], *, row, field) -> Problem:
    hits = [p for p in problems if p.row == row and p.field == field]
    assert len(hits) == 1, (
        f"expected one problem on row {row} field {field}, got {[str(p) for p in problems]}"
    )
    return hits[0]


def test_valid_layers_have_no_problems():
    assert validate_layer("places", places(), path="p.gpkg", boundary=BOUNDARY) == []
    assert validate_layer("areas", areas(), path="a.gpkg", boundary=BOUNDARY) == []
    assert validate_layer("boundary", BOUNDARY, path="b.gpkg") == []


def test_str_of_problem_is_the_cli_contract():
    problems = validate_layer("places", places(status=["existing", "open", "planned"]), path="x/p.csv")
    assert [str(p) for p in problems] == [
        "x/p.csv:2: status: unknown status 'open'; use one of existing, planned, candidate"
    ]


def test_missing_required_column_is_a_file_level_problem():
    df = places().drop(columns=["opening_hours"])
    p = only(validate_layer("places", df, path="p.csv"), row=None, field="opening_hours")
    assert "required column 'opening_hours' is missing" in p.message
    assert str(p).startswith("p.csv:-: opening_hours:")


def test_missing_required_value_names_row_and_field():
    df = places(name=["A", "  ", None])
    problems = validate_layer("places", df, path="p.csv")
    assert only(problems, row=2, field="name").message == "required value is missing"
    assert only(problems, row=3, field="name").message == "required value is missing"
    assert len(problems) == 2


def test_duplicate_ids_name_both_rows():
    df = places(4, id=["a", "b", "a", 7.0])
    problems = validate_layer("places", df, path="p.csv")
    assert "also on row 3" in only(problems, row=1, field="id").message
    assert "also on row 1" in only(problems, row=3, field="id").message
    assert len(problems) == 2


def test_excel_float_ids_equal_their_integer_text():
    df = places(2, id=[7.0, "7"])
    problems = validate_layer("places", df, path="p.csv")
    assert {p.row for p in problems} == {1, 2} and all(p.field == "id" for p in problems)


def test_non_numeric_population():
    problems = validate_layer("areas", areas(population=["1 200", "paljon", "300"]), path="a.csv")
    assert only(problems, row=2, field="population").message == "'paljon' is not a number"
    assert len(problems) == 1


def test_negative_population():
    problems = validate_layer("areas", areas(population=[100, -5, 300]), path="a.csv")
    assert only(problems, row=2, field="population").message == "must not be negative (got -5)"


def test_non_finite_and_huge_numbers():
    problems = validate_layer(
        "areas", areas(population=[100, 1e12, 300], children_0_6=[np.inf, 1.0, 2.0]), path="a.csv"
    )
    assert "implausibly large" in only(problems, row=2, field="population").message
    assert "finite" in only(problems, row=1, field="children_0_6").message


def test_fractional_population_is_not_a_whole_number():
    problems = validate_layer("areas", areas(population=["1000", "12,5", "300"]), path="a.csv")
    assert only(problems, row=2, field="population").message == "must be a whole number (got 12.5)"


def test_children_more_than_population():
    problems = validate_layer(
        "areas", areas(population=[100, 50, 300], children_0_6=[8, 60, 20]), path="a.csv"
    )
    p = only(problems, row=2, field="children_0_6")
    assert "more than the population (50)" in p.message


def test_invalid_opening_hours_carries_the_parser_reason():
    df = places(opening_hours=["Tu 09:30-11:30", "Tu 9-11x", "Mo-Fr 08:00-16:00"])
    p = only(validate_layer("places", df, path="p.csv"), row=2, field="opening_hours")
    assert p.message.startswith("invalid opening_hours 'Tu 9-11x': at character")
    assert "expected" in p.message


@pytest.mark.parametrize(
    ("field", "bad", "allowed"),
    [
        ("status", "closed", "existing, planned, candidate"),
        ("organiser_type", "firma", "municipality, mll, parish, other_ngo, other"),
        ("kind", "disco", "open_daycare, family_cafe, family_club, other"),
    ],
)
def test_unknown_choice_lists_the_allowed_values(field, bad, allowed):
    values = ["existing", bad, "existing"] if field == "status" else ["", bad, ""]
    p = only(validate_layer("places", places(**{field: values}), path="p.csv"), row=2, field=field)
    assert p.message == f"unknown {field} '{bad}'; use one of {allowed}"


def test_finnish_choice_values_are_accepted_and_normalised():
    df = places(
        status=["olemassa", "Suunniteltu", "ehdokas"],
        organiser_type=["kunta", "MLL", "seurakunta"],
        kind=["avoin päiväkoti", "perhekahvila", "perhekerho"],
    )
    assert validate_layer("places", df, path="p.csv") == []
    out = normalise_layer("places", df)
    assert list(out["status"]) == ["existing", "planned", "candidate"]
    assert list(out["organiser_type"]) == ["municipality", "mll", "parish"]
    assert list(out["kind"]) == ["open_daycare", "family_cafe", "family_club"]


def test_missing_and_empty_geometry():
    df = places(geometry=[Point(350_000, 6_700_000), None, Point()])
    problems = validate_layer("places", df, path="p.gpkg")
    assert "missing" in only(problems, row=2, field="geometry").message
    assert "empty" in only(problems, row=3, field="geometry").message


def test_wrong_geometry_type():
    df = places(geometry=[Point(350_000, 6_700_000), LineString([(0, 0), (1, 1)]), box(0, 0, 1, 1)])
    problems = validate_layer("places", df, path="p.gpkg")
    assert only(problems, row=2, field="geometry").message.startswith(
        "geometry type LineString is not allowed"
    )
    assert "use Point" in only(problems, row=3, field="geometry").message


def test_polygon_areas_are_allowed_but_not_lines():
    df = areas()
    df.loc[1, "geometry"] = box(350_000, 6_700_000, 351_000, 6_701_000)
    df.loc[2, "geometry"] = LineString([(350_000, 6_700_000), (351_000, 6_701_000)])
    problems = validate_layer("areas", df, path="a.gpkg")
    assert [(p.row, p.field) for p in problems] == [(3, "geometry")]


def test_no_geometry_column_in_spatial_layer():
    df = pd.DataFrame(places().drop(columns="geometry"))
    p = only(validate_layer("places", df, path="p.csv"), row=None, field="geometry")
    assert "no geometry" in p.message


def test_point_far_outside_the_municipality():
    far_km = FAR_OUTSIDE_KM + 15
    df = places(
        geometry=[
            Point(350_000, 6_700_000),
            Point(375_000, 6_700_000),
            Point(370_000 + far_km * 1000, 6_700_000),
        ]
    )
    problems = validate_layer("places", df, path="p.csv", boundary=BOUNDARY)
    p = only(problems, row=3, field="geometry")
    assert p.message.startswith(f"{far_km:.0f} km outside the municipality")
    assert len(problems) == 1  # 5 km outside (row 2) is normal: a place just across the border


def test_boundary_in_another_crs_and_as_shapely_geometry():
    df = places(geometry=[Point(350_000, 6_700_000), Point(350_000, 6_700_000), Point(500_000, 6_700_000)])
    for boundary in (BOUNDARY.to_crs(4326), BOUNDARY.geometry.iloc[0]):
        problems = validate_layer("places", df, path="p.csv", boundary=boundary)
        assert [(p.row, p.field) for p in problems] == [(3, "geometry")]


def test_wgs84_points_are_checked_in_metres():
    wgs = places().to_crs(4326)
    assert validate_layer("places", wgs, path="p.geojson", boundary=BOUNDARY) == []


def test_swapped_lat_lon_in_wgs84_layer():
    df = gpd.GeoDataFrame(
        {
            "id": ["a", "b"],
            "name": ["A", "B"],
            "opening_hours": ["Tu 10:00-12:00"] * 2,
            "status": ["existing"] * 2,
        },
        geometry=[Point(24.3, 60.4), Point(60.4, 24.3)],
        crs=4326,
    )
    p = only(validate_layer("places", df, path="p.geojson"), row=2, field="geometry")
    assert "latitude and longitude appear swapped" in p.message


def test_swapped_mask():
    assert list(swapped_lat_lon(np.array([24.3, 60.4, 10.0]), np.array([60.4, 24.3, 50.0]))) == [
        False,
        True,
        False,
    ]


def test_wrong_crs_is_one_file_level_problem():
    # degrees written into a layer that says EPSG:3067
    df = places(geometry=[Point(24.3, 60.4), Point(24.4, 60.5), Point(24.5, 60.6)])
    problems = validate_layer("places", df, path="p.gpkg")
    p = only(problems, row=None, field="geometry")
    assert "look like degrees" in p.message and len(problems) == 1
    # metres, but in the wrong place entirely (e.g. UTM zone 32 data labelled 3067)
    df = places(
        geometry=[Point(2_000_000, 1_000_000), Point(2_001_000, 1_000_000), Point(2_002_000, 1_000_000)]
    )
    p = only(validate_layer("places", df, path="p.gpkg"), row=None, field="geometry")
    assert "coordinate system (CRS) is probably wrong" in p.message


def test_single_point_outside_finland_is_a_row_problem():
    df = places(geometry=[Point(350_000, 6_700_000), Point(350_000, 5_000_000), Point(351_000, 6_700_000)])
    p = only(validate_layer("places", df, path="p.gpkg"), row=2, field="geometry")
    assert "not in Finland" in p.message


def test_invalid_polygon_is_a_warning():
    bowtie = Polygon([(350_000, 6_700_000), (351_000, 6_701_000), (351_000, 6_700_000), (350_000, 6_701_000)])
    df = areas()
    df.loc[0, "geometry"] = bowtie
    p = only(validate_layer("areas", df, path="a.gpkg"), row=1, field="geometry")
    assert p.severity == "warning" and "invalid geometry" in p.message


def test_visits_counts_dates_and_totals():
    df = pd.DataFrame(
        {
            "place_id": ["p1", "p1", "", "p2"],
            "date": ["2025-03-04", "31.2.2025", "4.3.2025", dt.date(2025, 3, 5)],
            "adults": [3, -1, "2,5", 4],
            "children": [4, 2, 1, "x"],
            "first_timers": [8, 0, 0, 0],
        }
    )
    problems = validate_layer("visits", df, path="v.csv")
    assert {(p.row, p.field) for p in problems} == {
        (1, "first_timers"),
        (2, "date"),
        (2, "adults"),
        (3, "place_id"),
        (3, "adults"),
        (4, "children"),
    }
    assert (
        "more than the visitors in total (adults + children = 7)"
        in only(problems, row=1, field="first_timers").message
    )
    assert "use YYYY-MM-DD or D.M.YYYY" in only(problems, row=2, field="date").message
    assert only(problems, row=3, field="adults").message == "must be a whole number (got 2.5)"


def test_outreach_end_before_start_and_unreadable_time():
    df = pd.DataFrame(
        {
            "place_id": ["p1", "p1"],
            "start": ["4.3.2025 klo 10.00", "huomenna"],
            "end": ["2025-03-04 09:00", None],
            "profession": ["neuvolan terveydenhoitaja", "sosiaaliohjaaja"],
        }
    )
    problems = validate_layer("outreach", df, path="o.csv")
    assert "before it starts" in only(problems, row=1, field="end").message
    assert "cannot read the time 'huomenna'" in only(problems, row=2, field="start").message


@pytest.mark.parametrize(
    ("value", "osm"),
    [
        ("ti 9-12", "Tu 09:00-12:00"),
        ("Ma-Pe 09:00-12:00", "Mo-Fr 09:00-12:00"),
        ("syys-touko Tu 09:30-11:30", "Sep-May Tu 09:30-11:30"),
        ("Tu 09.30-11.30", "Tu 09:30-11:30"),
        ("ti 9.30\u201311.30", "Tu 09:30-11:30"),
    ],
)
def test_finnish_opening_hours_are_understood_and_normalised(value, osm):
    df = places(opening_hours=["Tu 09:30-11:30", value, "Mo-Fr 08:00-16:00"])
    p = only(validate_layer("places", df, path="p.csv"), row=2, field="opening_hours")
    assert p.severity == "warning" and p.message == f"{value!r} is read as {osm!r}"
    assert normalise_layer("places", df).loc[1, "opening_hours"] == osm


def test_unreadable_opening_hours_stay_an_error():
    df = places(opening_hours=["Tu 09:30-11:30", "tiistaisin klo 10", "Mo-Fr 08:00-16:00"])
    p = only(validate_layer("places", df, path="p.csv"), row=2, field="opening_hours")
    assert p.severity == "error" and p.message.startswith("invalid opening_hours 'tiistaisin klo 10'")


def test_unknown_layer_is_a_katve_error():
    with pytest.raises(KatveError, match="unknown layer 'people'"):
        validate_layer("people", pd.DataFrame(), path="x")


def test_every_problem_is_reported_at_once():
    df = places(
        4,
        id=["a", "a", "c", "d"],
        name=["A", "", "C", "D"],
        opening_hours=["Tu 10:00-12:00", "Tu 10:00-12:00", "nope", "Tu 10:00-12:00"],
        status=["existing", "existing", "existing", "gone"],
    )
    rows_fields = {(p.row, p.field) for p in validate_layer("places", df, path="p.csv")}
    assert rows_fields == {(1, "id"), (2, "id"), (2, "name"), (3, "opening_hours"), (4, "status")}


def test_problems_are_sorted_by_row_then_schema_order():
    df = places(
        geometry=[Point(350_000, 6_700_000), None, Point(350_000, 6_700_000)],
        status=["existing", "x", "existing"],
        name=["A", "", "C"],
    )
    problems = validate_layer("places", df.drop(columns="opening_hours"), path="p.csv")
    assert [(p.row, p.field) for p in problems] == [
        (None, "opening_hours"),
        (2, "name"),
        (2, "status"),
        (2, "geometry"),
    ]


# --- helpers ----------------------------------------------------------------------------------------------


def test_to_numbers_reads_finnish_spreadsheet_numbers():
    values, bad = to_numbers(
        pd.Series(["1,5", "12 345", "1\u00a0234,5", "\u22123", "", None, "abc", "1.234,5"])
    )
    assert np.allclose(values[:4], [1.5, 12345, 1234.5, -3])
    assert np.isnan(values[4]) and np.isnan(values[5]) and np.isnan(values[6])
    assert values[7] == 1234.5
    assert list(bad) == [False, False, False, False, False, False, True, False]


def test_parse_datetime_forms():
    assert parse_datetime("4.3.2025") == dt.datetime(2025, 3, 4)
    assert parse_datetime("2025-03-04 10:15") == dt.datetime(2025, 3, 4, 10, 15)
    assert parse_datetime("4.3.2025 klo 10.15") == dt.datetime(2025, 3, 4, 10, 15)
    assert parse_datetime("2025-03-04T08:15:00+00:00") == dt.datetime(2025, 3, 4, 10, 15)  # UTC -> Helsinki
    assert parse_datetime("4.3.2025 10:15", date_only=True) is None
    assert parse_datetime("maanantai") is None


# --- normalisation ----------------------------------------------------------------------------------------


def test_normalise_places_fills_optional_columns_and_types():
    df = places(id=[1.0, 2.0, "x "])
    out = normalise_layer("places", df)
    assert list(out.columns) == [*PLACE_FIELDS, "geometry"]
    assert list(out["id"]) == ["1", "2", "x"]
    assert out["id"].dtype == object and out["organiser"].dtype == object
    assert (out["organiser"] == "").all()
    assert out.crs == "EPSG:3067"


def test_normalise_areas_dtypes():
    df = areas(
        population=["1 200", 300.0, "45"],
        children_0_6=["12,5", 3, None],
        children_estimated=["kyllä", "", "ei"],
    )
    out = normalise_layer("areas", df)
    assert list(out.columns) == [*AREA_FIELDS, "geometry"]
    assert str(out["population"].dtype) == "Int64" and list(out["population"]) == [1200, 300, 45]
    assert out["children_0_6"].dtype == "float64" and out["children_0_6"].iloc[0] == 12.5
    assert np.isnan(out["children_0_6"].iloc[2])
    assert str(out["children_estimated"].dtype) == "boolean"
    assert list(out["children_estimated"]) == [True, False, False]


def test_normalise_renames_a_non_default_geometry_column():
    df = places().rename_geometry("geom")
    out = normalise_layer("places", df)
    assert out.geometry.name == "geometry" and "geom" not in out.columns


def test_normalise_is_idempotent():
    df = areas(population=["1 200", 300.0, "45"], children_estimated=["kyllä", "", "ei"])
    once = normalise_layer("areas", df)
    twice = normalise_layer("areas", once)
    pd.testing.assert_frame_equal(
        pd.DataFrame(once.drop(columns="geometry")), pd.DataFrame(twice.drop(columns="geometry"))
    )
    assert once.geometry.equals(twice.geometry)
