"""The week: weekday x daypart coverage, the gain of a new site per weekday, overlaps, the programme.

The rules (counted places, dayparts, reference week) are those of :mod:`coverage.analysis.reach`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import shapely
from opening_hours import State
from scipy import sparse

from ..core.errors import AnalysisError
from ..core.model import Project, Settings
from ..core.schedule import DAYPARTS, TZ, WEEKDAYS, check, parse, reference_week
from ..travel.base import TravelModel, as_xy, or_by_row
from ..travel.choose import model_from_settings
from .reach import (
    _REL_TOL,
    CoverageResult,
    _check_hours,
    _check_result,
    _demand,
    _hours_column,
    _in_crs,
    _limit_minutes,
    _status_mask,
    _xy,
)

DEFAULT_MIN_OPEN_MINUTES = 30.0
"""A place counts in a daypart when open at least this long in it."""


def weekday_matrix(
    project: Project,
    settings: Settings | None = None,
    *,
    week: dt.date | None = None,
    include_planned: bool = False,
    model: TravelModel | None = None,
    min_open_minutes: float = DEFAULT_MIN_OPEN_MINUTES,
    value: str = "children",
    result: CoverageResult | None = None,
) -> pd.DataFrame:
    """Demand covered by the places open in each weekday x daypart of the reference week.

    A place counts in a daypart when open for at least ``min_open_minutes`` of it (see the module notes).

    Parameters
    ----------
    value : {"children", "population", "places"}
        Children 0-6 covered (default), population covered, or the number of counted places open.
    result : CoverageResult, optional
        An :func:`analyze` result of the same project, settings and ``include_planned`` without a moment
        (``at=None``): areas it leaves uncovered are skipped (no place can reach them at any time), which
        saves work on large projects. Settings are then taken from it.

    Returns
    -------
    DataFrame
        Index ``Mo..Su`` (named ``weekday``), columns ``morning, afternoon, evening``. ``attrs`` holds
        ``week`` (the Monday), ``min_open_minutes``, ``value`` and ``total`` (all demand of that kind).
    """
    if value not in ("children", "population", "places"):
        raise AnalysisError(f"value must be children, population or places, got {value!r}")
    places = _in_crs(project.places, "places")
    status = _status_mask(places, include_planned)
    if result is not None:
        _check_result(result, project, status)
        settings = result.settings
    settings = settings or project.settings
    model = model or model_from_settings(settings)
    monday = _monday(week)
    sub = places.loc[status]
    open_cells = _open_cells(sub, monday, min_open_minutes)  # (n_places, 21) bool
    if value == "places":
        values = open_cells.sum(axis=0).astype(float)
        total = float(len(sub))
    else:
        areas = _in_crs(project.areas, "areas")
        weights = _demand(areas, "children_0_6" if value == "children" else "population")
        total = float(weights.sum())
        some = weights > 0  # areas without demand cannot change the figures
        if result is not None:
            demand = result.demand_xy if result.demand_xy is not None else _xy(areas, "areas")
            some &= result.areas["covered"].to_numpy(bool)  # reached by some place at some time
        else:
            demand = _xy(areas, "areas")
        reached = _reach_bits(model, demand[some], _xy(places, "places")[status], settings,
                              _cell_bits(open_cells))
        values = _sum_by_bit(reached, weights[some], open_cells.shape[1])
    out = _cells_frame(values)
    out.attrs.update(week=monday, min_open_minutes=float(min_open_minutes), value=value, total=total)
    return out


def weekday_gain(
    project: Project,
    location: Any,
    settings: Settings | None = None,
    *,
    week: dt.date | None = None,
    include_planned: bool = False,
    model: TravelModel | None = None,
    min_open_minutes: float = DEFAULT_MIN_OPEN_MINUTES,
) -> pd.DataFrame:
    """Children a new place at ``location`` would add in each weekday x daypart.

    The gain in a cell is the children within the threshold of ``location`` who are not already covered
    by a place open in that cell. Answers "on which weekday would a new meeting place reach the most
    children"; ``result.stack().idxmax()`` is the best (weekday, daypart). For many locations at once use
    :func:`weekday_gains` (one pass over the existing places).

    Parameters
    ----------
    location : (x, y) in EPSG:3067 or a shapely Point
    """
    if isinstance(location, shapely.Geometry):
        location = (location.x, location.y)
    gains = weekday_gains(project, np.asarray(location, dtype=float).reshape(1, 2), settings, week=week,
                          include_planned=include_planned, model=model, min_open_minutes=min_open_minutes)
    out = _cells_frame(gains[0])
    out.attrs.update(week=_monday(week), min_open_minutes=float(min_open_minutes), value="children_gained")
    return out


def weekday_gains(
    project: Project,
    locations: Any,
    settings: Settings | None = None,
    *,
    week: dt.date | None = None,
    include_planned: bool = False,
    model: TravelModel | None = None,
    min_open_minutes: float = DEFAULT_MIN_OPEN_MINUTES,
) -> np.ndarray:
    """:func:`weekday_gain` for many locations: an ``(n_locations, 7, 3)`` array of children gained.

    Axis 1 is Mo..Su, axis 2 the dayparts of :data:`coverage.core.schedule.DAYPARTS`. ``locations`` is an
    ``(n, 2)`` EPSG:3067 array or points.
    """
    settings = settings or project.settings
    model = model or model_from_settings(settings)
    monday = _monday(week)
    sites = as_xy(locations)
    places = _in_crs(project.places, "places")
    status = _status_mask(places, include_planned)
    open_cells = _open_cells(places.loc[status], monday, min_open_minutes)
    areas = _in_crs(project.areas, "areas")
    demand = _xy(areas, "areas")
    kids = _demand(areas, "children_0_6")
    some = kids > 0
    demand, kids = demand[some], kids[some]
    covered = _unpack_cells(_reach_bits(model, demand, _xy(places, "places")[status], settings,
                                        _cell_bits(open_cells)), open_cells.shape[1])  # (n_demand, 21)
    new = sparse.csr_matrix(_reach_matrix(model, demand, sites, settings), dtype=float)  # (n_demand, k)
    gains = np.asarray(new.T @ (kids[:, None] * ~covered))  # (k, 21)
    return gains.reshape(len(sites), 7, len(DAYPARTS))


def overlaps(
    project: Project,
    settings: Settings | None = None,
    *,
    week: dt.date | None = None,
    include_planned: bool = False,
    model: TravelModel | None = None,
) -> pd.DataFrame:
    """Sessions at places within the threshold of each other that are open at the same time.

    Each row is one overlapping interval of one pair of places in the reference week (``place_a`` is the
    one listed first in the project). Public holidays and seasons of that week apply.

    Returns
    -------
    DataFrame
        ``place_a_id, place_a, place_b_id, place_b, weekday (Mo..Su), start, end`` (Helsinki datetimes),
        ``overlap_minutes, distance_km, straight_km, minutes``; sorted by start, then distance.
        ``distance_km`` is the model's travel distance (NaN for a model without ``pair_distance_km``).
    """
    settings = settings or project.settings
    model = model or model_from_settings(settings)
    monday = _monday(week)
    places = _in_crs(project.places, "places")
    sub = places.loc[_status_mask(places, include_planned)]
    xy = _xy(sub, "places")
    pairs = model.within(xy, xy, _limit_minutes(settings))
    keep = pairs.rows < pairs.cols
    a, b, mins = pairs.rows[keep], pairs.cols[keep], pairs.minutes[keep]
    if hasattr(model, "pair_distance_km"):
        dist = np.asarray(model.pair_distance_km(xy[a], xy[b]), float)
    else:
        dist = np.full(len(a), np.nan)
    if settings.threshold_km is not None and np.isfinite(dist).all():
        ok = dist <= settings.threshold_km * (1 + _REL_TOL)
        a, b, mins, dist = a[ok], b[ok], mins[ok], dist[ok]

    starts, ends, owner = _week_table(sub, monday)
    # all interval pairs (i of place a, j of place b): group intervals by place, expand per pair
    first = np.searchsorted(owner, np.arange(len(sub)), side="left")
    count = np.bincount(owner, minlength=len(sub))
    ia, ib, pair = _expand_pairs(a, b, first, count)
    s = np.maximum(starts[ia], starts[ib])
    e = np.minimum(ends[ia], ends[ib])
    hit = e > s
    ia, ib, pair, s, e = ia[hit], ib[hit], pair[hit], s[hit], e[hit]
    pa, pb = a[pair], b[pair]
    ids, names = sub["id"].to_numpy(object), sub["name"].to_numpy(object)
    base = dt.datetime.combine(monday, dt.time(0))
    out = pd.DataFrame(
        {
            "place_a_id": ids[pa],
            "place_a": names[pa],
            "place_b_id": ids[pb],
            "place_b": names[pb],
            "weekday": [WEEKDAYS[int(d)] for d in (s // 1440)],
            "start": [_wall_datetime(base, m) for m in s],
            "end": [_wall_datetime(base, m) for m in e],
            "overlap_minutes": e - s,
            "distance_km": dist[pair],
            "straight_km": np.hypot(*(xy[pa] - xy[pb]).T) / 1000.0 if len(pa) else np.empty(0),
            "minutes": mins[pair],
        }
    )
    out = out.sort_values(["start", "distance_km", "place_a_id", "place_b_id"], kind="stable")
    out = out.reset_index(drop=True)
    out.attrs.update(week=monday)
    return out


def _monday(week: dt.date | None) -> dt.date:
    if week is None:
        return reference_week()
    if isinstance(week, dt.datetime):
        week = week.date()
    if not isinstance(week, dt.date):
        raise AnalysisError(f"week must be a date, got {type(week).__name__}")
    return week - dt.timedelta(days=week.weekday())


def _reach_matrix(
    model: TravelModel, demand: np.ndarray, sites: np.ndarray, settings: Settings
) -> sparse.coo_matrix:
    """Sparse 0/1 ``(n_demand, n_sites)``: site within the threshold of the demand point."""
    if hasattr(model, "reach_matrix"):
        return model.reach_matrix(demand, sites, _limit_minutes(settings))
    pairs = model.within(demand, sites, _limit_minutes(settings))
    shape = (len(demand), len(sites))
    ones = np.ones(len(pairs.rows), dtype=np.int32)
    return sparse.coo_matrix((ones, (pairs.rows, pairs.cols)), shape=shape)


def _reach_bits(
    model: TravelModel, demand: np.ndarray, sites: np.ndarray, settings: Settings, bits: np.ndarray
) -> np.ndarray:
    """Per demand point the bitwise OR of ``bits`` (one int per site) over the sites within the threshold."""
    if hasattr(model, "reach_bits"):
        return model.reach_bits(demand, sites, _limit_minutes(settings), bits)
    reach = _reach_matrix(model, demand, sites, settings).tocoo()
    return or_by_row(len(demand), reach.row, reach.col, bits)


def _cell_bits(cells: np.ndarray) -> np.ndarray:
    """``(n, k)`` bool (k <= 63) as one int64 per row, bit ``j`` set where column ``j`` is true."""
    cells = np.asarray(cells, dtype=bool)
    return cells.astype(np.int64) @ (np.int64(1) << np.arange(cells.shape[1], dtype=np.int64))


_BYTE_BITS = np.unpackbits(np.arange(256, dtype=np.uint8)[:, None], axis=1, bitorder="little").astype(float)


def _sum_by_bit(bits: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """``(k,)``: for each bit ``j < k`` the sum of ``weights`` over the rows of ``bits`` with bit ``j`` set.

    Equal to ``weights @ _unpack_cells(bits, k)`` without the ``(n, k)`` matrix: one weighted bincount per
    byte (256 values), then a ``(256, 8)`` table of the bits of each byte value.
    """
    bits = np.asarray(bits, dtype=np.int64)
    out = np.zeros(8 * ((k + 7) // 8))
    for b in range(len(out) // 8):
        byte = (bits >> (8 * b)) & 0xFF
        out[8 * b:8 * b + 8] = np.bincount(byte, weights=weights, minlength=256) @ _BYTE_BITS
    return out[:k]


def _unpack_cells(bits: np.ndarray, k: int) -> np.ndarray:
    """Inverse of :func:`_cell_bits`: ``(n,)`` int64 to ``(n, k)`` bool."""
    as_bytes = np.ascontiguousarray(bits, dtype="<i8").view(np.uint8).reshape(len(bits), 8)
    return np.unpackbits(as_bytes, axis=1, bitorder="little")[:, :k].astype(bool)


# --- helpers: schedules ---------------------------------------------------------------------------------

@lru_cache(maxsize=16384)
def _week_intervals(opening_hours: str, monday: dt.date) -> tuple[tuple[float, float], ...]:
    """Open intervals of one opening_hours value in the week of ``monday``.

    Times are wall-clock minutes from Monday 00:00, so a DST change does not shift the dayparts.
    """
    # A naive range is read in the parser's zone (Helsinki) and is 40 % faster to expand than an aware
    # one; the answers are the same, DST weeks included (tests/test_analysis.py).
    start = dt.datetime.combine(monday, dt.time(0))
    end = start + dt.timedelta(days=7)
    base = monday.toordinal()

    def minutes(t: dt.datetime | None) -> float:
        if t is None:
            return 7 * 1440.0
        if t.tzinfo is not None and t.tzinfo is not TZ:  # answers come in Helsinki time; be safe
            t = t.astimezone(TZ)
        return (t.toordinal() - base) * 1440.0 + t.hour * 60.0 + t.minute + t.second / 60.0

    # straight from the parser (hot path of the weekday matrix: one call per distinct value and week)
    out = []
    for a, b, state, _comment in parse(opening_hours).intervals(start, end):
        if state == State.OPEN:
            lo, hi = max(minutes(a), 0.0), min(minutes(b), 7 * 1440.0)
            if hi > lo:
                out.append((lo, hi))
    return tuple(out)


def _hours_table(
    places: pd.DataFrame, monday: dt.date, *, skip: Iterable[int] = ()
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Open intervals of each *distinct* opening_hours value of ``places`` in the week.

    Returns ``codes`` (per place: index of its distinct value), ``table`` (``(k, 2)`` start/end minutes,
    grouped by distinct value) and ``lengths`` (intervals per distinct value). Each distinct value is
    parsed and expanded once per week (cached across calls). Unreadable values raise
    :class:`~coverage.core.errors.AnalysisError`, except the distinct values listed in ``skip`` (their
    places get no intervals).
    """
    codes, uniques = _hours_column(places)
    skipped = set(skip)
    if not skipped:
        _check_hours(places, codes, uniques)
    per_unique = [() if k in skipped else _week_intervals(str(u), monday) for k, u in enumerate(uniques)]
    lengths = np.fromiter((len(iv) for iv in per_unique), dtype=np.int64, count=len(per_unique))
    table = np.array([pair for iv in per_unique for pair in iv], dtype=float).reshape(-1, 2)
    return np.asarray(codes, dtype=np.int64), table, lengths


def _week_table(
    places: pd.DataFrame, monday: dt.date, *, skip: Iterable[int] = ()
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All open intervals of ``places`` in the week: ``starts, ends, owner`` (row number), sorted by owner.

    ``skip``: distinct opening_hours values left out (see :func:`_hours_table`).
    """
    codes, table, lengths = _hours_table(places, monday, skip=skip)
    if not len(codes) or not lengths.sum():
        empty = np.empty(0)
        return empty, empty.copy(), np.empty(0, dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    n_per_place = lengths[codes]
    owner = np.repeat(np.arange(len(codes)), n_per_place)
    within = np.arange(len(owner)) - np.repeat(np.cumsum(n_per_place) - n_per_place, n_per_place)
    rows = offsets[codes][owner] + within
    return table[rows, 0], table[rows, 1], owner


def _cell_windows() -> np.ndarray:
    """(21, 2) wall-clock minute windows of the weekday x daypart cells, Monday morning first."""
    return np.array(
        [(d * 1440 + h0 * 60, d * 1440 + h1 * 60) for d in range(7) for _k, h0, h1 in DAYPARTS],
        dtype=float,
    )


def _open_cells(places: pd.DataFrame, monday: dt.date, min_open_minutes: float) -> np.ndarray:
    """``(n_places, 21)`` bool: open at least ``min_open_minutes`` (and > 0) in each weekday x daypart."""
    if not (min_open_minutes >= 0 and math.isfinite(min_open_minutes)):
        raise AnalysisError(f"min_open_minutes must be >= 0, got {min_open_minutes!r}")
    cells = _cell_windows()
    if not len(places):
        return np.zeros((0, len(cells)), dtype=bool)
    codes, table, lengths = _hours_table(places, monday)
    owner = np.repeat(np.arange(len(lengths)), lengths)
    overlap = np.clip(np.minimum(table[:, None, 1], cells[None, :, 1])
                      - np.maximum(table[:, None, 0], cells[None, :, 0]), 0, None)  # (k, 21) minutes
    per_unique = np.zeros((len(lengths), len(cells)))
    np.add.at(per_unique, owner, overlap)
    ok = (per_unique > 0) & (per_unique >= min_open_minutes - 1e-9)
    return ok[codes]


def _cells_frame(values: np.ndarray) -> pd.DataFrame:
    keys = [k for k, _h0, _h1 in DAYPARTS]
    table = np.asarray(values, float).reshape(7, len(keys))
    frame = pd.DataFrame(table, index=list(WEEKDAYS), columns=keys)
    frame.index.name = "weekday"
    return frame


def _expand_pairs(
    a: np.ndarray, b: np.ndarray, first: np.ndarray, count: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For place pairs ``(a, b)``: every (interval of a, interval of b) as flat interval indices + pair no."""
    na, nb = count[a], count[b]
    per_pair = na * nb
    total = int(per_pair.sum())
    if not total:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty.copy(), empty.copy()
    pair = np.repeat(np.arange(len(a)), per_pair)
    k = np.arange(total) - np.repeat(np.cumsum(per_pair) - per_pair, per_pair)
    nbp = nb[pair]
    return first[a][pair] + k // nbp, first[b][pair] + k % nbp, pair


def _wall_datetime(base: dt.datetime, minutes: float) -> dt.datetime:
    return (base + dt.timedelta(minutes=float(minutes))).replace(tzinfo=TZ)


# --- sessions: the week expansion read by the programme, the calendar and the place table ---------------


def sessions(places: pd.DataFrame, first: dt.date, last: dt.date) -> tuple[pd.DataFrame, dict[int, str]]:
    """Every session (open interval) of ``places`` from ``first`` to ``last`` (inclusive), Helsinki time.

    The one week expansion of Katve: the weekday matrix, the overlaps, the weekly programme, the family
    calendar and the hours per week all read opening hours through the same per-week expansion (each
    distinct value parsed and expanded once per week, cached), so Finnish public holidays and seasons
    apply alike everywhere. Sessions are cut at the start of each week (Monday 00:00) and at the period's
    ends.

    Returns
    -------
    (DataFrame, dict)
        Columns ``row`` (position in ``places``), ``start``, ``end`` (aware datetimes), sorted by row, then
        start; and per row whose opening_hours cannot be read the reason (such rows have no sessions).

    Examples
    --------
    >>> places = pd.DataFrame({"opening_hours": ["Tu 09:30-11:30", "tiistaisin"]})
    >>> found, bad = sessions(places, dt.date(2026, 12, 1), dt.date(2026, 12, 8))
    >>> [f"{s:%d.%m. %H:%M}-{e:%H:%M}" for s, e in zip(found["start"], found["end"])], sorted(bad)
    (['01.12. 09:30-11:30', '08.12. 09:30-11:30'], [1])
    """
    codes, uniques = _hours_column(places)
    reasons = {k: reason for k, u in enumerate(uniques) if (reason := check(str(u))) is not None}
    begin = dt.datetime.combine(first, dt.time(0))
    finish = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0))
    parts = []
    monday = first - dt.timedelta(days=first.weekday())
    while monday <= last:
        starts, ends, owner = _week_table(places, monday, skip=reasons)
        base = dt.datetime.combine(monday, dt.time(0))
        lo = max((begin - base).total_seconds() / 60.0, 0.0)
        hi = min((finish - base).total_seconds() / 60.0, 7 * 1440.0)
        a, b = np.maximum(starts, lo), np.minimum(ends, hi)
        keep = b > a
        parts.append(pd.DataFrame({
            "row": owner[keep],
            "start": [_wall_datetime(base, m) for m in a[keep]],
            "end": [_wall_datetime(base, m) for m in b[keep]],
        }))
        monday += dt.timedelta(days=7)
    found = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["row", "start", "end"])
    found = found.sort_values(["row", "start"], kind="stable").reset_index(drop=True)
    found["row"] = found["row"].astype(np.int64)
    bad_rows = {int(r): reasons[int(c)] for r, c in enumerate(codes) if int(c) in reasons}
    return found, bad_rows


def week_hours(places: pd.DataFrame, week: dt.date) -> np.ndarray:
    """Hours open per place in the week of ``week`` (NaN where the opening hours cannot be read)."""
    monday = week - dt.timedelta(days=week.weekday())
    codes, uniques = _hours_column(places)
    reasons = {k for k, u in enumerate(uniques) if check(str(u)) is not None}
    per_unique = np.array(
        [
            np.nan if k in reasons else sum(b - a for a, b in _week_intervals(str(u), monday)) / 60.0
            for k, u in enumerate(uniques)
        ],
        dtype=float,
    )
    return per_unique[codes] if len(codes) else np.empty(0)


def programme(
    places: pd.DataFrame, week: dt.date, *, statuses: Iterable[str] = ("existing", "planned")
) -> tuple[pd.DataFrame, list[str]]:
    """All sessions of ``places`` in the week of ``week``: one row per opening interval (:func:`sessions`).

    Returns
    -------
    (DataFrame, list of str)
        Columns ``weekday`` (0-6), ``date``, ``start``, ``end`` (Helsinki datetimes), ``place_id``, ``name``,
        ``organiser``, ``organiser_type``, ``address``, ``status``; sorted by start then name. The list names
        places whose opening hours cannot be read (they are left out).
    """
    monday = week - dt.timedelta(days=week.weekday())
    status = places["status"] if "status" in places else pd.Series("", index=places.index)
    sub = places.loc[status.astype(str).isin(set(statuses)).to_numpy(bool)]
    found, bad = sessions(sub, monday, monday + dt.timedelta(days=6))

    def column(name: str, *, or_blank: bool = False) -> np.ndarray:  # as the table shows the value
        values = sub[name] if name in sub else pd.Series("", index=sub.index)
        return np.array([str((v or "") if or_blank else v) for v in values.to_numpy(object)], dtype=object)

    rows = found["row"].to_numpy(np.int64)
    out = pd.DataFrame(
        {
            "weekday": [a.weekday() for a in found["start"]],
            "date": [a.date() for a in found["start"]],
            "start": found["start"].to_list(),
            "end": found["end"].to_list(),
            "place_id": column("id")[rows],
            "name": column("name")[rows],
            **{key: column(key, or_blank=True)[rows] for key in ("organiser", "organiser_type", "address")},
            "status": column("status")[rows],
        },
        columns=[
            "weekday",
            "date",
            "start",
            "end",
            "place_id",
            "name",
            "organiser",
            "organiser_type",
            "address",
            "status",
        ],
    )
    if len(out):
        out = out.sort_values(["start", "name"], kind="stable").reset_index(drop=True)
    return out, [column("name")[r] for r in sorted(bad)]
