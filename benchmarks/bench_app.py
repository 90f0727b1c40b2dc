"""Benchmark: the app's re-render on the 1 km grid (issue 15: under 0.5 s per page).

Runs ``app.py`` in Streamlit's AppTest on each embedded data set and times, after a warm-up run of each
page (caches filled as in a session), the re-render of Kartta, Katvealueet and Suunnittelu when a setting
changes back and forth (threshold 10 <-> 11 min: a new analysis each time, then cached). Prints the best
and median of ``--repeat`` rounds in seconds.

Run: ``.venv/bin/python benchmarks/bench_app.py [--repeat R]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGES = ("kartta", "katvealueet", "suunnittelu")


def main() -> int:
    """Print the re-render times per data set and page."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("KATVE_PROJECTS", tempfile.mkdtemp(prefix="katve-bench-"))
    from streamlit.testing.v1 import AppTest

    print(f"{'data set':16} {'page':12} {'cells':>6} {'best s':>8} {'median s':>9} {'cached s':>9}")
    for dataset in ("vihti", "kaksineuvoinen"):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.run()
        at.selectbox(key="source").set_value(f"dataset:{dataset}").run()
        cells = len(at.session_state["project"].areas)
        for page in PAGES:
            at.switch_page(f"app_pages/{page}.py").run()
            assert not at.exception, at.exception
            fresh, cached = [], []
            for k in range(args.repeat):
                minutes = 11 + k  # a threshold not seen yet: a new analysis
                start = time.perf_counter()
                at.slider(key="threshold_minutes").set_value(minutes).run()
                fresh.append(time.perf_counter() - start)
                start = time.perf_counter()
                at.run()  # the same settings again: from the caches
                cached.append(time.perf_counter() - start)
                assert not at.exception, at.exception
            at.slider(key="threshold_minutes").set_value(10).run()
            print(f"{dataset:16} {page:12} {cells:6d} {min(fresh):8.3f} {statistics.median(fresh):9.3f} "
                  f"{statistics.median(cached):9.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
