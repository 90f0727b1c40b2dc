"""Importers: every format, Finnish Excel CSVs, coordinate systems, and one test per bad-input kind.

Binary fixtures (xlsx, gpkg, zip) are generated in tmp_path; text fixtures live in tests/data/.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import Transformer
from shapely.geometry import LineString, MultiPoint, Point, box

from coverage.core import errors as core_errors
from coverage.core.errors import InputError, KatveError
from coverage.core.model import AREA_FIELDS, PLACE_FIELDS
from coverage.core.validation import FAR_OUTSIDE_KM
from coverage.io import files
from coverage.io.importers import (
    ImportResult,
    detect_layer,
    read_areas,
    read_candidates,
    read_outreach,
    read_places,
    read_table,
    read_visits,
)

DATA = Path(__file__).parent / "data"
TO_3067 = Transformer.from_crs(4326, 3067, always_xy=True)
GK25_TO_3067 = Transformer.from_crs(3879, 3067, always_xy=True)

# Nummela-ish and Vihti church village-ish, WGS84
NUMMELA = (24.3220, 60.3330)
KIRKONKYLA = (24.3350, 60.4170)

# A square "municipality" around them (EPSG:3067)
BOUNDARY = gpd.GeoDataFrame(
    {"code": ["927"], "name": ["Vihti"]}, geometry=[box(330_000, 6_680_000, 375_000, 6_730_000)], crs=3067
)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def errors(excinfo) -> list[tuple[int | None, str, str]]:
    return [(p.row, p.field, p.message) for p in excinfo.value.problems]


def one(excinfo, *, row, field) -> str:
    hits = [p.message for p in excinfo.value.problems if p.row == row and p.field == field]
    assert len(hits) == 1, f"row {row} field {field}: {[str(p) for p in excinfo.value.problems]}"
    return hits[0]


def places_gdf(crs=4326) -> gpd.GeoDataFrame:
    gdf = gpd.GeoDataFrame(
        {
            "id": ["p1", "p2"],
            "name": ["Annantien perhetupa", "Kirkonkylän perhekerho"],
            "opening_hours": ["Tu,Th 09:00-12:00; PH off", "We 10:00-11:30"],
            "status": ["existing", "planned"],
        },
        geometry=[Point(*NUMMELA), Point(*KIRKONKYLA)],
        crs=4326,
    )
    return gdf.to_crs(crs)


def assert_at(result: ImportResult, expected_xy: list[tuple[float, float]], tol: float = 0.01) -> None:
    assert result.data.crs == "EPSG:3067"
    got = np.column_stack([result.data.geometry.x, result.data.geometry.y])
    assert np.allclose(got, np.array(expected_xy), atol=tol), got


# --- formats ----------------------------------------------------------------------------------------------


def test_finnish_excel_csv_semicolon_decimal_comma_bom():
    result = read_places(DATA / "paikat_excel_utf8.csv", boundary=BOUNDARY)
    df = result.data
    assert list(df.columns) == [*PLACE_FIELDS, "geometry"]
    assert list(df["id"]) == ["1", "2", "3"]
    assert df.loc[0, "name"] == "Annantien perhetupa"
    assert list(df["status"]) == ["existing", "existing", "planned"]
    assert list(df["organiser_type"]) == ["municipality", "mll", "parish"]
    assert list(df["kind"]) == ["open_daycare", "family_cafe", "family_club"]
    assert df.loc[0, "opening_hours"] == "Sep-May Tu,Th 09:00-12:00; PH off"
    assert_at(
        result,
        [TO_3067.transform(*NUMMELA), TO_3067.transform(*KIRKONKYLA), TO_3067.transform(24.1450, 60.4460)],
    )
    assert [w.field for w in result.warnings] == ["id"]  # the sheet has no id column: row numbers are used


def test_cp1252_csv_is_read_and_says_so(tmp_path):
    text = "nimi;aukioloajat;tila;lat;lon\nKäpälämäen perhekahvila;Tu 10:00-12:00;olemassa;60,333;24,322\n"
    path = write(tmp_path, "paikat.csv", text, encoding="cp1252")
    result = read_places(path)
    assert result.data.loc[0, "name"] == "Käpälämäen perhekahvila"
    assert any("Windows-1252 (cp1252)" in w.message and w.row is None for w in result.warnings)


def test_comma_and_tab_separated_csv(tmp_path):
    comma = "id,name,opening_hours,status,lat,lon\np1,A,Mo 10:00-12:00,existing,60.333,24.322\n"
    tab = comma.replace(",", "\t")
    for name, text in (("c.csv", comma), ("t.tsv", tab)):
        result = read_places(write(tmp_path, name, text))
        assert list(result.data["id"]) == ["p1"]
        assert_at(result, [TO_3067.transform(*NUMMELA)])


def test_excel_sep_hint_line_and_quoted_multiline_cell(tmp_path):
    text = (
        "sep=;\nnimi;aukioloajat;tila;huomiot;lat;lon\n"
        'A;Mo 10:00-12:00;olemassa;"kaksi\nriviä; puolipisteellä";60,333;24,322\n'
        "B;Mo 10:00-12:00;olemassa;;60,417;24,335\n"
    )
    result = read_places(write(tmp_path, "p.csv", text))
    assert result.data.loc[0, "notes"] == "kaksi\nriviä; puolipisteellä"
    assert len(result.data) == 2


def test_xlsx_with_finnish_headers_and_number_cells(tmp_path):
    path = tmp_path / "alueet.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"ohje": ["täytä alueet-välilehti"]}).to_excel(writer, sheet_name="Ohje", index=False)
        pd.DataFrame(
            {
                "Tunnus": [3100, 3400],
                "Nimi": ["Nummela", "Vihti kk"],
                "Väestö": [12000, 3100],
                "Lapset 0-6": [980.5, 210],
                "Leveys": [60.333, 60.417],
                "Pituus": [24.322, 24.335],
            }
        ).to_excel(writer, sheet_name="Alueet", index=False)
    result = read_areas(path, boundary=BOUNDARY)
    df = result.data
    assert list(df.columns) == [*AREA_FIELDS, "geometry"]
    assert list(df["id"]) == ["3100", "3400"]
    assert list(df["population"]) == [12000, 3100] and str(df["population"].dtype) == "Int64"
    assert df["children_0_6"].tolist() == [980.5, 210.0]
    assert_at(result, [TO_3067.transform(*NUMMELA), TO_3067.transform(*KIRKONKYLA)])
    assert any("read the sheet 'Alueet'" in w.message for w in result.warnings)


def test_xlsx_problem_rows_are_data_rows(tmp_path):
    path = tmp_path / "p.xlsx"
    pd.DataFrame(
        {
            "nimi": ["A", "B", "C"],
            "aukioloajat": ["Mo 10:00-12:00"] * 3,
            "tila": ["olemassa", "olemassa", "auki"],
            "lat": [60.333] * 3,
            "lon": [24.322] * 3,
        }
    ).to_excel(path, index=False)
    with pytest.raises(InputError) as exc:
        read_places(path)
    assert errors(exc) == [(3, "tila", "unknown status 'auki'; use one of existing, planned, candidate")]


def test_geojson_in_wgs84(tmp_path):
    path = tmp_path / "places.geojson"
    places_gdf(4326).to_file(path)
    result = read_places(path, boundary=BOUNDARY)
    assert list(result.data["id"]) == ["p1", "p2"]
    assert_at(result, [TO_3067.transform(*NUMMELA), TO_3067.transform(*KIRKONKYLA)])


def test_geopackage_in_3067_picks_the_named_layer(tmp_path):
    path = tmp_path / "aineisto.gpkg"
    gdf = places_gdf(3067)
    gdf.to_file(path, layer="kohtaamispaikat")
    gpd.GeoDataFrame({"name": ["x"]}, geometry=[box(0, 0, 1, 1)], crs=3067).to_file(path, layer="muu")
    result = read_places(path)
    assert list(result.data["name"]) == list(gdf["name"])
    assert result.data.geometry.geom_equals_exact(gdf.geometry.reset_index(drop=True), tolerance=1e-6).all()


def test_geopackage_with_several_unnamed_layers_is_refused(tmp_path):
    path = tmp_path / "x.gpkg"
    places_gdf(3067).to_file(path, layer="yksi")
    places_gdf(3067).to_file(path, layer="kaksi")
    with pytest.raises(InputError) as exc:
        read_places(path)
    assert "several layers (yksi, kaksi)" in one(exc, row=None, field="-")


def test_geopackage_whose_only_layer_is_another_layer_is_refused(tmp_path):
    path = tmp_path / "x.gpkg"
    places_gdf(3067).to_file(path, layer="places")
    with pytest.raises(InputError) as exc:
        read_areas(path)
    assert one(exc, row=None, field="-") == (
        "the file holds only the layer 'places', not 'areas': choose the file that holds the areas"
    )
    assert len(read_places(path).data) == 2


def write_shapefile_zip(gdf: gpd.GeoDataFrame, folder: Path, name: str = "paikat") -> Path:
    shp_dir = folder / "shp"
    shp_dir.mkdir()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # field names truncated to 10 characters: that is the point
        gdf.to_file(shp_dir / f"{name}.shp", driver="ESRI Shapefile")
    path = folder / f"{name}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in shp_dir.iterdir():
            archive.write(file, f"kansio/{file.name}")
        archive.writestr("__MACOSX/._paikat.shp", b"junk")
    return path


def test_shapefile_zip_in_gk25_with_truncated_field_names(tmp_path):
    path = write_shapefile_zip(places_gdf(3879), tmp_path)
    result = read_places(path, boundary=BOUNDARY)
    assert list(result.data["opening_hours"]) == ["Tu,Th 09:00-12:00; PH off", "We 10:00-11:30"]
    assert_at(result, [TO_3067.transform(*NUMMELA), TO_3067.transform(*KIRKONKYLA)])


def test_shapefile_zip_missing_dbf(tmp_path):
    path = write_shapefile_zip(places_gdf(3067), tmp_path)
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            if not info.filename.endswith(".dbf"):
                dst.writestr(info, src.read(info))
    with pytest.raises(InputError) as exc:
        read_places(broken)
    assert "lacks its .dbf file" in one(exc, row=None, field="-")


def test_multipoint_with_one_part_is_a_point(tmp_path):
    gdf = places_gdf(3067)
    gdf["geometry"] = [MultiPoint([gdf.geometry.iloc[0]]), gdf.geometry.iloc[1]]
    path = tmp_path / "p.gpkg"
    gdf.to_file(path)
    result = read_places(path)
    assert list(result.data.geom_type) == ["Point", "Point"]


def test_xy_in_3067_kept_exactly():
    result = read_candidates(DATA / "ehdokkaat_3067.csv")
    assert list(result.data["name"]) == ["Nummelan koulu", "Vihtijärven kylätalo"]
    assert_at(result, [(352_539.0, 6_700_851.0), (336_900.0, 6_723_400.0)], tol=1e-9)


def test_xy_in_3879_detected_from_magnitudes(tmp_path):
    gk = [(25_400_123.5, 6_695_432.25), (25_401_000.0, 6_704_800.0)]
    text = "id;name;itä;pohjoinen\n" + "".join(
        f"c{i};K{i};{x:.2f};{y:.2f}\n".replace(".", ",") for i, (x, y) in enumerate(gk)
    )
    result = read_candidates(write(tmp_path, "c.csv", text))
    assert_at(result, [GK25_TO_3067.transform(x, y) for x, y in gk])


def test_xy_in_gk23_detected_and_explicit_crs_honoured(tmp_path):
    # Kauhava's municipal data is in ETRS-GK23 (EPSG:3877)
    x, y = Transformer.from_crs(4326, 3877, always_xy=True).transform(23.06, 63.10)
    path = write(tmp_path, "c.csv", f"id,name,x,y\nk1,Kauhava,{x:.3f},{y:.3f}\n")
    expected = TO_3067.transform(23.06, 63.10)
    assert_at(read_candidates(path), [expected])
    assert_at(read_candidates(path, crs="EPSG:3877"), [expected])


def test_x_as_northing_throughout_is_the_finnish_convention(tmp_path):
    path = write(tmp_path, "c.csv", "id;name;x;y\na;A;6700851;352539\nb;B;6723400;336900\n")
    result = read_candidates(path)
    assert_at(result, [(352_539, 6_700_851), (336_900, 6_723_400)])
    assert any("northings" in w.message for w in result.warnings)


def test_single_coordinates_column_as_google_maps_copies_it(tmp_path):
    text = "nimi;väestö;lapset 0-6;koordinaatit\nNummela;12000;980;60.3330, 24.3220\nX;10;1;60,417 24,335\n"
    result = read_areas(write(tmp_path, "alueet.csv", text))
    assert_at(result, [TO_3067.transform(*NUMMELA), TO_3067.transform(*KIRKONKYLA)])


def test_visits_and_outreach_with_finnish_headers():
    visits = read_visits(DATA / "kaynnit.csv").data
    assert list(visits.columns[:4]) == ["place_id", "date", "adults", "children"]
    assert visits["date"].tolist()[0].isoformat() == "2025-03-04"
    assert visits["children"].tolist() == [7, 5] and str(visits["children"].dtype) == "Int64"
    outreach = read_outreach(DATA / "jalkautuminen.csv").data
    assert str(outreach.loc[0, "start"]) == "2025-03-04 10:00:00"
    assert outreach.loc[0, "profession"] == "neuvolan terveydenhoitaja"


def test_read_table_raw_and_mapped():
    raw = read_table(DATA / "paikat_excel_utf8.csv")
    assert "Nimi" in raw.columns and raw.loc[0, "Leveys"] == "60,3330"
    mapped = read_table(DATA / "paikat_excel_utf8.csv", layer="places")
    assert {"name", "opening_hours", "status"} <= set(mapped.columns)


@pytest.mark.parametrize(
    ("name", "layer"),
    [
        ("paikat_excel_utf8.csv", "places"),
        ("ehdokkaat_3067.csv", "candidates"),
        ("kaynnit.csv", "visits"),
        ("jalkautuminen.csv", "outreach"),
        ("alueet_bad.csv", "areas"),
    ],
)
def test_detect_layer(name, layer):
    assert detect_layer(DATA / name) == layer


def test_detect_layer_boundary_polygons_and_unknown(tmp_path):
    path = tmp_path / "vihti.geojson"
    BOUNDARY.to_crs(4326).to_file(path)
    assert detect_layer(path) == "boundary"
    with pytest.raises(KatveError, match="--layer"):
        detect_layer(write(tmp_path, "stuff.csv", "a;b\n1;2\n"))


def test_generated_ids_are_a_warning(tmp_path):
    result = read_places(
        write(tmp_path, "p.csv", "nimi;aukioloajat;tila;lat;lon\nA;Mo 10:00-12:00;olemassa;60,3;24,3\n")
    )
    assert list(result.data["id"]) == ["1"]
    assert [w.field for w in result.warnings] == ["id"]


# --- bad input: one test per kind, each naming the row and the field -------------------------------------


def test_swapped_lat_lon(tmp_path):
    text = (
        "id;nimi;aukioloajat;tila;lat;lon\n"
        "a;A;Mo 10:00-12:00;olemassa;60,333;24,322\n"
        "b;B;Mo 10:00-12:00;olemassa;24,322;60,333\n"
    )
    with pytest.raises(InputError) as exc:
        read_places(write(tmp_path, "p.csv", text))
    assert one(exc, row=2, field="lat/lon").startswith(
        "latitude and longitude appear swapped (lat 24.322, lon 60.333)"
    )
    assert len(exc.value.problems) == 1


def test_point_far_outside_the_municipality(tmp_path):
    far_lon = 24.32 + (FAR_OUTSIDE_KM + 40) / 55.0  # ~55 km per degree of longitude at 60 N
    text = (
        f"id;nimi;aukioloajat;tila;leveys;pituus\na;A;Mo 10:00-12:00;olemassa;60,333;24,322\n"
        f"b;B;Mo 10:00-12:00;olemassa;60,333;{far_lon:.3f}\n"
    ).replace(f"{far_lon:.3f}", f"{far_lon:.3f}".replace(".", ","))
    with pytest.raises(InputError) as exc:
        read_places(write(tmp_path, "p.csv", text), boundary=BOUNDARY)
    assert "km outside the municipality" in one(exc, row=2, field="leveys/pituus")


def test_duplicate_ids(tmp_path):
    text = "id;nimi;aukioloajat;tila;lat;lon\n" + "".join(
        f"{i};P{n};Mo 10:00-12:00;olemassa;60,3;24,3\n" for n, i in enumerate(["a", "b", "a"])
    )
    with pytest.raises(InputError) as exc:
        read_places(write(tmp_path, "p.csv", text))
    assert one(exc, row=1, field="id") == "duplicate id 'a' (also on row 3)"
    assert one(exc, row=3, field="id") == "duplicate id 'a' (also on row 1)"


def test_negative_and_non_numeric_population():
    with pytest.raises(InputError) as exc:
        read_areas(DATA / "alueet_bad.csv")
    assert one(exc, row=2, field="Väestö") == "must not be negative (got -40)"
    assert one(exc, row=3, field="Väestö") == "'n. 300' is not a number"
    assert one(exc, row=4, field="Lapset_0_6") == "'?' is not a number"
    assert len(exc.value.problems) == 3


def test_invalid_opening_hours_gives_the_parsers_reason(tmp_path):
    text = "id;nimi;aukioloajat;tila;lat;lon\na;A;tiistaisin klo 10;olemassa;60,3;24,3\n"
    with pytest.raises(InputError) as exc:
        read_places(write(tmp_path, "p.csv", text))
    message = one(exc, row=1, field="aukioloajat")
    assert message.startswith("invalid opening_hours 'tiistaisin klo 10': at character")
    assert "expected" in message


def test_finnish_opening_hours_are_read_as_osm(tmp_path):
    text = "id;nimi;aukioloajat;tila;lat;lon\na;A;ti 9-11;olemassa;60,3;24,3\n"
    result = read_places(write(tmp_path, "p.csv", text))
    assert result.data.loc[0, "opening_hours"] == "Tu 09:00-11:00"
    assert [str(w) for w in result.warnings if w.field == "aukioloajat"] == [
        f"{tmp_path / 'p.csv'}:1: aukioloajat: 'ti 9-11' is read as 'Tu 09:00-11:00'"
    ]


def test_missing_required_value(tmp_path):
    text = "id;nimi;aukioloajat;tila;lat;lon\na;;Mo 10:00-12:00;olemassa;60,3;24,3\nb;B;;olemassa;60,3;24,3\n"
    with pytest.raises(InputError) as exc:
        read_places(write(tmp_path, "p.csv", text))
    assert one(exc, row=1, field="nimi") == "required value is missing"
    assert one(exc, row=2, field="aukioloajat") == "required value is missing"


def test_missing_required_column_gives_the_finnish_header(tmp_path):
    text = "id;nimi;tila;lat;lon\na;A;olemassa;60,3;24,3\n"
    with pytest.raises(InputError) as exc:
        read_places(write(tmp_path, "p.csv", text))
    assert one(exc, row=None, field="opening_hours") == (
        "required column 'opening_hours' is missing (in Finnish: 'aukioloajat')"
    )


def test_unknown_status(tmp_path):
    text = "id;nimi;aukioloajat;tila;lat;lon\na;A;Mo 10:00-12:00;suljettu;60,3;24,3\n"
    with pytest.raises(InputError) as exc:
        read_places(write(tmp_path, "p.csv", text))
    assert (
        one(exc, row=1, field="tila") == "unknown status 'suljettu'; use one of existing, planned, candidate"
    )


def test_missing_coordinates_on_a_row(tmp_path):
    text = (
        "id;nimi;aukioloajat;tila;lat;lon\n"
        "a;A;Mo 10:00-12:00;olemassa;60,3;\n"
        "b;B;Mo 10:00-12:00;olemassa;x;24,3\n"
    )
    with pytest.raises(InputError) as exc:
        read_places(write(tmp_path, "p.csv", text))
    assert one(exc, row=1, field="lat/lon") == "coordinates are missing"
    assert one(exc, row=2, field="lat") == "'x' is not a number"
    assert len(exc.value.problems) == 2  # not repeated as geometry problems


def test_no_coordinate_columns(tmp_path):
    with pytest.raises(InputError) as exc:
        read_places(write(tmp_path, "p.csv", "id;nimi;aukioloajat;tila\na;A;Mo 10:00-12:00;olemassa\n"))
    assert one(exc, row=None, field="lat/lon").startswith("no coordinates: add columns lat and lon")
    assert len(exc.value.problems) == 1


def test_wrong_crs_coordinates_not_in_finland(tmp_path):
    # UTM zone 32 metres (Central Europe) fit no Finnish coordinate system
    text = "id;name;x;y\na;A;500000;5400000\nb;B;501000;5401000\n"
    with pytest.raises(InputError) as exc:
        read_candidates(write(tmp_path, "c.csv", text))
    assert "fit no Finnish coordinate system" in one(exc, row=None, field="x/y")
    assert len(exc.value.problems) == 1


def test_wrong_crs_declared_in_a_spatial_file(tmp_path):
    gdf = places_gdf(3067).set_crs(4326, allow_override=True)  # metres labelled as degrees
    path = tmp_path / "p.gpkg"
    gdf.to_file(path)
    with pytest.raises(InputError) as exc:
        read_places(path)
    message = one(exc, row=None, field="geometry")
    assert message.startswith("the coordinates look like metres but are read as degrees (EPSG:4326)")
    assert len(exc.value.problems) == 1


def test_one_row_in_another_crs_than_the_rest(tmp_path):
    text = "id;name;x;y\na;A;352539;6700851\nb;B;25400000;6700000\nc;C;340000;6710000\n"
    with pytest.raises(InputError) as exc:
        read_candidates(write(tmp_path, "c.csv", text))
    assert "look like EPSG:3879 but the rest of the file is EPSG:3067" in one(exc, row=2, field="x/y")


def test_wrong_and_mixed_geometry_types(tmp_path):
    gdf = places_gdf(3067)
    gdf["geometry"] = [gdf.geometry.iloc[0], LineString([(350_000, 6_700_000), (351_000, 6_701_000)])]
    path = tmp_path / "p.gpkg"
    gdf.to_file(path)
    with pytest.raises(InputError) as exc:
        read_places(path)
    assert one(exc, row=2, field="geometry") == "geometry type LineString is not allowed here; use Point"


def test_mixed_points_and_polygons_in_areas_is_a_warning(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"id": ["a", "b"], "name": ["A", "B"], "population": [10, 20], "children_0_6": [1, 2]},
        geometry=[Point(350_000, 6_700_000), box(351_000, 6_701_000, 352_000, 6_702_000)],
        crs=3067,
    )
    path = tmp_path / "a.gpkg"
    gdf.to_file(path)
    result = read_areas(path)
    assert [w.field for w in result.warnings] == [
        "geometry"
    ] and "mixes points and polygons" in result.warnings[0].message


def test_too_many_values_on_a_row_hints_at_decimal_commas(tmp_path):
    text = (
        "id,name,opening_hours,status,lat,lon\n"
        "a,A,Mo 10:00-12:00,existing,60.3,24.3\n"
        "b,B,Mo 10:00-12:00,existing,60,3,24,3\n"
    )
    with pytest.raises(InputError) as exc:
        read_places(write(tmp_path, "p.csv", text))
    assert "decimal comma in a comma-separated file" in one(exc, row=2, field="-")


def test_rows_are_numbered_as_in_the_file_despite_blank_lines(tmp_path):
    text = (
        "id;nimi;aukioloajat;tila;lat;lon\na;A;Mo 10:00-12:00;olemassa;60,3;24,3\n;;;;;\n"
        "c;C;Mo 10:00-12:00;tuntematon;60,3;24,3\n;;;;;\n"
    )
    with pytest.raises(InputError) as exc:
        read_places(write(tmp_path, "p.csv", text))
    assert [(p.row, p.field) for p in exc.value.problems] == [(3, "tila")]


def test_every_problem_of_a_file_at_once():
    with pytest.raises(InputError) as exc:
        read_places(DATA / "paikat_bad.csv", boundary=BOUNDARY)
    got = {(p.row, p.field) for p in exc.value.problems}
    assert got == {  # row 1's "Ma-Pe 9-12" is understood (Mo-Fr 09:00-12:00), no longer a problem
        (2, "lat/lon"),
        (3, "id"),
        (4, "id"),
        (4, "tila"),
        (5, "nimi"),
        (6, "lat/lon"),
    }
    assert all(str(p).startswith(str(DATA / "paikat_bad.csv") + ":") for p in exc.value.problems)


# --- bad files ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("p.csv", b"", "the file is empty"),
        ("p.csv", b"\n\n", "the file is empty"),
        ("p.csv", b"nimi;lat;lon\n", "the file holds no data rows"),
        (
            "p.csv",
            b"PK\x03\x04\x00\x00binary",
            "not a text file: it holds binary data (an Excel workbook renamed",
        ),
        ("p.geojson", b'{"type": "FeatureCollection", "features": []}', "the file holds no data rows"),
        ("p.docx", b"x", "unknown file type '.docx'"),
        ("p.xls", b"x", "old Excel .xls files are not supported"),
        ("p.xlsx", b"not a zip", "a text file, not an Excel .xlsx workbook: it is a CSV or other text"),
        ("p.xlsx", b"PK\x03\x04 cut short", "not a readable Excel file: it is damaged or cut short"),
        ("p.gpkg", b"not a geopackage", "the file is a text file, not a GeoPackage"),
        ("p.gpkg", b"SQLite format 3\x00" + b"\x00" * 200, "not a valid GeoPackage file"),
        ("p.geojson", b"<OGRVRTDataSource/>", "the file is an XML document, not a GeoJSON file"),
        ("p.geojson", b"\x89PNG\r\n\x1a\n\x00", "the file is a PNG image, not a GeoJSON file"),
        ("p.csv", b"<!DOCTYPE html><html><body>Kirjaudu</body></html>", "the file is a web page (HTML)"),
        ("p.csv", b"%PDF-1.4 \x00\x01", "not a text file: it is a PDF document"),
        ("p.zip", b"id;nimi\n", "the file is a text file, not a zip archive"),
        ("p.geojson", b"{broken", "not a valid GeoJSON file"),
        ("p.zip", b"PK\x03\x04 broken", "not a readable zip file: it is damaged or cut short"),
    ],
)
def test_unreadable_files(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as exc:
        read_places(path)
    assert message in one(exc, row=None, field="-")


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_places(tmp_path / "nothing.csv")
    with pytest.raises(InputError, match="is a folder"):
        read_places(tmp_path)


def test_file_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 100)
    path = write(tmp_path, "p.csv", "nimi;lat;lon\n" + "A;60,3;24,3\n" * 20)
    with pytest.raises(InputError) as exc:
        read_places(path)
    assert "too large" in one(exc, row=None, field="-")


def test_zip_bomb_refused_before_extracting(tmp_path, monkeypatch):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("p.csv", b"0" * 3_000_000)
    with pytest.raises(InputError) as exc:
        read_places(path)
    assert "possible zip bomb" in one(exc, row=None, field="-")
    monkeypatch.setattr(files, "MAX_UNZIPPED_BYTES", 1_000_000)
    with pytest.raises(InputError) as exc:
        read_places(path)
    assert "expands to 2.9 MB; the limit is 1.0 MB" in one(exc, row=None, field="-")


def test_zip_without_data(tmp_path):
    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt.md", "hello")
    with pytest.raises(InputError, match="holds no Shapefile"):
        read_places(path)


def test_csv_inside_a_zip_names_the_member(tmp_path):
    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "paikat.csv", "id;nimi;aukioloajat;tila;lat;lon\na;A;Mo 10:00-12:00;auki;60,3;24,3\n"
        )
    with pytest.raises(InputError) as exc:
        read_places(path)
    assert [str(p) for p in exc.value.problems] == [
        f"{path}!paikat.csv:1: tila: unknown status 'auki'; use one of existing, planned, candidate"
    ]


def test_headers_with_a_suffix_and_centroid_coordinates(tmp_path):
    text = (
        "postinumero,nimi,asukkaat_geofi_X2022,lapset_0_6_arvio,centroid_lat,centroid_lon\n"
        "03100,Nummela,15709,1200,60.3330,24.3220\n"
    )
    result = read_areas(write(tmp_path, "paavo.csv", text))
    row = result.data.iloc[0]
    assert (row["id"], row["name"], row["population"], row["children_0_6"]) == (
        "03100",
        "Nummela",
        15709,
        1200.0,
    )
    assert_at(result, [TO_3067.transform(*NUMMELA)])


def test_unknown_crs_argument(tmp_path):
    with pytest.raises(KatveError, match="unknown coordinate system 'EPSG:99999'"):
        read_candidates(DATA / "ehdokkaat_3067.csv", crs="EPSG:99999")


def test_utf16_tab_separated_unicode_text(tmp_path):
    text = "nimi\taukioloajat\ttila\tlat\tlon\nKäpälä\tMo 10:00-12:00\tolemassa\t60,333\t24,322\n"
    result = read_places(write(tmp_path, "p.txt", text, encoding="utf-16"))
    assert result.data.loc[0, "name"] == "Käpälä"
    assert_at(result, [TO_3067.transform(*NUMMELA)])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    content=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".xlsx", ".geojson", ".zip", ".gpkg"])
)
def test_any_bytes_give_a_result_or_an_input_error(tmp_path, content, suffix):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(content)
    try:
        result = read_places(path)
    except KatveError as exc:  # InputError is a KatveError: a message for the user, never a traceback
        assert str(exc)
    else:
        assert result.data.crs == "EPSG:3067"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.lists(st.text(alphabet='ab;,."\n 0123456789-äö', max_size=12), min_size=1, max_size=6),
        min_size=1,
        max_size=6,
    )
)
def test_any_csv_text_gives_a_result_or_an_input_error(tmp_path, rows):
    path = tmp_path / "fuzz.csv"
    path.write_text(
        "id;nimi;aukioloajat;tila;lat;lon\n" + "\n".join(";".join(r) for r in rows), encoding="utf-8"
    )
    try:
        read_places(path)
    except InputError as exc:
        assert all(p.row is None or p.row >= 1 for p in exc.problems)


def test_visits_xlsx_with_date_cells(tmp_path):
    import datetime as dt

    path = tmp_path / "kavijat.xlsx"
    pd.DataFrame(
        {
            "Päivämäärä": [dt.datetime(2025, 3, 4), dt.datetime(2025, 3, 11)],
            "Paikka": ["p1", "p1"],
            "Aikuiset": [5, 4],
            "Lapset": [7, 2],
            "Ensikertalaiset": [1, 9],
        }
    ).to_excel(path, index=False)
    assert detect_layer(path) == "visits"
    with pytest.raises(InputError) as exc:
        read_visits(path)
    assert one(exc, row=2, field="Ensikertalaiset") == (
        "9 is more than the visitors in total (adults + children = 6)"
    )


# --- file names from users ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["vihti.gpkg", "Vihti 2025 (kopio).gpkg", "Kärkölä–Äänekoski.gpkg", "vuosi/v.gpkg"]
)
def test_safe_path_accepts_names_inside_the_folder(tmp_path, name):
    path = files.safe_path(tmp_path, name, suffixes=(".gpkg",))
    assert path == tmp_path.resolve() / name
    assert path.is_relative_to(tmp_path.resolve())


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "the name is empty"),
        ("   ", "the name is empty"),
        ("../vihti.gpkg", "'..' would lead out of the folder"),
        ("vuosi/../../vihti.gpkg", "'..' would lead out of the folder"),
        ("..\\..\\vihti.gpkg", "'..' would lead out of the folder"),
        ("..", "'..' would lead out of the folder"),
        ("/etc/passwd", "an absolute path is not allowed"),
        ("\\\\palvelin\\jako\\vihti.gpkg", "an absolute path is not allowed"),
        ("C:\\Users\\x\\vihti.gpkg", "a drive letter is not allowed"),
        ("c:vihti.gpkg", "a drive letter is not allowed"),
        ("vihti\x00.gpkg", "control characters (e.g. NUL)"),
        ("vihti\n.gpkg", "control characters"),
        (".", "names starting with '.'"),
        (".vihti.gpkg.lock", "names starting with '.'"),
        ("vuosi//vihti.gpkg", "empty folder names"),
        ("CON.gpkg", "reserved device name on Windows"),
        ("nul", "reserved device name on Windows"),
        ("vihti.gpkg.", "must not end in a space or a dot"),
        ("vihti.gpkg ", "must not end in a space or a dot"),
        ("ä" * 200 + ".gpkg", "too long"),
        ("vihti.csv", "the name must end in .gpkg"),
    ],
)
def test_safe_path_refuses_names_leaving_the_folder(tmp_path, name, reason):
    with pytest.raises(core_errors.UnsafePathError, match=re.escape(reason)) as exc:
        files.safe_path(tmp_path, name, suffixes=(".gpkg",))
    assert isinstance(exc.value, KatveError)
    assert "give a plain file name" in str(exc.value)


def test_safe_path_follows_symbolic_links(tmp_path):
    folder, outside = tmp_path / "projektit", tmp_path / "muualla"
    folder.mkdir()
    outside.mkdir()
    (folder / "ulos").symlink_to(outside, target_is_directory=True)
    (folder / "ulos.gpkg").symlink_to(outside / "x.gpkg")
    (folder / "sisalla").mkdir()
    (folder / "oikotie").symlink_to(folder / "sisalla", target_is_directory=True)
    for name in ("ulos/x.gpkg", "ulos.gpkg"):
        with pytest.raises(core_errors.UnsafePathError, match="leads out of the folder"):
            files.safe_path(folder, name)
    assert files.safe_path(folder, "oikotie/x.gpkg") == (folder / "sisalla" / "x.gpkg").resolve()


def test_write_upload_keeps_the_file_in_the_folder(tmp_path, monkeypatch):

    path = files.write_upload(tmp_path, "paikat.csv", b"id;nimi\n")
    assert path == tmp_path / "paikat.csv" and path.read_bytes() == b"id;nimi\n"
    for bad in ("../paikat.csv", "..", "", "/etc/passwd", "a/../../b.csv"):
        with pytest.raises(core_errors.UnsafePathError):
            files.write_upload(tmp_path, bad, b"x")
    assert not (tmp_path.parent / "paikat.csv").exists()
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 10)
    with pytest.raises(InputError, match="too large"):
        files.write_upload(tmp_path, "big.csv", b"x" * 11)
    assert not (tmp_path / "big.csv").exists()
