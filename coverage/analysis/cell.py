"""Inside one weekday x daypart cell of the week matrix: the places open then, the villages beyond reach then.

A place counts in a cell as in :func:`coverage.analysis.week.weekday_matrix` (open at least
``min_open_minutes`` of the daypart in the reference week); the villages are those of
:meth:`coverage.analysis.reach.CoverageResult.villages` when only those places count.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.errors import AnalysisError
from ..core.model import Project, Settings
from ..core.schedule import DAYPARTS, WEEKDAYS
from ..travel.base import TravelModel
from .reach import CoverageResult, _in_crs, _status_mask, analyze
from .week import DEFAULT_MIN_OPEN_MINUTES, _monday, _open_cells, _week_table


@dataclass
class CellDetail:
    """What :func:`cell_detail` finds.

    ``places`` (``id, name, hours``: that day's intervals as ``HH:MM-HH:MM``), ``villages`` (beyond reach
    then, most children beyond reach first) and ``result`` (the analysis with only those places counted).
    """

    weekday: str
    daypart: str
    week: dt.date
    places: pd.DataFrame
    villages: pd.DataFrame
    result: CoverageResult


def cell_detail(
    project: Project,
    weekday: str,
    daypart: str,
    settings: Settings | None = None,
    *,
    week: dt.date | None = None,
    include_planned: bool = False,
    model: TravelModel | None = None,
    min_open_minutes: float = DEFAULT_MIN_OPEN_MINUTES,
) -> CellDetail:
    """Return the places open in one cell and the villages with children beyond reach of them then.

    ``weekday`` is Mo..Su, ``daypart`` morning, afternoon or evening.
    """
    keys = [k for k, _a, _b in DAYPARTS]
    if weekday not in WEEKDAYS or daypart not in keys:
        raise AnalysisError(f"no such cell: {weekday!r} {daypart!r}")
    monday = _monday(week)
    places = _in_crs(project.places, "places")
    status = _status_mask(places, include_planned)
    rows = np.flatnonzero(status)
    sub = places.iloc[rows]
    col = WEEKDAYS.index(weekday) * len(keys) + keys.index(daypart)
    is_open = _open_cells(sub, monday, min_open_minutes)[:, col] if len(sub) else np.zeros(0, bool)
    starts, ends, owner = _week_table(sub, monday)
    day = WEEKDAYS.index(weekday)
    hours: dict[int, list[str]] = {}
    for s, e, o in zip(starts, ends, owner, strict=True):
        if int(s // 1440) == day:
            a, b = int(round(s - day * 1440)), int(round(e - day * 1440))
            hours.setdefault(int(o), []).append(f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}")
    open_rows = np.flatnonzero(is_open)
    table = pd.DataFrame({
        "id": sub["id"].astype(str).to_numpy(object)[open_rows] if "id" in sub else open_rows + 1,
        "name": sub["name"].astype(str).to_numpy(object)[open_rows] if "name" in sub else "",
        "hours": [", ".join(hours.get(int(r), [])) for r in open_rows],
    })
    # only the places open then count: the others are set aside for this analysis
    kept = places.copy()
    closed = np.ones(len(places), dtype=bool)
    closed[rows[open_rows]] = False
    kept.loc[kept.index[closed], "status"] = "closed"
    result = analyze(dataclasses.replace(project, places=kept), settings, include_planned=include_planned,
                     model=model)
    villages = result.villages()
    villages = villages[villages["children_uncovered"] > 0].reset_index(drop=True)
    return CellDetail(weekday, daypart, monday, table, villages, result)


