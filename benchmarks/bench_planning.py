"""Benchmark: Katve's maximal covering (HiGHS via highspy, and greedy) against PySAL spopt (PuLP + CBC).

Run from the repository root::

    .venv/bin/python benchmarks/bench_planning.py              # three instances; spopt on the two smaller
    .venv/bin/python benchmarks/bench_planning.py --spopt-large # spopt on 20,000 x 1,000 too (~2.5 min)
    .venv/bin/python benchmarks/bench_planning.py --no-spopt    # Katve only (offline)

Instances (the same for both solvers, written to a temporary .npz): ``n`` demand points and ``m`` candidate
sites uniform in the unit square, integer weights 1-20, service radius ``r = sqrt(0.5 / (k pi))`` (``k``
discs could cover half the square, so sites compete for demand). Sizes: 2,000 x 200 (k=20),
5,000 x 500 (k=20), 20,000 x 1,000 (k=50).

spopt is never installed into the project: it lives in its own virtual environment (default
``/tmp/spopt-venv``), created here with ``python -m venv`` + ``pip install spopt`` when missing, and runs in a
subprocess. Its time includes building the model (``MCLP.from_cost_matrix`` on the dense distance matrix, as
spopt requires) and solving; Katve's time is :func:`coverage.planning.cover.solve_cover` from the sparse pairs
(KD-tree pairs are built outside the timing, as ``travel.within`` does before planning). Both objectives are
recomputed here from the chosen sites, so neither solver's own bookkeeping is trusted.

Targets (issue 5): identical optimal objectives; 5,000 x 500 in under 1 s; 20,000 x 1,000 optimal in under
15 s; greedy on 20,000 x 1,000 under 1 s within 2 % of the optimum.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

from coverage.planning.cover import solve_cover

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

  # noqa: E402

SIZES = [(2_000, 200, 20), (5_000, 500, 20), (20_000, 1_000, 50)]

SPOPT_RUNNER = r"""
import json, sys, time
import numpy as np
import pulp
from scipy.spatial.distance import cdist
from spopt.locate import MCLP

data = np.load(sys.argv[1])
a, c, w, r, k = data["areas"], data["sites"], data["weights"], float(data["radius"]), int(data["k"])
cost = cdist(a, c)
t0 = time.perf_counter()
model = MCLP.from_cost_matrix(cost, w, service_radius=r, p_facilities=k)
t1 = time.perf_counter()
model = model.solve(pulp.PULP_CBC_CMD(msg=False))
t2 = time.perf_counter()
chosen = [j for j, v in enumerate(model.fac_vars) if v.varValue is not None and round(v.varValue) == 1]
covered = (cost[:, chosen] <= r).any(axis=1) if chosen else np.zeros(len(a), bool)
print(json.dumps({"build": t1 - t0, "solve": t2 - t1, "objective": float(w[covered].sum()),
                  "status": pulp.LpStatus[model.problem.status], "sites": len(chosen),
                  "spopt_percentage": float(getattr(model, "perc_cov", float("nan")))}))
"""


def instance(n: int, m: int, k: int, seed: int) -> dict:
    """The random instance for one size (see the module docstring)."""
    rng = np.random.default_rng(seed)
    areas, sites = rng.random((n, 2)), rng.random((m, 2))
    weights = rng.integers(1, 21, n).astype(float)
    radius = float(np.sqrt(0.5 / (k * np.pi)))
    return {"areas": areas, "sites": sites, "weights": weights, "radius": radius, "k": k}


def covered_weight(inst: dict, reach, chosen: np.ndarray) -> float:
    if not len(chosen):
        return 0.0
    hit = np.asarray(reach[:, chosen].sum(axis=1)).ravel() > 0
    return float(inst["weights"][hit].sum())


def ensure_spopt(venv: Path) -> Path:
    """The python of a venv with spopt, created on first use (never the project's .venv)."""
    python = venv / "bin" / "python"
    probe = [str(python), "-c", "import spopt, pulp"]
    if python.exists() and subprocess.run(probe, capture_output=True, cwd=venv).returncode == 0:
        return python
    print(f"installing spopt into {venv} (once) ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "spopt"], check=True, cwd=venv)
    return python


def run_spopt(python: Path, inst: dict, workdir: Path) -> dict:
    path = workdir / f"inst_{len(inst['areas'])}.npz"
    np.savez(path, **inst)
    runner = workdir / "spopt_runner.py"
    runner.write_text(SPOPT_RUNNER)
    # cwd = workdir: a stray pip.py / numpy.py in the caller's folder must not shadow modules
    out = subprocess.run([str(python), str(runner), str(path)], capture_output=True, text=True, cwd=workdir)
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "failed"}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spopt-large", action="store_true", help="also run spopt on 20,000 x 1,000 (slow)")
    parser.add_argument("--no-spopt", action="store_true", help="Katve only")
    parser.add_argument("--venv", default="/tmp/spopt-venv", help="virtual environment for spopt")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds for Katve's exact solver")
    args = parser.parse_args()

    python = None if args.no_spopt else ensure_spopt(Path(args.venv))
    print(f"cores: {os.cpu_count()}, load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    header = (f"{'instance':>17} {'k':>3} | {'katve exact':>11} {'objective':>9} {'opt':>4} | {'greedy':>7} "
              f"{'objective':>9} {'vs opt':>7} {'bound gap':>9} | {'spopt':>8} {'objective':>9} {'same':>5}")
    print(header)
    print("-" * len(header))
    checks = []
    with tempfile.TemporaryDirectory(prefix="katve-bench-") as tmp:
        for n, m, k in SIZES:
            inst = instance(n, m, k, args.seed)
            reach = cKDTree(inst["areas"]).sparse_distance_matrix(
                cKDTree(inst["sites"]), inst["radius"], output_type="coo_matrix").tocsr() > 0
            t0 = time.perf_counter()
            exact = solve_cover(inst["weights"], reach, k=k, method="exact", time_limit=args.time_limit)
            t_exact = time.perf_counter() - t0
            t0 = time.perf_counter()
            greedy = solve_cover(inst["weights"], reach, k=k, method="greedy")
            t_greedy = time.perf_counter() - t0
            obj_exact = covered_weight(inst, reach, exact.chosen)
            obj_greedy = covered_weight(inst, reach, greedy.chosen)
            assert obj_exact == exact.value and obj_greedy == greedy.value
            below = (obj_exact - obj_greedy) / obj_exact
            spopt = None
            if python is not None and (n < 20_000 or args.spopt_large):
                spopt = run_spopt(python, inst, Path(tmp))
            if spopt is None:
                sp_time, sp_obj, same = "skipped", "", ""
            elif "error" in spopt:
                sp_time, sp_obj, same = "error", spopt["error"][:30], ""
            else:
                sp_time = f"{spopt['build'] + spopt['solve']:7.2f}s"
                sp_obj = f"{spopt['objective']:9.0f}"
                same = "yes" if spopt["objective"] == obj_exact else "NO"
                checks.append((f"{n}x{m}: identical optimal objective (spopt {spopt['status']})",
                               spopt["objective"] == obj_exact and exact.optimal))
            opt = str(exact.optimal)[:4]
            print(f"{n:>8,} x {m:>6,} {k:>3} | {t_exact:10.2f}s {obj_exact:9.0f} {opt:>4} | "
                  f"{t_greedy:6.2f}s {obj_greedy:9.0f} {100 * below:6.2f}% {100 * greedy.gap:8.2f}% | "
                  f"{sp_time:>8} {sp_obj:>9} {same:>5}", flush=True)
            if spopt and "error" not in spopt:
                print(f"{'':>17}     spopt: build {spopt['build']:.2f}s + solve {spopt['solve']:.2f}s, "
                      f"{spopt['sites']} sites")
            if (n, m) == (5_000, 500):
                checks.append(("5,000 x 500 exact under 1 s", exact.optimal and t_exact < 1.0))
            if (n, m) == (20_000, 1_000):
                checks.append(("20,000 x 1,000 optimal under 15 s", exact.optimal and t_exact < 15.0))
                fast_close = t_greedy < 1.0 and below <= 0.02
                checks.append(("20,000 x 1,000 greedy under 1 s within 2 %", fast_close))
    print()
    print("greedy 'bound gap' = how far the greedy answer can be from the optimum, proven without the MIP")
    for text, ok in checks:
        print(f"  [{'ok' if ok else 'MISSED'}] {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
