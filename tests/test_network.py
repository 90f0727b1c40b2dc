"""Road-network travel model: OSM parsing, shortest paths against networkx, snapping, reach areas, cache."""

from __future__ import annotations

import math
import shutil
from collections import defaultdict

import networkx as nx
import numpy as np
import osmium
import pytest
import shapely
from pyproj import Transformer

from coverage.analysis import reach, week
from coverage.cli.main import main
from coverage.core.errors import KatveError, NetworkError, OffNetworkWarning
from coverage.core.model import Project, Settings
from coverage.io import store
from coverage.travel import choose, osm_graph, road
from coverage.travel import snap as travel_snap
from coverage.travel.osm_graph import RoadGraph
from coverage.travel.road import NetworkModel

TO_WGS84 = Transformer.from_crs("EPSG:3067", "EPSG:4326", always_xy=True)
BASE = np.array([360000.0, 6700000.0])  # near Vihti, EPSG:3067


@pytest.fixture(scope="module")
def test_pbf(tmp_path_factory):
    pyrosm = pytest.importorskip("pyrosm")
    src = pyrosm.get_data("test_pbf")  # a real OSM extract shipped with pyrosm: no download
    dst = tmp_path_factory.mktemp("osm") / "test.osm.pbf"
    shutil.copy(src, dst)
    return dst


@pytest.fixture(scope="module")
def graphs(test_pbf):
    return osm_graph.read_pbf(test_pbf)


def write_pbf(path, nodes, ways):
    """nodes: {id: (x, y) metres from BASE}; ways: [(id, [node ids], tags)]."""
    if path.exists():
        path.unlink()
    with osmium.SimpleWriter(str(path)) as w:
        for nid in sorted(nodes):
            lon, lat = TO_WGS84.transform(*(BASE + np.asarray(nodes[nid], float)))
            w.add_node(osmium.osm.mutable.Node(id=nid, location=(lon, lat), version=1))
        for wid, refs, tags in ways:
            w.add_way(osmium.osm.mutable.Way(id=wid, nodes=refs, tags=tags, version=1))
    return path


# --- independent networkx reference ----------------------------------------------------------------------


def nx_reference(model: NetworkModel, oxy, dxy):
    """A networkx DiGraph with the snapped points inserted into their edges (not using the model's CSR)."""
    g = model.graph
    speed = np.where(np.isfinite(g.edge_speed_kmh), g.edge_speed_kmh, model.speed_kmh)
    rate = 60.0 / (1000.0 * speed)
    snap_rate = 60.0 / (1000.0 * model.snap_speed_kmh)
    o, d = model.snap(oxy), model.snap(dxy)
    on_edge = defaultdict(list)
    for i in range(len(oxy)):
        on_edge[int(o.edge[i])].append((float(o.offset_m[i]), ("po", i)))
    for j in range(len(dxy)):
        on_edge[int(d.edge[j])].append((float(d.offset_m[j]), ("pd", j)))
    G = nx.DiGraph()

    def arc(a, b, minutes, metres):
        if not G.has_edge(a, b) or G[a][b]["weight"] > minutes:
            G.add_edge(a, b, weight=minutes, length=metres)

    for e in range(g.n_edges):
        u, v, length = int(g.edge_u[e]), int(g.edge_v[e]), float(g.edge_length_m[e])
        chain = [(0.0, u)] + sorted(on_edge.get(e, []), key=lambda t: t[0]) + [(length, v)]
        for (s0, a), (s1, b) in zip(chain[:-1], chain[1:], strict=True):
            if g.edge_forward[e]:
                arc(a, b, (s1 - s0) * rate[e], s1 - s0)
            if g.edge_backward[e]:
                arc(b, a, (s1 - s0) * rate[e], s1 - s0)
    for i in range(len(oxy)):
        arc(("o", i), ("po", i), o.distance_m[i] * snap_rate, o.distance_m[i])
        for j in range(len(dxy)):  # both off the roads and close: straight across
            straight = math.dist(oxy[i], dxy[j])
            if straight <= model.max_snap_m and straight <= o.distance_m[i] + d.distance_m[j]:
                arc(("o", i), ("d", j), straight * snap_rate, straight)
    for j in range(len(dxy)):
        arc(("pd", j), ("d", j), d.distance_m[j] * snap_rate, d.distance_m[j])
    return G


def random_points(graph, n, seed):
    rng = np.random.default_rng(seed)
    lo, hi = graph.node_xy.min(axis=0), graph.node_xy.max(axis=0)
    pts = lo + rng.random((n, 2)) * (hi - lo)
    # keep them near the roads so that no off-network warning fires here
    snap = NetworkModel(graph).snap(pts)
    return pts[snap.distance_m < 300]


# --- reading the extract ---------------------------------------------------------------------------------


def test_read_pbf_modes_lengths_and_speeds(graphs):
    walk, bike, car = graphs["walk"], graphs["bike"], graphs["car"]
    assert car.n_edges < bike.n_edges < walk.n_edges
    for g in graphs.values():
        seg_len = np.hypot(g.seg_xy[:, 2] - g.seg_xy[:, 0], g.seg_xy[:, 3] - g.seg_xy[:, 1])
        np.testing.assert_allclose(np.bincount(g.seg_edge, seg_len, minlength=g.n_edges), g.edge_length_m)
        # edges start at u and end at v
        first = np.r_[True, g.seg_edge[1:] != g.seg_edge[:-1]]
        last = np.r_[g.seg_edge[1:] != g.seg_edge[:-1], True]
        np.testing.assert_allclose(g.seg_xy[first, :2], g.node_xy[g.edge_u])
        np.testing.assert_allclose(g.seg_xy[last, 2:], g.node_xy[g.edge_v])
        assert (g.edge_length_m > 0).all()
        # EPSG:3067, Helsinki region
        assert 480_000 < g.node_xy[:, 0].min() and g.node_xy[:, 0].max() < 520_000
        assert 6_690_000 < g.node_xy[:, 1].min() and g.node_xy[:, 1].max() < 6_730_000
    assert np.isnan(walk.edge_speed_kmh).all() and walk.edge_forward.all() and walk.edge_backward.all()
    assert np.isfinite(car.edge_speed_kmh).all()
    assert (~car.edge_backward).any()  # motorways / links are one-way
    motorway = np.array(osm_graph.HIGHWAY_CLASSES)[car.edge_class] == "motorway"
    assert motorway.any() and not car.edge_snap[motorway].any()
    assert not (np.array(osm_graph.HIGHWAY_CLASSES)[walk.edge_class] == "motorway").any()


def test_pbf_tags_oneway_access_maxspeed_and_clipped_ways(tmp_path):
    nodes = {1: (0, 0), 2: (1000, 0), 3: (2000, 0), 4: (1000, 1000), 5: (3000, 0), 7: (2000, 1000)}
    ways = [
        (10, [1, 2, 3], {"highway": "residential"}),  # 40 km/h by default
        (11, [2, 4], {"highway": "tertiary", "maxspeed": "80", "oneway": "yes"}),
        (12, [3, 5], {"highway": "footway"}),
        (13, [4, 7, 3], {"highway": "service", "access": "no"}),
        (14, [5, 6], {"highway": "motorway"}),  # node 6 lies outside the extract
        (15, [3, 7], {"highway": "unclassified", "maxspeed": "FI:rural", "oneway": "-1"}),
    ]
    pbf = write_pbf(tmp_path / "tiny.osm.pbf", nodes, ways)
    g = osm_graph.read_pbf(pbf)
    car, walk, bike = g["car"], g["walk"], g["bike"]
    assert car.n_nodes == 5 and car.n_edges == 4
    by_len = np.argsort(car.edge_length_m)
    np.testing.assert_allclose(np.sort(car.edge_length_m), [1000, 1000, 1000, 1000], atol=0.05)
    xy = car.node_xy - BASE
    ends = {
        (tuple(np.round(xy[u])), tuple(np.round(xy[v]))): e
        for e, (u, v) in enumerate(zip(car.edge_u, car.edge_v, strict=True))
    }
    tert = ends[((1000.0, 0.0), (1000.0, 1000.0))]
    assert car.edge_speed_kmh[tert] == 80 and car.edge_forward[tert] and not car.edge_backward[tert]
    rev = ends[((2000.0, 0.0), (2000.0, 1000.0))]
    assert car.edge_speed_kmh[rev] == 80 and not car.edge_forward[rev] and car.edge_backward[rev]
    assert sorted(car.edge_speed_kmh[by_len]) == [40, 40, 80, 80]
    # walkers: no access=no service road, but the footway; no one-way; bikes: no footway
    assert walk.n_edges == 5 and walk.edge_length_m.sum() == pytest.approx(5000, abs=0.1)
    assert bike.n_edges == 4
    # car 1 -> 4: 1 km at 40 + 1 km at 80 = 1.5 + 0.75 min; 4 -> 1 is against the one-way: unreachable
    m = NetworkModel(car, max_snap_m=100)
    p1, p4 = BASE, BASE + [1000, 1000]
    np.testing.assert_allclose(
        m.minutes(np.array([p1, p4]), np.array([p4, p1])), [[2.25, 0], [0, np.inf]], atol=1e-4
    )


def test_parse_maxspeed():
    assert osm_graph.parse_maxspeed("60") == 60
    assert osm_graph.parse_maxspeed("FI:urban") == 50
    assert osm_graph.parse_maxspeed("fi:rural") == 80
    assert osm_graph.parse_maxspeed("50;80") == 50
    assert osm_graph.parse_maxspeed("20 mph") == pytest.approx(32.19, abs=0.01)
    assert math.isnan(osm_graph.parse_maxspeed("signals"))
    assert math.isnan(osm_graph.parse_maxspeed(""))


# --- shortest paths against networkx ----------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["walk", "car"])
def test_nearest_and_matrix_match_networkx(graphs, mode):
    g = graphs[mode]
    model = NetworkModel(g)
    pts = random_points(g, 160, seed={"walk": 1, "car": 2}[mode])
    oxy, dxy = pts[:-6], pts[-6:]
    assert len(oxy) > 60
    res = model.nearest(oxy, dxy)
    G = nx_reference(model, oxy, dxy)
    dist, paths = nx.multi_source_dijkstra(G.reverse(copy=True), {("d", j) for j in range(len(dxy))})
    exp_min = np.array([dist.get(("o", i), np.inf) for i in range(len(oxy))])
    np.testing.assert_allclose(res.minutes, exp_min, rtol=1e-9, atol=1e-9)
    reached = np.isfinite(exp_min)
    assert reached.mean() > 0.8
    exp_idx = np.array([paths[("o", i)][0][1] if r else -1 for i, r in enumerate(reached)])
    # ties aside, the same destination; its minutes are the minimum either way
    same = res.index == exp_idx
    assert same.mean() > 0.95
    exp_km = []
    for i in np.flatnonzero(reached):
        path = paths[("o", i)][::-1]  # origin -> destination in the forward graph
        exp_km.append(sum(G[a][b]["length"] for a, b in zip(path[:-1], path[1:], strict=True)) / 1000)
    np.testing.assert_allclose(res.distance_km[reached & same], np.array(exp_km)[same[reached]], rtol=1e-9)
    np.testing.assert_allclose(
        res.straight_km[reached], np.hypot(*(oxy[reached] - dxy[res.index[reached]]).T) / 1000
    )
    # dense matrix: one networkx search per destination
    mat = model.minutes(oxy[:30], dxy)
    for j in range(len(dxy)):
        lengths = nx.single_source_dijkstra_path_length(G.reverse(copy=True), ("d", j), weight="weight")
        exp = [lengths.get(("o", i), np.inf) for i in range(30)]
        np.testing.assert_allclose(mat[:, j], exp, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(mat.min(axis=1), res.minutes[:30], rtol=1e-12)


def test_within_matches_matrix(graphs):
    model = NetworkModel(graphs["bike"], speed_kmh=15.0)
    pts = random_points(graphs["bike"], 120, seed=3)
    oxy, dxy = pts[:-10], pts[-10:]
    mat = model.minutes(oxy, dxy)
    pairs = model.within(oxy, dxy, 4.0)
    rows, cols = np.nonzero(mat <= 4.0)
    assert 0 < len(rows) < mat.size
    np.testing.assert_array_equal(pairs.rows, rows)
    np.testing.assert_array_equal(pairs.cols, cols)
    np.testing.assert_allclose(pairs.minutes, mat[rows, cols])
    assert pairs.shape == mat.shape


def test_fastest_route_reports_its_road_distance():
    # A -> B: straight 3 km at 30 km/h (6 min) or a 5 km detour at 100 km/h (3 min)
    xy = np.array([[0, 0], [3000, 0], [0, 1000], [3000, 1000]], float) + BASE
    g = RoadGraph.from_edges(xy, u=[0, 0, 2, 3], v=[1, 2, 3, 1], mode="car", speed_kmh=[30, 100, 100, 100])
    res = NetworkModel(g).nearest(xy[[0]], xy[[1]])
    assert res.minutes[0] == pytest.approx(3.0)
    assert res.distance_km[0] == pytest.approx(5.0)
    assert res.straight_km[0] == pytest.approx(3.0)


def test_road_distance_through_a_junction_of_many_roads(graphs, monkeypatch):
    # eight roads of 1, 2, ..., 8 km meet at one node (more than the table of incoming arcs holds)
    angle = np.arange(8) * np.pi / 4
    ends = np.column_stack([np.cos(angle), np.sin(angle)]) * np.arange(1, 9)[:, None] * 1000.0
    xy = np.vstack([[0.0, 0.0], ends]) + BASE
    g = RoadGraph.from_edges(xy, u=np.zeros(8, int), v=np.arange(1, 9), mode="walk")
    m = NetworkModel(g, max_snap_m=10)
    assert m.graph.n_edges == 8 and len(m._in_arcs(True)[2]) == 1  # the junction is past the slots
    res = m.nearest(xy[1:], xy[[8]])  # every road's end to the end of the 8 km road
    np.testing.assert_allclose(res.distance_km, [9, 10, 11, 12, 13, 14, 15, 0])
    # on the real extract: squeezing the table to one slot gives the same routes and distances
    car = graphs["car"]
    pts = random_points(car, 120, seed=4)
    want = NetworkModel(car).nearest(pts[:-5], pts[-5:])
    monkeypatch.setattr(road, "_IN_SLOTS", 1)
    squeezed = NetworkModel(car)
    got = squeezed.nearest(pts[:-5], pts[-5:])
    assert len(squeezed._in_arcs(True)[2]) > 10
    np.testing.assert_array_equal(got.index, want.index)
    np.testing.assert_allclose(got.distance_km, want.distance_km, rtol=1e-12)


def test_points_on_the_same_edge_go_directly_and_respect_oneway():
    xy = np.array([[0, 0], [10_000, 0], [10_000, 3_000], [0, 3_000]], float) + BASE
    # a one-way square loop 0 -> 1 -> 2 -> 3 -> 0 at 60 km/h (1 km per minute)
    g = RoadGraph.from_edges(xy, u=[0, 1, 2, 3], v=[1, 2, 3, 0], mode="car", speed_kmh=[60] * 4,
                             backward=[False] * 4)  # fmt: skip
    m = NetworkModel(g, max_snap_m=50)
    a, b = BASE + [2000, 0], BASE + [7000, 0]
    mat = m.minutes(np.array([a, b]), np.array([a, b]))
    # a -> b along the edge: 5 min; b -> a: round the loop 26 km - 5 km = 21 min
    np.testing.assert_allclose(mat, [[0, 5], [21, 0]], atol=1e-9)


@pytest.mark.parametrize("roundabout", [False, True])
def test_closed_loop_way_is_one_self_loop_edge(tmp_path, roundabout):
    # a 4 km square ring road (one closed way) with a 1 km spur at its corner node 1
    nodes = {1: (0, 0), 2: (1000, 0), 3: (1000, 1000), 4: (0, 1000), 5: (-1000, 0)}
    ring = {"highway": "residential", **({"junction": "roundabout"} if roundabout else {})}
    ways = [(1, [1, 2, 3, 4, 1], ring), (2, [1, 5], {"highway": "residential"})]
    g = osm_graph.read_pbf(write_pbf(tmp_path / "ring.osm.pbf", nodes, ways), modes=["car"])["car"]
    assert g.n_edges == 2 and (g.edge_u == g.edge_v).sum() == 1
    m = NetworkModel(g, max_snap_m=100)
    at2, at4, spur_end = BASE + [1000, 0], BASE + [0, 1000], BASE + [-1000, 0]
    mat = m.minutes(np.array([at2, at4]), np.array([spur_end, at4]))
    per_km = 60 / 40  # residential, 40 km/h
    if roundabout:  # one way round, 1 -> 2 -> 3 -> 4 -> 1
        expected = [[(3 + 1) * per_km, 2 * per_km], [(1 + 1) * per_km, 0]]
    else:
        expected = [[(1 + 1) * per_km, 2 * per_km], [(1 + 1) * per_km, 0]]
    np.testing.assert_allclose(mat, expected, atol=1e-3)
    res = m.nearest(np.array([at2]), np.array([spur_end]))
    assert res.distance_km[0] == pytest.approx(4.0 if roundabout else 2.0, abs=1e-3)


# --- snapping and points off the network ------------------------------------------------------------------


def test_snap_distance_is_the_distance_to_the_nearest_usable_road(graphs):
    g = graphs["walk"]
    model = NetworkModel(g)
    pts = g.node_xy.min(axis=0) + np.random.default_rng(5).random((200, 2)) * np.ptp(g.node_xy, axis=0)
    snap = model.snap(pts)
    roads = shapely.union_all(g.to_geodataframe().geometry.values)
    np.testing.assert_allclose(snap.distance_m, shapely.distance(shapely.points(pts), roads), atol=1e-6)
    np.testing.assert_allclose(np.hypot(*(snap.xy - pts).T), snap.distance_m, atol=1e-6)


def brute_force_snap(seg, pts):
    """Distance from each point to its nearest segment, over all segments (reference)."""
    a, ab = seg[None, :, :2], seg[None, :, 2:] - seg[None, :, :2]
    ap = pts[:, None, :] - a
    denom = np.maximum((ab**2).sum(-1), 1e-300)
    t = np.clip((ap * ab).sum(-1) / denom, 0, 1)
    return np.hypot(*(ap - t[..., None] * ab).transpose(2, 0, 1)).min(axis=1)


@pytest.mark.parametrize(
    "cell_m, max_cells, kd", [(None, 1 << 22, 16), (37.0, 1 << 22, 16), (100.0, 64, 16), (None, 1 << 22, 1)]
)
def test_snapping_grid_is_exact(monkeypatch, cell_m, max_cells, kd):
    """Points near and far, inside and outside the network's extent, against every segment."""
    monkeypatch.setattr(travel_snap, "SNAP_CELL_M", cell_m)
    monkeypatch.setattr(travel_snap, "_KD_CANDIDATES", kd)  # 1: every far point takes the ball query
    monkeypatch.setattr(travel_snap, "MAX_SNAP_CELLS", max_cells)  # 64: coarse cells for a wide extract
    # None: sized to the network (here between the range's ends; 37 m splits the long roads in many cells)
    rng = np.random.default_rng(42)
    # a road net of long straight roads (many cells each), short wiggly pieces and a lone far-off road
    long_ = rng.uniform(0, 20_000, (30, 4))
    starts = rng.uniform(0, 20_000, (400, 2))
    short = np.column_stack([starts, starts + rng.normal(0, 40, (400, 2))])
    lone = np.array([[60_000.0, 60_000.0, 60_500.0, 60_100.0]])
    seg = np.vstack([long_, short, lone]) + np.tile(BASE, 2)
    node_xy = seg.reshape(-1, 2)
    g = RoadGraph.from_edges(node_xy, u=np.arange(0, len(node_xy), 2), v=np.arange(1, len(node_xy), 2),
                             mode="walk")  # fmt: skip
    model = NetworkModel(g)
    pts = np.vstack([
        rng.uniform(-3000, 23_000, (1500, 2)),  # inside and round the extent
        rng.uniform(25_000, 70_000, (300, 2)),  # far off, towards the lone road
        seg[:50, :2] + 0.0,  # exactly on segment ends
        (seg[:50, :2] + seg[:50, 2:]) / 2 - BASE,  # exactly on segments (shifted back below)
    ]) + BASE  # fmt: skip
    pts[-50:] -= BASE
    snap = model.snap(pts)
    expected = brute_force_snap(seg, pts)
    np.testing.assert_allclose(snap.distance_m, expected, rtol=0, atol=1e-6)
    np.testing.assert_allclose(np.hypot(*(snap.xy - pts).T), expected, atol=1e-6)
    assert model._grid._tree is not None  # the far-off points went to the KD-tree
    # the snapped point lies on the reported edge at the reported offset (straight edges here)
    a, b = g.node_xy[g.edge_u[snap.edge]], g.node_xy[g.edge_v[snap.edge]]
    along = a + (b - a) * (snap.offset_m / g.edge_length_m[snap.edge])[:, None]
    np.testing.assert_allclose(along, snap.xy, atol=1e-6)


def test_point_far_off_the_network_warns_and_reports_its_snap_leg(graphs):
    g = graphs["walk"]
    model = NetworkModel(g)  # 4 km/h, pram walking
    near = random_points(g, 20, seed=7)[:3]
    far = np.array([g.node_xy[:, 0].max() + 2000.0, g.node_xy[:, 1].mean()])
    roads = shapely.union_all(g.to_geodataframe().geometry.values)
    expected_gap = shapely.distance(shapely.Point(far), roads)
    origins = np.vstack([near, far])
    with pytest.warns(
        OffNetworkWarning, match=r"1 of 4 origins are more than 500 m from any road usable by walk"
    ):
        res = model.nearest(origins, near[:2])
    assert res.origin_snap_m[3] == pytest.approx(expected_gap, abs=1e-6)
    assert expected_gap > 2000
    assert len(res.warnings) == 1 and res.warnings[0].row == 4 and res.warnings[0].severity == "warning"
    assert res.warnings[0].message.startswith(
        f"{road.distance_text(expected_gap)} from the nearest road usable by walk"
    )
    assert road.distance_text(expected_gap).endswith(" km")
    # the time is the snap leg at 4 km/h plus the time from the snapped point (which is on the road)
    on_road = model.snap(far[None, :]).xy
    from_road = model.nearest(on_road, near[:2])
    assert from_road.origin_snap_m[0] == pytest.approx(0, abs=1e-6)
    assert res.minutes[3] == pytest.approx(from_road.minutes[0] + expected_gap / 1000 / 4 * 60)
    assert res.index[3] == from_road.index[0]
    assert res.distance_km[3] == pytest.approx(from_road.distance_km[0] + expected_gap / 1000)


def test_straight_cut_only_between_points_both_off_the_road():
    # a U-shaped road: y=0 and y=400 from x=0 to 3000, joined at x=3000 (think of a lake in between)
    xy = np.array([[0, 0], [3000, 0], [3000, 400], [0, 400]], float) + BASE
    m = NetworkModel(RoadGraph.from_edges(xy, u=[0, 1, 2], v=[1, 2, 3], mode="walk"))  # 4 km/h
    house, place = BASE + [100, 20], BASE + [100, 380]  # 20 m from each road, 360 m across the lake
    field_a, field_b = BASE + [1500, 200], BASE + [1600, 200]  # 200 m from the roads, 100 m apart
    around = 20 + 2900 + 400 + 2900 + 20
    res = m.nearest(np.array([house]), np.array([place]))
    assert res.minutes[0] == pytest.approx(around / 1000 / 4 * 60)
    assert res.distance_km[0] == pytest.approx(around / 1000)
    res = m.nearest(np.array([field_a]), np.array([field_b]))
    assert res.minutes[0] == pytest.approx(100 / 1000 / 4 * 60) and res.distance_km[0] == pytest.approx(0.1)
    mat = m.minutes(np.array([house, field_a]), np.array([place, field_b]))
    np.testing.assert_allclose(np.diag(mat), [around / 1000 / 4 * 60, 1.5])
    no_cut = NetworkModel(m.graph, direct=False).nearest(np.array([field_a]), np.array([field_b]))
    assert no_cut.minutes[0] == pytest.approx((200 + 100 + 200) / 1000 / 4 * 60)


def test_unreachable_components_give_inf_and_minus_one():
    # two parallel roads 2 km apart, never connected; each 2 km long so neither is pruned as a fragment
    xy = np.array([[0, 0], [2000, 0], [0, 2000], [2000, 2000]], float) + BASE
    g = RoadGraph.from_edges(xy, u=[0, 2], v=[1, 3], mode="walk")
    m = NetworkModel(g)
    origins = BASE + np.array([[500.0, 10.0], [500.0, 1990.0]])
    dest = BASE + np.array([[1500.0, 1995.0]])
    res = m.nearest(origins, dest)
    assert res.index.tolist() == [-1, 0]
    assert np.isinf(res.minutes[0]) and np.isinf(res.distance_km[0]) and np.isnan(res.straight_km[0])
    assert res.minutes[1] == pytest.approx((10 + 1000 + 5) / 1000 / 4 * 60)
    mat = m.minutes(origins, dest)
    assert np.isinf(mat[0, 0]) and mat[1, 0] == pytest.approx(res.minutes[1])
    assert m.within(origins, dest, 1e6).rows.tolist() == [1]
    empty = m.nearest(origins, np.empty((0, 2)))
    assert empty.index.tolist() == [-1, -1] and np.isinf(empty.minutes).all()


def test_small_disconnected_fragments_are_dropped(tmp_path):
    nodes = {1: (0, 0), 2: (3000, 0), 3: (0, 500), 4: (200, 500)}
    ways = [(1, [1, 2], {"highway": "residential"}), (2, [3, 4], {"highway": "residential"})]
    g = osm_graph.read_pbf(write_pbf(tmp_path / "frag.osm.pbf", nodes, ways), modes=["car"])["car"]
    assert g.n_edges == 1 and g.edge_length_m[0] == pytest.approx(3000, abs=0.1)


def test_pair_distance_km_is_the_road_distance_of_the_fastest_route(graphs):
    # hand-checkable: A -> B straight 3 km at 30 km/h (6 min) or a 5 km detour at 100 km/h (3 min)
    xy = np.array([[0, 0], [3000, 0], [0, 1000], [3000, 1000]], float) + BASE
    g = RoadGraph.from_edges(xy, u=[0, 0, 2, 3], v=[1, 2, 3, 1], mode="car", speed_kmh=[30, 100, 100, 100])
    m = NetworkModel(g)
    np.testing.assert_allclose(m.pair_distance_km(xy[[0, 1, 0]], xy[[1, 0, 0]]), [5.0, 5.0, 0.0], atol=1e-9)
    assert m.pair_distance_km(np.empty((0, 2)), np.empty((0, 2))).shape == (0,)
    with pytest.raises(NetworkError, match="equally many"):
        m.pair_distance_km(xy[:2], xy[:1])
    # on the real extract: the same as nearest() pair by pair (which is checked against networkx above)
    car = NetworkModel(graphs["car"])
    pts = random_points(graphs["car"], 60, seed=13)
    o, d = pts[:20], pts[np.r_[20:30, 20:30]]  # each destination twice
    got = car.pair_distance_km(o, d)
    want = [car.nearest(o[i : i + 1], d[i : i + 1]).distance_km[0] for i in range(len(o))]
    np.testing.assert_allclose(got, want, rtol=1e-12)
    assert np.isfinite(got).mean() > 0.8


def project_on_extract(graph, *, far_m=2100.0):
    """Three places and three areas on the extract's roads, and area "a9 Kaukana" ``far_m`` east of them."""
    import geopandas as gpd


    snap = NetworkModel(graph)
    pts = random_points(graph, 60, seed=21)
    on_road = snap.snap(pts[:6]).xy
    east = graph.seg_xy[:, [0, 2]].max()
    row = graph.seg_xy[np.argmax(np.maximum(graph.seg_xy[:, 0], graph.seg_xy[:, 2]))]
    far = np.array([east + far_m, row[1] if row[0] >= row[2] else row[3]])
    places = gpd.GeoDataFrame(
        {"id": ["p1", "p2", "p3"], "name": ["Perhekahvila", "Kerho", "Leikkipuisto"],
         "status": ["existing"] * 3, "opening_hours": ["Mo-Fr 09:00-15:00"] * 3},
        geometry=gpd.points_from_xy(on_road[:3, 0], on_road[:3, 1]), crs="EPSG:3067",
    )  # fmt: skip
    xy = np.vstack([on_road[3:], far])
    areas = gpd.GeoDataFrame(
        {"id": ["a1", "a2", "a3", "a9"], "name": ["Keskusta", "Kylä", "Mäki", "Kaukana"],
         "population": [100, 80, 60, 20], "children_0_6": [10.0, 8.0, 6.0, 2.0]},
        geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs="EPSG:3067",
    )  # fmt: skip
    return Project(places=places, areas=areas, settings=Settings(mode="car", threshold_minutes=10.0))


def test_analysis_names_areas_far_from_the_roads(graphs, test_pbf, tmp_path, capsys):

    project = project_on_extract(graphs["car"])
    model = NetworkModel(graphs["car"])
    with pytest.warns(OffNetworkWarning):
        result = reach.analyze(project, model=model)
    gap = model.snap(reach.demand_points(project.areas)[3:]).distance_m[0]
    assert len(result.warnings) == 1
    w = result.warnings[0]
    assert (w.path, w.row, w.field) == ("areas", 4, "geometry")
    assert w.message.startswith(
        f"a9 Kaukana: {road.distance_text(gap)} from the nearest road usable by car"
    )
    assert str(w).startswith("areas:4: geometry: a9 Kaukana: 2.1 km from the nearest road")
    # overlaps get road distances from the model
    far_apart = week.overlaps(project, project.settings.replace(threshold_minutes=60.0), model=model)
    assert len(far_apart) and np.isfinite(far_apart["distance_km"]).all()
    pairs = far_apart.drop_duplicates(["place_a_id", "place_b_id"])
    xy = project.places.set_index("id").geometry
    for _, r in pairs.iterrows():
        a, b = xy[r["place_a_id"]], xy[r["place_b_id"]]
        want = model.pair_distance_km(np.array([[a.x, a.y]]), np.array([[b.x, b.y]]))[0]
        assert r["distance_km"] == pytest.approx(want)
    # and the command line prints them so
    store.save(project, tmp_path / "verkko.gpkg")
    # no filter needed: the command records warnings itself (cli.recorded_warnings), even under pytest's error
    assert main(["analyze", "--project", str(tmp_path / "verkko.gpkg"), "--network", str(test_pbf)]) == 0
    err = capsys.readouterr().err
    assert "areas:4: geometry: a9 Kaukana: 2.1 km from the nearest road usable by car" in err


# --- reach areas --------------------------------------------------------------------------------


def test_reach_polygon_of_a_straight_road_is_a_buffered_stretch():
    xy = np.array([[-5000, 0], [5000, 0]], float) + BASE
    m = NetworkModel(RoadGraph.from_edges(xy, u=[0], v=[1], mode="walk"), speed_kmh=6.0, max_snap_m=50)
    poly = m.reach_polygons(BASE[None, :], 10.0, buffer_m=100.0).iloc[0]  # 1 km each way
    expected = shapely.buffer(shapely.LineString([BASE - [1000, 0], BASE + [1000, 0]]), 100.0)
    assert shapely.area(shapely.symmetric_difference(poly, expected)) < 0.03 * expected.area
    assert shapely.contains_xy(poly, *(BASE + [900, 50]))
    assert not shapely.contains_xy(poly, *(BASE + [1300, 0]))


def test_reach_polygons_contain_covered_points(graphs):
    g = graphs["car"]
    model = NetworkModel(g)
    pts = random_points(g, 400, seed=11)
    places = pts[:3]
    polys = model.reach_polygons(places, 1.5)
    assert polys.crs == "EPSG:3067" and len(polys) == 3 and polys.is_valid.all()
    mat = NetworkModel(g, direct=False).minutes(pts, places)  # reach areas follow the roads only
    snap = model.snap(pts)
    n_far = 0
    for j in range(3):
        covered = (mat[:, j] <= 1.5) & (snap.distance_m < 60)
        assert covered.sum() >= 5
        assert shapely.contains_xy(polys.iloc[j], pts[covered, 0], pts[covered, 1]).all()
        # A buffered road is a picture: a house 1 m from a slow road may sit within 100 m of a reachable one.
        # Such cases stay rare, and nothing well beyond the limit is inside.
        slow = mat[:, j] > 3.0
        assert shapely.contains_xy(polys.iloc[j], pts[slow, 0], pts[slow, 1]).mean() < 0.05
        far_out = mat[:, j] > 4.0
        n_far += far_out.sum()
        assert not shapely.contains_xy(polys.iloc[j], pts[far_out, 0], pts[far_out, 1]).any()
    assert n_far >= 20


# --- cache, settings and errors ----------------------------------------------------------------------


def test_cache_is_written_once_and_reused(test_pbf, tmp_path, monkeypatch):
    cache = tmp_path / "proj" / osm_graph.CACHE_DIRNAME
    osm_graph._MEMO.clear()
    g1 = osm_graph.load_graph(test_pbf, "walk", cache_dir=cache)
    sha = osm_graph.file_sha256(test_pbf)
    files = sorted(p.name for p in cache.iterdir())
    assert files == sorted(f"{sha}-{m}-v{osm_graph.CACHE_VERSION}.npz" for m in ("walk", "bike", "car"))
    osm_graph._MEMO.clear()

    def no_parsing(path, fmt="pbf"):
        raise AssertionError("the cache should have been used")

    monkeypatch.setattr(osm_graph, "_read_ways", no_parsing)
    g2 = osm_graph.load_graph(test_pbf, "walk", cache_dir=cache)
    g3 = osm_graph.load_graph(test_pbf, "car", cache_dir=cache)
    for name in RoadGraph._ARRAYS:
        np.testing.assert_array_equal(getattr(g1, name), getattr(g2, name))
    assert g3.mode == "car" and g2.sha256 == sha and g2.source == "test.osm.pbf"
    with np.load(cache / files[0], allow_pickle=False) as data:  # plain arrays, no pickle
        assert "node_xy" in data


def test_model_from_settings_caches_next_to_the_extract(test_pbf, tmp_path):
    pbf = tmp_path / "vihti.osm.pbf"
    shutil.copy(test_pbf, pbf)
    osm_graph._MEMO.clear()
    settings = Settings(mode="bike", network=str(pbf))
    model = choose.model_from_settings(settings)
    assert isinstance(model, NetworkModel)
    assert model.speed_kmh == 15.0 and model.describe()["model"] == "road_network"
    assert (tmp_path / ".katve-cache").is_dir() and len(
        list((tmp_path / ".katve-cache").glob("*-bike-v*.npz"))
    ) == 1
    assert osm_graph.cache_dir_for(tmp_path / "project.gpkg") == tmp_path.resolve() / ".katve-cache"
    assert choose.model_from_settings(settings) is model  # reused: the snapping index is built once
    assert choose.model_from_settings(settings.replace(mode="walk")).mode == "walk"


def test_errors_are_katve_errors(tmp_path):
    with pytest.raises(NetworkError, match="not found"):
        osm_graph.load_graph(tmp_path / "missing.osm.pbf", "car")
    text = tmp_path / "roads.osm.pbf"
    text.write_text("highway,name\nresidential,Kirkkotie\n")
    with pytest.raises(NetworkError, match=r"not an OpenStreetMap extract \(\.osm\.pbf or \.osm XML\)"):
        osm_graph.load_graph(text, "car")
    text.write_text("<osm></osm>")  # XML in a file named .pbf: read as XML (the content decides)
    with pytest.raises(NetworkError, match="cannot read road network roads.osm.pbf"):
        osm_graph.load_graph(text, "car")
    paths = write_pbf(
        tmp_path / "paths.osm.pbf", {1: (0, 0), 2: (2000, 0)}, [(1, [1, 2], {"highway": "footway"})]
    )
    with pytest.raises(NetworkError, match="no roads usable by car"):
        osm_graph.load_graph(paths, "car", cache_dir=tmp_path / "c")
    assert osm_graph.load_graph(paths, "walk", cache_dir=tmp_path / "c").n_edges == 1
    empty = write_pbf(tmp_path / "empty.osm.pbf", {1: (0, 0)}, [])
    with pytest.raises(NetworkError, match=r"no roads \(highway=\*\)"):
        osm_graph.read_pbf(empty)
    with pytest.raises(KatveError, match="unknown travel mode"):
        osm_graph.load_graph(paths, "boat")
    with pytest.raises(NetworkError, match="settings.network is empty"):
        road.model_from_settings(Settings())
