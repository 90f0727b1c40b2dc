"""Rescheduling proposals: move at most K weekly sessions to other days to reach children on more days.

A *session* is one opening interval of a counted place in the reference week (one weekday's interval); a
move keeps its time of day and length and puts it on another day of ``days``. The objective is
**child-days** (DESIGN.md): the sum over the days of ``days`` of the children in areas within the threshold
of at least one counted place open that day.

Exact method (``method="exact"``, the default when the model is small): a mixed-integer programme solved
by HiGHS. Areas reached by the same set of places are merged (their children summed; areas no place reaches
are left out, they add nothing whatever the schedule). Binary ``x[s, d]`` puts session ``s`` on day ``d``
(its own day or a day of ``days``), ``sum_d x[s, d] = 1`` and ``sum_s (1 - x[s, own day]) <= K``;
continuous ``0 <= y[p, d] <= sum_{s of p} x[s, d]`` and ``0 <= z[g, d] <= sum_{p reaching g} y[p, d]``,
both ``<= 1``; maximise ``sum kids[g] z[g, d]``. For any integral ``x`` the best ``y`` is
``min(1, sum x)`` (place open that day) and the best ``z`` is ``min(1, sum y)`` (group reached that day), so
the programme's optimum is the best child-days over every choice of at most K moves; HiGHS proves it
(``optimal`` true when its status is optimal, relative gap 1e-6).

Heuristic (``method="greedy"``, and ``auto`` for large models): K rounds of the best single move, each
evaluated exactly and incrementally from the per-area, per-day count of open reaching places; a session moves
at most once. ``optimal`` is then false.

Examples
--------
>>> move_rule("Sep-May Mo,We,Fr 09:00-12:00; PH off", "Mo", "Tu", "09:00-12:00")
'Sep-May Tu,We,Fr 09:00-12:00; PH off'
>>> move_rule("Sep-May Tu 10:00-12:00; PH off", "Tu", "Th", "10:00-12:00")
'Sep-May Th 10:00-12:00; PH off'
"""

from __future__ import annotations

import dataclasses
import re
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..analysis.reach import _demand, _in_crs, _num, _status_mask, _xy
from ..analysis.week import _monday, _reach_matrix, _week_table
from ..core.errors import HoursEditError, PlanningError
from ..core.model import Project, Settings
from ..core.schedule import WEEKDAYS
from ..travel.base import TravelModel
from ..travel.choose import model_from_settings
from .core import _solve_mip

RESCHEDULE_METHODS = ("auto", "exact", "greedy")
AUTO_EXACT_MAX_VARS = 200_000
"""``auto`` solves exactly when the merged model has at most this many variables."""


@dataclass
class RescheduleResult:
    """The proposal of :func:`reschedule`.

    ``moves`` has ``place_id, name, from, to, hours, gain_child_days`` (in the order applied; each gain is
    the child-days the move adds after the earlier ones, so they sum to ``after - before``) plus ``row``
    (the place's position in ``project.places``). ``per_day_before`` / ``per_day_after``: children reached
    on each day of ``days``.
    """

    settings: Settings
    model: dict
    days: tuple[str, ...]
    week: Any
    k: int
    moves: pd.DataFrame
    before: float
    after: float
    per_day_before: dict[str, float]
    per_day_after: dict[str, float]
    optimal: bool
    method: str
    seconds: float
    sessions: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)

    def to_json(self) -> dict[str, Any]:
        """Return the ``plan --reschedule --json`` object of DESIGN.md."""
        s, m = self.settings, self.model
        settings = {
            "mode": s.mode, "model": m.get("model", ""), "speed_kmh": _num(m.get("speed_kmh", s.speed_kmh)),
            "circuity": _num(m.get("circuity", s.circuity)), "threshold_minutes": _num(s.threshold_minutes),
            "threshold_km": _num(s.threshold_km), "at": None, "days": list(self.days),
            "week": self.week.isoformat(), "k": self.k, "method": self.method,
        }
        moves = [
            {"place_id": str(r.place_id), "name": str(r.name), "from": r.from_day, "to": r.to_day,
             "hours": r.hours, "gain_child_days": round(float(r.gain_child_days), 6)}
            for r in self.moves.itertuples(index=False)
        ]
        return {"settings": settings, "moves": moves, "before": {"child_days": round(self.before, 6)},
                "after": {"child_days": round(self.after, 6)}, "optimal": bool(self.optimal)}


def parse_days(text: str) -> tuple[str, ...]:
    """Read ``Mo-Fr`` / ``Mo,We,Fr`` / ``Tu-Th,Sa`` into weekday codes in week order.

    >>> parse_days("Mo-Fr"), parse_days("sa,Mo")
    (('Mo', 'Tu', 'We', 'Th', 'Fr'), ('Mo', 'Sa'))
    """
    out: set[int] = set()
    codes = {d.lower(): i for i, d in enumerate(WEEKDAYS)}
    for part in (text or "").replace(" ", "").split(","):
        ends = part.split("-")
        if not part or len(ends) > 2 or any(e.lower() not in codes for e in ends):
            raise PlanningError(f"cannot read the days {text!r}: use weekdays such as Mo-Fr or Mo,We,Fr")
        a, b = codes[ends[0].lower()], codes[ends[-1].lower()]
        out.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    return tuple(WEEKDAYS[i] for i in sorted(out))


def session_table(places: pd.DataFrame, monday: Any) -> pd.DataFrame:
    """List the sessions of ``places`` in the week of ``monday``: ``row, day`` (0-6), ``start, end``.

    ``start`` and ``end`` are minutes from that day's midnight.
    """
    starts, ends, owner = _week_table(places, monday)
    day = (starts // 1440).astype(int)
    out = pd.DataFrame({"row": owner.astype(int), "day": day, "start": starts - day * 1440.0,
                        "end": ends - day * 1440.0})
    return out[out["day"] < 7].reset_index(drop=True)


def hours_text(start: float, end: float) -> str:
    """Minutes of the day as ``HH:MM-HH:MM`` (opening_hours syntax)."""
    def clock(m: float) -> str:
        m = int(round(m))
        return f"{m // 60:02d}:{m % 60:02d}"
    return f"{clock(start)}-{clock(end)}"


def reschedule(
    project: Project,
    settings: Settings | None = None,
    *,
    k: int,
    days: tuple[str, ...] | str = ("Mo", "Tu", "We", "Th", "Fr"),
    week: Any = None,
    include_planned: bool = False,
    model: TravelModel | None = None,
    method: str = "auto",
    time_limit: float = 60.0,
) -> RescheduleResult:
    """Propose at most ``k`` session moves that maximise child-days over ``days`` (see the module notes)."""
    if method not in RESCHEDULE_METHODS:
        raise PlanningError(f"method must be one of {', '.join(RESCHEDULE_METHODS)}, got {method!r}")
    if int(k) < 0:
        raise PlanningError(f"K must be at least 0, got {k!r}")
    day_codes = parse_days(days) if isinstance(days, str) else tuple(days)
    target = np.array([WEEKDAYS.index(d) for d in day_codes], dtype=int)
    settings = settings or project.settings
    model = model or model_from_settings(settings)
    monday = _monday(week)
    places = _in_crs(project.places, "places")
    status = _status_mask(places, include_planned)
    rows = np.flatnonzero(status)
    sub = places.iloc[rows]
    sessions = session_table(sub, monday)
    areas = _in_crs(project.areas, "areas")
    kids = _demand(areas, "children_0_6")
    some = kids > 0
    reach = _reach_matrix(model, _xy(areas, "areas")[some], _xy(places, "places")[rows], settings).tocsr()
    groups, weights = _merge_areas(reach, kids[some])
    t0 = time.perf_counter()
    n_vars = len(sessions) * (len(target) + 1) + len(sub) * len(target) + groups.shape[0] * len(target)
    exact = method == "exact" or (method == "auto" and n_vars <= AUTO_EXACT_MAX_VARS)
    if exact and int(k) > 0 and len(sessions):
        chosen, optimal = _exact(groups, weights, sessions, target, int(k), time_limit)
        used = "exact"
    else:
        chosen = _greedy(groups, weights, sessions, target, int(k))
        optimal, used = int(k) == 0 or not len(sessions), "greedy"
    seconds = time.perf_counter() - t0
    day_of = sessions["day"].to_numpy(int).copy()
    before_days = _per_day(groups, weights, sessions["row"].to_numpy(int), day_of, len(sub))
    ordered = _order_moves(groups, weights, sessions, target, chosen)
    gains = []
    current = float(before_days[target].sum())
    srow = sessions["row"].to_numpy(int)
    for s, d in ordered:
        day_of[s] = d
        value = float(_per_day(groups, weights, srow, day_of, len(sub))[target].sum())
        gains.append(value - current)
        current = value
    after_days = _per_day(groups, weights, sessions["row"].to_numpy(int), day_of, len(sub))
    ids = sub["id"].astype(str).to_numpy(object) if "id" in sub else np.array([str(r + 1) for r in rows])
    names = sub["name"].astype(str).to_numpy(object) if "name" in sub else ids
    srow = sessions["row"].to_numpy(int)
    moves = pd.DataFrame({
        "place_id": [ids[srow[s]] for s, _d in ordered],
        "name": [names[srow[s]] for s, _d in ordered],
        "from_day": [WEEKDAYS[int(sessions["day"].iat[s])] for s, _d in ordered],
        "to_day": [WEEKDAYS[int(d)] for _s, d in ordered],
        "hours": [hours_text(sessions["start"].iat[s], sessions["end"].iat[s]) for s, _d in ordered],
        "gain_child_days": gains,
        "row": [int(rows[srow[s]]) for s, _d in ordered],
    }, columns=["place_id", "name", "from_day", "to_day", "hours", "gain_child_days", "row"])
    before, after = float(before_days[target].sum()), float(after_days[target].sum())
    if after < before - 1e-6:  # cannot happen: no move is also a solution
        raise PlanningError("rescheduling made child-days worse; please report this")
    out_sessions = sessions.assign(place_row=rows[srow], new_day=day_of)
    return RescheduleResult(
        settings, dict(model.describe()), day_codes, monday, int(k), moves, round(before, 6), round(after, 6),
        {WEEKDAYS[d]: float(before_days[d]) for d in target},
        {WEEKDAYS[d]: float(after_days[d]) for d in target},
        bool(optimal), used, seconds, out_sessions,
    )


# --- evaluation -----------------------------------------------------------------------------------------


def _merge_areas(reach: sp.csr_matrix, kids: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray]:
    """Merge areas reached by the same set of places (children summed); drop areas no place reaches."""
    reach = sp.csr_matrix(reach, dtype=np.int8)
    reach.sum_duplicates()
    reach.sort_indices()
    keys: dict[bytes, int] = {}
    group = np.full(reach.shape[0], -1, dtype=np.int64)
    for a in range(reach.shape[0]):
        cols = reach.indices[reach.indptr[a]:reach.indptr[a + 1]]
        if len(cols):
            group[a] = keys.setdefault(cols.tobytes(), len(keys))
    ok = group >= 0
    weights = np.bincount(group[ok], weights=kids[ok], minlength=len(keys))
    first = np.full(len(keys), -1, dtype=np.int64)
    first[group[ok][::-1]] = np.flatnonzero(ok)[::-1]
    merged = reach[first] if len(keys) else sp.csr_matrix((0, reach.shape[1]), dtype=np.int8)
    return sp.csr_matrix(merged, dtype=np.int8), weights


def _open(rows: np.ndarray, day_of: np.ndarray, n_places: int) -> np.ndarray:
    out = np.zeros((n_places, 7), dtype=bool)
    out[rows, day_of] = True
    return out


def _per_day(groups: sp.csr_matrix, weights: np.ndarray, rows: np.ndarray, day_of: np.ndarray,
             n_places: int) -> np.ndarray:
    """Children reached on each weekday (7,) with the sessions on ``day_of``."""
    counts = groups @ _open(rows, day_of, n_places).astype(np.int32)
    return weights @ (np.asarray(counts) > 0)


# --- the heuristic ----------------------------------------------------------------------------------------


def _greedy(groups: sp.csr_matrix, weights: np.ndarray, sessions: pd.DataFrame, target: np.ndarray,
            k: int) -> list[tuple[int, int]]:
    """K rounds of the best single move (exact marginal gains from per-area counts)."""
    rows = sessions["row"].to_numpy(int)
    day_of = sessions["day"].to_numpy(int).copy()
    n_places = int(rows.max()) + 1 if len(rows) else 0
    in_target = np.zeros(7, dtype=bool)
    in_target[target] = True
    by_place = sp.csc_matrix(groups)
    counts = np.asarray(groups @ _open(rows, day_of, n_places).astype(np.int32))  # (groups, 7)
    of_place = [np.flatnonzero(rows == p) for p in range(n_places)]
    moved: set[int] = set()
    chosen: list[tuple[int, int]] = []
    for _ in range(k):
        best = (1e-9, -1, -1)
        for p in range(n_places):
            sess = [int(s) for s in of_place[p] if int(s) not in moved]
            if not sess:
                continue
            g = by_place.indices[by_place.indptr[p]:by_place.indptr[p + 1]]
            w, c = weights[g], counts[g]
            gain_to = w @ (c == 0)  # (7,)
            loss_from = w @ (c == 1)
            opened = np.zeros(7, dtype=int)
            np.add.at(opened, day_of[of_place[p]], 1)
            for s in sess:
                d0 = int(day_of[s])
                loss = loss_from[d0] if (opened[d0] == 1 and in_target[d0]) else 0.0
                for d in target:
                    if d == d0 or opened[d] > 0:
                        continue
                    gain = gain_to[d] - loss
                    if gain > best[0]:
                        best = (float(gain), int(s), int(d))
        if best[1] < 0:
            break
        _gain, best_s, d = best
        p, d0 = rows[best_s], day_of[best_s]
        g = by_place.indices[by_place.indptr[p]:by_place.indptr[p + 1]]
        if (day_of[of_place[p]] == d0).sum() == 1:
            counts[g, d0] -= 1
        counts[g, d] += 1
        day_of[best_s] = d
        moved.add(best_s)
        chosen.append((best_s, d))
    return chosen


def _order_moves(groups: sp.csr_matrix, weights: np.ndarray, sessions: pd.DataFrame, target: np.ndarray,
                 chosen: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Drop moves that add nothing, then order the rest by marginal gain (biggest first)."""
    rows = sessions["row"].to_numpy(int)
    day_of = sessions["day"].to_numpy(int).copy()
    n = int(rows.max()) + 1 if len(rows) else 0
    def value(moves: list[tuple[int, int]]) -> float:
        trial = day_of.copy()
        for s, d in moves:
            trial[s] = d
        return float(_per_day(groups, weights, rows, trial, n)[target].sum())

    left, out = list(chosen), []
    full = value(left)
    for move in list(left):  # a move the others do not need is left out (same child-days, fewer changes)
        rest = [m for m in left if m != move]
        if value(rest) >= full - 1e-9:
            left = rest
    while left:
        scores = []
        for s, d in left:
            trial = day_of.copy()
            trial[s] = d
            scores.append(float(_per_day(groups, weights, rows, trial, n)[target].sum()))
        i = int(np.argmax(scores))
        s, d = left.pop(i)
        day_of[s] = d
        out.append((s, d))
    return out


# --- the exact model ------------------------------------------------------------------------------------


def _exact(groups: sp.csr_matrix, weights: np.ndarray, sessions: pd.DataFrame, target: np.ndarray, k: int,
           time_limit: float) -> tuple[list[tuple[int, int]], bool]:
    rows = sessions["row"].to_numpy(int)
    own = sessions["day"].to_numpy(int)
    n_s, n_d, n_g = len(sessions), len(target), groups.shape[0]
    n_p = int(rows.max()) + 1
    # x[s, j]: j = 0..n_d-1 target days, j = n_d own day (may coincide with a target day: then unused)
    x = lambda s, j: s * (n_d + 1) + j  # noqa: E731
    n_x = n_s * (n_d + 1)
    y = lambda p, j: n_x + p * n_d + j  # noqa: E731
    n_y = n_p * n_d
    z = lambda g, j: n_x + n_y + g * n_d + j  # noqa: E731
    n = n_x + n_y + n_g * n_d
    cost = np.zeros(n)
    upper = np.ones(n)
    integer = np.zeros(n, dtype=bool)
    integer[:n_x] = True
    for s in range(n_s):
        for j, d in enumerate(target):
            if d == own[s]:
                upper[x(s, j)] = 0  # "staying" is x[s, own]
    for g in range(n_g):
        for j in range(n_d):
            cost[z(g, j)] = -weights[g]
    r_i: list[int] = []
    r_j: list[int] = []
    r_v: list[float] = []
    lo: list[float] = []
    hi: list[float] = []

    def row(cols: list[int], vals: list[float], low: float, high: float) -> None:
        i = len(lo)
        r_i.extend([i] * len(cols))
        r_j.extend(cols)
        r_v.extend(vals)
        lo.append(low)
        hi.append(high)

    for s in range(n_s):  # each session on exactly one day
        row([x(s, j) for j in range(n_d + 1)], [1.0] * (n_d + 1), 1.0, 1.0)
    row([x(s, n_d) for s in range(n_s)], [1.0] * n_s, n_s - k, np.inf)  # at most k moves
    for p in range(n_p):
        mine = np.flatnonzero(rows == p)
        for j, d in enumerate(target):
            cols, vals = [y(p, j)], [1.0]
            for s in mine.tolist():
                cols.append(x(s, j))
                vals.append(-1.0)
                if own[s] == d:
                    cols.append(x(s, n_d))
                    vals.append(-1.0)
            row(cols, vals, -np.inf, 0.0)
    gr = sp.csr_matrix(groups)
    for g in range(n_g):
        ps = gr.indices[gr.indptr[g]:gr.indptr[g + 1]]
        for j in range(n_d):
            row([z(g, j)] + [y(int(p), j) for p in ps], [1.0] + [-1.0] * len(ps), -np.inf, 0.0)
    a = sp.csr_matrix((r_v, (r_i, r_j)), shape=(len(lo), n))
    t0 = time.perf_counter()
    res = _solve_mip(cost, upper, integer, a, np.array(lo), np.array(hi), time_limit=time_limit,
                     integral_objective=False)
    if res.x is None:
        raise PlanningError(f"the exact rescheduling model found no solution ({res.status})")
    if res.optimal:  # second stage: the fewest moves that keep the best child-days
        best = -res.objective
        stays = np.zeros(n)
        stays[[x(s, n_d) for s in range(n_s)]] = -1.0
        a2 = sp.vstack([a, sp.csr_matrix(-cost)]).tocsr()
        lo2 = np.append(lo, best - 1e-7 * max(1.0, abs(best)))
        hi2 = np.append(hi, np.inf)
        left = max(time_limit - (time.perf_counter() - t0), 1.0)
        second = _solve_mip(stays, upper, integer, a2, lo2, hi2, time_limit=left, integral_objective=True,
                            start=res.x)
        if second.x is not None and second.optimal:
            res = second
    chosen = []
    values = res.x if res.x is not None else np.zeros(n)
    for s in range(n_s):
        if values[x(s, n_d)] < 0.5:
            j = int(np.argmax([values[x(s, j)] for j in range(n_d)]))
            chosen.append((s, int(target[j])))
    return chosen, res.optimal


# --- accepting a move: edit the rule, keep the rest -------------------------------------------------------

_DAYS_RE = re.compile(r"\b((?:Mo|Tu|We|Th|Fr|Sa|Su)(?:\s*[-,]\s*(?:Mo|Tu|We|Th|Fr|Sa|Su))*)\b")


def _expand(selector: str) -> list[int]:
    out: list[int] = []
    for part in selector.replace(" ", "").split(","):
        a, _, b = part.partition("-")
        i, j = WEEKDAYS.index(a), WEEKDAYS.index(b or a)
        out.extend(range(i, j + 1) if i <= j else [*range(i, 7), *range(0, j + 1)])
    return out


def _compact(days: list[int]) -> str:
    days = sorted(set(days))
    parts, start = [], None
    for i, d in enumerate(days):
        if start is None:
            start = d
        if i + 1 == len(days) or days[i + 1] != d + 1:
            parts.append(WEEKDAYS[start] if d - start < 2 else f"{WEEKDAYS[start]}-{WEEKDAYS[d]}")
            if d - start == 1:
                parts[-1] = f"{WEEKDAYS[start]},{WEEKDAYS[d]}"
            start = None
    return ",".join(parts)


def move_rule(rule: str, from_day: str, to_day: str, hours: str) -> str:
    """Rewrite an opening_hours value so its ``from_day`` session at ``hours`` is on ``to_day`` instead.

    The rule part (between ``;``) whose weekdays include ``from_day`` and whose times include ``hours`` gets
    ``to_day`` in place of ``from_day``; every other part (seasons, ``PH off``, other days) is kept as
    written. A rule this cannot edit safely raises :class:`PlanningError`; :func:`moved_rule` also verifies
    the result on the reference week.
    """
    parts = rule.split(";")
    f, t_ = WEEKDAYS.index(from_day), WEEKDAYS.index(to_day)
    start, end = hours.split("-")
    time_re = re.compile(rf"0?{int(start[:2])}:{start[3:]}\s*-\s*0?{int(end[:2])}:{end[3:]}")
    for i, part in enumerate(parts):
        m = _DAYS_RE.search(part)
        if not m or not time_re.search(part):
            continue
        days = _expand(m.group(1))
        if f not in days:
            continue
        times = re.findall(r"\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}", part)
        if len(times) != 1:
            raise HoursEditError(
                f"the opening hours {rule!r} have several times on {from_day}: edit them by hand",
                rule=rule, session=f"{from_day} {hours}", code="several_times")
        parts[i] = part[:m.start(1)] + _compact([d for d in days if d != f] + [t_]) + part[m.end(1):]
        return ";".join(parts)
    raise HoursEditError(f"cannot find the {from_day} {hours} session in the opening hours {rule!r}",
                         rule=rule, session=f"{from_day} {hours}", code="not_found")


def moved_rule(rule: str, from_day: str, to_day: str, hours: str, week: Any = None) -> str:
    """Return :func:`move_rule`'s answer, verified on the week of ``week``.

    The new rule must have exactly the old sessions, the one on ``from_day`` at ``hours`` now on
    ``to_day``; otherwise :class:`PlanningError`.
    """
    new = move_rule(rule, from_day, to_day, hours)
    monday = _monday(week)
    old = session_table(pd.DataFrame({"opening_hours": [rule]}), monday)
    got = session_table(pd.DataFrame({"opening_hours": [new]}), monday)
    f, t_ = WEEKDAYS.index(from_day), WEEKDAYS.index(to_day)
    want = sorted((t_ if (d == f and hours_text(a, b) == hours) else d, a, b)
                  for d, a, b in zip(old["day"], old["start"], old["end"], strict=True))
    have = sorted(zip(got["day"], got["start"], got["end"], strict=True))
    if [tuple(map(float, w)) for w in want] != [tuple(map(float, h)) for h in have]:
        raise HoursEditError(
            f"moving {from_day} {hours} in {rule!r} would change other sessions: edit by hand",
            rule=rule, session=f"{from_day} {hours}", code="changes_others")
    return new


def _open_minutes(rule: str, monday: Any) -> np.ndarray:
    """(7 * 1440,) bool: the minutes of the week of ``monday`` at which ``rule`` is open."""
    table = session_table(pd.DataFrame({"opening_hours": [rule]}), monday)
    out = np.zeros(7 * 1440, dtype=bool)
    for d, a, b in zip(table["day"], table["start"], table["end"], strict=True):
        out[int(d) * 1440 + int(round(a)): int(d) * 1440 + int(round(b))] = True
    return out


def add_session_rule(rule: str, session: str, week: Any = None) -> str:
    """Return the opening_hours ``rule`` with the weekly ``session`` (``"Tu 10:00-12:00"``) added to it.

    Everything already in ``rule`` is kept as written. When a rule part (between ``;``) has a weekday
    selector and exactly the session's times, the session's weekday joins that selector (``Sep-May Tu
    09:00-11:00`` + ``Th 09:00-11:00`` -> ``Sep-May Tu,Th 09:00-11:00``). Otherwise the session is added to
    the first weekday part as an additional rule (``,``: added to it, never replacing a day's other
    sessions) in that part's season (``Sep-May Tu 09:30-11:30, Sep-May Th 10:00-12:00; PH off``). An empty
    rule becomes the session. The result is verified on the week of ``week`` (default the reference week):
    it must be open exactly when the old rule or the session is; otherwise :class:`PlanningError` (edit the
    hours by hand).
    """
    m = re.fullmatch(r"\s*(Mo|Tu|We|Th|Fr|Sa|Su)\s+(\d{2}:\d{2}-\d{2}:\d{2})\s*", session or "")
    if not m:
        raise PlanningError(
            f"a session is one weekday and its hours, such as 'Tu 10:00-12:00', not {session!r}")
    day, hours = m.group(1), m.group(2)
    text = str(rule or "").strip()
    if not text:
        return f"{day} {hours}"
    parts = text.split(";")
    start, end = hours.split("-")
    time_re = re.compile(
        rf"(?<![\d:])0?{int(start[:2])}:{start[3:]}\s*-\s*0?{int(end[:2])}:{end[3:]}(?![\d:])")
    tries = []
    for i, part in enumerate(parts):
        dm = _DAYS_RE.search(part)
        times = re.findall(r"\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}", part)
        if dm and len(times) == 1 and time_re.search(part) and "," not in part[dm.end(1):]:
            days = _expand(dm.group(1))
            joined = part[:dm.start(1)] + _compact([*days, WEEKDAYS.index(day)]) + part[dm.end(1):]
            tries.append(";".join([*parts[:i], joined, *parts[i + 1:]]))
    first = next((i for i, part in enumerate(parts) if _DAYS_RE.search(part)), None)
    if first is not None:
        dm = _DAYS_RE.search(parts[first])
        assert dm is not None
        season = parts[first][:dm.start(1)].strip()
        added = f"{parts[first].rstrip()}, {season + ' ' if season else ''}{day} {hours}"
        tries.append(";".join([*parts[:first], added, *parts[first + 1:]]))
    monday = _monday(week)
    s_day = WEEKDAYS.index(day)
    want = _open_minutes(text, monday)
    a = int(start[:2]) * 60 + int(start[3:])
    b = int(end[:2]) * 60 + int(end[3:])
    want[s_day * 1440 + a: s_day * 1440 + b] = True
    for new in tries:
        try:
            if np.array_equal(_open_minutes(new, monday), want):
                return new
        except Exception:  # noqa: BLE001 - an edit the parser refuses is just not the one
            continue
    raise HoursEditError(
        f"cannot add the session {session} to the opening hours {rule!r} without changing other sessions: "
        "edit them by hand", rule=rule, session=session, code="changes_others")


def apply_moves(project: Project, moves: pd.DataFrame, week: Any = None) -> Project:
    """Return a copy of ``project`` with each move of ``moves`` written into its place's opening_hours.

    ``moves`` are rows of :attr:`RescheduleResult.moves` (``row``, ``from_day``, ``to_day``, ``hours``);
    every other column and place is kept as it is. A rule that cannot be edited safely raises
    :class:`PlanningError` naming it (nothing is changed then).
    """
    out = dataclasses.replace(project, places=project.places.copy())
    col = out.places.columns.get_loc("opening_hours")
    for m in moves.itertuples(index=False):
        rule = str(out.places.iat[int(m.row), col])
        out.places.iat[int(m.row), col] = moved_rule(rule, m.from_day, m.to_day, m.hours, week)
    return out
