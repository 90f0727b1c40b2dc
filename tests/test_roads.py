"""Roads in one click (issue 18): OSM XML = PBF, ferries and walk/bike classes, the remembered network,
straight line vs roads, and ``fetch --what roads`` against a local Overpass server replaying a recording."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from roads_fixture import OverpassServer, extract_project, recorded_bytes, write_recorded

from coverage.analysis import model_change, reach
from coverage.cli.main import main
from coverage.core.errors import KatveError
from coverage.core.model import Settings
from coverage.io import store
from coverage.travel import network_file, osm_graph
from coverage.travel.osm_graph import HIGHWAY_CLASSES, RoadGraph
from coverage.travel.road import NetworkModel

pyrosm = pytest.importorskip("pyrosm")


@pytest.fixture(scope="module")
def pbf_and_xml(tmp_path_factory):
    folder = tmp_path_factory.mktemp("formats")
    pbf = folder / "test.osm.pbf"
    shutil.copy(pyrosm.get_data("test_pbf"), pbf)
    return pbf, write_recorded(folder / "test.osm")


def _analyze_json(capsys, *args):
    capsys.readouterr()
    assert main(["analyze", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


# --- reading OSM XML like PBF ----------------------------------------------------------------------------


def test_xml_and_pbf_give_the_same_graphs(pbf_and_xml):
    pbf, xml = pbf_and_xml
    a, b = osm_graph.read_pbf(pbf), osm_graph.read_pbf(xml)
    for mode in ("walk", "bike", "car"):
        assert a[mode].n_edges > 300
        for name in RoadGraph._ARRAYS:
            np.testing.assert_array_equal(getattr(a[mode], name), getattr(b[mode], name), err_msg=name)
    assert b["car"].source == "test.osm" and b["car"].sha256 == osm_graph.file_sha256(xml)


@pytest.mark.parametrize("mode", ["walk", "car"])
def test_analyze_json_equal_for_osm_and_pbf(pbf_and_xml, tmp_path, capsys, mode):
    pbf, xml = pbf_and_xml
    store.save(
        extract_project(mode=mode, threshold_minutes=10.0 if mode == "walk" else 2.0), tmp_path / "p.gpkg"
    )
    runs = [
        _analyze_json(capsys, "--project", str(tmp_path / "p.gpkg"), "--network", str(f)) for f in (pbf, xml)
    ]
    assert runs[0]["settings"]["model"] == runs[1]["settings"]["model"] == "road_network"
    fields = ("id", "nearest_place_id", "minutes", "distance_km", "covered")
    rows = [[tuple(a[f] for f in fields) for a in r["areas"]] for r in runs]
    assert rows[0] == rows[1]
    assert len(rows[0]) == 36 and len({r[1] for r in rows[0]}) == 2  # both places are someone's nearest
    assert 0 < sum(r[4] for r in rows[0]) < 36  # some covered, some not: the comparison is not vacuous
    assert runs[0]["summary"] == runs[1]["summary"]


def test_file_content_decides_the_format(pbf_and_xml, tmp_path):
    _, xml = pbf_and_xml
    odd = tmp_path / "roads.pbf"  # XML under a PBF name still reads
    shutil.copy(xml, odd)
    assert osm_graph.read_pbf(odd, modes=["walk"])["walk"].n_edges == osm_graph.read_pbf(xml)["walk"].n_edges
    with_bom = tmp_path / "bom.osm"
    with_bom.write_bytes(b"\xef\xbb\xbf" + xml.read_bytes())
    assert osm_graph.read_pbf(with_bom, modes=["car"])["car"].n_edges > 300


# --- walk / bike realism, ferries ------------------------------------------------------------------------


def _write_osm(path: Path, nodes: dict[int, tuple[float, float]], ways: list[tuple[int, list[int], dict]]):
    """A small .osm XML file; node positions in metres east / north of a point near Vihti."""
    from pyproj import Transformer

    to_wgs = Transformer.from_crs("EPSG:3067", "EPSG:4326", always_xy=True)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    for nid, (x, y) in sorted(nodes.items()):
        lon, lat = to_wgs.transform(360000.0 + x, 6700000.0 + y)
        lines.append(f'  <node id="{nid}" lat="{lat:.7f}" lon="{lon:.7f}"/>')
    for wid, refs, tags in ways:
        lines.append(f'  <way id="{wid}">')
        lines += [f'    <nd ref="{r}"/>' for r in refs]
        lines += [f'    <tag k="{k}" v="{v}"/>' for k, v in tags.items()]
        lines.append("  </way>")
    lines.append("</osm>")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_walk_and_bike_use_paths_not_motorways(tmp_path):
    nodes = {i: (i * 2000.0, 0.0) for i in range(1, 9)}  # every piece longer than MIN_COMPONENT_M
    kinds = ["footway", "path", "track", "cycleway", "motorway", "steps", "residential"]
    ways = [(10 + i, [i + 1, i + 2], {"highway": k}) for i, k in enumerate(kinds)]
    g = osm_graph.read_pbf(_write_osm(tmp_path / "classes.osm", nodes, ways))

    def classes(mode):
        return {HIGHWAY_CLASSES[c] for c in g[mode].edge_class}

    assert classes("walk") == {"footway", "path", "track", "cycleway", "residential"}  # no motorway, no steps
    assert classes("bike") == {"path", "track", "cycleway", "residential"}  # footways only if bicycle=yes
    assert classes("car") == {"track", "motorway", "residential"}


def test_ferry_with_duration_is_used_at_its_speed_and_never_snapped_to(tmp_path):
    # A 6 km crossing tagged 20 minutes (18 km/h) against 12 km round the lake by road.
    nodes = {1: (0, 0), 2: (6000, 0), 3: (0, 3000), 4: (6000, 3000), 5: (3000, 50)}
    ways = [
        (1, [1, 2], {"route": "ferry", "duration": "00:20", "motor_vehicle": "yes"}),
        (2, [1, 3, 4, 2], {"highway": "tertiary"}),
        (3, [5, 5], {"route": "hiking"}),  # other routes are not roads
    ]
    path = _write_osm(tmp_path / "ferry.osm", nodes, ways)
    graphs = osm_graph.read_pbf(path)
    ferry = HIGHWAY_CLASSES.index("ferry")
    for mode in ("walk", "bike", "car"):
        g = graphs[mode]
        on = g.edge_class == ferry
        assert on.sum() == 1 and not g.edge_snap[on].any()
        assert g.edge_speed_kmh[on][0] == pytest.approx(g.edge_length_m[on][0] / 1000 / (20 / 60))
    walk = NetworkModel(graphs["walk"], speed_kmh=4.0)
    start, end = np.array([[0.0, 0.0]]) + [360000, 6700000], np.array([[6000.0, 0.0]]) + [360000, 6700000]
    assert walk.minutes(start, end)[0, 0] == pytest.approx(20.0, rel=0.01)  # on the ferry, not 3 h round
    # a house by the ferry line is snapped to the shore road, not to the ferry in the middle of the lake
    assert walk.snap(np.array([[3000.0, 60.0]]) + [360000, 6700000]).distance_m[0] > 2000
    untimed = _write_osm(tmp_path / "ferry2.osm", nodes, [(1, [1, 2], {"route": "ferry"}), ways[1]])
    g = osm_graph.read_pbf(untimed, modes=["car"])["car"]
    assert g.edge_speed_kmh[g.edge_class == ferry][0] == osm_graph.FERRY_SPEED_KMH
    denied = _write_osm(
        tmp_path / "ferry3.osm", nodes, [(1, [1, 2], {"route": "ferry", "foot": "no"}), ways[1]]
    )
    assert not (osm_graph.read_pbf(denied, modes=["walk"])["walk"].edge_class == ferry).any()


@pytest.mark.parametrize(
    ("text", "hours"),
    [("15", 0.25), ("1:30", 1.5), ("01:30:00", 1.5), ("PT45M", 0.75), ("PT1H", 1.0), ("", None), ("x", None)],
)
def test_parse_duration(text, hours):
    got = osm_graph.parse_duration(text)
    assert np.isnan(got) if hours is None else got == pytest.approx(hours)


# --- the remembered network ------------------------------------------------------------------------------


def test_remember_and_find_the_network(pbf_and_xml, tmp_path):
    _, xml = pbf_and_xml
    folder = tmp_path / "a"
    folder.mkdir()
    roads = folder / "roads_999.osm"
    shutil.copy(xml, roads)
    s = network_file.remember_network(Settings(), roads)
    assert s.network == str(roads) and s.network_sha256 == osm_graph.file_sha256(xml)
    project = extract_project().__class__(**{**vars(extract_project()), "settings": s})
    store.save(project, folder / "p.gpkg")
    reopened = store.load(folder / "p.gpkg")
    assert (reopened.settings.network, reopened.settings.network_sha256) == (s.network, s.network_sha256)
    assert network_file.find_network(reopened.settings, project_path=folder / "p.gpkg").status == "ok"
    # the project folder moves: the file is found by its name and hash next to the project
    moved = tmp_path / "b"
    shutil.move(str(folder), str(moved))
    check = network_file.find_network(reopened.settings, project_path=moved / "p.gpkg")
    assert (check.status, check.path) == ("moved", moved / "roads_999.osm")
    # another file of the same name is not taken for it
    (moved / "roads_999.osm").write_bytes(recorded_bytes().replace(b"residential", b"tertiary", 1))
    assert network_file.find_network(reopened.settings, project_path=moved / "p.gpkg").status == "missing"
    # at the recorded path but changed: used, and said so
    changed = network_file.find_network(s.replace(network=str(moved / "roads_999.osm")))
    assert changed.status == "changed" and changed.usable
    assert network_file.find_network(Settings()).status == "none"
    assert network_file.remember_network(s, None).network is None


def test_model_description_in_three_languages():
    s = Settings(mode="bike", network="/tmp/roads_927.osm")
    assert (
        network_file.model_description(s, "fi")
        == "tieverkko: roads_927.osm (OpenStreetMap), pyörällä 15 km/h"
    )
    assert (
        network_file.model_description(s, "sv") == "vägnät: roads_927.osm (OpenStreetMap), med cykel 15 km/h"
    )
    assert network_file.model_description(s.replace(mode="car"), "en") == (
        "road network: roads_927.osm (OpenStreetMap), by car at the roads' speed limits"
    )
    assert network_file.model_description(Settings(mode="walk", circuity=1.25), "fi") == (
        "linnuntie × 1,25 nopeudella 4 km/h (ei tieverkkoa)"
    )


# --- straight line vs roads ------------------------------------------------------------------------------


def test_compare_models_on_the_extract(pbf_and_xml):
    _, xml = pbf_and_xml
    project = extract_project(network=str(xml), threshold_minutes=12.0)
    cmp = model_change.compare_models(project)
    straight = reach.analyze(project, project.settings.replace(network=None))
    road = reach.analyze(project)
    was, now = straight.areas["covered"].to_numpy(bool), road.areas["covered"].to_numpy(bool)
    kids = project.areas["children_0_6"].to_numpy(float)
    assert cmp.children_lost == kids[was & ~now].sum() and cmp.children_gained == kids[now & ~was].sum()
    assert cmp.areas_lost + cmp.areas_gained > 0  # the roads change something on this extract
    assert cmp.group_by == "village"
    assert (
        sum(n for _, n in cmp.lost) == cmp.children_lost
        and sum(n for _, n in cmp.gained) == cmp.children_gained
    )
    names = {name for name, _ in cmp.lost + cmp.gained}
    assert names <= {"Selki", "Haimoo", "Nummela", "Ruutu 35"}
    assert cmp.straight.model["model"] == "straight_line" and cmp.road.model["model"] == "road_network"


def test_comparison_words_and_grouping(pbf_and_xml):
    import geopandas as gpd
    from shapely.geometry import Point

    from coverage.core.model import Project

    # Across the bay: straight line 1.5 km, by the road 12 km (a lake between).
    roads = RoadGraph.from_edges(np.array([[0.0, 0], [0, 1500], [6000, 0], [1500, 0], [0, -1500]]),
                                 u=[0, 1, 2, 0], v=[1, 2, 3, 4], mode="walk")  # fmt: skip
    places = gpd.GeoDataFrame(
        {"id": ["p"], "name": ["P"], "status": ["existing"], "opening_hours": ["Mo 10-12"]},
        geometry=[Point(0, 0)], crs="EPSG:3067",
    )  # fmt: skip
    areas = gpd.GeoDataFrame(
        {"id": ["a", "b", "c"], "name": ["Ruutu 1", "Ruutu 2", "Ruutu 3"], "village": ["Selki", "", "Selki"],
         "population": [1, 1, 1], "children_0_6": [4.0, 2.0, 3.0]},
        geometry=[Point(1500, 0), Point(1500, 10), Point(0, -1500)], crs="EPSG:3067",
    )  # fmt: skip
    s = Settings(mode="walk", threshold_minutes=30, network="x.osm")
    cmp = model_change.compare_models(Project(places=places, areas=areas), s, road_model=NetworkModel(roads))
    assert (cmp.children_lost, cmp.areas_lost, cmp.children_gained) == (6.0, 2, 0.0)
    assert cmp.lost == (("Selki", 4.0), ("Ruutu 2", 2.0))  # no village: the area's own name
    assert model_change.comparison_lines(cmp, "fi") == [
        "Tieverkolla katveeseen jää lisäksi 6 lasta: Selki, Ruutu 2"
    ]
    assert model_change.comparison_lines(cmp, "en", max_names=1) == [
        "On the road network 6 more children are left in blind spots: Selki, and 1 more"
    ]
    no_villages = Project(places=places, areas=areas.drop(columns="village"))
    assert model_change.compare_models(no_villages, s, road_model=NetworkModel(roads)).group_by == "name"
    unchanged = Project(places=places, areas=areas.iloc[[2]])
    assert model_change.comparison_lines(
        model_change.compare_models(unchanged, s, road_model=NetworkModel(roads)), "sv"
    ) == ["Vägnätet ändrar inte läget för något barn jämfört med fågelvägen."]
    with pytest.raises(KatveError, match="no road network chosen"):
        model_change.compare_models(Project(places=places, areas=areas), Settings())


# --- fetch --what roads ----------------------------------------------------------------------------------


def test_fetch_roads_sets_the_projects_network_and_analyze_uses_it(pbf_and_xml, tmp_path, capsys):
    _, xml = pbf_and_xml
    store.save(extract_project(), tmp_path / "p.gpkg")
    with OverpassServer() as server:
        args = ["fetch", "--municipality", "999", "--what", "roads", "--overpass-url", server.url,
                "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "cache"), "--project",
                str(tmp_path / "p.gpkg"), "--no-progress"]  # fmt: skip
        assert main(args) == 0
        out = capsys.readouterr().out
        assert len(server.requests) == 1
        request = server.requests[0]
        assert request["agent"].startswith("katve/") and request["path"] == "/api/interpreter"
        query = request["query"]
        assert query.startswith("[out:xml][timeout:180][maxsize:536870912];")
        assert 'way["highway"](poly:"' in query and 'way["route"="ferry"](poly:"' in query
        assert query.rstrip().endswith("(._;>;);\nout body;")
        # the same query again: from the cache, the server is not asked
        assert main(args) == 0
        assert len(server.requests) == 1 and "(cache)" in capsys.readouterr().out
    roads = tmp_path / "out" / "roads_999.osm"
    assert roads.read_bytes() == recorded_bytes()
    assert "roads_999.osm" in out and "ways" in out and "(downloaded)" in out
    saved = store.load(tmp_path / "p.gpkg")
    assert saved.settings.network == str(roads.resolve())
    assert saved.settings.network_sha256 == osm_graph.file_sha256(roads)
    assert len(saved.areas) == 36 and len(saved.places) == 2  # nothing else changed
    fetched = _analyze_json(capsys, "--project", str(tmp_path / "p.gpkg"))
    direct = _analyze_json(capsys, "--project", str(tmp_path / "p.gpkg"), "--network", str(xml))
    assert fetched["settings"]["model"] == "road_network"
    assert [a["minutes"] for a in fetched["areas"]] == [a["minutes"] for a in direct["areas"]]


def test_fetch_roads_offline_says_so_in_one_line(tmp_path, capsys):
    from test_fetch import _free_port

    store.save(extract_project(), tmp_path / "p.gpkg")
    before = (tmp_path / "p.gpkg").read_bytes()
    code = main(["fetch", "--municipality", "999", "--what", "roads", "--overpass-url",
                 f"http://127.0.0.1:{_free_port()}/api/interpreter", "--out", str(tmp_path / "out"),
                 "--cache", str(tmp_path / "cache"), "--project", str(tmp_path / "p.gpkg"),
                 "--no-progress"])  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1
    assert err[0].startswith("error: cannot reach 127.0.0.1") and "straight-line model stays" in err[0]
    assert not (tmp_path / "out" / "roads_999.osm").exists()
    assert (tmp_path / "p.gpkg").read_bytes() == before  # the project keeps the straight line


def test_the_report_names_the_road_network_in_every_mode(pbf_and_xml, tmp_path):
    from coverage.outputs import document

    _, xml = pbf_and_xml
    for mode, how in (
        ("car", "autolla tien nopeusrajoitusten mukaan"),
        ("walk", "kävellen (lastenvaunut) 4 km/h"),
    ):
        result = reach.analyze(extract_project(mode=mode, threshold_minutes=5.0, network=str(xml)))
        line = document.describe_settings(result, "fi")
        assert line.endswith(f"(tieverkko: test.osm (OpenStreetMap), {how})"), line
    straight = document.describe_settings(reach.analyze(extract_project()), "en")
    assert straight.endswith("(straight line × 1.3, 4 km/h)")
    # the PDF report itself, car on the roads (a crash before: the car model has no single speed)
    project = extract_project(mode="car", threshold_minutes=3.0, network=str(xml))
    store.save(project, tmp_path / "p.gpkg")
    assert main(["export", "--project", str(tmp_path / "p.gpkg"), "--format", "report",
                 "--out", str(tmp_path / "r.pdf")]) == 0  # fmt: skip
    assert (tmp_path / "r.pdf").read_bytes()[:5] == b"%PDF-"


def test_fetch_boundary_and_roads_into_a_new_project(tmp_path, capsys):
    """No project yet: the boundary comes from Statistics Finland, then the roads for it, then the project."""
    from test_fetch import FakeServer

    with FakeServer() as statfi, OverpassServer() as server:
        code = main(["fetch", "--municipality", "927", "--what", "boundary,grid,roads",
                     "--base-url", statfi.url, "--overpass-url", server.url, "--out", str(tmp_path / "out"),
                     "--cache", str(tmp_path / "c"), "--project", str(tmp_path / "vihti.gpkg"),
                     "--no-progress"])  # fmt: skip
        assert code == 0, capsys.readouterr().err
        poly = server.requests[0]["query"].split('poly:"', 1)[1].split('"', 1)[0].split()
    lat, lon = np.array(poly[0::2], float), np.array(poly[1::2], float)
    assert 60.1 < lat.min() < 60.25 and 60.55 < lat.max() < 60.7  # Vihti plus the margin
    assert 23.8 < lon.min() < 24.1 and 24.6 < lon.max() < 24.9
    out = capsys.readouterr().out
    assert "boundary " in out and "grid " in out and "roads_927.osm" in out
    saved = store.load(tmp_path / "vihti.gpkg")
    assert saved.boundary["code"].tolist() == ["927"] and len(saved.areas) == 4
    assert Path(saved.settings.network).name == "roads_927.osm" and saved.settings.network_sha256
