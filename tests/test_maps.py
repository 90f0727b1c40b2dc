"""coverage.outputs.webmap (folium builders, offline assets, escaping) and coverage.core.i18n (strings)."""

from __future__ import annotations

import html
import re
import string

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point, box

from coverage.analysis import stats
from coverage.analysis.reach import analyze, blind_spot_polygons, reach_areas
from coverage.core import errors, i18n
from coverage.core.model import KINDS, MODES, ORGANISER_TYPES, STATUSES, Project, Settings
from coverage.core.schedule import WEEKDAYS
from coverage.io.datasets import load_dataset
from coverage.outputs import document, leaflet, webmap
from coverage.planning import plan as planning_plan

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
    return webmap.layers(m)[name].features


# --- offline assets --------------------------------------------------------------------------------------


def test_map_loads_only_local_leaflet():
    project = _project()
    result = analyze(project, SETTINGS, include_planned=True)
    m = webmap.coverage_map(
        project,
        result,
        reach=reach_areas(project, SETTINGS),
        blind_spots=blind_spot_polygons(project, SETTINGS),
    )
    assert leaflet.asset_urls(m) == [leaflet.APP_LEAFLET_JS, leaflet.APP_LEAFLET_CSS]
    page = m.get_root().render()
    assert not re.search(r'(src|href)="https?://', page), "a CDN script or stylesheet slipped in"
    assert "jquery" not in page.lower() and "bootstrap" not in page.lower()


def test_asset_urls_are_parameters():
    m = webmap.coverage_map(_project(), leaflet_js="/x/l.js", leaflet_css="/x/l.css", tiles=False)
    assert leaflet.asset_urls(m) == ["/x/l.js", "/x/l.css"]
    assert "tile.openstreetmap.org" not in m.get_root().render()


def test_standalone_html_inlines_leaflet():
    if not (leaflet.LEAFLET_DIR / "leaflet.js").is_file():
        pytest.skip("Leaflet not fetched: run `make static/leaflet/leaflet.js`")
    m = webmap.coverage_map(_project(), tiles=False)
    page = leaflet.standalone_html(m)
    assert "/app/static" not in page
    assert not re.search(r"<script[^>]+src=", page)
    assert "L.version" in page or "Leaflet" in page
    assert "data:image/png;base64," in page  # the layer-control images travel along
    assert leaflet.asset_urls(m) == [
        leaflet.APP_LEAFLET_JS,
        leaflet.APP_LEAFLET_CSS,
    ]  # the map itself is unchanged


def test_standalone_html_without_leaflet_names_the_fix(tmp_path):
    with pytest.raises(errors.KatveError, match="make static/leaflet/leaflet.js"):
        leaflet.standalone_html(webmap.coverage_map(_project(), tiles=False), leaflet_dir=tmp_path)


# --- escaping ----------------------------------------------------------------------------------------------


def test_data_text_is_escaped_in_popups_tooltips_and_page():
    project = _project(
        name=[XSS, "a`${alert(2)}`</script><script>alert(3)</script>"],
        organiser=[XSS, "x"],
        opening_hours=["Tu 09:30-11:30", "We 10:00-12:00"],
    )
    m = webmap.coverage_map(project, analyze(project, SETTINGS))
    feats = _features(m, "places")
    popup, tooltip = feats[0]["properties"]["popup"], feats[0]["properties"]["tooltip"]
    assert "<img" not in popup and "&lt;img src=x onerror=alert(1)&gt;" in popup
    assert tooltip == "&lt;img src=x onerror=alert(1)&gt;"
    page = m.get_root().render()
    assert "<img src=x" not in page
    assert "</script><script>alert(3)" not in page  # JSON in the page escapes '<'
    # all data sit in one script-safe JSON literal (no JS template literal): `${...}` stays inert text
    assert leaflet.script_json(webmap.layers(m)["places"].data) in page
    assert "a`${alert(2)}`" in feats[1]["properties"]["tooltip"]


@pytest.mark.parametrize(
    "name", ["{{ 7*7 }}", "{% if true %}x{% endif %}", "{{ lipsum.__globals__.os.getpid() }}", "{# c #}"]
)
def test_jinja_in_data_is_not_evaluated_on_the_server(name):
    """branca renders an element's script a second time as a Jinja template: data must not reach it raw."""
    import json

    project = _project(name=[name, "Kerho"], organiser=[name, "x"])
    m = webmap.coverage_map(project, analyze(project, SETTINGS), tiles=False)
    page = m.get_root().render()
    layer = webmap.layers(m)["places"]
    assert layer.features[0]["properties"]["tooltip"] == html.escape(name)
    # the page holds exactly the script-safe JSON of the data (so the browser reads the text, not its value)
    embedded = leaflet.script_json(layer.data)
    assert embedded in page and json.loads(embedded) == layer.data
    assert "{{" not in page and "{%" not in page and "{#" not in page
    assert leaflet.script_json({"a": name}).count("\\u007b") == name.count("{")
    assert json.loads(leaflet.script_json({"a": name, "b": {"c": [1, {}]}})) == {
        "a": name,
        "b": {"c": [1, {}]},
    }


def test_place_popup_names_organiser_and_hours():
    row = _project().places.iloc[0]
    popup = webmap.place_popup_html(row, lang="fi")
    assert "<b>Perhekahvila</b>" in popup
    assert "MLL Testi (MLL)" in popup and "Tu 09:30-11:30" in popup and "perhekahvila" in popup
    assert "ei laskettu" not in popup
    assert "ei laskettu" in webmap.place_popup_html(row, counted=False, lang="fi")
    assert "Opening hours" in webmap.place_popup_html(row, lang="en")


# --- content ------------------------------------------------------------------------------------------------


def test_places_coloured_by_organiser_and_reprojected():
    project = _project()
    m = webmap.coverage_map(project, analyze(project, SETTINGS))
    feats = _features(m, "places")
    assert [f["properties"]["style"]["fillColor"] for f in feats] == [
        document.ORGANISER_COLORS["mll"],
        document.ORGANISER_COLORS["parish"],
    ]
    lon, lat = feats[0]["geometry"]["coordinates"]
    assert lon == pytest.approx(27.0, abs=1e-6)  # x = 500 000 is the TM35FIN central meridian
    assert 59.9 < lat < 60.1
    # the planned place does not count without include_planned: hollow and dashed
    style = feats[1]["properties"]["style"]
    assert style["fillOpacity"] < 0.5 and "dashArray" in style
    assert all(f["properties"]["style"]["className"] == webmap.PLACE_CLASS for f in feats)


def test_areas_coloured_covered_and_sized_by_children():
    project = _project()
    result = analyze(project, SETTINGS)
    assert result.areas["covered"].tolist() == [True, False, True]
    m = webmap.coverage_map(project, result)
    by_name = {
        re.search(r"<b>(.*?)</b>", f["properties"]["tooltip"]).group(1): f["properties"]["style"]
        for f in _features(m, "areas")
    }
    assert by_name["Keskusta"]["fillColor"] == document.COLORS["covered"]
    assert by_name["Korpi"]["fillColor"] == document.COLORS["blind"]
    lo, hi = webmap.AREA_RADIUS_PX
    assert by_name["Keskusta"]["radius"] == pytest.approx(hi)
    assert by_name["Ruutu"]["radius"] == pytest.approx(lo)
    # circle area proportional to children: 25 children -> radius lo + (hi - lo) * sqrt(1/4)
    assert by_name["Korpi"]["radius"] == pytest.approx(lo + (hi - lo) / 2, abs=0.05)


def test_polygon_area_drawn_at_its_representative_point():
    project = _project()
    m = webmap.coverage_map(project)
    ruutu = next(f for f in _features(m, "areas") if "Ruutu" in f["properties"]["tooltip"])
    x, y = (
        gpd.GeoSeries([Point(ruutu["geometry"]["coordinates"])], crs="EPSG:4326")
        .to_crs(3067)
        .iloc[0]
        .coords[0]
    )
    assert box(499_000, 6_655_000, 501_000, 6_657_000).contains(Point(x, y))
    assert ruutu["properties"]["style"]["fillColor"] == document.COLORS["neutral"]  # no result: neutral


def test_area_tooltip_gives_minutes_to_nearest_place():
    project = _project()
    m = webmap.coverage_map(project, analyze(project, SETTINGS), lang="en")
    korpi = next(f for f in _features(m, "areas") if "Korpi" in f["properties"]["tooltip"])
    # 40 km straight x 1.3 = 52 km at 50 km/h = 62.4 min
    assert "62 min (52.0 km) to the nearest place" in korpi["properties"]["tooltip"]
    assert "blind spot" in korpi["properties"]["tooltip"]


def test_reach_and_blind_spot_layers_and_legend():
    project = _project()
    reach = reach_areas(project, SETTINGS)
    blind = blind_spot_polygons(project, SETTINGS)
    m = webmap.coverage_map(project, analyze(project, SETTINGS), reach=reach, blind_spots=blind, lang="sv")
    names = webmap.layers(m)
    assert set(names) == {"boundary", "reach", "blind_spots", "areas", "places"}
    assert len(names["reach"].features) == len(reach) == 1
    assert len(names["blind_spots"].features) == len(blind) >= 1
    assert names["blind_spots"].features[0]["properties"]["tooltip"].startswith("Blind fläck B1")
    page = m.get_root().render()
    legend = next(c for c in m._children.values() if isinstance(c, leaflet.Legend))
    assert "Teckenförklaring" in legend.html and "blind fläck" in legend.html
    assert leaflet.script_json(legend.html) in page  # embedded as script-safe JSON
    assert leaflet.script_json(html.escape(document.ATTRIBUTION)) in page
    assert "© Maanmittauslaitos, Tilastokeskus, CC BY 4.0" == document.ATTRIBUTION


def test_empty_layers_and_missing_boundary_do_not_fail():
    project = _project()
    empty = Project(places=project.places.iloc[0:0], areas=project.areas, name="x")
    m = webmap.coverage_map(empty, analyze(empty, SETTINGS))
    assert "places" not in webmap.layers(m)
    assert all(
        f["properties"]["style"]["fillColor"] == document.COLORS["blind"] for f in _features(m, "areas")
    )


def test_vihti_map_has_every_place_and_area():
    project = load_dataset("vihti")
    m = webmap.coverage_map(project, analyze(project))
    assert len(_features(m, "places")) == len(project.places)
    assert len(_features(m, "areas")) == len(project.areas)
    (lon0, lat0, lon1, lat1) = project.boundary.to_crs(4326).total_bounds
    for f in _features(m, "places"):
        lon, lat = f["geometry"]["coordinates"]
        assert lon0 - 0.3 < lon < lon1 + 0.3 and lat0 - 0.3 < lat < lat1 + 0.3


def test_area_radius_px_edges():
    assert webmap.area_radius_px([]).shape == (0,)
    assert np.allclose(webmap.area_radius_px([0, 0]), webmap.AREA_RADIUS_PX[0])
    assert np.allclose(webmap.area_radius_px([np.nan, 4, 1]), [5, 30, 17.5])


# --- i18n ---------------------------------------------------------------------------------------------------


def _fields(text: str) -> set[str]:
    # a count's forms {n|one|other} name the field n (and may hold fields of their own)
    text = i18n._PLURAL.sub(lambda m: f"{{{m.group(1)}}} {m.group(2)} {m.group(3)}", text)
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def test_every_key_in_every_language_with_the_same_fields():
    assert set(i18n.LANGUAGES) == {"fi", "sv", "en"}
    assert len(i18n.CATALOGUE) > 100
    for key, texts in i18n.CATALOGUE.items():
        assert set(texts) >= set(i18n.LANGUAGES), key
        assert all(texts[lang].strip() for lang in i18n.LANGUAGES), key
        assert _fields(texts["sv"]) == _fields(texts["fi"]) == _fields(texts["en"]), key


def test_catalogue_covers_the_choice_values():

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
        out["lonlat"] = leaflet.to_wgs84_xy(xy)
        out["back"] = leaflet.from_wgs84_xy(out["lonlat"])

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert out["lonlat"][0, 0] == pytest.approx(27.0, abs=1e-9)
    assert np.allclose(out["back"], xy, atol=1e-6)
    ref = gpd.GeoSeries(gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=3067).to_crs(4326)
    assert np.allclose(out["lonlat"], np.column_stack([ref.x, ref.y]), atol=1e-10)
    assert leaflet.to_wgs84_xy(np.empty((0, 2))).shape == (0, 2)


# --- scale, visits, proposals -------------------------------------------------------------------------------


def test_scale_bar_is_metric_only():
    page = webmap.coverage_map(_project(), tiles=False).get_root().render()
    assert "L.control.scale({metric: true, imperial: false" in page
    assert "L.control.scale()" not in page  # folium's own (miles and feet) is off
    assert page.count("L.control.scale(") == 1


def _with_visits(project: Project, rows: list[tuple[str, int, int]]) -> Project:
    import pandas as pd

    project.visits = pd.DataFrame(
        {
            "place_id": [r[0] for r in rows],
            "date": [f"2026-0{i % 9 + 1}-15" for i in range(len(rows))],
            "adults": [r[1] for r in rows],
            "children": [r[2] for r in rows],
        }
    )
    return project


def test_places_sized_by_visitors_when_the_project_has_visits():
    project = _with_visits(_project(), [("p1", 10, 15), ("p1", 5, 6), ("p2", 3, 6), ("nope", 50, 50)])
    # p1: 36 visitors, p2: 9 (a quarter: half the radius); the unknown place id is left out
    assert webmap.place_visits(project).to_dict() == {"p1": 36, "p2": 9}
    m = webmap.coverage_map(project, analyze(project, SETTINGS), lang="fi")
    radii = [f["properties"]["style"]["radius"] for f in _features(m, "places")]
    lo, hi = webmap.VISIT_RADIUS_PX
    assert radii == [pytest.approx(hi), pytest.approx(max(lo, hi / 2))]
    popup = _features(m, "places")[0]["properties"]["popup"]
    assert "Kävijöitä kirjattu: 36" in popup
    legend = next(c for c in m._children.values() if isinstance(c, leaflet.Legend))
    assert "koko = kirjatut kävijät" in legend.html


def test_place_without_visits_gets_the_smallest_marker_and_no_visits_means_no_sizing():
    project = _with_visits(_project(), [("p2", 40, 60)])
    m = webmap.coverage_map(project, lang="en")
    radii = {f["properties"]["tooltip"]: f["properties"]["style"]["radius"] for f in _features(m, "places")}
    assert radii == {"Perhekahvila": webmap.VISIT_RADIUS_PX[0], "Kerho": webmap.VISIT_RADIUS_PX[1]}
    assert "Visitors recorded: 0" in _features(m, "places")[0]["properties"]["popup"]
    # no visits layer rows: fixed size, nothing about visitors in the legend or popup
    plain = webmap.coverage_map(_project(), lang="en")
    assert {f["properties"]["style"]["radius"] for f in _features(plain, "places")} == {
        webmap.PLACE_RADIUS_PX
    }
    legend = next(c for c in plain._children.values() if isinstance(c, leaflet.Legend))
    assert "visitors recorded" not in legend.html
    assert "Visitors" not in _features(plain, "places")[0]["properties"]["popup"]
    # switched off explicitly
    off = webmap.coverage_map(project, size_by_visits=False)
    assert {f["properties"]["style"]["radius"] for f in _features(off, "places")} == {webmap.PLACE_RADIUS_PX}


def test_vihti_places_sized_by_its_example_visits():

    project = load_dataset("vihti")
    visitors = stats.visits_by_place(project)
    m = webmap.coverage_map(project)
    radii = {f["properties"]["tooltip"]: f["properties"]["style"]["radius"] for f in _features(m, "places")}
    names = dict(zip(project.places["id"], project.places["name"], strict=True))
    busiest = names[visitors.idxmax()]
    assert radii[busiest] == pytest.approx(webmap.VISIT_RADIUS_PX[1])
    assert max(radii.values()) == radii[busiest] and min(radii.values()) < radii[busiest]


def _plan_fixture():
    """A blind village 40 km east of the only place; the candidate on it is the obvious proposal."""

    project = _project()
    project.candidates = gpd.GeoDataFrame(
        {"id": ["c1", "c2"], "name": ["Korven <b>koulu</b>", "Pelto"]},
        geometry=[Point(540_500, 6_650_000), Point(530_000, 6_642_000)],
        crs="EPSG:3067",
    )
    return project, planning_plan.plan(project, SETTINGS, k=1, objective="cover")


def test_plan_map_draws_lettered_proposals_with_gain_and_session():
    project, plan = _plan_fixture()
    assert plan.new_sites["id"].tolist() == ["c1"]
    m = webmap.plan_map(project, plan, analyze(project, SETTINGS), lang="fi", tiles=False)
    layer = webmap.layers(m)["proposals"]
    assert isinstance(layer, leaflet.LabelLayer)
    (feature,) = layer.features
    lon, lat = feature["geometry"]["coordinates"]
    x, y = gpd.GeoSeries([Point(lon, lat)], crs=4326).to_crs(3067).iloc[0].coords[0]
    assert (x, y) == pytest.approx((540_500, 6_650_000), abs=0.2)
    props = feature["properties"]
    assert props["className"] == webmap.PROPOSAL_CLASS
    assert ">A</text>" in props["icon"] and document.COLORS["proposal"] in props["icon"]
    popup = props["popup"]
    assert "Ehdotus A: Korven &lt;b&gt;koulu&lt;/b&gt;" in popup  # escaped
    assert "lapsia 0–6 v uusina saavutettavissa: 25" in popup  # Korpi's 25 children
    day = plan.new_sites["best_weekday"].iloc[0]
    part = plan.new_sites["best_daypart"].iloc[0]
    assert f"{i18n.weekday_name(WEEKDAYS.index(day), 'fi')} {i18n.t(f'daypart.{part}', 'fi')}" in popup
    assert plan.new_sites["opening_hours"].iloc[0] in popup
    # areas: coloured after the proposal; Korpi newly covered gets the yellow ring
    areas = {
        re.search(r"<b>(.*?)</b>", f["properties"]["tooltip"]).group(1): f["properties"]
        for f in _features(m, "areas")
    }
    assert areas["Korpi"]["style"]["fillColor"] == document.COLORS["covered"]
    assert areas["Korpi"]["style"]["color"] == document.COLORS["newly_covered"]
    assert "ehdotus tuo saavutettavaksi" in areas["Korpi"]["tooltip"]
    assert areas["Keskusta"]["style"]["color"] == document.COLORS["covered"]
    legend = next(c for c in m._children.values() if isinstance(c, leaflet.Legend))
    assert "ehdotettu uusi paikka" in legend.html and "<svg" in legend.html
    page = m.get_root().render()
    assert "L.divIcon(" in page and "imperial: false" in page
    assert "<b>koulu" not in page  # data sit in script-safe JSON; the popup HTML escapes them
    assert leaflet.script_json(layer.data) in page


def test_proposal_labels_and_popup_for_the_median_objective():
    assert webmap.proposal_labels(0) == []
    assert webmap.proposal_labels(27)[25:] == ["Z", "AA"]
    row = {
        "name": "Kylätalo",
        "children_gained": 12.4,
        "best_weekday": "We",
        "best_daypart": "evening",
        "children_gained_then": 7.0,
        "opening_hours": "We 17:00-19:00",
        "id": "area:9",
    }
    popup = webmap.proposal_popup_html(row, label="C", objective="median", lang="en")
    assert "Proposal C: Kylätalo" in popup
    assert "the nearest place for 12 children 0–6" in popup
    assert "best time for a session: Wednesday evening 16–20 (+7 children then)" in popup
    assert "area:9" not in popup  # internal candidate ids stay out of what users read
    # missing timing is left out, not shown as nan
    bare = webmap.proposal_popup_html({"name": "X", "best_weekday": None}, label="A", lang="en")
    assert "best time" not in bare and "nan" not in bare


def test_plan_map_without_proposals():

    project = _project()
    project.candidates = gpd.GeoDataFrame(
        {"id": ["c1"], "name": ["Keskellä"]}, geometry=[Point(500_400, 6_650_000)], crs="EPSG:3067"
    )
    plan = planning_plan.plan(project, SETTINGS, k=1, objective="cover")  # reaches nobody new
    assert len(plan.new_sites) == 0
    m = webmap.plan_map(project, plan, tiles=False)
    assert "proposals" not in webmap.layers(m)
    legend = next(c for c in m._children.values() if isinstance(c, leaflet.Legend))
    assert "<svg" not in legend.html


def test_place_visits_follow_the_content_of_the_visits_layer():
    project = _with_visits(_project(), [("p1", 1, 2), ("p2", 3, 4)])
    assert webmap.place_visits(project).to_dict() == {"p1": 3, "p2": 7}
    project.visits.loc[0, "children"] = 20  # edited in place: not served from the cache
    assert webmap.place_visits(project).to_dict() == {"p1": 21, "p2": 7}
    project.visits["adults"] = 0
    project.visits["children"] = 0
    assert webmap.place_visits(project) is None  # all zero: nothing to size by
