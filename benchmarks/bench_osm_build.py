"""Build time and memory of the road graph of a municipality-sized network, from ``.osm`` and ``.osm.pbf``.

Run: ``.venv/bin/python benchmarks/bench_osm_build.py [--side-km 25] [--spacing-m 400] [--node-m 20]``

The network is synthetic but shaped like an OpenStreetMap municipality (Vihti: 522 km², OpenStreetMap
ways every few hundred metres in the villages, nodes every 10-30 m along curved roads): a jittered grid of
roads ``--spacing-m`` apart over ``--side-km`` x ``--side-km``, each line cut into ways one block long
with a 160 m dead-end service road from the middle of each block, a node every ``--node-m`` along them,
classes mixed as in the countryside (residential, unclassified, tertiary, track, footway, cycleway, a few
with ``maxspeed``) and one ``route=ferry`` with a ``duration`` along the west edge. Both files are written
with pyosmium (the XML as an Overpass ``out body`` answer would be: nodes, then ways).

Each measurement runs in a fresh Python process: building the graphs of all three modes with
:func:`coverage.travel.osm_graph.read_pbf` (pyosmium's pass + the vectorised graph building), and loading
one mode from the ``.npz`` cache another process wrote (:func:`coverage.travel.osm_graph.load_graph`).
Memory is the process's peak resident set (``VmHWM``) minus its peak after the imports: what the build
adds.
Best of ``--repeat`` runs (the machine may be shared).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's coverage package, as in the child processes

_CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[3])


def hwm_mb():
    # VmHWM: this process's peak resident set. (ru_maxrss is not used: Linux carries the parent's peak
    # over the exec, so a child started by a big parent would report the parent's memory.)
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:")) / 1024.0



from coverage.travel import osm_graph
import osmium, scipy.sparse.csgraph, pyproj  # noqa: F401 - imported before the baseline
base = hwm_mb()
path, what = sys.argv[1], sys.argv[2]
start = time.perf_counter()
if what == "build":
    graphs = osm_graph.read_pbf(path)
    info = {m: [g.n_nodes, g.n_edges, float(g.edge_length_m.sum()) / 1000.0] for m, g in graphs.items()}
else:  # "cache": the .npz cache exists (written by a "warm" run); reading it is all that happens
    g = osm_graph.load_graph(path, "car", cache_dir=sys.argv[4])
    info = {"car": [g.n_nodes, g.n_edges, float(g.edge_length_m.sum()) / 1000.0]}
seconds = time.perf_counter() - start
peak = hwm_mb()
print(json.dumps({"seconds": seconds, "added_mb": peak - base, "peak_mb": peak, "graphs": info}))
"""

SPUR_M = 160.0
"""Length of the dead-end service road from the middle of every block (driveways, yards)."""

CLASSES = ["residential", "unclassified", "tertiary", "track", "footway", "cycleway", "secondary"]
WEIGHTS = [0.30, 0.20, 0.10, 0.22, 0.10, 0.05, 0.03]


def write_network(folder: Path, *, side_km: float, spacing_m: float, node_m: float, seed: int = 0) -> dict:
    """Write ``roads.osm`` and ``roads.osm.pbf`` of the synthetic network; return its size figures."""
    import osmium
    from pyproj import Transformer

    rng = np.random.default_rng(seed)
    to_wgs = Transformer.from_crs("EPSG:3067", "EPSG:4326", always_xy=True)
    side = side_km * 1000.0
    lines = np.arange(0.0, side + 1, spacing_m)
    per_block = max(int(round(spacing_m / node_m)), 1)
    along = np.linspace(0.0, side, (len(lines) - 1) * per_block + 1)
    jitter = rng.uniform(-0.15, 0.15, size=(2, len(lines), len(along))) * spacing_m
    ids: dict[tuple[int, int, int], int] = {}
    nodes: list[tuple[int, float, float]] = []

    def node(direction: int, i: int, k: int) -> int:
        """Node ``k`` along line ``i`` (0: north-south, 1: east-west); crossings are shared."""
        if k % per_block == 0:  # a crossing of north-south line a and east-west line b
            a, b = (i, k // per_block) if direction == 0 else (k // per_block, i)
            key: tuple = ("c", a, b)
        else:
            key = (direction, i, k)
        if key not in ids:
            if key[0] == "c":
                x, y = lines[key[1]], lines[key[2]]
            elif direction == 0:
                x, y = lines[i] + jitter[0, i, k], along[k]
            else:
                x, y = along[k], lines[i] + jitter[1, i, k]
            ids[key] = len(ids) + 1
            nodes.append((ids[key], x, y))
        return ids[key]

    ways: list[tuple[int, list[int], dict[str, str]]] = []
    step = per_block
    spur_nodes = max(int(round(SPUR_M / node_m)), 1)
    for direction in (0, 1):
        for i in range(len(lines)):
            for start in range(0, len(along) - 1, step):
                refs = [node(direction, i, k) for k in range(start, min(start + step, len(along) - 1) + 1)]
                kind = str(rng.choice(CLASSES, p=WEIGHTS))
                tags = {"highway": kind}
                if kind in ("tertiary", "secondary") and rng.random() < 0.5:
                    tags["maxspeed"] = "60" if kind == "tertiary" else "80"
                ways.append((len(ways) + 1, refs, tags))
                # a dead-end service road or driveway from the middle of the block
                mid = refs[len(refs) // 2]
                _, mx, my = nodes[mid - 1]
                spur = [mid]
                for n in range(1, spur_nodes + 1):
                    nid = len(ids) + 1
                    ids[("s", direction, i, start, n)] = nid
                    off = n * node_m
                    dx, dy = (off, 0.0) if direction == 0 else (0.0, off)  # east of N-S roads, north of E-W
                    nodes.append((nid, mx + dx, my + dy))
                    spur.append(nid)
                ways.append((len(ways) + 1, spur, {"highway": "service"}))
    ferry_a, ferry_b = node(0, 0, 0), node(0, len(lines) - 1, 0)
    ways.append((len(ways) + 1, [ferry_a, ferry_b], {"route": "ferry", "duration": "00:25"}))
    xy = np.array([(x, y) for _, x, y in nodes]) + [330000.0, 6680000.0]
    lon, lat = to_wgs.transform(xy[:, 0], xy[:, 1])
    for name in ("roads.osm", "roads.osm.pbf"):
        path = folder / name
        with osmium.SimpleWriter(str(path)) as w:
            for (nid, _, _), a, b in zip(nodes, lon, lat, strict=True):
                w.add_node(osmium.osm.mutable.Node(id=nid, location=(float(a), float(b)), version=1))
            for wid, refs, tags in ways:
                w.add_way(osmium.osm.mutable.Way(id=wid, nodes=refs, tags=tags, version=1))
    return {"nodes": len(nodes), "ways": len(ways),
            "km": 2 * len(lines) * side / 1000.0 + (len(ways) - 1) / 2 * SPUR_M / 1000.0,
            "osm_mb": (folder / "roads.osm").stat().st_size / 1e6,
            "pbf_mb": (folder / "roads.osm.pbf").stat().st_size / 1e6}  # fmt: skip


def measure(path: Path, what: str, cache: Path) -> dict:
    """One measurement in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), what, str(ROOT), str(cache)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    """Print the figures; return the exit code."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--side-km", type=float, default=25.0)
    ap.add_argument("--spacing-m", type=float, default=400.0)
    ap.add_argument("--node-m", type=float, default=20.0)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        size = write_network(folder, side_km=args.side_km, spacing_m=args.spacing_m, node_m=args.node_m)
        print(f"network: {args.side_km:g} km x {args.side_km:g} km, {size['km']:,.0f} km of roads, "
              f"{size['ways']:,} ways, {size['nodes']:,} nodes; .osm {size['osm_mb']:.1f} MB, "
              f".osm.pbf {size['pbf_mb']:.1f} MB ({time.perf_counter() - start:.0f} s to write)")  # fmt: skip
        for name in ("roads.osm.pbf", "roads.osm"):
            runs = [measure(folder / name, "build", folder / "cache") for _ in range(args.repeat)]
            best = min(runs, key=lambda r: r["seconds"])
            graphs = ", ".join(f"{m} {n:,} nodes / {e:,} edges" for m, (n, e, _km) in best["graphs"].items())
            times = ", ".join(f"{r['seconds']:.2f}" for r in runs)
            print(f"build all modes from {name:<13} {best['seconds']:6.2f} s (runs {times}), "
                  f"+{best['added_mb']:.0f} MB peak "
                  f"(process {best['peak_mb']:.0f} MB); {graphs}")  # fmt: skip
        from coverage.travel import osm_graph

        osm_graph.load_graph(folder / "roads.osm.pbf", "car", cache_dir=folder / "cache2")  # writes the cache
        runs = [measure(folder / "roads.osm.pbf", "cache", folder / "cache2") for _ in range(args.repeat)]
        best = min(runs, key=lambda r: r["seconds"])
        npz = sum(p.stat().st_size for p in (folder / "cache2").glob("*-car-*.npz")) / 1e6
        print(f"load car graph from the .npz cache  {best['seconds']:6.3f} s, +{best['added_mb']:.0f} MB, "
              f"cache file {npz:.1f} MB")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
