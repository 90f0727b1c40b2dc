"""Shared by the visitor statistics and the outreach: dates as users type them, periods, terms, names.

>>> term_bounds(dt.date(2025, 10, 1))
(datetime.date(2025, 8, 11), datetime.date(2025, 12, 20))
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..core.errors import KatveError
from ..core.model import Project
from ..core.schedule import in_term_time
from ..core.validation import as_text, parse_datetime

DateLike = dt.date | dt.datetime | str | None
"""A day as the functions here accept it: a date, a datetime (its day) or ``YYYY-MM-DD`` / ``D.M.YYYY``."""


# --- dates and periods ----------------------------------------------------------------------------------


def parse_day(value: DateLike, *, what: str = "date") -> dt.date | None:
    """Read a day given as a date, a datetime or text (``2025-03-04`` or ``4.3.2025``).

    Raises
    ------
    KatveError
        Naming ``what`` and the accepted forms when the text cannot be read.

    Examples
    --------
    >>> parse_day("4.3.2025")
    datetime.date(2025, 3, 4)
    >>> parse_day(None) is None
    True
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    parsed = parse_datetime(str(value).strip(), date_only=True)
    if parsed is None:
        raise KatveError(f"cannot read the {what} {str(value)!r}: use YYYY-MM-DD or D.M.YYYY")
    return parsed.date()


def _period(start: DateLike, end: DateLike) -> tuple[dt.date | None, dt.date | None]:
    a, b = parse_day(start, what="start date"), parse_day(end, what="end date")
    if a is not None and b is not None and b < a:
        raise KatveError(f"the period ends ({b.isoformat()}) before it starts ({a.isoformat()})")
    return a, b


def term_bounds(today: dt.date | None = None, *, offset: int = 0) -> tuple[dt.date, dt.date]:
    """First and last day of the term (lukukausi) containing ``today``, or of the next term in a break.

    Terms are the runs of days for which :func:`coverage.core.schedule.in_term_time` holds, so they match the
    reference week and :func:`coverage.core.schedule.term_weeks`. ``offset`` moves by whole terms: ``1`` is
    the term after, ``-1`` the term before.

    Examples
    --------
    >>> term_bounds(dt.date(2025, 10, 1))
    (datetime.date(2025, 8, 11), datetime.date(2025, 12, 20))
    >>> term_bounds(dt.date(2025, 7, 1))  # summer break: the coming autumn term
    (datetime.date(2025, 8, 11), datetime.date(2025, 12, 20))
    >>> term_bounds(dt.date(2025, 10, 1), offset=-1)
    (datetime.date(2025, 1, 7), datetime.date(2025, 5, 31))
    """
    one = dt.timedelta(days=1)
    day = today or dt.date.today()
    for _ in range(366):
        if in_term_time(day):
            break
        day += one
    start = day
    while in_term_time(start - one):
        start -= one
    end = day
    while in_term_time(end + one):
        end += one
    if offset > 0:
        return term_bounds(end + one, offset=offset - 1)
    if offset < 0:
        day = start - one
        while not in_term_time(day):
            day -= one
        return term_bounds(day, offset=offset + 1)
    return start, end


def _in_period(days: pd.Series, start: dt.date | None, end: dt.date | None) -> np.ndarray:
    """Mask of the days (``datetime.date`` or None) within the inclusive period."""
    values = days.to_numpy(dtype=object)
    keep = np.array([d is not None and not pd.isna(d) for d in values], dtype=bool)
    if start is not None:
        keep &= np.array([k and d >= start for k, d in zip(keep, values, strict=True)], dtype=bool)
    if end is not None:
        keep &= np.array([k and d <= end for k, d in zip(keep, values, strict=True)], dtype=bool)
    return keep


def _place_names(project: Project | None) -> pd.DataFrame:
    if project is None or not len(project.places):
        return pd.DataFrame(
            {
                "place_id": pd.Series(dtype=object),
                "name": pd.Series(dtype=object),
                "status": pd.Series(dtype=object),
            }
        )
    places = project.places
    status = places["status"] if "status" in places else pd.Series("existing", index=places.index)
    return pd.DataFrame(
        {
            "place_id": as_text(places["id"]).to_numpy(),
            "name": as_text(places["name"]).to_numpy(),
            "status": as_text(status).to_numpy(),
        }
    )
