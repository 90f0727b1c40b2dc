"""The year: children within reach of an open meeting place in each ISO week, and the gaps in words.

An area counts in a week when a counted place within the threshold has any opening interval in that
Monday-Sunday (DESIGN.md, ``year --json``). Opening hours are read as everywhere in Katve
(:func:`coverage.analysis.week._week_intervals`: opening-hours-py, country FI), so Finnish public holidays
(``PH off``) and seasons (``Sep-May``) apply; school breaks apply only as far as a place's rule says so.

Examples
--------
>>> iso_mondays(2027)[:2], len(iso_mondays(2027)), len(iso_mondays(2026))
([datetime.date(2027, 1, 4), datetime.date(2027, 1, 11)], 52, 53)
>>> runs([False, True, True, False, True])
[(1, 2), (4, 4)]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..core.model import Project, Settings
from ..core.schedule import WEEKDAYS, reference_week
from ..travel.base import TravelModel
from ..travel.choose import model_from_settings
from .reach import _demand, _in_crs, _num, _status_mask, _xy
from .week import _reach_matrix, _week_table


@dataclass
class YearResult:
    """Coverage per ISO week of one year (:func:`year_coverage`).

    ``weeks`` has one row per ISO week: ``week`` ("2027-W28"), ``monday`` (date), ``children_covered``,
    ``children_covered_share``, ``sessions`` (opening intervals of counted places in the week),
    ``places_open`` (counted places with at least one); ``places_total`` is the counted places. ``days``
    is the week x weekday view: children covered by a place open on that day (index ``week``, columns
    ``Mo..Su``). ``open_places`` lists, per week, the names of the places open.
    """

    settings: Settings
    year: int
    weeks: pd.DataFrame
    days: pd.DataFrame
    children_total: float
    model: dict = field(default_factory=dict)
    places_total: int = 0
    open_places: list[list[str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Return the contract's ``year --json`` object: ``settings``, ``year``, ``weeks``."""
        s, m = self.settings, self.model
        settings = {
            "mode": s.mode,
            "model": m.get("model", ""),
            "speed_kmh": _num(m.get("speed_kmh", s.speed_kmh)),
            "circuity": _num(m.get("circuity", s.circuity)),
            "threshold_minutes": _num(s.threshold_minutes),
            "threshold_km": _num(s.threshold_km),
            "at": None,
        }
        weeks = [
            {
                "week": r.week,
                "monday": r.monday.isoformat(),
                "children_covered": round(float(r.children_covered), 6),
                "children_covered_share": None
                if pd.isna(r.children_covered_share)
                else float(r.children_covered_share),
                "sessions": int(r.sessions),
                "places_open": int(r.places_open),
            }
            for r in self.weeks.itertuples(index=False)
        ]
        return {"settings": settings, "year": self.year, "weeks": weeks}

    def gaps(self) -> list[dict[str, Any]]:
        """List the runs of consecutive weeks in which no counted place is open or coverage dips.

        Each item: ``kind`` ("closed": no place open; "low": fewer children covered than in the year's
        ordinary weeks, the median of the weeks with a place open), ``first`` / ``last`` (ISO week numbers),
        ``children_without`` (the most children without a reachable open place in the run) and
        ``places_open`` (the fewest open in the run).
        """
        w = self.weeks
        if not len(w):
            return []
        covered = w["children_covered"].to_numpy(float)
        open_ = w["places_open"].to_numpy(int)
        ordinary = float(np.median(covered[open_ > 0])) if (open_ > 0).any() else 0.0
        closed = open_ == 0
        low = ~closed & (covered < ordinary * (1 - 1e-9) - 0.5)
        out = []
        for kind, mask in (("closed", closed), ("low", low)):
            for a, b in runs(mask.tolist()):
                out.append({
                    "kind": kind,
                    "first": a + 1,
                    "last": b + 1,
                    "children_without": float(self.children_total - covered[a:b + 1].min()),
                    "places_open": int(open_[a:b + 1].min()),
                })
        return sorted(out, key=lambda g: g["first"])


def iso_mondays(year: int) -> list[dt.date]:
    """Return the Mondays of the ISO weeks of ``year`` (52 or 53 of them)."""
    monday = dt.date.fromisocalendar(year, 1, 1)
    out = []
    while monday.isocalendar()[0] == year:
        out.append(monday)
        monday += dt.timedelta(days=7)
    return out


def runs(mask: list[bool]) -> list[tuple[int, int]]:
    """``(first, last)`` index pairs of the runs of ``True`` in ``mask``."""
    out, start = [], None
    for i, v in enumerate([*mask, False]):
        if v and start is None:
            start = i
        elif not v and start is not None:
            out.append((start, i - 1))
            start = None
    return out


def year_coverage(
    project: Project,
    settings: Settings | None = None,
    year: int | None = None,
    include_planned: bool = False,
    model: TravelModel | None = None,
) -> YearResult:
    """Children within reach of a counted place open some time in each ISO week of ``year``.

    Parameters
    ----------
    year : int, optional
        ISO year; default the year of the reference week (:func:`coverage.core.schedule.reference_week`).
    include_planned : bool
        Count planned places too.

    Returns
    -------
    YearResult
    """
    settings = settings or project.settings
    model = model or model_from_settings(settings)
    year = int(year if year is not None else reference_week().isocalendar()[0])
    places = _in_crs(project.places, "places")
    status = _status_mask(places, include_planned)
    sub = places.loc[status]
    names = sub["name"].astype(str).to_numpy(object) if "name" in sub else np.array([""] * len(sub), object)
    areas = _in_crs(project.areas, "areas")
    kids = _demand(areas, "children_0_6")
    some = kids > 0
    total = float(kids.sum())
    reach = _reach_matrix(model, _xy(areas, "areas")[some], _xy(places, "places")[status], settings).tocsr()
    kids = kids[some]
    mondays = iso_mondays(year)
    rows, day_rows, open_lists = [], [], []
    for monday in mondays:
        starts, ends, owner = _week_table(sub, monday)
        per_day = np.zeros((len(sub), 7), dtype=bool)
        for s, e, o in zip(starts, ends, owner, strict=True):
            first, last = int(s // 1440), int(min((e - 1e-9) // 1440, 6))
            per_day[o, first:last + 1] = True
        is_open = per_day.any(axis=1)
        cov = np.asarray(reach @ is_open.astype(float)).ravel() > 0
        covered = round(float(kids[cov].sum()), 6)
        day_cov = np.asarray(reach @ per_day.astype(float)) > 0  # (n_areas, 7)
        day_rows.append([round(float(kids[day_cov[:, d]].sum()), 6) for d in range(7)])
        rows.append({
            "week": f"{year}-W{monday.isocalendar()[1]:02d}",
            "monday": monday,
            "children_covered": covered,
            "children_covered_share": covered / total if total > 0 else np.nan,
            "sessions": int(len(owner)),
            "places_open": int(is_open.sum()),
        })
        open_lists.append([str(n) for n in names[is_open]])
    weeks = pd.DataFrame(rows, columns=["week", "monday", "children_covered", "children_covered_share",
                                        "sessions", "places_open"])
    days = pd.DataFrame(day_rows, index=weeks["week"].to_list(), columns=list(WEEKDAYS))
    days.index.name = "week"
    return YearResult(settings, year, weeks, days, total, dict(model.describe()), int(len(sub)), open_lists)
