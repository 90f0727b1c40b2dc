"""coverage.maps (folium builders, offline assets, escaping) and coverage.i18n (the string catalogue)."""

from __future__ import annotations

import html
import re
import string

import geopandas as gpd
import numpy as np
import pytest
from jinja2.utils import htmlsafe_json_dumps
from shapely.geometry import Point, box

from coverage import i18n, maps
from coverage.analysis import analyze, blind_spot_polygons, reach_areas
from coverage.datasets import load_dataset
from coverage.model import Project, Settings

XSS = "<img src=x onerror=alert(1)>"


def _project(**place_overrides) -> Project:
    """Two places and three areas in EPSG:3067 around the TM35FIN central meridian (27 E)."""
    places = gpd.GeoDataFrame(
        {
            "id": ["p1", "p2"],
            "name": ["Perhekahvila", "Kerho"],
            "organiser": ["MLL Testi", "Seurakunta"],
            "organiser_type": ["mll", "parish"],
            "kind": ["family_cafe", "family_club"],
            "address": ["Kylätie 1", "Kirkkotie 2"],
            "opening_hours": ["Tu 09:30-11:30", "We 10:00-12:00"],
            "status": ["existing", "planned"],
        },
        geometry=[Point(500_000, 6_650_000), Point(520_000, 6_650_000)],
        crs="EPSG:3067",
    )
    for column, values in place_overrides.items():
        places[column] = values
    areas = gpd.GeoDataFrame(
        {
            "id": ["a", "b", "c"],
            "name": ["Keskusta", "Korpi", "Ruutu"],
            "population": [1000, 100, 400],
            "children_0_6": [100.0, 25.0, 0.0],
        },
        geometry=[
            Point(501_000, 6_650_000),
            Point(540_000, 6_650_000),
            box(499_000, 6_655_000, 501_000, 6_657_000),
        ],
        crs="EPSG:3067",
    )
    boundary = gpd.GeoDataFrame(
        {"code": ["999"], "name": ["Testilä"]},
        geometry=[box(495_000, 6_640_000, 545_000, 6_660_000)],
        crs="EPSG:3067",
    )
    return Project(places=places, areas=areas, boundary=boundary, name="Testilä")


SETTINGS = Settings(mode="car", threshold_minutes=10)  # 10 min at 50 km/h = 8.33 km travel


def _features(m, name):
    return maps.layers(m)[name].features


# --- offline assets --------------------------------------------------------------------------------------


def test_map_loads_only_local_leaflet():
    project = _project()
    result = analyze(project, SETTINGS, include_planned=True)
    m = maps.coverage_map(
        project,
        result,
        reach=reach_areas(project, SETTINGS),
        blind_spots=blind_spot_polygons(project, SETTINGS),
    )
    assert maps.asset_urls(m) == [maps.APP_LEAFLET_JS, maps.APP_LEAFLET_CSS]
    page = m.get_root().render()
    assert not re.search(r'(src|href)="https?://', page), "a CDN script or stylesheet slipped in"
    assert "jquery" not in page.lower() and "bootstrap" not in page.lower()


def test_asset_urls_are_parameters():
    m = maps.coverage_map(_project(), leaflet_js="/x/l.js", leaflet_css="/x/l.css", tiles=False)
    assert maps.asset_urls(m) == ["/x/l.js", "/x/l.css"]
    assert "tile.openstreetmap.org" not in m.get_root().render()


def test_standalone_html_inlines_leaflet():
    if not (maps.LEAFLET_DIR / "leaflet.js").is_file():
        pytest.skip("Leaflet not fetched: run `make static/leaflet/leaflet.js`")
    m = maps.coverage_map(_project(), tiles=False)
    page = maps.standalone_html(m)
    assert "/app/static" not in page
    assert not re.search(r"<script[^>]+src=", page)
    assert "L.version" in page or "Leaflet" in page
    assert "data:image/png;base64," in page  # the layer-control images travel along
    assert maps.asset_urls(m) == [maps.APP_LEAFLET_JS, maps.APP_LEAFLET_CSS]  # the map itself is unchanged


def test_standalone_html_without_leaflet_names_the_fix(tmp_path):
    with pytest.raises(maps.KatveError, match="make static/leaflet/leaflet.js"):
        maps.standalone_html(maps.coverage_map(_project(), tiles=False), leaflet_dir=tmp_path)


# --- escaping ----------------------------------------------------------------------------------------------


def test_data_text_is_escaped_in_popups_tooltips_and_page():
    project = _project(
        name=[XSS, "a`${alert(2)}`</script><script>alert(3)</script>"],
        organiser=[XSS, "x"],
        opening_hours=["Tu 09:30-11:30", "We 10:00-12:00"],
    )
    m = maps.coverage_map(project, analyze(project, SETTINGS))
    feats = _features(m, "places")
    popup, tooltip = feats[0]["properties"]["popup"], feats[0]["properties"]["tooltip"]
    assert "<img" not in popup and "&lt;img src=x onerror=alert(1)&gt;" in popup
    assert tooltip == "&lt;img src=x onerror=alert(1)&gt;"
    page = m.get_root().render()
    assert "<img src=x" not in page
    assert "</script><script>alert(3)" not in page  # JSON in the page escapes '<'
    # all data sit in one script-safe JSON literal (no JS template literal): `${...}` stays inert text
    assert str(htmlsafe_json_dumps(maps.layers(m)["places"].data, sort_keys=True)) in page
    assert "a`${alert(2)}`" in feats[1]["properties"]["tooltip"]


def test_place_popup_names_organiser_and_hours():
    row = _project().places.iloc[0]
    popup = maps.place_popup_html(row, lang="fi")
    assert "<b>Perhekahvila</b>" in popup
    assert "MLL Testi (MLL)" in popup and "Tu 09:30-11:30" in popup and "perhekahvila" in popup
    assert "ei laskettu" not in popup
    assert "ei laskettu" in maps.place_popup_html(row, counted=False, lang="fi")
    assert "Opening hours" in maps.place_popup_html(row, lang="en")


# --- content ------------------------------------------------------------------------------------------------


def test_places_coloured_by_organiser_and_reprojected():
    project = _project()
    m = maps.coverage_map(project, analyze(project, SETTINGS))
    feats = _features(m, "places")
    assert [f["properties"]["style"]["fillColor"] for f in feats] == [
        maps.ORGANISER_COLOURS["mll"],
        maps.ORGANISER_COLOURS["parish"],
    ]
    lon, lat = feats[0]["geometry"]["coordinates"]
    assert lon == pytest.approx(27.0, abs=1e-6)  # x = 500 000 is the TM35FIN central meridian
    assert 59.9 < lat < 60.1
    # the planned place does not count without include_planned: hollow and dashed
    style = feats[1]["properties"]["style"]
    assert style["fillOpacity"] < 0.5 and "dashArray" in style
    assert all(f["properties"]["style"]["className"] == maps.PLACE_CLASS for f in feats)


def test_areas_coloured_covered_and_sized_by_children():
    project = _project()
    result = analyze(project, SETTINGS)
    assert result.areas["covered"].tolist() == [True, False, True]
    m = maps.coverage_map(project, result)
    by_name = {
        re.search(r"<b>(.*?)</b>", f["properties"]["tooltip"]).group(1): f["properties"]["style"]
        for f in _features(m, "areas")
    }
    assert by_name["Keskusta"]["fillColor"] == maps.COVERED_COLOUR
    assert by_name["Korpi"]["fillColor"] == maps.BLIND_COLOUR
    lo, hi = maps.AREA_RADIUS_PX
    assert by_name["Keskusta"]["radius"] == pytest.approx(hi)
    assert by_name["Ruutu"]["radius"] == pytest.approx(lo)
    # circle area proportional to children: 25 children -> radius lo + (hi - lo) * sqrt(1/4)
    assert by_name["Korpi"]["radius"] == pytest.approx(lo + (hi - lo) / 2, abs=0.05)


def test_polygon_area_drawn_at_its_representative_point():
    project = _project()
    m = maps.coverage_map(project)
    ruutu = next(f for f in _features(m, "areas") if "Ruutu" in f["properties"]["tooltip"])
    x, y = (
        gpd.GeoSeries([Point(ruutu["geometry"]["coordinates"])], crs="EPSG:4326")
        .to_crs(3067)
        .iloc[0]
        .coords[0]
    )
    assert box(499_000, 6_655_000, 501_000, 6_657_000).contains(Point(x, y))
    assert ruutu["properties"]["style"]["fillColor"] == maps.NEUTRAL_COLOUR  # no result: neutral


def test_area_tooltip_gives_minutes_to_nearest_place():
    project = _project()
    m = maps.coverage_map(project, analyze(project, SETTINGS), lang="en")
    korpi = next(f for f in _features(m, "areas") if "Korpi" in f["properties"]["tooltip"])
    # 40 km straight x 1.3 = 52 km at 50 km/h = 62.4 min
    assert "62 min (52.0 km) to the nearest place" in korpi["properties"]["tooltip"]
    assert "blind spot" in korpi["properties"]["tooltip"]


def test_reach_and_blind_spot_layers_and_legend():
    project = _project()
    reach = reach_areas(project, SETTINGS)
    blind = blind_spot_polygons(project, SETTINGS)
    m = maps.coverage_map(project, analyze(project, SETTINGS), reach=reach, blind_spots=blind, lang="sv")
    names = maps.layers(m)
    assert set(names) == {"boundary", "reach", "blind_spots", "areas", "places"}
    assert len(names["reach"].features) == len(reach) == 1
    assert len(names["blind_spots"].features) == len(blind) >= 1
    assert names["blind_spots"].features[0]["properties"]["tooltip"].startswith("Blind fläck B1")
    page = m.get_root().render()
    legend = next(c for c in m._children.values() if isinstance(c, maps.Legend))
    assert "Teckenförklaring" in legend.html and "blind fläck" in legend.html
    assert str(htmlsafe_json_dumps(legend.html)) in page  # embedded as script-safe JSON
    assert str(htmlsafe_json_dumps(html.escape(maps.DATA_ATTRIBUTION))) in page
    assert "© Maanmittauslaitos, Tilastokeskus, CC BY 4.0" == maps.DATA_ATTRIBUTION


def test_empty_layers_and_missing_boundary_do_not_fail():
    project = _project()
    empty = Project(places=project.places.iloc[0:0], areas=project.areas, name="x")
    m = maps.coverage_map(empty, analyze(empty, SETTINGS))
    assert "places" not in maps.layers(m)
    assert all(f["properties"]["style"]["fillColor"] == maps.BLIND_COLOUR for f in _features(m, "areas"))


def test_vihti_map_has_every_place_and_area():
    project = load_dataset("vihti")
    m = maps.coverage_map(project, analyze(project))
    assert len(_features(m, "places")) == len(project.places)
    assert len(_features(m, "areas")) == len(project.areas)
    (lon0, lat0, lon1, lat1) = project.boundary.to_crs(4326).total_bounds
    for f in _features(m, "places"):
        lon, lat = f["geometry"]["coordinates"]
        assert lon0 - 0.3 < lon < lon1 + 0.3 and lat0 - 0.3 < lat < lat1 + 0.3


def test_area_radius_px_edges():
    assert maps.area_radius_px([]).shape == (0,)
    assert np.allclose(maps.area_radius_px([0, 0]), maps.AREA_RADIUS_PX[0])
    assert np.allclose(maps.area_radius_px([np.nan, 4, 1]), [5, 30, 17.5])


# --- i18n ---------------------------------------------------------------------------------------------------


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def test_every_key_in_every_language_with_the_same_fields():
    assert set(i18n.LANGUAGES) == {"fi", "sv", "en"}
    assert len(i18n.CATALOGUE) > 100
    for key, texts in i18n.CATALOGUE.items():
        assert set(texts) >= set(i18n.LANGUAGES), key
        assert all(texts[lang].strip() for lang in i18n.LANGUAGES), key
        assert _fields(texts["sv"]) == _fields(texts["fi"]) == _fields(texts["en"]), key


def test_catalogue_covers_the_choice_values():
    from coverage.model import KINDS, MODES, ORGANISER_TYPES, STATUSES

    for field, values in {
        "organiser_type": ORGANISER_TYPES,
        "kind": KINDS,
        "status": STATUSES,
        "mode": MODES,
    }.items():
        for value in values:
            assert i18n.has(f"choice.{field}.{value}"), (field, value)
    for d in range(7):
        assert i18n.weekday_name(d, "fi") and i18n.weekday_name(d, "sv", short=True)


def test_section_rejects_duplicates_and_missing_languages():
    with pytest.raises(ValueError, match="twice"):
        i18n._section({"page.kartta": {"fi": "a", "sv": "b", "en": "c"}})
    with pytest.raises(ValueError, match="lacks sv"):
        i18n._section({"test.only_fi_xyz": {"fi": "a", "en": "c"}})
    assert not i18n.has("test.only_fi_xyz")


def test_t_language_and_formatting():
    assert i18n.t("page.kartta", "en") == "Map"
    assert i18n.t("kartta.caption_places", "fi", counted=3, total=7) == "3/7 kohtaamispaikkaa laskettu"
    token = i18n.set_language("sv")
    try:
        assert token == "sv" and i18n.t("page.kartta") == "Karta"
        assert i18n.set_language("xx") == "fi" and i18n.t("page.kartta") == "Kartta"
    finally:
        i18n.set_language("fi")
    with pytest.raises(KeyError, match="no text for key 'nope'"):
        i18n.t("nope")
    assert i18n.label("organiser_type", "parish", "sv") == "församling"
    assert i18n.label("organiser_type", "unknown-type") == "unknown-type"


def test_number_formats():
    assert i18n.fmt_number(1234567.891, 1, lang="fi") == "1\u00a0234\u00a0567,9"
    assert i18n.fmt_number(1234567.891, 1, lang="en") == "1,234,567.9"
    assert i18n.fmt_number(None) == "–" and i18n.fmt_number(float("nan")) == "–"
    assert i18n.fmt_share(0.98208, lang="sv") == "98,2\u00a0%"
    assert i18n.fmt_share(0.5, 0, lang="en") == "50%"
    assert i18n.fmt_share(None) == "–"


def test_wgs84_helpers_round_trip_in_any_thread():
    import threading

    xy = np.array([[500_000.0, 6_650_000.0], [350_000.0, 6_700_000.0]])
    out = {}

    def work():
        out["lonlat"] = maps.to_wgs84_xy(xy)
        out["back"] = maps.from_wgs84_xy(out["lonlat"])

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert out["lonlat"][0, 0] == pytest.approx(27.0, abs=1e-9)
    assert np.allclose(out["back"], xy, atol=1e-6)
    ref = gpd.GeoSeries(gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=3067).to_crs(4326)
    assert np.allclose(out["lonlat"], np.column_stack([ref.x, ref.y]), atol=1e-10)
    assert maps.to_wgs84_xy(np.empty((0, 2))).shape == (0, 2)
