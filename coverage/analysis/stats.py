"""Visitor statistics and professionals' outreach visits (jalkautuminen).

The coordination model follows meeting places by their visitor statistics and organises outreach: a
child-health-clinic nurse, a family counsellor or a librarian visiting a family café. Two table layers of the
project hold the records (schemas in :mod:`coverage.core.model`):

``visits``
    One row per session, or per group of a session: ``place_id, date, adults, children`` and optionally
    ``first_timers``, ``multicultural`` and ``home_area``. A coordinator who records where visitors come from
    writes one row per home village for the same session (same place and date); a *session* is therefore a
    distinct (place, date) pair, however many rows it has.
``outreach``
    Planned professional visits: ``place_id, start, end, profession, organisation, notes``.

Conventions
-----------
* ``visitors`` = adults + children. Counts are visits, not persons: a child who comes every week is counted
  every week. ``first_timers`` are the visitors (adults and children) who came for the first time, which is
  the nearest thing to new persons reached.
* Shares use only the rows where the counted column was recorded: the share of first-timers is
  ``sum(first_timers) / sum(visitors)`` over the rows that give ``first_timers``. A missing value is "not
  recorded", never zero.
* Periods are inclusive calendar dates (``start <= date <= end``); either bound may be ``None``.
* The *term* (lukukausi) follows :func:`coverage.core.schedule.in_term_time`: autumn term mid-August to the
  Christmas break, spring term after Epiphany to the end of May.

Everything here is pure pandas/numpy (no streamlit); :func:`compute` gathers all figures for the command line
(``python -m coverage stats``), the app page and the meeting report.

Examples
--------
>>> import pandas as pd
>>> visits = pd.DataFrame({"place_id": ["a", "a", "b"], "date": ["2025-03-04", "2025-03-11", "2025-03-05"],
...                        "adults": [3, 5, 2], "children": [4, 6, 3], "first_timers": [1, None, 0]})
>>> t = visit_totals(visits)
>>> t["sessions"], t["visitors"], t["first_timer_share"]  # over the rows that record first_timers: 1 / 12
(3, 23, 0.08333333333333333)
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..core.errors import InputError, KatveError, Problem, raise_if_errors
from ..core.model import OUTREACH_FIELDS, VISIT_FIELDS, Project, conform
from ..core.validation import as_text, normalise_layer, validate_layer
from .outreach import outreach_by_place, outreach_frame
from .records import DateLike, _in_period, _period, _place_names
from .villages import village_of

COUNTS = ("adults", "children", "first_timers", "multicultural")
"""Count columns of the visits layer (``visitors`` = adults + children is derived)."""

FIGURES = ("adults", "children", "visitors", "first_timers", "multicultural")
"""Columns that :func:`visits_per_place`, :func:`visits_per_month` and :func:`visits_by_place` can sum."""

_PREPARED = "katve_visits_frame"  # attrs flag: the frame came from visits_frame (validated, derived columns)


# --- visits ------------------------------------------------------------------------------------------------


def visits_frame(
    visits: pd.DataFrame, *, start: DateLike = None, end: DateLike = None, path: str = "visits"
) -> pd.DataFrame:
    """Return the validated visits with derived columns, limited to a period.

    Parameters
    ----------
    visits : DataFrame
        The visits layer (``Project.visits``, the ``data`` of :func:`coverage.io.importers.read_visits`, or a
        frame with the schema's column names and raw values).
    start, end : date or str, optional
        Inclusive period.
    path : str
        Name used in the problems when the values are invalid.

    Returns
    -------
    DataFrame
        The schema's columns (counts as float, NaN = not recorded; ``date`` as :class:`datetime.date`) plus
        ``visitors`` (adults + children), ``month`` (``"YYYY-MM"``) and ``session`` (``"place_id|date"``).

    Raises
    ------
    InputError
        Listing every invalid value (``PATH:ROW: field: message``).
    """
    a, b = _period(start, end)
    if visits.attrs.get(_PREPARED) and "session" in visits.columns:  # validated and derived: only filter
        return visits.loc[_in_period(visits["date"], a, b)].reset_index(drop=True)
    raise_if_errors(validate_layer("visits", visits, path=path))
    out = normalise_layer("visits", visits)
    out = out.loc[_in_period(out["date"], a, b)].reset_index(drop=True)
    for name in COUNTS:
        out[name] = out[name].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    out["visitors"] = out["adults"] + out["children"]
    stamps = pd.to_datetime(pd.Series(out["date"], dtype=object), errors="coerce")
    out["month"] = stamps.dt.strftime("%Y-%m").astype(object)
    out["session"] = (out["place_id"].astype(str) + "|" + stamps.dt.strftime("%Y-%m-%d")).astype(object)
    out.attrs[_PREPARED] = True
    return out


def _share(part: pd.Series, whole: pd.Series) -> float:
    """sum(part) / sum(whole) over the rows where ``part`` is recorded; NaN when nothing is."""
    recorded = part.notna()
    denominator = float(whole[recorded].sum())
    if not recorded.any() or denominator <= 0:
        return math.nan
    return float(part[recorded].sum()) / denominator


def _sum(values: pd.Series) -> int | None:
    """Sum of a count column as int; ``None`` when no row records it."""
    return None if values.notna().sum() == 0 else int(values.sum())


def visit_totals(visits: pd.DataFrame, *, start: DateLike = None, end: DateLike = None) -> dict[str, Any]:
    """Totals over all places in a period.

    Returns
    -------
    dict
        ``sessions`` (distinct place and date), ``records`` (rows), ``places`` (places with a session),
        ``adults``, ``children``, ``visitors``, ``first_timers``, ``multicultural`` (``None`` when never
        recorded), ``first_timer_share``, ``multicultural_share`` (NaN when never recorded),
        ``mean_adults``, ``mean_children``, ``mean_visitors`` (per session), ``first_date``, ``last_date``.
    """
    v = visits_frame(visits, start=start, end=end)
    sessions = int(v["session"].nunique())
    out: dict[str, Any] = {
        "sessions": sessions,
        "records": len(v),
        "places": int(v["place_id"].nunique()),
        "adults": int(v["adults"].sum()),
        "children": int(v["children"].sum()),
        "visitors": int(v["visitors"].sum()),
        "first_timers": _sum(v["first_timers"]),
        "multicultural": _sum(v["multicultural"]),
        "first_timer_share": _share(v["first_timers"], v["visitors"]),
        "multicultural_share": _share(v["multicultural"], v["visitors"]),
    }
    for name in ("adults", "children", "visitors"):
        out[f"mean_{name}"] = out[name] / sessions if sessions else math.nan
    out["first_date"] = min(v["date"]) if len(v) else None
    out["last_date"] = max(v["date"]) if len(v) else None
    return out


def _aggregate(v: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sum counts and shares by ``keys``, with session counts (vectorised groupby)."""
    work = v.assign(
        ft_base=v["visitors"].where(v["first_timers"].notna()),
        mc_base=v["visitors"].where(v["multicultural"].notna()),
    )
    g = work.groupby(keys, sort=True, dropna=False)
    agg = g.agg(
        sessions=("session", "nunique"),
        records=("session", "size"),
        adults=("adults", "sum"),
        children=("children", "sum"),
        visitors=("visitors", "sum"),
        first_timers=("first_timers", lambda s: s.sum(min_count=1)),
        multicultural=("multicultural", lambda s: s.sum(min_count=1)),
        ft_base=("ft_base", lambda s: s.sum(min_count=1)),
        mc_base=("mc_base", lambda s: s.sum(min_count=1)),
        first_date=("date", "min"),
        last_date=("date", "max"),
    ).reset_index()
    with np.errstate(invalid="ignore", divide="ignore"):
        agg["first_timer_share"] = np.where(agg["ft_base"] > 0, agg["first_timers"] / agg["ft_base"], np.nan)
        agg["multicultural_share"] = np.where(
            agg["mc_base"] > 0, agg["multicultural"] / agg["mc_base"], np.nan
        )
    return agg.drop(columns=["ft_base", "mc_base"])


def visits_per_place(
    project: Project,
    *,
    visits: pd.DataFrame | None = None,
    start: DateLike = None,
    end: DateLike = None,
    include_unvisited: bool = True,
) -> pd.DataFrame:
    """Figures per meeting place: sessions, visitors, children reached, first-timers, means per session.

    Parameters
    ----------
    project : Project
        Gives the place names (and the visits unless ``visits`` is given).
    visits : DataFrame, optional
        Visits to use instead of ``project.visits``.
    start, end : date or str, optional
        Inclusive period.
    include_unvisited : bool
        Also list the project's existing and planned places that have no session in the period (zeros).

    Returns
    -------
    DataFrame
        One row per place in the project's order (places missing from the project last, ``known`` False):
        ``place_id, name, known, sessions, records, adults, children, visitors, first_timers, multicultural,
        first_timer_share, multicultural_share, mean_visitors, mean_children, first_date, last_date``.
        ``children`` is the children reached (child visits) at the place.
    """
    v = visits_frame(project.visits if visits is None else visits, start=start, end=end)
    agg = _aggregate(v, ["place_id"])
    names = _place_names(project)
    if include_unvisited:
        base = names[names["status"] != "candidate"][["place_id", "name"]]
    else:
        base = names[names["place_id"].isin(agg["place_id"])][["place_id", "name"]]
    unknown = sorted(set(agg["place_id"]) - set(names["place_id"]))
    base = pd.concat(
        [base.assign(known=True), pd.DataFrame({"place_id": unknown, "name": unknown, "known": False})],
        ignore_index=True,
    )
    out = base.merge(agg, on="place_id", how="left")
    for name in ("sessions", "records", "adults", "children", "visitors"):
        out[name] = out[name].fillna(0).astype("int64")
    with np.errstate(invalid="ignore", divide="ignore"):
        out["mean_visitors"] = np.where(
            out["sessions"] > 0, out["visitors"] / out["sessions"].clip(lower=1), np.nan
        )
        out["mean_children"] = np.where(
            out["sessions"] > 0, out["children"] / out["sessions"].clip(lower=1), np.nan
        )
    cols = [
        "place_id",
        "name",
        "known",
        "sessions",
        "records",
        "adults",
        "children",
        "visitors",
        "first_timers",
        "multicultural",
        "first_timer_share",
        "multicultural_share",
        "mean_visitors",
        "mean_children",
        "first_date",
        "last_date",
    ]
    out = out[cols]
    out["known"] = out["known"].astype(bool)
    return out


def visits_per_month(
    visits: pd.DataFrame, *, start: DateLike = None, end: DateLike = None, by_place: bool = True
) -> pd.DataFrame:
    """Sessions and visitors per calendar month (``"YYYY-MM"``), per place or for all places.

    Returns
    -------
    DataFrame
        Long form: ``month`` (and ``place_id`` when ``by_place``), ``sessions, records, adults, children,
        visitors, first_timers, multicultural, first_timer_share, multicultural_share``. Months without
        sessions are absent (see :func:`month_table` for a filled grid).
    """
    v = visits_frame(visits, start=start, end=end)
    keys = ["month", "place_id"] if by_place else ["month"]
    agg = _aggregate(v, keys).drop(columns=["first_date", "last_date"])
    for name in ("sessions", "records", "adults", "children", "visitors"):
        agg[name] = agg[name].astype("int64")
    return agg


def month_table(
    project: Project,
    *,
    visits: pd.DataFrame | None = None,
    value: str = "visitors",
    start: DateLike = None,
    end: DateLike = None,
    names: bool = True,
) -> pd.DataFrame:
    """Tabulate one figure per place x month, every month from the first to the last session (zeros filled).

    Parameters
    ----------
    value : str
        One of :data:`FIGURES` or ``"sessions"``.
    names : bool
        Index by place name (the project's, else the id) instead of the place id.

    Returns
    -------
    DataFrame
        Index: places (in the project's order); columns: ``"YYYY-MM"`` months in order; int values.
        Empty when there are no visits.
    """
    if value not in (*FIGURES, "sessions"):
        raise KatveError(f"unknown figure {value!r}; use one of {', '.join((*FIGURES, 'sessions'))}")
    long = visits_per_month(project.visits if visits is None else visits, start=start, end=end)
    if not len(long):
        return pd.DataFrame(dtype="int64")
    months = pd.period_range(min(long["month"]), max(long["month"]), freq="M").strftime("%Y-%m")
    grid = long.pivot_table(index="place_id", columns="month", values=value, aggfunc="sum", fill_value=0)
    order = [p for p in _place_names(project)["place_id"] if p in grid.index]
    order += sorted(p for p in grid.index if p not in order)
    grid = grid.reindex(index=order, columns=list(months), fill_value=0).fillna(0).astype("int64")
    grid.columns.name = "month"
    if names:
        lookup = dict(zip(_place_names(project)["place_id"], _place_names(project)["name"], strict=True))
        grid.index = [lookup.get(p) or p for p in grid.index]
    grid.index.name = "place"
    return grid


def visits_by_place(
    project: Project,
    *,
    value: str = "visitors",
    visits: pd.DataFrame | None = None,
    start: DateLike = None,
    end: DateLike = None,
) -> pd.Series:
    """One figure per place of the project, for sizing the places on the map.

    Returns
    -------
    Series
        Indexed by place id, every place of ``project.places`` in order (0 for places without visits),
        named ``value``. Visits of ids that are not in the project are left out.

    Examples
    --------
    >>> from coverage.io.datasets import load_dataset
    >>> p = load_dataset("vihti")
    >>> p.visits = pd.DataFrame({"place_id": ["V01", "V01"], "date": ["2025-03-04", "2025-03-11"],
    ...                          "adults": [3, 5], "children": [4, 6]})
    >>> s = visits_by_place(p)
    >>> int(s["V01"]), int(s.drop("V01").sum())
    (18, 0)
    """
    if value not in (*FIGURES, "sessions"):
        raise KatveError(f"unknown figure {value!r}; use one of {', '.join((*FIGURES, 'sessions'))}")
    v = visits_frame(project.visits if visits is None else visits, start=start, end=end)
    if value == "sessions":
        sums = v.groupby("place_id")["session"].nunique()
    else:
        sums = v.groupby("place_id")[value].sum()
    ids = as_text(project.places["id"]).to_numpy() if len(project.places) else []
    out = sums.reindex(pd.Index(ids, dtype=object), fill_value=0).fillna(0).astype("int64")
    out.index.name = "place_id"
    out.name = value
    return out


def marker_radii(values: pd.Series | np.ndarray, *, min_px: float = 5.0, max_px: float = 20.0) -> np.ndarray:
    """Circle radii whose *areas* are proportional to ``values`` (the honest way to size map symbols).

    The largest value gets ``max_px``; zero or missing values get ``min_px`` (a place without visits stays
    visible); other radii are ``max_px * sqrt(value / max)`` but never below ``min_px``.

    Examples
    --------
    >>> marker_radii(np.array([0, 25, 100]), min_px=2, max_px=20).tolist()
    [2.0, 10.0, 20.0]
    """
    x = np.asarray(values, dtype=float)
    x = np.where(np.isfinite(x) & (x > 0), x, 0.0)
    top = x.max() if x.size else 0.0
    if top <= 0:
        return np.full(x.shape, float(min_px))
    return np.maximum(max_px * np.sqrt(x / top), float(min_px))


# --- reach: where visitors come from ------------------------------------------------------------------------


def _key(text: Any) -> str:
    return " ".join(str(text).split()).casefold()


def _village_keys(areas: pd.DataFrame) -> pd.Series:
    """Each area's reach key: its id when its village is that area alone, else the village's name."""
    if not len(areas):
        return pd.Series([], dtype=object)
    village = village_of(areas)
    alone = village.map(village.value_counts()) == 1
    return pd.Series(np.where(alone, as_text(areas["id"]).to_numpy(object), village.to_numpy(object)),
                     index=areas.index, dtype=object)  # fmt: skip


def match_home_areas(project: Project, home: pd.Series) -> pd.Series:
    """Map ``home_area`` texts to reach keys: by village, area id or area name, ignoring case and spaces.

    The key is the area's id, or for a village of several areas (1 km grid cells) the village's name, so
    a coordinator's "Nummela" counts for every cell of Nummela.

    Returns
    -------
    Series
        Key per value ('' where nothing was recorded, ``None`` where the text matches no area or village).
    """
    areas = project.areas
    lookup: dict[str, str] = {}
    if len(areas):
        ids, keys = as_text(areas["id"]), _village_keys(areas)
        for key, name, village in zip(keys, as_text(areas["name"]), village_of(areas), strict=True):
            lookup.setdefault(_key(village), key)
            lookup.setdefault(_key(name), key)
        for area_id, key in zip(ids, keys, strict=True):  # an id wins over a name that happens to equal it
            lookup[_key(area_id)] = key
    text = as_text(home)
    return text.map(lambda t: "" if not t else lookup.get(_key(t))).astype(object)


def reach_by_area(
    project: Project, *, visits: pd.DataFrame | None = None, start: DateLike = None, end: DateLike = None
) -> pd.DataFrame:
    """Reach per area or village: the visits of people who live there, from the optional ``home_area``.

    Returns
    -------
    DataFrame
        One row per area of the project, or per village for villages of several areas (grid cells; their
        ``area_id`` is the village's name, see :func:`match_home_areas`): ``area_id, name, children_0_6,
        records, adults, children, visitors, first_timers, child_visits_per_100`` (child visits per 100
        children aged 0-6 living there; NaN when the area has no children), ``places`` (ids of the places
        they visited, sorted). Rows without ``home_area`` count nowhere; see :func:`unmatched_home_areas`
        for texts that match no area.
    """
    v = visits_frame(project.visits if visits is None else visits, start=start, end=end)
    v["area_id"] = match_home_areas(project, v["home_area"])
    known = v[v["area_id"].notna() & (v["area_id"] != "")]
    grouped = known.groupby("area_id")
    agg = pd.DataFrame(
        {
            "records": grouped.size(),
            "adults": grouped["adults"].sum(),
            "children": grouped["children"].sum(),
            "visitors": grouped["visitors"].sum(),
            "first_timers": grouped["first_timers"].sum(min_count=1),
            "places": grouped["place_id"].agg(lambda s: sorted(set(s))),
        }
    )
    areas = project.areas
    out = pd.DataFrame(
        {
            "area_id": _village_keys(areas).to_numpy() if len(areas) else [],
            "name": np.where(_village_keys(areas) == as_text(areas["id"]), as_text(areas["name"]),
                             village_of(areas)) if len(areas) else [],
            "children_0_6": areas["children_0_6"].astype("float64").to_numpy() if len(areas) else [],
        }
    )  # fmt: skip
    out = out.groupby("area_id", sort=False, as_index=False).agg(
        {"name": "first", "children_0_6": "sum"}
    )
    out = out.merge(agg, left_on="area_id", right_index=True, how="left")
    for name in ("records", "adults", "children", "visitors"):
        out[name] = out[name].fillna(0).astype("int64")
    out["places"] = [p if isinstance(p, list) else [] for p in out["places"]]
    with np.errstate(invalid="ignore", divide="ignore"):
        out["child_visits_per_100"] = np.where(
            out["children_0_6"] > 0, 100.0 * out["children"] / out["children_0_6"], np.nan
        )
    return out[
        [
            "area_id",
            "name",
            "children_0_6",
            "records",
            "adults",
            "children",
            "visitors",
            "first_timers",
            "child_visits_per_100",
            "places",
        ]
    ]


def unmatched_home_areas(
    project: Project, *, visits: pd.DataFrame | None = None, start: DateLike = None, end: DateLike = None
) -> pd.Series:
    """``home_area`` texts that match no area of the project, with the number of rows using each."""
    v = visits_frame(project.visits if visits is None else visits, start=start, end=end)
    matched = match_home_areas(project, v["home_area"])
    text = as_text(v["home_area"])
    counts = text[matched.isna()].value_counts()
    counts.index.name = "home_area"
    counts.name = "records"
    return counts.astype("int64")


def check_visits(
    project: Project, visits: pd.DataFrame | None = None, *, path: str = "visits"
) -> list[Problem]:
    """Warnings about visits that do not fit the project: unknown place ids and unknown home areas.

    Invalid values raise :class:`~coverage.core.errors.InputError` (see :func:`visits_frame`); these are
    warnings because the figures can still be computed.
    """
    raw = project.visits if visits is None else visits
    v = visits_frame(raw, path=path)
    problems: list[Problem] = []
    ids = set(_place_names(project)["place_id"])
    if ids:
        known = ", ".join(sorted(ids)[:12]) + (" ..." if len(ids) > 12 else "")
        for pos in np.flatnonzero(~v["place_id"].isin(ids).to_numpy(dtype=bool)):
            problems.append(
                Problem(
                    path,
                    int(pos) + 1,
                    "place_id",
                    f"no place with id {v['place_id'].iat[pos]!r} in the project (ids: {known})",
                    "warning",
                )
            )
    matched = match_home_areas(project, v["home_area"])
    for pos in np.flatnonzero(matched.isna().to_numpy(dtype=bool)):
        problems.append(
            Problem(
                path,
                int(pos) + 1,
                "home_area",
                f"{v['home_area'].iat[pos]!r} matches no area id or name; it is not counted "
                "in the reach per area",
                "warning",
            )
        )
    return sorted(problems, key=lambda p: (p.row or 0, p.field))


# --- editing the tables -------------------------------------------------------------------------------------


def _layer_row(layer: str, row: dict[str, Any], *, path: str) -> pd.DataFrame:
    fields = VISIT_FIELDS if layer == "visits" else OUTREACH_FIELDS
    frame = pd.DataFrame([{k: row.get(k) for k in fields}])
    raise_if_errors(validate_layer(layer, frame, path=path))
    return normalise_layer(layer, frame)


def _concat(layer: str, old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    fields = VISIT_FIELDS if layer == "visits" else OUTREACH_FIELDS
    old = normalise_layer(layer, old) if len(old) else new.iloc[0:0]
    parts = [df for df in (old, new) if len(df)]
    out = pd.concat(parts, ignore_index=True) if parts else new.iloc[0:0].copy()
    return conform(normalise_layer(layer, out), fields, spatial=False)


def add_visit(
    visits: pd.DataFrame,
    *,
    place_id: str,
    date: DateLike,
    adults: int,
    children: int,
    first_timers: int | None = None,
    multicultural: int | None = None,
    home_area: str = "",
    path: str = "form",
) -> pd.DataFrame:
    """Return the visits table with one more row (a session, or one home village's part of it).

    Raises
    ------
    InputError
        When a value is invalid (e.g. more first-timers than visitors), naming the field.

    Examples
    --------
    >>> v = add_visit(pd.DataFrame(), place_id="V01", date="4.3.2025", adults=3, children=4, first_timers=1)
    >>> v.loc[0, "date"], int(v.loc[0, "children"]), len(v)
    (datetime.date(2025, 3, 4), 4, 1)
    """
    row = _layer_row(
        "visits",
        {
            "place_id": place_id,
            "date": date,
            "adults": adults,
            "children": children,
            "first_timers": first_timers,
            "multicultural": multicultural,
            "home_area": home_area or "",
        },
        path=path,
    )
    return _concat("visits", visits, row)


def add_outreach(
    outreach: pd.DataFrame,
    *,
    place_id: str,
    start: dt.datetime | str,
    profession: str,
    end: dt.datetime | str | None = None,
    organisation: str = "",
    notes: str = "",
    path: str = "form",
) -> pd.DataFrame:
    """Return the outreach table with one more planned professional visit.

    Raises
    ------
    InputError
        When a value is invalid (e.g. the end before the start, no profession).
    """
    row = _layer_row(
        "outreach",
        {
            "place_id": place_id,
            "start": start,
            "end": end,
            "profession": profession,
            "organisation": organisation or "",
            "notes": notes or "",
        },
        path=path,
    )
    return _concat("outreach", outreach, row)


_MERGE_KEYS = {"visits": ("place_id", "date"), "outreach": ("place_id", "start", "profession")}


def merge_table(
    layer: str, old: pd.DataFrame, new: pd.DataFrame, *, replace: bool = False
) -> tuple[pd.DataFrame, int]:
    """Merge imported rows into a visits/outreach table; return the table and the number of rows dropped.

    With ``replace`` the new rows replace the whole table. Otherwise the new rows *update* the old ones:
    old rows of a session that the import also has (same place and date; for outreach same place, start and
    profession) are dropped, so importing an updated spreadsheet twice never counts a session twice.

    Examples
    --------
    >>> old = pd.DataFrame({"place_id": ["a", "a"], "date": ["2025-03-04", "2025-03-11"],
    ...                     "adults": [1, 1], "children": [1, 1]})
    >>> new = pd.DataFrame({"place_id": ["a"], "date": ["4.3.2025"], "adults": [5], "children": [6]})
    >>> table, dropped = merge_table("visits", old, new)
    >>> dropped, table["adults"].tolist()
    (1, [1, 5])
    """
    if layer not in _MERGE_KEYS:
        raise KatveError(f"unknown table {layer!r}; use visits or outreach")
    fields = VISIT_FIELDS if layer == "visits" else OUTREACH_FIELDS
    raise_if_errors(validate_layer(layer, new, path=layer))
    new = normalise_layer(layer, new)
    if replace or not len(old):
        return conform(new, fields, spatial=False), len(old) if replace else 0
    old = normalise_layer(layer, old)
    keys = list(_MERGE_KEYS[layer])
    incoming = pd.MultiIndex.from_frame(new[keys].astype(str))
    clash = pd.MultiIndex.from_frame(old[keys].astype(str)).isin(incoming)
    kept = old.loc[~clash]
    return _concat(layer, kept, new) if len(new) else conform(kept, fields, spatial=False), int(clash.sum())


# --- everything at once -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitStats:
    """All visitor and outreach figures of a project for a period (see :func:`compute`)."""

    period: tuple[dt.date | None, dt.date | None]
    totals: dict[str, Any]
    places: pd.DataFrame
    months: pd.DataFrame
    reach: pd.DataFrame
    unmatched_home_areas: pd.Series
    outreach_period: tuple[dt.date | None, dt.date | None]
    outreach: pd.DataFrame
    warnings: list[Problem] = field(default_factory=list)

    @property
    def has_visits(self) -> bool:
        """Whether any session falls in the period."""
        return bool(self.totals["sessions"])

    @property
    def has_home_areas(self) -> bool:
        """Whether any visit records a home area (so the reach per area means something)."""
        return bool(self.reach["records"].sum() or len(self.unmatched_home_areas))

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-safe dict: the output of ``python -m coverage stats --json``."""
        return {
            "period": {"from": _iso(self.period[0]), "to": _iso(self.period[1])},
            "totals": {k: _plain(v) for k, v in self.totals.items()},
            "places": [
                {
                    "id": r.place_id,
                    "name": r.name,
                    "known": bool(r.known),
                    "sessions": int(r.sessions),
                    "adults": int(r.adults),
                    "children": int(r.children),
                    "visitors": int(r.visitors),
                    "first_timers": _count(r.first_timers),
                    "multicultural": _count(r.multicultural),
                    "first_timer_share": _plain(r.first_timer_share),
                    "multicultural_share": _plain(r.multicultural_share),
                    "mean_visitors": _plain(r.mean_visitors),
                    "mean_children": _plain(r.mean_children),
                    "first_date": _iso(r.first_date),
                    "last_date": _iso(r.last_date),
                }
                for r in self.places.itertuples(index=False)
            ],
            "months": [
                {
                    "month": r.month,
                    "place_id": r.place_id,
                    "sessions": int(r.sessions),
                    "adults": int(r.adults),
                    "children": int(r.children),
                    "visitors": int(r.visitors),
                    "first_timers": _count(r.first_timers),
                    "multicultural": _count(r.multicultural),
                }
                for r in self.months.itertuples(index=False)
            ],
            "reach": [
                {
                    "id": r.area_id,
                    "name": r.name,
                    "children_0_6": _plain(r.children_0_6),
                    "records": int(r.records),
                    "adults": int(r.adults),
                    "children": int(r.children),
                    "visitors": int(r.visitors),
                    "first_timers": _count(r.first_timers),
                    "child_visits_per_100": _plain(r.child_visits_per_100),
                    "places": list(r.places),
                }
                for r in self.reach.itertuples(index=False)
            ]
            if self.has_home_areas
            else [],
            "unmatched_home_areas": {str(k): int(v) for k, v in self.unmatched_home_areas.items()},
            "outreach": {
                "from": _iso(self.outreach_period[0]),
                "to": _iso(self.outreach_period[1]),
                "places": [
                    {
                        "id": r.place_id,
                        "name": r.name,
                        "known": bool(r.known),
                        "visits": int(r.outreach_visits),
                        "professions": list(r.professions),
                        "organisations": list(r.organisations),
                        "first": _iso(r.first),
                        "last": _iso(r.last),
                    }
                    for r in self.outreach.itertuples(index=False)
                ],
                "without": [
                    r.place_id
                    for r in self.outreach.itertuples(index=False)
                    if not r.has_outreach and r.known
                ],
            },
            "warnings": [str(p) for p in self.warnings],
        }


def _iso(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes")
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _plain(value: Any) -> Any:
    """numpy/pandas scalars -> JSON-safe Python (NaN/NA/NaT -> None)."""
    if value is None:
        return None
    if isinstance(value, (dt.date, pd.Timestamp)):
        return _iso(value)
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return value
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (np.integer, int)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return float(value)
    return value


def _count(value: Any) -> int | None:
    """Return a summed count (float, NaN when never recorded) as int or None."""
    plain = _plain(value)
    return None if plain is None else int(round(plain))


def compute(
    project: Project,
    *,
    visits: pd.DataFrame | None = None,
    outreach: pd.DataFrame | None = None,
    start: DateLike = None,
    end: DateLike = None,
    today: dt.date | None = None,
) -> VisitStats:
    """All visitor and outreach figures at once.

    Parameters
    ----------
    project : Project
        Places, areas and (unless given separately) the visits and outreach layers.
    visits, outreach : DataFrame, optional
        Tables to use instead of the project's (e.g. a file given on the command line).
    start, end : date or str, optional
        Inclusive period for the visits; when given, also for the outreach (which otherwise covers the
        term of ``today``).

    Raises
    ------
    InputError
        When the visits or outreach hold invalid values (every problem listed).
    """
    a, b = _period(start, end)
    problems: list[Problem] = []
    v = o = None
    try:
        v = visits_frame(project.visits if visits is None else visits)
    except InputError as exc:
        problems += exc.problems
    try:
        o = outreach_frame(project.outreach if outreach is None else outreach)
    except InputError as exc:
        problems += exc.problems
    if v is None or o is None:
        raise InputError(problems)
    warnings = check_visits(project, v)
    outreach_table = outreach_by_place(project, outreach=o, start=a, end=b, today=today)
    unknown = outreach_table.loc[~outreach_table["known"], "place_id"]
    warnings += [
        Problem("outreach", None, "place_id", f"no place with id {pid!r} in the project", "warning")
        for pid in unknown
    ]
    return VisitStats(
        period=(a, b),
        totals=visit_totals(v, start=a, end=b),
        places=visits_per_place(project, visits=v, start=a, end=b),
        months=visits_per_month(v, start=a, end=b),
        reach=reach_by_area(project, visits=v, start=a, end=b),
        unmatched_home_areas=unmatched_home_areas(project, visits=v, start=a, end=b),
        outreach_period=outreach_table.attrs["period"],
        outreach=outreach_table,
        warnings=warnings,
    )
