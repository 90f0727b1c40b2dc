"""Maximal covering (MCLP) and set covering: exact (HiGHS) and greedy + Lagrangian heuristics."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..core.errors import PlanningError, UnreachableTargetError
from .core import (
    _COVER_OPTIONS,
    AUTO_EXACT_MAX_NNZ,
    GREEDY_RATIO,
    Solution,
    _check_k,
    _check_method,
    _check_time_limit,
    _gather,
    _integral,
    _mask,
    _pairs,
    _relative_gap,
    _slice_keys,
    _solve_mip,
    _weights,
)

# --- covering: reduction ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CoverModel:
    """A reduced covering model: ``c`` is (reduced areas x reduced candidates), binary CSR."""

    c: sp.csr_matrix
    w: np.ndarray  # weight per reduced area (merged areas summed)
    cf: sp.csr_matrix  # c as floats, for products
    ct: sp.csr_matrix  # its transpose, row-compressed
    area_of: np.ndarray  # original area -> reduced area, -1 if dropped
    cand: np.ndarray  # reduced candidate -> original candidate
    base: float  # weight already covered by existing places
    reachable: float  # weight coverable by existing + all candidates
    total: float
    sizes: dict[str, int]


def _reduce_cover(
    w: np.ndarray, rows: np.ndarray, cols: np.ndarray, m: int, existing: np.ndarray
) -> _CoverModel:
    n = len(w)
    total = float(w.sum())
    base = float(w[existing].sum())
    sizes = {"areas": n, "candidates": m, "pairs": len(rows)}
    # Areas that can still gain: positive weight, not covered already, reached by some candidate.
    open_area = (w > 0) & ~existing
    keep_pair = open_area[rows]
    rows, cols = rows[keep_pair], cols[keep_pair]
    reached = np.zeros(n, dtype=bool)
    reached[rows] = True
    reachable = base + float(w[reached].sum())
    used_cols = np.unique(cols)
    area_ids = np.flatnonzero(reached)
    if len(area_ids) == 0 or len(used_cols) == 0:
        empty = sp.csr_matrix((0, 0), dtype=np.int8)
        return _CoverModel(
            empty,
            np.zeros(0),
            empty,
            empty,
            np.full(n, -1),
            np.zeros(0, dtype=np.int64),
            base,
            reachable,
            total,
            {**sizes, "reduced_areas": 0, "reduced_candidates": 0, "reduced_pairs": 0},
        )
    col_pos = np.full(m, -1, dtype=np.int64)
    col_pos[used_cols] = np.arange(len(used_cols))
    row_pos = np.full(n, -1, dtype=np.int64)
    row_pos[area_ids] = np.arange(len(area_ids))
    c = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.int8), (row_pos[rows], col_pos[cols])),
        shape=(len(area_ids), len(used_cols)),
    )
    c.sum_duplicates()
    cand = used_cols
    # Identical candidates: keep the lowest index of each group.
    csc = c.tocsc()
    csc.sort_indices()
    label = _slice_keys(csc)
    _, first = np.unique(label, return_index=True)
    keep = np.zeros(len(cand), dtype=bool)
    keep[first] = True
    # Dominated candidates (area set strictly inside another's): never needed, as positive weights only.
    deg = np.diff(csc.indptr)
    work = int((np.diff(c.indptr).astype(np.int64) ** 2).sum())
    if work <= 20_000_000 and keep.sum() > 1:
        ck = c[:, np.flatnonzero(keep)]
        overlap = (ck.T.astype(np.int32) @ ck.astype(np.int32)).tocoo()
        dk = deg[keep]
        r, q, d = overlap.row, overlap.col, overlap.data
        dominated = (r != q) & (d == dk[r]) & (dk[q] > dk[r])
        kept_idx = np.flatnonzero(keep)
        keep[kept_idx[np.unique(r[dominated])]] = False
    if not keep.all():
        c = c[:, np.flatnonzero(keep)].tocsr()
        cand = cand[keep]
        nonempty = np.diff(c.indptr) > 0  # every area still has a candidate (a dominating one survives)
        assert nonempty.all()
    # Areas with the same candidate set: merge, summing their weights.
    c.sort_indices()
    label = _slice_keys(c)
    groups, first = np.unique(label, return_index=True)
    wr = np.bincount(label, weights=w[area_ids], minlength=len(groups))
    c = c[first].tocsr()
    area_of = np.full(n, -1, dtype=np.int64)
    area_of[area_ids] = label
    sizes.update(reduced_areas=c.shape[0], reduced_candidates=c.shape[1], reduced_pairs=int(c.nnz))
    cf = c.astype(float)
    return _CoverModel(c, wr, cf, cf.T.tocsr(), area_of, cand.astype(np.int64), base, reachable, total, sizes)


# --- covering: greedy -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Greedy:
    picks: np.ndarray  # reduced candidate indices in pick order
    value: float  # weight covered by the picks (reduced model)
    upper: float  # cover: upper bound on the best value with k sites
    lower_sites: int  # set cover: lower bound on the number of sites


def _greedy_cover(model: _CoverModel, *, k: int | None, need: float | None) -> _Greedy:
    """Greedy with exact incremental gains. Stops after ``k`` picks or once ``need`` weight is covered."""
    c, w = model.c, model.w
    n_cand = c.shape[1]
    csc = c.tocsc()
    gains = np.asarray(c.T @ w, dtype=float).ravel()
    covered = np.zeros(c.shape[0], dtype=bool)
    picks: list[int] = []
    value = 0.0
    kk = k if k is not None else n_cand
    upper = math.inf
    lower_sites = 0
    tol = 1e-9 * max(1.0, float(w.sum()))
    while True:
        if need is not None:
            # |OPT| >= min{s : value + (s largest gains) >= need}, for the current set and hence any set.
            if value >= need - tol:
                break
            top = np.cumsum(np.sort(gains)[::-1])
            s = int(np.searchsorted(top, need - value - tol)) + 1
            lower_sites = max(lower_sites, len(picks) if s > len(top) else s)
        else:
            top_k = (
                np.partition(gains, n_cand - min(kk, n_cand))[n_cand - min(kk, n_cand) :] if n_cand else gains
            )
            upper = min(upper, value + float(np.clip(top_k, 0, None).sum()))
            if len(picks) >= kk:
                break
        j = int(np.argmax(gains)) if n_cand else -1
        if j < 0 or gains[j] <= tol:
            break
        picks.append(j)
        new_rows = csc.indices[csc.indptr[j] : csc.indptr[j + 1]]
        new_rows = new_rows[~covered[new_rows]]
        covered[new_rows] = True
        value += float(w[new_rows].sum())
        hit_cols, owner = _gather(c.indptr, c.indices, new_rows)
        gains -= np.bincount(hit_cols, weights=w[new_rows][owner], minlength=n_cand)
        gains[j] = 0.0
    if k is not None:
        upper = min(upper, value / GREEDY_RATIO)
    return _Greedy(np.asarray(picks, dtype=np.int64), value, upper, lower_sites)


def _swap_improve(
    model: _CoverModel, picks: np.ndarray, *, max_rounds: int = 200
) -> tuple[np.ndarray, float]:
    """1-swap local search: replace a chosen site by an unchosen one while that covers more weight.

    Per round, every (out, in) swap is valued at once: ``gain(in) + shared(out, in) - loss(out)``, where
    ``loss(out)`` is the weight only ``out`` covers and ``shared`` the part of it ``in`` would cover too
    (one sparse product over the areas covered exactly once). Only matrix-vector products, no slicing.
    """
    c, ct, w = model.cf, model.ct, model.w
    n_area, n_cand = c.shape
    picks = np.array(picks, dtype=np.int64)
    x = np.zeros(n_cand)
    x[picks] = 1.0
    if len(picks) == 0 or len(picks) >= n_cand:
        return picks, float(w[c @ x > 0.5].sum())
    tol = 1e-9 * max(1.0, float(w.sum()))
    slot = np.zeros(n_cand)
    for _ in range(max_rounds):
        slot[picks] = np.arange(1, len(picks) + 1)
        count = c @ x
        owner = np.rint(c @ slot).astype(np.int64) - 1  # the covering pick, where covered exactly once
        gains = ct @ (w * (count < 0.5))  # weight an unchosen site would add
        gains[picks] = -np.inf
        once = np.flatnonzero(np.abs(count - 1.0) < 0.5)
        loss = np.bincount(owner[once], weights=w[once], minlength=len(picks))
        owned = sp.csr_matrix((w[once], (owner[once], once)), shape=(len(picks), n_area))
        delta = (owned @ c).toarray() + gains[None, :] - loss[:, None]
        out_i, in_j = np.unravel_index(int(np.argmax(delta)), delta.shape)
        slot[picks] = 0.0
        if delta[out_i, in_j] <= tol:
            break
        x[picks[out_i]], x[in_j] = 0.0, 1.0
        picks[out_i] = in_j
    return picks, float(w[c @ x > 0.5].sum())


def _lagrangian_cover(
    model: _CoverModel,
    k: int,
    picks: np.ndarray,
    value: float,
    *,
    iterations: int = 300,
    swap_every: int = 50,
) -> tuple[float, np.ndarray, float, np.ndarray]:
    """Lagrangian upper bound for maximal covering, with a Lagrangian heuristic on the side.

    Relaxing ``y_i <= sum_j a_ij x_j`` with multipliers ``0 <= u_i <= w_i`` gives, for *any* such ``u``,
    the valid bound ``L(u) = sum_i (w_i - u_i) + (sum of the k largest s_j)`` with ``s = A^T u`` - the LP
    dual value, so its minimum is the LP bound. It is minimised by subgradient steps (Polyak step towards
    the incumbent, step factor halved after 10 steps without progress), all sparse matrix-vector products.
    Every ``swap_every`` steps the k candidates with the largest ``s`` are polished by :func:`_swap_improve`
    and kept when they beat the incumbent.

    Returns ``(bound, picks, value, reduced)``: the best bound met, the best solution met and, for the best
    multipliers, each candidate's reduced profit ``s_j - lambda`` (``lambda`` = the k-th largest ``s``).
    Forcing candidate ``j`` into a solution caps its value at ``bound + min(0, reduced_j)``.
    """
    c, ct, w = model.cf, model.ct, model.w
    n_cand = c.shape[1]
    u = w / np.maximum(np.diff(c.indptr), 1)
    best, mu, stall = math.inf, 2.0, 0
    reduced = np.zeros(n_cand)
    for it in range(iterations):
        s = ct @ u
        top = np.argpartition(s, n_cand - k)[n_cand - k :]
        lam = float(s[top].min())
        bound = lam * k + float(np.clip(w - u, 0.0, None).sum()) + float(np.clip(s - lam, 0.0, None).sum())
        if bound < best * (1.0 - 1e-12):
            best, stall, reduced = bound, 0, s - lam
        else:
            stall += 1
            if stall >= 10:
                mu, stall = mu / 2.0, 0
        if best <= value + 1e-9 * max(1.0, value):
            break
        x = np.zeros(n_cand)
        x[top] = 1.0
        cx = c @ x
        if it % swap_every == swap_every - 1:
            cand_picks, cand_value = _swap_improve(model, top)
            if cand_value > value:
                picks, value = cand_picks, cand_value
        g = cx - (u < w)
        norm = float(g @ g)
        if norm == 0.0 or mu < 1e-4:
            break
        u = np.clip(u - mu * (bound - value) / norm * g, 0.0, w)
    return best, np.asarray(picks, dtype=np.int64), float(value), reduced


def _sub_cover(model: _CoverModel, free: np.ndarray) -> tuple[_CoverModel, np.ndarray]:
    """Restrict the covering model to the candidates ``free`` (areas no free candidate reaches dropped).

    Returns the sub-model and, per sub-model candidate, its index in ``model``.
    """
    cols = np.flatnonzero(free)
    c = model.c[:, cols].tocsr()
    rows = np.flatnonzero(np.diff(c.indptr) > 0)
    c = c[rows].tocsr()
    cf = c.astype(float)
    sub = _CoverModel(
        c,
        model.w[rows],
        cf,
        cf.T.tocsr(),
        model.area_of,
        model.cand[cols],
        model.base,
        model.reachable,
        model.total,
        model.sizes,
    )
    return sub, cols


def _prune(model: _CoverModel, picks: np.ndarray, need: float) -> np.ndarray:
    """Drop picks (latest first) whose areas the others cover well enough to still meet ``need``."""
    csc = model.c.tocsc()
    x = np.zeros(model.c.shape[1])
    x[picks] = 1.0
    count = model.c @ x
    value = float(model.w[count > 0.5].sum())
    tol = 1e-9 * max(1.0, float(model.w.sum()))
    keep = np.ones(len(picks), dtype=bool)
    for pos in range(len(picks) - 1, -1, -1):
        j = picks[pos]
        areas = csc.indices[csc.indptr[j] : csc.indptr[j + 1]]
        loss = float(model.w[areas[count[areas] < 1.5]].sum())
        if value - loss >= need - tol:
            keep[pos] = False
            count[areas] -= 1.0
            value -= loss
    return picks[keep]


def _cover_start(model: _CoverModel, picks: np.ndarray) -> np.ndarray:
    x = np.zeros(model.c.shape[1])
    x[picks] = 1.0
    y = (model.c @ x > 0.5).astype(float)
    return np.concatenate([x, y])


def _cover_matrix(model: _CoverModel) -> sp.csr_matrix:
    """Rows ``y_i - sum_{j covers i} x_j <= 0`` then the cardinality row ``sum x_j``; columns x then y."""
    n_area, n_cand = model.c.shape
    link = sp.hstack([-model.c.astype(float), sp.identity(n_area, format="csr")], format="csr")
    card = sp.csr_matrix(
        (np.ones(n_cand), (np.zeros(n_cand, dtype=np.int64), np.arange(n_cand))), shape=(1, n_cand + n_area)
    )
    return sp.vstack([link, card], format="csr")


def _finish_cover(
    objective: str,
    method: str,
    w: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    mins: np.ndarray,
    existing: np.ndarray,
    chosen: np.ndarray,
    *,
    value: float,
    bound: float,
    gap: float,
    optimal: bool,
    status: str,
    t0: float,
    details: dict[str, Any],
) -> Solution:
    """Per-area assignment (nearest chosen site reaching a newly covered area) and the result object."""
    n = len(w)
    chosen = np.asarray(chosen, dtype=np.int64)
    is_chosen = np.zeros(
        max(int(cols.max()) + 1 if len(cols) else 0, int(chosen.max()) + 1 if len(chosen) else 0), dtype=bool
    )
    is_chosen[chosen] = True
    sel = is_chosen[cols] & ~existing[rows]
    r, c, t = rows[sel], cols[sel], mins[sel]
    order = np.lexsort((c, t, r))
    r, c = r[order], c[order]
    first = np.ones(len(r), dtype=bool)
    first[1:] = r[1:] != r[:-1]
    assignment = np.full(n, -1, dtype=np.int64)
    assignment[r[first]] = c[first]
    covered = existing | (assignment >= 0)
    pos = {int(j): i for i, j in enumerate(chosen)}
    site_gain = np.zeros(len(chosen))
    if len(chosen):
        idx = np.array([pos[int(j)] for j in assignment[assignment >= 0]], dtype=np.int64)
        site_gain = np.bincount(idx, weights=w[assignment >= 0], minlength=len(chosen)).astype(float)
    before = float(w[existing].sum())
    after = float(w[covered].sum())
    return Solution(
        objective=objective,
        method=method,
        chosen=chosen,
        assignment=assignment,
        site_gain=site_gain,
        value=float(value),
        bound=float(bound),
        gap=float(gap),
        optimal=bool(optimal),
        status=status,
        seconds=time.perf_counter() - t0,
        before=before,
        after=after,
        covered=covered,
        minutes=None,
        details=details,
    )


# --- maximal covering -------------------------------------------------------------------------------------


def solve_cover(
    weights: Any,
    cover: Any,
    *,
    k: int,
    existing: Any = None,
    method: str = "auto",
    time_limit: float = 60.0,
) -> Solution:
    """Maximal covering: choose up to ``k`` candidates covering the most weight not yet covered.

    Parameters
    ----------
    weights : array_like, shape (n,)
        Weight per area (children aged 0-6), >= 0.
    cover : travel.Pairs, scipy sparse matrix or bool array, shape (n, m)
        Which candidate reaches which area. Minutes carried by a ``Pairs`` (or a float sparse matrix) pick
        the nearest chosen site in ``assignment``.
    k : int
        Number of new sites.
    existing : array_like of bool, shape (n,), optional
        Areas already covered by the existing places (held fixed: they add nothing new).
    method : {"auto", "exact", "greedy"}
        See the module docstring.
    time_limit : float
        Seconds allowed to HiGHS; on time-out the best solution found is returned with ``optimal=False``.

    Returns
    -------
    Solution
        ``value`` is the weight newly covered; ``bound`` an upper bound on the best possible.

    Examples
    --------
    >>> import numpy as np
    >>> reach = np.eye(3, dtype=bool)  # each candidate reaches one area
    >>> solve_cover([1, 7, 4], reach, k=2).chosen.tolist()
    [1, 2]
    """
    t0 = time.perf_counter()
    w = _weights(weights)
    k = _check_k(k)
    method = _check_method(method)
    time_limit = _check_time_limit(time_limit)
    rows, cols, mins, m = _pairs(cover, len(w))
    existing_mask = _mask(existing, len(w), "existing")
    model = _reduce_cover(w, rows, cols, m, existing_mask)
    n_cand = model.c.shape[1]
    details: dict[str, Any] = dict(model.sizes)

    def done(chosen_reduced, value, bound, optimal, status, used, gap=None) -> Solution:
        chosen = model.cand[np.asarray(chosen_reduced, dtype=np.int64)]
        g = _relative_gap(value, bound) if gap is None else gap
        return _finish_cover(
            "cover",
            used,
            w,
            rows,
            cols,
            mins,
            existing_mask,
            chosen,
            value=value,
            bound=bound,
            gap=g,
            optimal=optimal,
            status=status,
            t0=t0,
            details=details,
        )

    if k == 0 or n_cand == 0:
        return done([], 0.0, 0.0, True, "Optimal (nothing to choose)", "exact")
    if k >= n_cand:  # every useful candidate fits
        return done(
            np.arange(n_cand),
            float(model.w.sum()),
            float(model.w.sum()),
            True,
            "Optimal (all useful candidates fit)",
            "exact",
        )
    greedy = _greedy_cover(model, k=k, need=None)
    picks, value = _swap_improve(model, greedy.picks)
    details.update(greedy_value=greedy.value, swap_value=value)
    upper = greedy.upper
    reduced = None
    if value < upper - 1e-9 * max(1.0, value):
        lagrange, picks, value, reduced = _lagrangian_cover(model, k, picks, value)
        upper = min(upper, lagrange)
        details.update(lagrangian_value=value, lagrangian_bound=lagrange)
    integral = _integral(model.w)
    if integral:
        upper = math.floor(upper + 1e-6)
    nnz = model.c.nnz + model.c.shape[0] + n_cand
    use_exact = method == "exact" or (method == "auto" and nnz <= AUTO_EXACT_MAX_NNZ)
    met = value >= upper - 1e-9 * max(1.0, value)
    if not use_exact or met:
        details["bound_kind"] = "min(f/(1-1/e), f + top-k gains, Lagrangian (LP) bound)"
        return done(
            picks,
            value,
            max(upper, value),
            met,
            "Optimal (greedy met its bound)" if met else "greedy",
            "exact" if (met and use_exact) else "greedy",
            gap=0.0 if met else None,
        )

    # Reduced-cost fixing: a candidate whose Lagrangian bound, when forced in, cannot beat the incumbent is
    # left out of the MIP; the incumbent stays the answer if the MIP finds nothing better.
    free = np.ones(n_cand, dtype=bool)
    if reduced is not None:
        slack = 1.0 - 1e-6 if integral else -1e-9 * max(1.0, value)
        free = ~((reduced < 0) & (upper + reduced < value + slack))
    details["fixed_out"] = int((~free).sum())
    sub, sub_of = _sub_cover(model, free)
    n_sub_area, n_sub = sub.c.shape
    a = _cover_matrix(sub)
    cost = np.concatenate([np.zeros(n_sub), -sub.w])
    integer = np.concatenate([np.ones(n_sub, dtype=bool), np.zeros(n_sub_area, dtype=bool)])
    row_lower = np.full(n_sub_area + 1, -np.inf)
    row_upper = np.concatenate([np.zeros(n_sub_area), [float(k)]])
    start_picks = np.flatnonzero(np.isin(sub_of, picks))
    mip = _solve_mip(
        cost,
        np.ones(n_sub + n_sub_area),
        integer,
        a,
        row_lower,
        row_upper,
        time_limit=max(0.1, time_limit - (time.perf_counter() - t0)),
        integral_objective=integral,
        start=_cover_start(sub, start_picks),
        options=_COVER_OPTIONS,
    )
    details.update(nodes=mip.nodes, solver_seconds=mip.seconds, bound_kind="HiGHS dual bound")
    if mip.x is None:
        details["bound_kind"] = "Lagrangian (HiGHS found no solution)"
        return done(picks, value, upper, False, f"{mip.status}; heuristic solution", "greedy")
    mip_picks = sub_of[np.flatnonzero(np.round(mip.x[:n_sub]) > 0.5)]
    mip_value = float(model.w[np.asarray(model.c[:, mip_picks].sum(axis=1)).ravel() > 0].sum())
    if mip_value >= value:  # never return less than the warm start
        picks, value = mip_picks, mip_value
    # Solutions using a fixed-out candidate are worth no more than the incumbent (integral: < incumbent + 1).
    bound = min(max(-mip.dual_bound, value), upper)
    if integral:
        bound = math.floor(bound + 1e-6)
    optimal = mip.optimal or value >= bound - 1e-9 * max(1.0, value)
    gap = 0.0 if (integral and optimal) else _relative_gap(value, bound)
    return done(picks, value, max(bound, value), optimal, mip.status, "exact", gap=gap)


# --- set cover --------------------------------------------------------------------------------------------


def solve_set_cover(
    weights: Any,
    cover: Any,
    *,
    target_share: float,
    existing: Any = None,
    method: str = "auto",
    time_limit: float = 60.0,
    max_sites: int | None = None,
) -> Solution:
    """Fewest new sites so that the covered share of the total weight (existing + new) >= ``target_share``.

    Parameters
    ----------
    weights, cover, existing, method, time_limit
        As in :func:`solve_cover`.
    target_share : float
        Share of the total weight to cover, in (0, 1].
    max_sites : int, optional
        Give up (``PlanningError``) if more sites than this would be needed.

    Returns
    -------
    Solution
        ``value`` is the number of new sites; ``bound`` a lower bound on the fewest possible.

    Raises
    ------
    UnreachableTargetError
        When even all candidates together cannot reach the target; the error carries the best share.

    Examples
    --------
    >>> import numpy as np
    >>> reach = np.eye(3, dtype=bool)
    >>> solve_set_cover([6, 3, 1], reach, target_share=0.85).chosen.tolist()  # 9 of 10 needs two sites
    [0, 1]
    """
    t0 = time.perf_counter()
    w = _weights(weights)
    method = _check_method(method)
    time_limit = _check_time_limit(time_limit)
    if not (isinstance(target_share, (int, float)) and 0 < target_share <= 1):
        raise PlanningError(f"target_share must be a share in (0, 1], e.g. 0.9; got {target_share!r}")
    rows, cols, mins, m = _pairs(cover, len(w))
    existing_mask = _mask(existing, len(w), "existing")
    model = _reduce_cover(w, rows, cols, m, existing_mask)
    details: dict[str, Any] = dict(model.sizes, target_share=float(target_share))
    total = model.total
    if total <= 0:
        raise PlanningError("there are no children in the areas (all weights are 0): nothing to cover")
    eps = 1e-9 * total
    need = float(target_share) * total - model.base  # weight the new sites must add
    max_share = model.reachable / total
    if model.reachable < float(target_share) * total - eps:
        raise UnreachableTargetError(target_share, max_share, model.base / total, m)
    details["max_share"] = max_share

    def done(chosen_reduced, bound, optimal, status, used, gap=None) -> Solution:
        chosen = model.cand[np.asarray(chosen_reduced, dtype=np.int64)]
        value = float(len(chosen))
        g = _relative_gap(value, bound) if gap is None else gap
        return _finish_cover(
            "set_cover",
            used,
            w,
            rows,
            cols,
            mins,
            existing_mask,
            chosen,
            value=value,
            bound=bound,
            gap=g,
            optimal=optimal,
            status=status,
            t0=t0,
            details=details,
        )

    if need <= eps:
        return done([], 0.0, True, "Optimal (target already met)", "exact")
    greedy = _greedy_cover(model, k=None, need=need)
    picks = _prune(model, greedy.picks, need)
    lower = greedy.lower_sites
    if max_sites is not None and lower > max_sites:
        raise PlanningError(f"the target needs at least {lower} new sites, more than the {max_sites} allowed")
    details.update(greedy_sites=len(greedy.picks), pruned_sites=len(picks))
    n_cand, n_area = model.c.shape[1], model.c.shape[0]
    nnz = model.c.nnz + 2 * n_area + n_cand
    use_exact = method == "exact" or (method == "auto" and nnz <= AUTO_EXACT_MAX_NNZ)
    met = len(picks) <= lower
    if not use_exact or met:
        details["bound_kind"] = "greedy: fewest top gains reaching the target"
        return done(
            picks,
            float(lower),
            met,
            "Optimal (greedy met its bound)" if met else "greedy",
            "exact" if (met and use_exact) else "greedy",
        )
    # min sum x  s.t.  y_i <= sum_{j covers i} x_j,  sum w_i y_i >= need,  x binary, y in [0, 1]
    link = sp.hstack([-model.c.astype(float), sp.identity(n_area, format="csr")], format="csr")
    target_row = sp.csr_matrix(np.concatenate([np.zeros(n_cand), model.w])[None, :])
    a = sp.vstack([link, target_row], format="csr")
    cost = np.concatenate([np.ones(n_cand), np.zeros(n_area)])
    integer = np.concatenate([np.ones(n_cand, dtype=bool), np.zeros(n_area, dtype=bool)])
    row_lower = np.concatenate([np.full(n_area, -np.inf), [need - eps]])
    row_upper = np.concatenate([np.zeros(n_area), [np.inf]])
    mip = _solve_mip(
        cost,
        np.ones(n_cand + n_area),
        integer,
        a,
        row_lower,
        row_upper,
        time_limit=max(0.1, time_limit - (time.perf_counter() - t0)),
        integral_objective=True,
        start=_cover_start(model, picks),
        options=_COVER_OPTIONS,
    )
    details.update(nodes=mip.nodes, solver_seconds=mip.seconds, bound_kind="HiGHS dual bound")
    if mip.x is None:
        return done(picks, float(lower), False, f"{mip.status}; greedy solution", "greedy")
    mip_picks = np.flatnonzero(np.round(mip.x[:n_cand]) > 0.5)
    if len(mip_picks) <= len(picks):
        picks = mip_picks
    bound = max(float(lower), math.ceil(mip.dual_bound - 1e-6))
    optimal = mip.optimal or len(picks) <= bound
    return done(picks, min(bound, len(picks)), optimal, mip.status, "exact", gap=0.0 if optimal else None)
