"""p-median: minimise the children-weighted travel time to the nearest site."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..core.errors import PlanningError
from .core import (
    _MEDIAN_OPTIONS,
    GREEDY_RATIO,
    Solution,
    _check_k,
    _check_method,
    _check_time_limit,
    _pairs,
    _relative_gap,
    _solve_mip,
    _use_exact,
    _weights,
)

# --- p-median ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _MedianRun:
    chosen: np.ndarray  # original candidate indices
    cost: float  # model cost of ``chosen`` (a lower bound of its true cost)
    lower: float  # lower bound on the optimal model cost
    optimal: bool
    status: str
    method: str
    details: dict[str, Any]


@dataclass(frozen=True)
class _Savings:
    """A truncated p-median as a savings problem over candidate pairs.

    Area ``i`` costs ``fallback[i]`` unless an open candidate of one of its pairs is nearer; pair ``p`` saves
    ``save[p] = w_i (fallback_i - c_p) > 0``. Only the pairs that save anything are kept, sorted by area.
    """

    w: np.ndarray  # per area
    fallback: np.ndarray  # per area, finite
    rows: np.ndarray  # per pair: area
    cols: np.ndarray  # per pair: reduced candidate (0 .. n_cand-1)
    mins: np.ndarray  # per pair: minutes
    save: np.ndarray  # per pair: weight x minutes saved against the fallback
    n_cand: int
    cost0: float  # cost with no new site

    def cost(self, open_mask: np.ndarray) -> float:
        """Model cost with the candidates ``open_mask`` (bool per reduced candidate) open."""
        cur = self.fallback.copy()
        sel = open_mask[self.cols]
        np.minimum.at(cur, self.rows[sel], self.mins[sel])
        return float((self.w * cur).sum())


def _median_greedy(sv: _Savings, k: int) -> tuple[np.ndarray, float, float]:
    """Greedy picks with exact gains (one pass over the pairs per pick); returns (picks, cost, lower bound).

    The lower bound is ``cost(S) - (sum of the k largest gains w.r.t. S)`` over every step ``S`` (valid for
    every ``S`` as the savings are submodular), and ``cost0 - (cost0 - cost(greedy)) / (1 - 1/e)``.
    """
    n_cand = sv.n_cand
    kk = min(k, n_cand)
    cur = sv.fallback.copy()
    wr = sv.w[sv.rows]
    picks: list[int] = []
    cost, lower = sv.cost0, -math.inf
    tol = 1e-12 * max(1.0, sv.cost0)
    while True:
        gains = np.bincount(
            sv.cols, weights=wr * np.clip(cur[sv.rows] - sv.mins, 0.0, None), minlength=n_cand
        )
        lower = max(lower, cost - float(np.partition(gains, n_cand - kk)[n_cand - kk :].sum()))
        j = int(np.argmax(gains))
        if len(picks) == kk or gains[j] <= tol:
            break
        picks.append(j)
        sel = sv.cols == j
        np.minimum.at(cur, sv.rows[sel], sv.mins[sel])
        cost = float((sv.w * cur).sum())
    lower = max(lower, sv.cost0 - (sv.cost0 - cost) / GREEDY_RATIO)
    return np.asarray(picks, dtype=np.int64), cost, lower


def _median_swap(sv: _Savings, picks: np.ndarray, *, max_rounds: int = 100) -> tuple[np.ndarray, float]:
    """1-swap local search for the p-median, every (out, in) swap valued at once per round.

    With ``d1``/``d2`` the nearest and second-nearest open costs of an area (the fallback counts as open) and
    ``out`` the pick serving it, swapping ``out`` for ``in`` changes the cost by
    ``loss(out) - gain(in) - extra(out, in)``: ``loss`` = what the areas of ``out`` lose falling back to
    ``d2``, ``gain`` = what ``in`` saves everyone against ``d1``, ``extra`` = what ``in`` saves the areas of
    ``out`` against ``d2`` beyond ``d1`` (Whitaker's fast interchange, vectorised over the pairs).
    """
    picks = np.array(picks, dtype=np.int64)
    n_cand, k = sv.n_cand, len(picks)
    open_mask = np.zeros(n_cand, dtype=bool)
    open_mask[picks] = True
    if k == 0 or k >= n_cand:
        return picks, sv.cost(open_mask)
    n = len(sv.w)
    wr = sv.w[sv.rows]
    tol = 1e-9 * max(1.0, sv.cost0)
    slot = np.full(n_cand, -1, dtype=np.int64)
    for _ in range(max_rounds):
        slot[:] = -1
        slot[picks] = np.arange(k)
        sel = np.flatnonzero(open_mask[sv.cols])
        # pairs are sorted by area; order the open ones by (area, minutes) to read d1 and d2
        order = sel[np.lexsort((sv.mins[sel], sv.rows[sel]))]
        r = sv.rows[order]
        first = np.ones(len(r), dtype=bool)
        first[1:] = r[1:] != r[:-1]
        second = np.zeros(len(r), dtype=bool)
        second[1:] = first[:-1] & ~first[1:]
        d1 = sv.fallback.copy()
        d2 = sv.fallback.copy()
        serve = np.full(n, -1, dtype=np.int64)
        d1[r[first]] = sv.mins[order[first]]
        serve[r[first]] = slot[sv.cols[order[first]]]
        d2[r[second]] = np.minimum(sv.fallback[r[second]], sv.mins[order[second]])
        served = serve >= 0
        loss = np.bincount(serve[served], weights=(sv.w * (d2 - d1))[served], minlength=k)
        gains = np.bincount(sv.cols, weights=wr * np.clip(d1[sv.rows] - sv.mins, 0.0, None), minlength=n_cand)
        own = serve[sv.rows]
        hit = (own >= 0) & (sv.mins < d2[sv.rows]) & ~open_mask[sv.cols]
        extra_val = wr[hit] * (
            np.clip(d2[sv.rows[hit]] - sv.mins[hit], 0.0, None)
            - np.clip(d1[sv.rows[hit]] - sv.mins[hit], 0.0, None)
        )
        extra = np.bincount(own[hit] * n_cand + sv.cols[hit], weights=extra_val, minlength=k * n_cand)
        change = loss[:, None] - gains[None, :] - extra.reshape(k, n_cand)
        change[:, open_mask] = np.inf
        out_i, in_j = np.unravel_index(int(np.argmin(change)), change.shape)
        if change[out_i, in_j] >= -tol:
            break
        open_mask[picks[out_i]] = False
        open_mask[in_j] = True
        picks[out_i] = in_j
    return picks, sv.cost(open_mask)


def _median_lagrangian(
    sv: _Savings, k: int, picks: np.ndarray, cost: float, *, iterations: int, swap_every: int = 50
) -> tuple[float, np.ndarray, float, np.ndarray, np.ndarray]:
    """Lagrangian lower bound for the truncated p-median, with a Lagrangian heuristic on the side.

    Relaxing "at most one saving pair per area" with multipliers ``u_i >= 0`` bounds the savings of any
    ``k`` sites by ``L(u) = sum_i u_i + (sum of the k largest rho_j)``, ``rho_j = sum_{p in j} max(0, save_p -
    u_i)``; so ``cost0 - L(u)`` bounds the cost from below for *any* ``u``. ``L`` is minimised by subgradient
    steps; every ``swap_every`` steps the top-``k`` candidates are polished by :func:`_median_swap`.

    Returns ``(lower, picks, cost, reduced, u)`` with the best multipliers ``u`` and ``reduced[j] = rho_j -
    rho_(k)`` for them: forcing ``j`` into a solution caps its savings at ``L + min(0, reduced_j)``, and
    forcing pair ``p = (i, j)`` into use caps them at ``L + min(0, reduced_j) + min(0, save_p - u_i)``.
    """
    n_cand = sv.n_cand
    kk = min(k, n_cand)
    n = len(sv.w)
    u = np.zeros(n)
    np.maximum.at(u, sv.rows, sv.save)
    u *= 0.5
    best_l, mu, stall = math.inf, 2.0, 0
    reduced = np.zeros(n_cand)
    best_u = u.copy()
    for it in range(iterations):
        gain_p = np.clip(sv.save - u[sv.rows], 0.0, None)
        rho = np.bincount(sv.cols, weights=gain_p, minlength=n_cand)
        top = np.argpartition(rho, n_cand - kk)[n_cand - kk :]
        kth = float(rho[top].min())
        bound = float(u.sum()) + float(rho[top].sum())  # upper bound on the savings
        if bound < best_l * (1.0 - 1e-12):
            best_l, stall, best_u = bound, 0, u.copy()
            reduced = np.asarray(rho - max(kth, 0.0), dtype=float)
        else:
            stall += 1
            if stall >= 10:
                mu, stall = mu / 2.0, 0
        savings = sv.cost0 - cost
        if best_l <= savings + 1e-9 * max(1.0, abs(savings)):
            break
        if it % swap_every == swap_every - 1:
            cand, cand_cost = _median_swap(sv, top)
            if cand_cost < cost:
                picks, cost = cand, cand_cost
                savings = sv.cost0 - cost
        chosen = np.zeros(n_cand, dtype=bool)
        chosen[top] = True
        g = 1.0 - np.bincount(sv.rows, weights=(chosen[sv.cols] & (gain_p > 0)).astype(float), minlength=n)
        norm = float(g @ g)
        if norm == 0.0 or mu < 1e-4:
            break
        u = np.clip(u - mu * (bound - savings) / norm * g, 0.0, None)
    return sv.cost0 - best_l, np.asarray(picks, dtype=np.int64), float(cost), reduced, best_u


def _median_once(
    w: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    mins: np.ndarray,
    m: int,
    fallback: np.ndarray,
    *,
    k: int,
    use_exact: bool,
    time_limit: float,
) -> _MedianRun:
    """Solve the truncated p-median once: area i costs ``fallback[i]`` (finite) unless a kept pair serves it.

    Heuristics first (greedy, 1-swap, Lagrangian with its bound), then - when exact - HiGHS on the model
    ``min cost0 - sum_p save_p z_p`` with ``sum_{p in i} z_p <= 1``, ``z_p <= x_j``, ``sum x_j <= k``,
    leaving out the candidates the Lagrangian bound proves useless.
    """
    t_start = time.perf_counter()
    keep = (w[rows] > 0) & (mins < fallback[rows])
    rows, cols, mins = rows[keep], cols[keep], mins[keep]
    order = np.lexsort((cols, rows))
    rows, cols, mins = rows[order], cols[order], mins[order]
    cost0 = float((w * fallback).sum())
    used = np.unique(cols)
    details: dict[str, Any] = {"reduced_pairs": len(rows), "reduced_candidates": len(used)}
    n_cand = len(used)
    if n_cand == 0 or k == 0:
        return _MedianRun(
            np.zeros(0, dtype=np.int64), cost0, cost0, True, "Optimal (nothing to choose)", "exact", details
        )
    col_pos = np.full(m, -1, dtype=np.int64)
    col_pos[used] = np.arange(n_cand)
    sv = _Savings(w, fallback, rows, col_pos[cols], mins, w[rows] * (fallback[rows] - mins), n_cand, cost0)
    if k >= n_cand:
        c_all = sv.cost(np.ones(n_cand, dtype=bool))
        return _MedianRun(used, c_all, c_all, True, "Optimal (all useful candidates fit)", "exact", details)

    def met(cost: float, lower: float) -> bool:
        return cost <= lower + 1e-9 * max(1.0, abs(cost))

    picks, cost, lower = _median_greedy(sv, k)
    details["greedy_cost"] = cost
    picks, cost = _median_swap(sv, picks)
    details["swap_cost"] = cost
    reduced, lag = None, -math.inf
    if not met(cost, lower):
        # a short run when only a bound is wanted; a longer one to fix candidates before the MIP
        iterations = 300 if use_exact else 100
        lag, picks, cost, reduced, u_best = _median_lagrangian(sv, k, picks, cost, iterations=iterations)
        lower = max(lower, lag)
        details.update(lagrangian_cost=cost, lagrangian_lower=lag)
    if not use_exact or met(cost, lower):
        done = met(cost, lower)
        return _MedianRun(
            used[picks],
            cost,
            min(lower, cost),
            done,
            "Optimal (heuristic met its bound)" if done else "greedy",
            "exact" if done and use_exact else "greedy",
            details,
        )

    # reduced-cost fixing: forcing j in caps the savings at L + min(0, reduced_j) <= best savings -> leave out
    best_save = cost0 - cost
    free = np.ones(n_cand, dtype=bool)
    sel = np.ones(len(sv.rows), dtype=bool)
    if reduced is not None:
        slack = 1e-9 * max(1.0, best_save)
        cap = (cost0 - lag) + np.minimum(0.0, reduced)  # with the multipliers ``reduced`` belongs to
        free = cap > best_save + slack
        cap_pair = cap[sv.cols] + np.minimum(0.0, sv.save - u_best[sv.rows])
        sel = cap_pair > best_save + slack
        incumbent = np.zeros(n_cand, dtype=bool)
        incumbent[picks] = True
        free |= incumbent  # keep the incumbent representable (warm start)
        sel |= incumbent[sv.cols]
    sel &= free[sv.cols]
    details.update(fixed_out=int((~free).sum()), pairs_fixed_out=int((~sel).sum()))
    f_idx = np.flatnonzero(free)
    f_pos = np.full(n_cand, -1, dtype=np.int64)
    f_pos[f_idx] = np.arange(len(f_idx))
    p_rows, p_cols, p_save = sv.rows[sel], f_pos[sv.cols[sel]], sv.save[sel]
    nf, n_pair = len(f_idx), int(sel.sum())
    _, area_row = np.unique(p_rows, return_inverse=True)
    n_arow = int(area_row.max()) + 1 if n_pair else 0
    pidx = np.arange(n_pair)
    a = sp.csr_matrix(
        (
            np.concatenate([np.ones(n_pair), np.ones(n_pair), -np.ones(n_pair), np.ones(nf)]),
            (
                np.concatenate([area_row, n_arow + pidx, n_arow + pidx, np.full(nf, n_arow + n_pair)]),
                np.concatenate([nf + pidx, nf + pidx, p_cols, np.arange(nf)]),
            ),
        ),
        shape=(n_arow + n_pair + 1, nf + n_pair),
    )
    cost_vec = np.concatenate([np.zeros(nf), -p_save])
    integer = np.concatenate([np.ones(nf, dtype=bool), np.zeros(n_pair, dtype=bool)])
    row_lower = np.full(n_arow + n_pair + 1, -np.inf)
    row_upper = np.concatenate([np.ones(n_arow), np.zeros(n_pair), [float(k)]])
    xs = np.zeros(nf)
    xs[f_pos[picks]] = 1.0
    zs = np.zeros(n_pair)
    open_pairs = np.flatnonzero(xs[p_cols] > 0.5)
    if len(open_pairs):  # warm start: every area to its best open pair
        op = open_pairs[np.lexsort((-p_save[open_pairs], p_rows[open_pairs]))]
        first = np.ones(len(op), dtype=bool)
        first[1:] = p_rows[op][1:] != p_rows[op][:-1]
        zs[op[first]] = 1.0
    mip = _solve_mip(
        cost_vec,
        np.ones(nf + n_pair),
        integer,
        a,
        row_lower,
        row_upper,
        time_limit=max(0.1, time_limit - (time.perf_counter() - t_start)),
        integral_objective=False,
        start=np.concatenate([xs, zs]),
        options=_MEDIAN_OPTIONS,
    )
    details.update(nodes=mip.nodes, solver_seconds=mip.seconds)
    if mip.x is None:
        return _MedianRun(
            used[picks], cost, lower, False, f"{mip.status}; heuristic solution", "greedy", details
        )
    x_open = np.zeros(n_cand, dtype=bool)
    x_open[f_idx[np.round(mip.x[:nf]) > 0.5]] = True
    mcost = sv.cost(x_open)
    if mcost < cost:
        picks, cost = np.flatnonzero(x_open), mcost
    # solutions using a fixed-out candidate save no more than the incumbent did
    lower = max(lower, cost0 + min(mip.dual_bound, -best_save))
    return _MedianRun(
        used[np.sort(picks)],
        cost,
        min(lower, cost),
        mip.optimal or met(cost, lower),
        mip.status,
        "exact",
        details,
    )


def _nearest_of(
    rows: np.ndarray, cols: np.ndarray, mins: np.ndarray, n: int, chosen: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per area, the nearest candidate of ``chosen`` among the pairs (-1, inf where none) and its minutes."""
    sel = np.isin(cols, chosen)
    r, c, t = rows[sel], cols[sel], mins[sel]
    order = np.lexsort((c, t, r))
    r, c, t = r[order], c[order], t[order]
    first = np.ones(len(r), dtype=bool)
    first[1:] = r[1:] != r[:-1]
    best = np.full(n, -1, dtype=np.int64)
    best_min = np.full(n, np.inf)
    best[r[first]] = c[first]
    best_min[r[first]] = t[first]
    return best, best_min


def solve_median(
    weights: Any,
    costs: Any,
    *,
    k: int,
    existing_minutes: Any = None,
    cutoff: Any = None,
    true_minutes: Callable[[np.ndarray], np.ndarray] | None = None,
    method: str = "auto",
    time_limit: float = 60.0,
    neighbours: int | None = None,
) -> Solution:
    """p-median: choose up to ``k`` candidates minimising the weighted mean minutes to the nearest open place.

    Parameters
    ----------
    weights : array_like, shape (n,)
        Weight per area (children aged 0-6).
    costs : ndarray (n, m) of minutes, or travel.Pairs / sparse matrix of minutes
        A dense matrix is truncated internally to each area's ``neighbours`` nearest candidates and widened
        until the truncation is proven harmless. Sparse pairs are the pairs within ``cutoff``.
    k : int
        Number of new sites.
    existing_minutes : array_like, shape (n,), optional
        Minutes from each area to its nearest existing place (``inf`` where none); existing places stay open.
    cutoff : float or array_like, optional
        For sparse ``costs``: every pair not given is at least this many minutes (scalar or per area).
        ``None``: the pairs are complete (a missing pair cannot be travelled).
    true_minutes : callable, optional
        For sparse ``costs`` with a cutoff: ``true_minutes(chosen)`` -> minutes from every area to the nearest
        of the candidates ``chosen``, used to certify the solution. Without it, an area beyond the cutoff of
        every chosen site is charged its existing nearest place (an upper estimate; the gap says how much).
    method, time_limit
        As in :func:`solve_cover`.
    neighbours : int, optional
        Starting truncation for a dense matrix (default ``max(8, 3 m / k)``).

    Returns
    -------
    Solution
        ``value`` and ``bound`` are weighted mean minutes; ``minutes`` the per-area minutes after.

    Examples
    --------
    >>> import numpy as np
    >>> minutes = np.array([[1.0, 9.0], [2.0, 8.0], [9.0, 1.0]])
    >>> solve_median([1, 1, 5], minutes, k=1).chosen.tolist()  # the heavy area 2 wins
    [1]
    >>> solve_median([1, 1, 5], minutes, k=1, existing_minutes=[9, 9, 0]).chosen.tolist()  # 2 is served
    [0]
    """
    t0 = time.perf_counter()
    w = _weights(weights)
    n = len(w)
    k = _check_k(k)
    method = _check_method(method)
    time_limit = _check_time_limit(time_limit)
    ex = np.full(n, np.inf) if existing_minutes is None else np.asarray(existing_minutes, dtype=float).ravel()
    if ex.shape != (n,):
        raise PlanningError(f"existing_minutes must have one value per area ({n}), got {ex.size}")
    total_w = float(w.sum())
    if total_w <= 0:
        raise PlanningError("there are no children in the areas (all weights are 0): nothing to plan")
    details: dict[str, Any] = {"areas": n}
    deadline = t0 + time_limit
    is_dense = not (sp.issparse(costs) or hasattr(costs, "rows"))

    if is_dense:
        dense = np.asarray(costs, dtype=float)
        if dense.ndim != 2 or dense.shape[0] != n:
            raise PlanningError(
                f"the minutes matrix must be areas x candidates ({n} rows), got {dense.shape}"
            )
        m = dense.shape[1]
        if m == 0 or not np.all(np.isfinite(dense)):
            raise PlanningError("the minutes matrix must hold finite minutes for at least one candidate")
        # Charging "no new site" max_j c_ij + 1 is exact once at least one site is open (any site beats it).
        worst = dense.max(axis=1) + 1.0
        q = min(m, neighbours or max(8, math.ceil(3 * m / max(k, 1))))
        while True:
            if q < m:
                part = np.argpartition(dense, q, axis=1)
                near = part[:, :q]
                rcut = np.take_along_axis(dense, part[:, q : q + 1], axis=1).ravel()
            else:
                near = np.broadcast_to(np.arange(m), (n, m))
                rcut = worst
            rows = np.repeat(np.arange(n, dtype=np.int64), q)
            cols = near.ravel().astype(np.int64)
            mins = dense[rows, cols]
            fallback = np.minimum(ex, rcut)
            run = _median_once(
                w,
                rows,
                cols,
                mins,
                m,
                fallback,
                k=k,
                use_exact=_use_exact(method, len(rows)),
                time_limit=max(1.0, deadline - time.perf_counter()),
            )
            sub = dense[:, run.chosen]
            tm = np.minimum(ex, sub.min(axis=1)) if len(run.chosen) else ex.copy()
            true_cost = float((w * tm).sum())
            details["neighbours"] = q
            if q >= m or true_cost <= run.cost * (1 + 1e-9) + 1e-9 or time.perf_counter() > deadline:
                break
            q = min(m, 2 * q)
        best = np.full(n, -1, dtype=np.int64)
        best_min = np.full(n, np.inf)
        if len(run.chosen):
            arg = sub.argmin(axis=1)
            best, best_min = run.chosen[arg], sub[np.arange(n), arg]
    else:
        rows, cols, mins, m = _pairs(costs, n)
        rcut = (
            np.full(n, np.inf) if cutoff is None else np.broadcast_to(np.asarray(cutoff, float), (n,)).copy()
        )
        fallback = np.minimum(ex, rcut)
        hopeless = ~np.isfinite(fallback)
        if hopeless.any():
            # Complete pairs and no existing place: "no new site" costs more than any of the area's pairs.
            worst = np.full(n, -np.inf)
            np.maximum.at(worst, rows, mins)
            no_way = hopeless & (w > 0) & ~np.isfinite(worst)
            if no_way.any():
                raise PlanningError(
                    f"{int(no_way.sum())} areas with children have no existing place and no candidate site "
                    "within reach; add candidate sites there or allow longer trips"
                )
            fallback = np.where(hopeless, worst + 1.0, fallback)
        run = _median_once(
            w,
            rows,
            cols,
            mins,
            m,
            fallback,
            k=k,
            use_exact=_use_exact(method, len(rows)),
            time_limit=time_limit,
        )
        best, best_min = _nearest_of(rows, cols, mins, n, run.chosen)
        if true_minutes is not None and len(run.chosen):
            far = np.asarray(true_minutes(run.chosen), dtype=float).ravel()
            if far.shape != (n,):
                raise PlanningError(f"true_minutes must return one value per area ({n}), got {far.size}")
            best_min = np.minimum(best_min, far)
        tm = np.minimum(ex, best_min)
        true_cost = float((w * tm).sum())
        if cutoff is not None and true_minutes is None:
            details["note"] = "areas beyond the cutoff charged their existing nearest place"

    unserved = (w > 0) & ~np.isfinite(tm)
    if unserved.any():
        raise PlanningError(
            f"{int(unserved.sum())} areas with children would have no place within reach even with the "
            f"{len(run.chosen)} new sites; allow more sites or longer trips"
        )
    certified = true_cost <= run.cost * (1 + 1e-9) + 1e-9
    value = true_cost / total_w
    bound = min(run.lower, true_cost) / total_w
    optimal = bool(run.optimal and certified)
    assignment = np.where(best_min < ex, best, -1).astype(np.int64)
    order = {int(j): i for i, j in enumerate(run.chosen)}
    served = assignment >= 0
    idx = np.array([order[int(j)] for j in assignment[served]], dtype=np.int64)
    site_gain = np.bincount(idx, weights=w[served], minlength=len(run.chosen)).astype(float)
    pos_w = w > 0
    before = float((w[pos_w] * ex[pos_w]).sum()) / total_w if np.all(np.isfinite(ex[pos_w])) else math.inf
    details.update(run.details, certified=certified, model_cost=run.cost / total_w)
    return Solution(
        objective="median",
        method=run.method,
        chosen=np.asarray(run.chosen, dtype=np.int64),
        assignment=assignment,
        site_gain=site_gain,
        value=value,
        bound=bound,
        gap=0.0 if optimal and _relative_gap(value, bound) < 1e-9 else _relative_gap(value, bound),
        optimal=optimal,
        status=run.status,
        seconds=time.perf_counter() - t0,
        before=before,
        after=value,
        covered=None,
        minutes=tm,
        details=details,
    )
