"""Solver core of the location models: the :class:`Solution` record and HiGHS MIP solving."""

from __future__ import annotations

import math
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..core.errors import PlanningError

METHODS = ("auto", "exact", "greedy")

AUTO_EXACT_MAX_NNZ = 20_000_000
"""``method="auto"`` solves exactly when the reduced model has at most this many matrix non-zeros."""

GREEDY_RATIO = 1.0 - 1.0 / math.e
"""The worst-case guarantee of greedy selection for a monotone submodular objective."""

_REL_GAP = 1e-6  # relative MIP gap asked of HiGHS when the objective is not integral

# Covering models are already reduced here, and their root LP (the bulk of the work) is solved several times
# faster by the interior-point method than by dual simplex; HiGHS's presolve then only costs time.
_COVER_OPTIONS = {"mip_lp_solver": "ipm", "presolve": "off"}
_MEDIAN_OPTIONS: dict[str, Any] = {}


# --- result -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Solution:
    """The answer of the array-level solver.

    Made by :func:`solve_cover`, :func:`solve_set_cover` and :func:`solve_median`. Arrays are read-only.

    Attributes
    ----------
    objective : str
        ``"cover"``, ``"set_cover"`` or ``"median"``.
    method : str
        ``"exact"`` (HiGHS) or ``"greedy"``.
    chosen : ndarray of int
        Chosen candidate indices (greedy: in the order picked; exact: ascending). May hold fewer than ``k``
        sites when further sites would add nothing.
    assignment : ndarray of int
        Per area, the chosen candidate serving it, or -1 (served by an existing place, or not at all).
        Covering objectives: the nearest chosen candidate covering a *newly* covered area.
    site_gain : ndarray of float
        Per chosen site (same order as ``chosen``): total weight of the areas assigned to it.
    value : float
        The objective's value: weight newly covered (``cover``), number of new sites (``set_cover``) or
        weighted mean minutes (``median``).
    bound : float
        A proven bound on the optimal value: upper for ``cover``, lower for ``set_cover`` and ``median``.
    gap : float
        ``|value - bound| / |value|`` (0 when proven optimal).
    optimal : bool
        Proven optimal (HiGHS model status ``Optimal`` and, for ``median``, no truncation error).
    status : str
        The solver's status text, e.g. ``"Optimal"``, ``"Time limit reached"``, ``"greedy"``.
    seconds : float
        Wall time of the whole solve including the model reduction.
    before, after : float
        Weight covered (covering objectives) or weighted mean minutes (``median``) with the existing places
        alone and with the chosen sites added.
    covered : ndarray of bool or None
        Per area, covered after the change (covering objectives).
    minutes : ndarray of float or None
        Per area, minutes to the nearest open place after the change (``median``).
    details : dict
        Sizes of the original and reduced models, node count, bound kind, etc.
    """

    objective: str
    method: str
    chosen: np.ndarray
    assignment: np.ndarray
    site_gain: np.ndarray
    value: float
    bound: float
    gap: float
    optimal: bool
    status: str
    seconds: float
    before: float
    after: float
    covered: np.ndarray | None = None
    minutes: np.ndarray | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("chosen", "assignment", "site_gain", "covered", "minutes"):
            arr = getattr(self, name)
            if isinstance(arr, np.ndarray):
                arr.setflags(write=False)


def _relative_gap(value: float, bound: float) -> float:
    if value == bound:
        return 0.0
    if not (math.isfinite(value) and math.isfinite(bound)):
        return math.inf
    return abs(value - bound) / max(abs(value), 1e-12)


# --- input normalisation ----------------------------------------------------------------------------------


def _weights(weights: Any) -> np.ndarray:
    w = np.asarray(weights, dtype=float).ravel()
    if w.size and not np.all(np.isfinite(w)):
        raise PlanningError("weights must be finite numbers (children per area); found NaN or infinity")
    if w.size and w.min() < 0:
        raise PlanningError(f"weights must not be negative; found {w.min()!r}")
    return w


def _pairs(relation: Any, n: int, m: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """(rows, cols, minutes, m) from a travel.Pairs, a scipy sparse matrix or a dense boolean array.

    A sparse matrix's stored entries are the pairs; its data is taken as minutes when it is a float matrix
    (as made by ``Pairs.to_csr``), otherwise minutes are 0. Duplicate pairs are removed.
    """
    if hasattr(relation, "rows") and hasattr(relation, "cols") and hasattr(relation, "shape"):
        rows = np.asarray(relation.rows, dtype=np.int64)
        cols = np.asarray(relation.cols, dtype=np.int64)
        mins = np.asarray(getattr(relation, "minutes", np.zeros(len(rows))), dtype=float)
        shape = tuple(relation.shape)
    elif sp.issparse(relation):
        coo = sp.coo_matrix(relation)
        rows, cols = coo.row.astype(np.int64), coo.col.astype(np.int64)
        mins = coo.data.astype(float) if np.issubdtype(coo.data.dtype, np.floating) else np.zeros(len(rows))
        keep = coo.data != 0
        rows, cols, mins = rows[keep], cols[keep], mins[keep]
        shape = coo.shape
    else:
        dense = np.asarray(relation)
        if dense.ndim != 2:
            raise PlanningError(
                f"the coverage relation must be a 2-D areas x candidates array, got {dense.ndim}-D"
            )
        rows, cols = np.nonzero(dense.astype(bool))
        rows, cols = rows.astype(np.int64), cols.astype(np.int64)
        mins = np.zeros(len(rows))
        shape = dense.shape
    if shape[0] != n:
        raise PlanningError(f"the relation has {shape[0]} rows but there are {n} area weights")
    if m is not None and shape[1] != m:
        raise PlanningError(f"the relation has {shape[1]} columns but there are {m} candidates")
    if len(rows):
        order = np.lexsort((mins, cols, rows))
        rows, cols, mins = rows[order], cols[order], mins[order]
        first = np.ones(len(rows), dtype=bool)
        first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
        rows, cols, mins = rows[first], cols[first], mins[first]
    return rows, cols, mins, int(shape[1])


def _mask(values: Any, n: int, name: str) -> np.ndarray:
    if values is None:
        return np.zeros(n, dtype=bool)
    arr = np.asarray(values, dtype=bool).ravel()
    if arr.shape != (n,):
        raise PlanningError(f"{name} must have one value per area ({n}), got {arr.size}")
    return arr


def _check_k(k: Any) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 0:
        raise PlanningError(f"the number of new sites k must be a whole number >= 0, got {k!r}")
    return int(k)


def _check_method(method: str) -> str:
    if method not in METHODS:
        raise PlanningError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    return method


def _check_time_limit(time_limit: float) -> float:
    if not (isinstance(time_limit, (int, float)) and time_limit > 0):
        raise PlanningError(f"time_limit must be a positive number of seconds, got {time_limit!r}")
    return float(time_limit)


def _integral(w: np.ndarray) -> bool:
    return bool(np.all(w == np.round(w))) and float(w.sum()) < 2**52


# --- sparse helpers ---------------------------------------------------------------------------------------


def _gather(indptr: np.ndarray, indices: np.ndarray, sel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Concatenate the indices of the compressed slices ``sel``; also return the position in ``sel``."""
    sel = np.asarray(sel, dtype=np.int64)
    starts = indptr[sel].astype(np.int64)
    lens = indptr[sel + 1].astype(np.int64) - starts
    owner = np.repeat(np.arange(len(sel)), lens)
    offsets = np.arange(int(lens.sum()), dtype=np.int64) - np.repeat(np.cumsum(lens) - lens, lens)
    return indices[np.repeat(starts, lens) + offsets], owner


def _slice_keys(mat: sp.csr_matrix | sp.csc_matrix) -> np.ndarray:
    """Group label per compressed slice (row of a CSR, column of a CSC): equal label = same index set.

    Two independent 64-bit random hashes plus the length: a collision needs ~2**64 slices.
    """
    n_slices = mat.shape[0] if sp.isspmatrix_csr(mat) or mat.format == "csr" else mat.shape[1]
    n_minor = mat.shape[1] if mat.format == "csr" else mat.shape[0]
    lens = np.diff(mat.indptr).astype(np.uint64)
    rng = np.random.default_rng(20240605)
    keys = [lens]
    owner = np.repeat(np.arange(n_slices), np.diff(mat.indptr))
    for _ in range(2):
        r = rng.integers(0, np.iinfo(np.uint64).max, size=n_minor, dtype=np.uint64, endpoint=True)
        h = np.zeros(n_slices, dtype=np.uint64)
        np.add.at(h, owner, r[mat.indices])  # wraps modulo 2**64
        keys.append(h)
    _, label = np.unique(np.column_stack(keys), axis=0, return_inverse=True)
    return label.ravel()


# --- HiGHS ------------------------------------------------------------------------------------------------

_HIGHS_LOCK = threading.Lock()
_HIGHS_BANNER_DONE = False


def _new_highs():  # noqa: ANN202 - highspy type
    """Make a silent ``highspy.Highs``.

    HiGHS prints a banner to the C-level stdout the first time one is made in a process, which would
    corrupt ``--json`` output; the first construction is done with file descriptor 1 pointed at /dev/null.
    """
    global _HIGHS_BANNER_DONE
    import highspy

    with _HIGHS_LOCK:
        if not _HIGHS_BANNER_DONE:
            sys.stdout.flush()
            saved = os.dup(1)
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, 1)
                h = highspy.Highs()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
                os.close(devnull)
            _HIGHS_BANNER_DONE = True
        else:
            h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


@dataclass(frozen=True)
class _MipResult:
    status: str
    optimal: bool
    x: np.ndarray | None  # column values (None when HiGHS found no solution)
    objective: float
    dual_bound: float
    gap: float
    nodes: int
    seconds: float


def _solve_mip(
    cost: np.ndarray,
    upper: np.ndarray,
    integer: np.ndarray,
    a: sp.csr_matrix,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    *,
    time_limit: float,
    integral_objective: bool,
    start: np.ndarray | None = None,
    options: dict[str, Any] | None = None,
) -> _MipResult:
    """Minimise ``cost @ x`` s.t. ``row_lower <= a @ x <= row_upper``, ``0 <= x <= upper``, some integer."""
    import highspy

    inf = highspy.kHighsInf
    n_col, n_row = len(cost), a.shape[0]
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_col, n_row
    lp.col_cost_ = np.ascontiguousarray(cost, dtype=float)
    lp.col_lower_ = np.zeros(n_col)
    lp.col_upper_ = np.ascontiguousarray(upper, dtype=float)
    lp.row_lower_ = np.where(np.isfinite(row_lower), row_lower, -inf).astype(float)
    lp.row_upper_ = np.where(np.isfinite(row_upper), row_upper, inf).astype(float)
    a = sp.csr_matrix(a)
    a.sort_indices()
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n_col, n_row
    lp.a_matrix_.start_ = a.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a.indices.astype(np.int32)
    lp.a_matrix_.value_ = a.data.astype(float)
    kinds = highspy.HighsVarType
    lp.integrality_ = [kinds.kInteger if i else kinds.kContinuous for i in integer]

    h = _new_highs()
    h.setOptionValue("time_limit", float(time_limit))
    if integral_objective:
        # An integer objective is optimal once the gap is below 1: stop there, no relative tolerance.
        h.setOptionValue("mip_rel_gap", 0.0)
        h.setOptionValue("mip_abs_gap", 1.0 - 1e-6)
    else:
        h.setOptionValue("mip_rel_gap", _REL_GAP)
    for key, value in (options or {}).items():
        h.setOptionValue(key, value)
    t0 = time.perf_counter()
    h.passModel(lp)
    if start is not None:
        sol = highspy.HighsSolution()
        sol.col_value = np.asarray(start, dtype=float)
        sol.value_valid = True
        h.setSolution(sol)
    h.run()
    seconds = time.perf_counter() - t0
    status = h.getModelStatus()
    info = h.getInfo()
    text = h.modelStatusToString(status)
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    x = np.asarray(h.getSolution().col_value, dtype=float) if has_solution else None
    return _MipResult(
        status=text,
        optimal=status == highspy.HighsModelStatus.kOptimal,
        x=x,
        objective=float(info.objective_function_value) if has_solution else math.inf,
        dual_bound=float(info.mip_dual_bound),
        gap=float(info.mip_gap),
        nodes=int(info.mip_node_count),
        seconds=seconds,
    )


def _use_exact(method: str, pairs: int) -> bool:
    return method == "exact" or (method == "auto" and 3 * pairs <= AUTO_EXACT_MAX_NNZ)
