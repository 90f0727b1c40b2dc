"""Nearest-place travel times on a ~500,000-node road graph: coverage.travel.road against networkx.

Run: ``.venv/bin/python benchmarks/bench_network.py [--side 708] [--origins 100000] [--places 50]``

The graph is synthetic and rural-looking: a jittered grid with 200 m spacing (~140 km x 140 km), 15 % of the
links removed, 80 / 60 / 40 km/h roads and 5 % one-way links, driven by car. Origins are random points (grid
cells' homes), places random too.

What each figure includes:

* ``coverage.travel.road end to end``: one ``NetworkModel.nearest(origins, places)`` call, warm (the snapping
  grid is built once per model and timed separately): snapping all origins and places to the road segments
  (exact), one multi-source Dijkstra from the places, the fastest place, minutes and road distance of every
  origin (distances along the shortest-path tree), same-edge routes and straight off-road cuts.
* ``search only``: the scipy multi-source Dijkstra inside it, on the same graph with the places inserted.
* ``networkx``: the same graph with the *same snapped points already inserted* as nodes (building that graph
  and snapping are not timed), then ``nx.multi_source_dijkstra_path_length`` from all places on the reversed
  graph: networkx's fastest way to the minutes (``multi_source_dijkstra`` runs the same search and also
  builds paths; ``--nx-paths`` times it too: only the paths tell which place is nearest). It gives minutes
  only: no nearest place, no road distance.
* ``networkx on the same graph``: the very graph scipy searches (reversed roads plus the places as virtual
  nodes) and the same multi-source search, minutes at every node (a search-to-search comparison; answering
  for the origins from those node minutes is then numpy work, as in coverage.travel.road).
* ``networkx per origin``: ``multi_source_dijkstra(..., target=origin)`` for a sample of origins,
  extrapolated to all (how networkx / osmnx are often queried: one search per origin).

Both networkx runs are checked to give the same minutes as coverage.travel.road. Timings are the best of
``--repeat`` runs; all runs are printed (the machine may be shared).
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import warnings
from pathlib import Path

import networkx as nx
import numpy as np

from coverage.core.errors import OffNetworkWarning
from coverage.travel.osm_graph import RoadGraph
from coverage.travel.road import NetworkModel

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scipy.sparse.csgraph import dijkstra  # noqa: E402

  # noqa: E402


def synthetic_graph(side: int, *, seed: int = 0) -> RoadGraph:
    """A jittered ``side x side`` grid road graph for cars (EPSG:3067 metres near Vihti)."""
    rng = np.random.default_rng(seed)
    spacing = 200.0
    ij = np.stack(np.meshgrid(np.arange(side), np.arange(side), indexing="ij"), axis=-1).reshape(-1, 2)
    xy = 300_000.0 + ij * spacing + rng.uniform(-40, 40, size=ij.shape)
    node = np.arange(side * side).reshape(side, side)
    u = np.concatenate([node[:-1, :].ravel(), node[:, :-1].ravel()])
    v = np.concatenate([node[1:, :].ravel(), node[:, 1:].ravel()])
    keep = rng.random(len(u)) > 0.15
    u, v = u[keep], v[keep]
    speed = rng.choice([80.0, 60.0, 40.0], size=len(u), p=[0.2, 0.3, 0.5])
    oneway = rng.random(len(u)) < 0.05
    return RoadGraph.from_edges(xy, u, v, mode="car", speed_kmh=speed, backward=~oneway)


def networkx_graph(model: NetworkModel, oxy: np.ndarray, dxy: np.ndarray, o, d) -> nx.DiGraph:
    """The graph with the snapped points inserted as nodes (straight edges: one segment each).

    Also the straight off-road arcs between origins and places the model lets go straight (see _direct_pairs).
    """
    g = model.graph
    rate = 60.0 / (1000.0 * g.edge_speed_kmh)
    snap_rate = 60.0 / (1000.0 * model.snap_speed_kmh)
    G = nx.DiGraph()
    # Points on each edge, in order along it.
    kind = np.r_[np.zeros(len(o.edge), int), np.ones(len(d.edge), int)]
    idx = np.r_[np.arange(len(o.edge)), np.arange(len(d.edge))]
    edge = np.r_[o.edge, d.edge]
    off = np.r_[o.offset_m, d.offset_m]
    order = np.lexsort((off, edge))
    on_edge: dict[int, list[tuple[float, object]]] = {}
    for k in order:
        on_edge.setdefault(int(edge[k]), []).append(
            (float(off[k]), ("po" if kind[k] == 0 else "pd", int(idx[k])))
        )
    arcs: dict[tuple[object, object], float] = {}

    def arc(a: object, b: object, w: float) -> None:
        if arcs.get((a, b), np.inf) > w:
            arcs[(a, b)] = w

    for e in range(g.n_edges):
        u, v, length = int(g.edge_u[e]), int(g.edge_v[e]), float(g.edge_length_m[e])
        chain = [(0.0, u), *on_edge.get(e, []), (length, v)]
        for (s0, a), (s1, b) in zip(chain[:-1], chain[1:], strict=True):
            w = (s1 - s0) * rate[e]
            if g.edge_forward[e]:
                arc(a, b, w)
            if g.edge_backward[e]:
                arc(b, a, w)
    for i in range(len(oxy)):
        arc(("o", i), ("po", i), float(o.distance_m[i]) * snap_rate)
    for j in range(len(dxy)):
        arc(("pd", j), ("d", j), float(d.distance_m[j]) * snap_rate)
    rows, cols, metres = model._direct_pairs(oxy, dxy, o, d)  # both off-road and close: straight across
    for i, j, m in zip(rows, cols, metres, strict=True):
        arc(("o", int(i)), ("d", int(j)), float(m) * snap_rate)
    G.add_weighted_edges_from((a, b, w) for (a, b), w in arcs.items())
    return G


def _best(fn, repeat: int) -> tuple[float, list[float], object]:
    """Return the best wall time of ``repeat`` calls of ``fn`` (gc before each), all times, last result."""
    times, out = [], None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), times, out


def _fmt(times: list[float], digits: int = 2) -> str:
    return ", ".join(f"{t:.{digits}f}" for t in times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=708, help="grid side (708 -> 501,264 nodes)")
    parser.add_argument("--origins", type=int, default=100_000)
    parser.add_argument("--places", type=int, default=50)
    parser.add_argument("--sample", type=int, default=20, help="origins for the per-origin networkx run")
    parser.add_argument(
        "--repeat", type=int, default=5, help="runs of coverage.travel.road (best is reported)",
    )
    parser.add_argument("--nx-repeat", type=int, default=2, help="runs of the networkx multi-source search")
    parser.add_argument("--nx-paths", action="store_true", help="also time nx.multi_source_dijkstra (paths)")
    args = parser.parse_args()

    t0 = time.perf_counter()
    graph = synthetic_graph(args.side)
    t_graph = time.perf_counter() - t0
    rng = np.random.default_rng(1)
    lo, hi = graph.node_xy.min(axis=0), graph.node_xy.max(axis=0)
    oxy = lo + rng.random((args.origins, 2)) * (hi - lo)
    dxy = lo + rng.random((args.places, 2)) * (hi - lo)
    print(f"graph: {graph.n_nodes:,} nodes, {graph.n_edges:,} edges, {len(graph.seg_xy):,} segments "
          f"({t_graph:.1f} s to generate)")  # fmt: skip
    print(f"origins: {len(oxy):,}, places: {len(dxy)}")

    model = NetworkModel(graph)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OffNetworkWarning)  # points in holes of the grid, if any
        t0 = time.perf_counter()
        model.snap(oxy)  # builds the snapping grid (and the KD-tree for points far off, if any need it)
        t_cold = time.perf_counter() - t0
        t_snap, snap_times, o = _best(lambda: model.snap(oxy), args.repeat)
        d = model.snap(dxy)
        t_ours, our_times, res = _best(lambda: model.nearest(oxy, dxy), args.repeat)
    print("coverage.travel.road")
    print(f"  snapping index, once per model: {t_cold - t_snap:.2f} s (first snap {t_cold:.2f} s)")
    print(f"  end to end, nearest(): best {t_ours:.3f} s ({_fmt(our_times, 3)})")
    share, median_min, median_km = (
        np.isfinite(res.minutes).mean(),
        np.median(res.minutes),
        np.median(res.distance_km),
    )
    snap_med, snap_max = np.median(o.distance_m), o.distance_m.max()
    print(f"    reachable origins {share:.1%}, median {median_min:.1f} min and {median_km:.2f} km;"
          f" snap distance median {snap_med:.0f} m, max {snap_max:.0f} m")  # fmt: skip
    print(f"  of which snapping the {len(oxy):,} origins: best {t_snap:.3f} s ({_fmt(snap_times, 3)})")
    # The graph search alone, as nearest() runs it: one multi-source Dijkstra from the places' virtual nodes.
    _, _, d_in_u, d_in_v = model._legs(d)
    ends = np.column_stack([graph.edge_u[d.edge], graph.edge_v[d.edge]])
    w = np.column_stack([d_in_u, d_in_v]) + (d.distance_m * model._snap_rate)[:, None]
    csr = model._augmented(True, ends, w)
    virtual = graph.n_nodes + np.arange(len(dxy))
    t_search, search_times, (node_min, _, _) = _best(
        lambda: dijkstra(csr, directed=True, indices=virtual, min_only=True, return_predecessors=True),
        args.repeat,
    )
    print(f"  of which the graph search (scipy multi-source Dijkstra): best {t_search:.3f} s "
          f"({_fmt(search_times, 3)})")  # fmt: skip

    # networkx on exactly the graph scipy searches: the reversed roads plus the places as virtual nodes.
    coo = csr.tocoo()
    same_graph = nx.DiGraph()
    same_graph.add_weighted_edges_from(
        zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True)
    )
    place_nodes = set(virtual.tolist())
    t_nx_same, nx_same_times, nx_node = _best(
        lambda: nx.multi_source_dijkstra_path_length(same_graph, place_nodes), args.nx_repeat
    )
    got = np.full(len(node_min), np.inf)
    got[np.fromiter(nx_node.keys(), dtype=np.int64)] = np.fromiter(nx_node.values(), dtype=float)
    same_nodes = np.allclose(got, node_min, rtol=1e-9, atol=1e-9)
    same_graph.clear()
    print(f"networkx on the same graph ({len(node_min):,} nodes: roads + places), the same search: "
          f"best {t_nx_same:.2f} s ({_fmt(nx_same_times)}); same node minutes: {same_nodes}")  # fmt: skip

    t0 = time.perf_counter()
    G = networkx_graph(model, oxy, dxy, o, d)
    t_build = time.perf_counter() - t0
    n_nodes, n_arcs = G.number_of_nodes(), G.number_of_edges()
    print(f"networkx graph with the snapped points inserted: {n_nodes:,} nodes, {n_arcs:,} arcs "
          f"({t_build:.1f} s to build, not timed)")  # fmt: skip
    R = G.reverse(copy=False)
    sources = {("d", j) for j in range(len(dxy))}

    def nx_minutes() -> np.ndarray:
        dist = nx.multi_source_dijkstra_path_length(R, sources)
        return np.array([dist.get(("o", i), np.inf) for i in range(len(oxy))])

    t_nx, nx_times, nx_min = _best(nx_minutes, args.nx_repeat)
    same = np.allclose(nx_min, res.minutes, rtol=1e-9, atol=1e-9)
    print(f"  multi_source_dijkstra_path_length, all origins: best {t_nx:.2f} s ({_fmt(nx_times)});"
          f" same minutes: {same}")  # fmt: skip
    if args.nx_paths:

        def nx_paths() -> np.ndarray:
            dist, paths = nx.multi_source_dijkstra(R, sources)
            place = np.array([paths[("o", i)][0][1] if ("o", i) in paths else -1
                              for i in range(len(oxy))])  # fmt: skip
            del paths
            return place

        t_nxp, nxp_times, place = _best(nx_paths, 1)
        hit = res.index >= 0
        same_place = float(np.mean(place[hit] == res.index[hit]))
        print(f"  multi_source_dijkstra (with paths: the nearest place), all origins: {t_nxp:.2f} s;"
              f" same place for {same_place:.2%} of origins (the rest: ties)")  # fmt: skip

    sample = rng.choice(len(oxy), size=min(args.sample, len(oxy)), replace=False)
    gc.collect()
    t0 = time.perf_counter()
    per = []
    for i in sample:
        try:
            per.append(nx.multi_source_dijkstra(R, sources, target=("o", int(i)))[0])
        except nx.NetworkXNoPath:
            per.append(np.inf)
    t_sample = time.perf_counter() - t0
    t_nx_per = t_sample / len(sample) * len(oxy)
    same_per = np.allclose(per, res.minutes[sample], rtol=1e-9, atol=1e-9)
    print(f"  per origin (target=origin): {len(sample)} origins in {t_sample:.2f} s"
          f" -> extrapolated {t_nx_per:,.0f} s for {len(oxy):,} origins;"
          f" same minutes: {same_per}")  # fmt: skip

    print()
    e2e, search = t_nx / t_ours, t_nx / t_search
    print(
        f"speed-up vs networkx multi-source (best vs best): {e2e:.1f}x end to end "
        f"(ours snaps all {len(oxy):,} points and finds places and road km too; networkx got the points "
        f"snapped and inserted and finds minutes only), {search:.0f}x for the graph search alone"
    )
    print(f"graph search against graph search on the very same graph: {t_nx_same / t_search:.0f}x; "
          f"ours end to end against that networkx search alone: {t_nx_same / t_ours:.1f}x")  # fmt: skip
    if args.nx_paths:
        print(f"speed-up vs networkx multi_source_dijkstra with paths: {t_nxp / t_ours:.0f}x end to end")
    print(f"speed-up vs networkx per-origin searches (extrapolated): {t_nx_per / t_ours:,.0f}x")
    verdict = {True: "met", False: "NOT met"}
    print(f"target < 5 s: {verdict[t_ours < 5.0]} ({t_ours:.2f} s)")
    print(f"target >= 20x networkx (multi-source, end to end): {verdict[e2e >= 20]} ({e2e:.1f}x)")
    print(f"same answers as networkx: {same and same_per}")


if __name__ == "__main__":
    main()
