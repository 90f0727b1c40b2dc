"""Benchmark: comparing named scenarios (issue 17 part 3) on the embedded data, and the report page they make.

Run from the repository root::

    .venv/bin/python benchmarks/bench_scenarios.py

For Vihti (448 cells) and Kaksineuvoinen (677 cells), walk 20 min: three scenarios are kept (a plan of 3 new
sites, the best 2 session moves, one place closed) and
:func:`coverage.planning.scenarios.compare_scenarios` is timed for the present and all three (each column: an
analysis, the child-days, the overlaps and the year's 52/53 weeks); then the meeting report with the scenario
page. Prints seconds (the first run and the best of 3) and the figures of the comparison, so a change in
them shows too.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coverage.analysis.study import prepare  # noqa: E402
from coverage.core.model import Settings  # noqa: E402
from coverage.core.scenario import with_scenario  # noqa: E402
from coverage.io.datasets import load_dataset  # noqa: E402
from coverage.outputs.report import meeting_report  # noqa: E402
from coverage.planning import scenarios as sc  # noqa: E402
from coverage.planning.plan import plan  # noqa: E402
from coverage.planning.reschedule import reschedule  # noqa: E402

WALK20 = Settings(mode="walk", threshold_minutes=20)


def best(func, repeat: int = 3) -> tuple[float, float, object]:
    """The first and the fastest of ``repeat`` runs of ``func`` (seconds) and its last answer."""
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = func()
        times.append(time.perf_counter() - t0)
    return times[0], min(times), out


def main() -> None:
    for name in ("vihti", "kaksineuvoinen"):
        project = load_dataset(name)
        project = with_scenario(project, sc.from_plan(plan(project, WALK20, k=3), "Kolme uutta",
                                                      project=project))
        project = with_scenario(project, sc.from_moves(project, reschedule(project, WALK20, k=2), "Siirrot"))
        first = str(project.places["id"].iat[0])
        project = with_scenario(project, sc.by_hand(project, "Yksi kiinni", close=[first]))
        first, seconds, cmp = best(lambda p=project: sc.compare_scenarios(p, settings=WALK20,
                                                                         current_label="Nyt"))
        print(f"{name}: {len(project.areas)} areas, {len(project.places)} places; compare present + 3 "
              f"scenarios: first {first:.2f} s, then {seconds:.2f} s")
        for c in cmp.columns:
            print(f"  {c.name:12s} children {c.children_covered:7.0f} ({c.children_covered_share:.1%})  "
                  f"child-days {c.child_days:7.0f}  blind villages {len(c.blind_villages):2d}  "
                  f"overlaps {c.overlaps}  weeks closed {c.weeks_closed}")
        data = prepare(project, WALK20, today=dt.date(2026, 12, 2))
        data.scenarios = cmp

        def report(d=data) -> int:
            return meeting_report(d, io.BytesIO())

        first, seconds, pages = best(report, repeat=2)
        print(f"  meeting report with the scenario page: {pages} pages in {first:.2f} s, "
              f"then {seconds:.2f} s")


if __name__ == "__main__":
    main()
