"""Benchmark: national-scale coverage analysis against a straightforward geopandas baseline.

Synthetic case (issue 3 item 7): 100,000 demand points, 1,000 meeting places with realistic opening hours,
300,000 km2 extent (a 300 km x 1,000 km strip, roughly the size and shape of Finland), car 10 min.

Timed, for Katve (coverage.analysis.reach) and for the baseline in the same run:

* coverage    - nearest counted place, minutes and covered flag per demand point;
* blind spots - boundary minus the reach circles, with the children inside each polygon;
* weekday     - children covered in each weekday x daypart (Mo-Su x morning/afternoon/evening).

The baseline is what one would write directly with geopandas: ``sjoin_nearest`` for the nearest place,
buffers + ``unary_union`` + ``sjoin`` for coverage, the union + ``difference`` + ``sjoin`` for blind spots,
and per weekday x daypart the open places (``schedule.open_minutes_between`` per place) buffered, unioned
and joined. "baseline2" joins against the individual buffers instead of their union. Both sides apply the
same rules (30 open minutes per daypart, status, holidays) and the script checks that the answers agree:
the baselines' 64-gon buffers miss the thin rim between polygon and true circle, Katve measures distances.

Every round starts as after loading a project (validation has parsed each opening_hours value; no week
has been expanded yet). Rounds interleave Katve and the baselines; each stage's best round is reported,
in wall-clock seconds, plus the CPU time of the best round (more robust when other processes load the
machine). Katve runs its KD-tree searches, GEOS unions and coordinate reads on all cores
(:mod:`coverage.core.parallel`), so its CPU time exceeds its wall time; the geopandas baselines run on one
core.
``--threads 1`` (``KATVE_THREADS=1``) shows Katve on one core.

Run: ``.venv/bin/python benchmarks/bench_coverage.py [--points N] [--places M] [--repeat R] [--threads T]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from coverage.analysis import reach, week
from coverage.core import parallel, schedule, validation
from coverage.core.model import CRS, Project, Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# noqa: E402
# noqa: E402

WIDTH_M, HEIGHT_M = 300_000.0, 1_000_000.0  # 300,000 km2
ORIGIN = np.array([200_000.0, 6_750_000.0])  # EPSG:3067: the strip lies over Finland
WEEK = dt.date(2026, 12, 7)  # a term week with Independence Day (Su Dec 6) just before it


def synthetic_project(n_points: int, n_places: int, seed: int = 0) -> Project:
    """Clustered demand (villages and towns) plus scattered houses; places mostly in the larger clusters."""
    rng = np.random.default_rng(seed)
    n_clusters = max(n_points // 100, 1)
    centres = rng.uniform((0, 0), (WIDTH_M, HEIGHT_M), size=(n_clusters, 2))
    weight = rng.pareto(1.2, n_clusters) + 1
    n_clustered = int(n_points * 0.7)
    which = rng.choice(n_clusters, size=n_clustered, p=weight / weight.sum())
    spread = rng.uniform(500, 4000, n_clusters)[which, None]
    clustered = centres[which] + rng.normal(size=(n_clustered, 2)) * spread
    scattered = rng.uniform((0, 0), (WIDTH_M, HEIGHT_M), size=(n_points - n_clustered, 2))
    pts = np.clip(np.concatenate([clustered, scattered]), 1, [WIDTH_M - 1, HEIGHT_M - 1])  # inside
    population = rng.integers(1, 60, n_points)
    children = np.round(population * rng.uniform(0.02, 0.12, n_points), 1)

    place_cluster = rng.choice(n_clusters, size=n_places, p=weight / weight.sum())
    place_xy = np.clip(centres[place_cluster] + rng.normal(size=(n_places, 2)) * 1500, 0, [WIDTH_M, HEIGHT_M])
    pts, place_xy = pts + ORIGIN, place_xy + ORIGIN
    days = np.array(schedule.WEEKDAYS[:5] + ("Sa",))
    starts = np.array(["09:00", "09:30", "10:00", "12:30", "13:00", "17:00", "17:30"])
    hours = []
    for _i in range(n_places):
        d = ",".join(sorted(set(rng.choice(days, size=rng.integers(1, 3))), key=list(days).index))
        s = starts[rng.integers(len(starts))]
        h, m = map(int, s.split(":"))
        e = f"{h + int(rng.integers(2, 4)):02d}:{m:02d}"
        season = "Sep-May " if rng.random() < 0.6 else ""
        hours.append(f"{season}{d} {s}-{e}; PH off")
    status = np.where(rng.random(n_places) < 0.9, "existing", "planned")

    places = gpd.GeoDataFrame(
        {
            "id": [f"p{i}" for i in range(n_places)],
            "name": [f"Paikka {i}" for i in range(n_places)],
            "opening_hours": hours,
            "status": status,
        },
        geometry=gpd.points_from_xy(place_xy[:, 0], place_xy[:, 1]),
        crs=CRS,
    )
    areas = gpd.GeoDataFrame(
        {
            "id": [f"a{i}" for i in range(n_points)],
            "name": [f"Alue {i}" for i in range(n_points)],
            "population": population,
            "children_0_6": children,
        },
        geometry=gpd.points_from_xy(pts[:, 0], pts[:, 1]),
        crs=CRS,
    )
    strip = shapely.box(*ORIGIN, *(ORIGIN + [WIDTH_M, HEIGHT_M]))
    boundary = gpd.GeoDataFrame({"code": ["000"], "name": ["Synteettinen"]}, geometry=[strip], crs=CRS)
    settings = Settings(mode="car", threshold_minutes=10)
    return Project(places=places, areas=areas, boundary=boundary, settings=settings)


# --- Katve ----------------------------------------------------------------------------------------------


def run_katve(project: Project) -> dict:
    t = {}
    c0 = time.process_time()
    t0 = time.perf_counter()
    result = reach.analyze(project)
    t["coverage"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    blind = reach.blind_spot_polygons(project, result=result)
    t["blind spots"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    matrix = week.weekday_matrix(project, week=WEEK, result=result)
    t["weekday"] = time.perf_counter() - t0
    return {
        "times": t,
        "cpu": time.process_time() - c0,
        "covered": result.summary["children_covered"],
        "blind": blind,
        "matrix": matrix,
    }


# --- baseline -------------------------------------------------------------------------------------------


def _open_in_cell(hours: pd.Series, day: int, h0: int, h1: int) -> np.ndarray:
    """Per place: open >= 30 minutes in the cell (the same rule as Katve), one call per place."""
    monday = dt.datetime.combine(WEEK, dt.time(0), tzinfo=schedule.TZ)
    a = monday + dt.timedelta(days=day, hours=h0)
    b = monday + dt.timedelta(days=day, hours=h1)
    limit = week.DEFAULT_MIN_OPEN_MINUTES
    return np.array([schedule.open_minutes_between(h, a, b) >= limit for h in hours], dtype=bool)


def run_baseline(project: Project, *, union: bool = True) -> dict:
    """Straightforward geopandas. ``union=True``: buffers + unary_union + sjoin (the issue's baseline);
    ``union=False``: sjoin against the individual buffers (no union except for the blind spots)."""
    s = project.settings
    radius = s.reach_km * 1000.0
    t = {}
    c0 = time.process_time()
    t0 = time.perf_counter()
    places = project.places[project.places["status"] == "existing"]
    areas = project.areas[["id", "children_0_6", "geometry"]]
    near = gpd.sjoin_nearest(
        areas, places[["id", "geometry"]], distance_col="dist_m", lsuffix="area", rsuffix="place"
    )
    near = near[~near.index.duplicated()]
    near["minutes"] = near["dist_m"] / 1000.0 * s.circuity / s.speed_kmh * 60.0
    buffers = gpd.GeoDataFrame(geometry=places.geometry.buffer(radius), crs=CRS)
    if union:
        reached = gpd.GeoDataFrame(geometry=[buffers.union_all()], crs=CRS).explode(index_parts=False)
        inside = gpd.sjoin(areas, reached, predicate="within")
    else:
        reached = None
        inside = gpd.sjoin(areas, buffers, predicate="within")
    covered = areas.index.isin(inside.index)
    t["coverage"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    union_geom = reached.union_all() if reached is not None else buffers.union_all()
    blind = project.boundary.geometry.difference(union_geom).explode(index_parts=False).reset_index(drop=True)
    blind = gpd.GeoDataFrame(geometry=blind, crs=CRS)
    hits = gpd.sjoin(areas[~covered], blind, predicate="within")
    per_polygon = hits.groupby("index_right")["children_0_6"].sum()
    blind["children_0_6"] = per_polygon.reindex(blind.index, fill_value=0.0)
    blind["area_km2"] = blind.area / 1e6
    t["blind spots"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    rows = {}
    for d, day in enumerate(schedule.WEEKDAYS):
        row = {}
        for key, h0, h1 in schedule.DAYPARTS:
            open_buffers = buffers[_open_in_cell(places["opening_hours"], d, h0, h1)]
            if union and len(open_buffers):
                target = gpd.GeoDataFrame(geometry=[open_buffers.union_all()], crs=CRS)
                target = target.explode(index_parts=False)
            else:
                target = open_buffers
            hit = gpd.sjoin(areas, target, predicate="within")
            row[key] = float(areas.loc[areas.index.isin(hit.index), "children_0_6"].sum())
        rows[day] = row
    matrix = pd.DataFrame.from_dict(rows, orient="index")
    t["weekday"] = time.perf_counter() - t0
    children_covered = float(areas.loc[covered, "children_0_6"].sum())
    return {
        "times": t,
        "cpu": time.process_time() - c0,
        "covered": children_covered,
        "blind": blind,
        "matrix": matrix,
    }


def _clear_caches(*, parsed: bool = True) -> None:
    """Empty the schedule caches; ``parsed=True`` keeps the opening hours parsed as loading left them."""
    if not parsed:
        schedule.parse.cache_clear()
    week._week_intervals.cache_clear()


def _load(project: Project) -> None:
    """What loading a project does before any analysis: validate its layers (this parses every
    opening_hours value, so the parse cache is warm when an analysis starts, in the app and the CLI)."""
    for name in ("places", "areas"):
        problems = validation.validate_layer(name, project.layer(name), path=f"synthetic#{name}")
        assert not [p for p in problems if p.severity == "error"], problems[:3]


def _best(runs: list[dict]) -> dict[str, float]:
    return {k: min(r["times"][k] for r in runs) for k in runs[0]["times"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--places", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="rounds; each stage's best round is reported")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--threads", type=int, help="threads for Katve (default: all cores; 1 = one core)")
    args = parser.parse_args()
    if args.threads:
        os.environ[parallel.ENV_VAR] = str(args.threads)

    project = synthetic_project(args.points, args.places, args.seed)
    n_existing = int((project.places["status"] == "existing").sum())
    print(
        f"case: {args.points:,} demand points, {args.places:,} places ({n_existing} existing, "
        f"{project.places['opening_hours'].nunique()} distinct opening hours), "
        f"{WIDTH_M * HEIGHT_M / 1e6:,.0f} km2, car {project.settings.threshold_minutes:g} min "
        f"(reach {project.settings.reach_km:.2f} km straight), week of {WEEK}; Katve on "
        f"{parallel.workers()} thread(s)"
    )

    # Rounds interleave the contenders so that load from other processes hits them alike. Every run
    # starts as after loading the project: opening hours parsed by validation, no week expanded yet.
    schedule.parse.cache_clear()
    _clear_caches(parsed=False)
    first = run_katve(project)  # nothing parsed at all
    _load(project)
    print(
        f"Katve with no opening hours parsed yet: {sum(first['times'].values()):.3f} s "
        "(the rounds below start from a loaded project: hours parsed, no week expanded)"
    )
    katve, union, plain = [], [], []
    for _ in range(max(args.repeat, 1)):
        _clear_caches()
        katve.append(run_katve(project))
        if not args.no_baseline:
            _clear_caches()
            union.append(run_baseline(project, union=True))
            _clear_caches()
            plain.append(run_baseline(project, union=False))
    k = _best(katve)
    k_total = sum(k.values())
    header = f"{'':<14}{'Katve':>9}"
    if not args.no_baseline:
        u, b = _best(union), _best(plain)
        header += f"{'baseline':>11}{'ratio':>8}{'baseline2':>12}{'ratio':>8}"
    print(f"\nbest of {len(katve)} rounds, wall seconds (every round from a freshly loaded project)")
    print(header)
    for stage in k:
        line = f"{stage:<14}{k[stage]:9.3f}"
        if not args.no_baseline:
            line += f"{u[stage]:11.3f}{u[stage] / k[stage]:7.1f}x{b[stage]:12.3f}{b[stage] / k[stage]:7.1f}x"
        print(line)
    line = f"{'total':<14}{k_total:9.3f}"
    if not args.no_baseline:
        u_total, b_total = sum(u.values()), sum(b.values())
        line += f"{u_total:11.3f}{u_total / k_total:7.1f}x{b_total:12.3f}{b_total / k_total:7.1f}x"
    print(line)
    print(f"\nKatve total {k_total:.3f} s (target < 2 s)")
    if args.no_baseline:
        return
    print(
        f"baseline  = buffers + unary_union + sjoin: {u_total:.3f} s, Katve is {u_total / k_total:.1f}x "
        "faster (target >= 10x)"
    )
    print(
        f"baseline2 = sjoin on the individual buffers (no union for coverage/weekday): {b_total:.3f} s, "
        f"{b_total / k_total:.1f}x"
    )
    kc, uc, bc = (min(r["cpu"] for r in runs) for runs in (katve, union, plain))
    print(
        f"CPU time of the best round (all threads; less sensitive to other load): Katve {kc:.3f} s, "
        f"baseline {uc:.3f} s ({uc / kc:.1f}x), baseline2 {bc:.3f} s ({bc / kc:.1f}x)"
    )

    # the answers must agree (buffers are 64-gons inscribed in the circles, so points in the thin rim between
    # polygon and true circle count as covered in Katve and not in the baselines)
    kr, ur = first, union[0]
    blind_k = float(kr["blind"]["children_0_6"].sum())
    blind_b = float(ur["blind"]["children_0_6"].sum())
    diff = np.abs(kr["matrix"].to_numpy() - ur["matrix"].loc[list(schedule.WEEKDAYS)].to_numpy())
    print(
        f"\nagreement: children covered {kr['covered']:.1f} vs {ur['covered']:.1f}; "
        f"children in blind-spot polygons {blind_k:.1f} vs {blind_b:.1f} "
        f"({len(kr['blind'])} vs {len(ur['blind'])} polygons); weekday matrix max difference "
        f"{diff.max():.1f} children ({diff.max() / max(kr['matrix'].to_numpy().max(), 1):.2%})"
    )
    print("weekday matrix (children covered):")
    print(kr["matrix"].round(0).astype(int).to_string())


if __name__ == "__main__":
    main()
