"""Run independent pieces of work on the machine's cores.

The heavy loops of the analysis run in compiled code that releases Python's global interpreter lock: scipy's
KD-tree searches, GEOS (shapely) set operations and numpy's ``ufunc.at``. Threads therefore give real
speed-ups for them, without the start-up and copying costs of processes.

* :func:`workers` - how many threads to use: the CPUs this process may run on (at most 8), or the
  ``KATVE_THREADS`` environment variable (``1`` turns threading off).
* :func:`run` - call a list of zero-argument functions, concurrently when there are cores to spare, and
  return their results in order. A function that raises makes :func:`run` raise the same exception, after
  every other function has finished.
* :func:`spatial_chunks` - split points into compact groups by coordinate, one per worker, for work whose cost
  grows with the number of points.

Work started from inside a worker runs in that worker, one function after another, so nested calls cannot
wait on a full pool (no deadlock) and never start more threads than :func:`workers`.

Examples
--------
>>> run([lambda: 1 + 1, lambda: "two"])
[2, 'two']
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")

ENV_VAR = "KATVE_THREADS"
MAX_WORKERS = 8
MIN_POINTS = 20_000
"""Fewer points than this per thread: splitting point-wise work costs more than it saves."""

_inside = threading.local()
_pool: ThreadPoolExecutor | None = None
_pool_size = 0
_pool_lock = threading.Lock()


def workers() -> int:
    """Return the number of threads to use: ``KATVE_THREADS`` if set, else the CPUs available (1-8)."""
    value = os.environ.get(ENV_VAR, "").strip()
    if value:
        try:
            return max(1, min(int(value), MAX_WORKERS))
        except ValueError:
            pass  # an unreadable setting falls back to the machine's count
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        n = os.cpu_count() or 1
    return max(1, min(n, MAX_WORKERS))


def _executor(size: int) -> ThreadPoolExecutor:
    global _pool, _pool_size
    with _pool_lock:
        if _pool is None or _pool_size < size:
            _pool = ThreadPoolExecutor(max_workers=size, thread_name_prefix="katve-work")
            _pool_size = size
        return _pool


def _forget_pool() -> None:
    """In a forked child the pool's threads do not exist: start a new pool when one is needed."""
    global _pool, _pool_size, _pool_lock
    _pool, _pool_size, _pool_lock = None, 0, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def _call_inside(task: Callable[[], T]) -> T:
    previous = getattr(_inside, "active", False)
    _inside.active = True
    try:
        return task()
    finally:
        _inside.active = previous


def run(tasks: Sequence[Callable[[], T]]) -> list[T]:
    """Call every task and return the results in order; concurrently when cores are free.

    The calling thread runs the first task itself while pool threads run the others. Sequential when
    there is one task, one worker, or when called from inside another :func:`run`.
    """
    tasks = list(tasks)
    if len(tasks) <= 1 or workers() <= 1 or getattr(_inside, "active", False):
        return [t() for t in tasks]
    pool = _executor(workers())
    futures = [pool.submit(_call_inside, t) for t in tasks[1:]]
    try:
        first = _call_inside(tasks[0])
    finally:
        wait(futures)  # never leave work running behind an exception
    return [first, *(f.result() for f in futures)]


def spatial_chunks(xy: np.ndarray, *, min_points: int = MIN_POINTS, parts: int | None = None) -> list[Any]:
    """Split ``(n, 2)`` points into compact groups for parallel work; return index arrays (or ``[None]``).

    Points are split at the median of their wider coordinate (x or y), recursively, into up to ``parts``
    groups (default :func:`workers`) of at least ``min_points`` each. ``[None]`` means "all points, do not
    split": fewer points than ``2 * min_points`` or a single worker.
    """
    parts = workers() if parts is None else int(parts)
    n = len(xy)
    k = min(parts, n // max(int(min_points), 1))
    if k < 2:
        return [None]
    chunks = [np.arange(n)]
    while len(chunks) < k:
        chunks.sort(key=len)
        idx = chunks.pop()
        x, y = xy[idx, 0], xy[idx, 1]
        axis = int(np.ptp(y) > np.ptp(x))  # (n, 2).ptp(axis=0) would be 10x slower
        half = len(idx) // 2
        order = np.argpartition(y if axis else x, half)
        chunks += [idx[order[:half]], idx[order[half:]]]
    return chunks
