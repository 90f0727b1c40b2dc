"""Opening hours in OpenStreetMap ``opening_hours`` syntax, evaluated with Finnish public holidays.

All evaluation goes through :func:`parse`, which uses ``opening-hours-py`` with ``country="FI"`` (without it
``PH off`` is silently ignored) and the Europe/Helsinki time zone.

Examples
--------
>>> from datetime import datetime
>>> is_open("Sep-May Tu 09:30-11:30; PH off", datetime(2026, 12, 1, 10, 0, tzinfo=TZ))
True
>>> is_open("Sep-May Tu 09:30-11:30; PH off", datetime(2026, 6, 2, 10, 0, tzinfo=TZ))  # June: season over
False
>>> check("Tu 9-11x") is not None
True
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from functools import lru_cache
from zoneinfo import ZoneInfo

import opening_hours
from opening_hours import OpeningHours, State

from .errors import ScheduleError

ParserError = opening_hours.ParserError  # type: ignore[attr-defined]  # real at run time, not in its stubs

TZ = ZoneInfo("Europe/Helsinki")
COUNTRY = "FI"

WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
"""OSM weekday abbreviations, Monday first (index = ``date.weekday()``)."""

DAYPARTS: tuple[tuple[str, int, int], ...] = (
    ("morning", 8, 12),
    ("afternoon", 12, 16),
    ("evening", 16, 20),
)
"""Parts of the day used by the weekday x time-of-day matrix: (key, start hour, end hour)."""


@lru_cache(maxsize=4096)
def parse(value: str) -> OpeningHours:
    """Parse an ``opening_hours`` string; raise :class:`ScheduleError` with the parser's reason."""
    text = (value or "").strip()
    if not text:
        raise ScheduleError("opening_hours is empty")
    try:
        return OpeningHours(text, timezone=TZ, country=COUNTRY)
    except ParserError as exc:
        raise ScheduleError(f"invalid opening_hours {text!r}: {_parser_reason(exc)}") from None


def _parser_reason(exc: Exception) -> str:
    """Condense the parser's multi-line message to one line: position and what was expected."""
    msg = str(exc)
    pos = re.search(r"-->\s*(\d+):(\d+)", msg)
    expected = re.search(r"=\s*(.+)", msg)
    parts = []
    if pos:
        parts.append(f"at character {pos.group(2)}")
    if expected:
        parts.append(expected.group(1).strip())
    return ", ".join(parts) if parts else " ".join(msg.split())


def check(value: str) -> str | None:
    """Return ``None`` if ``value`` is valid opening_hours, else a one-line reason."""
    try:
        parse(value)
    except ScheduleError as exc:
        return str(exc)
    return None


def _aware(when: dt.datetime) -> dt.datetime:
    if when.tzinfo is None:
        when = when.replace(tzinfo=TZ)
    elif not isinstance(when.tzinfo, ZoneInfo):
        return when.astimezone(TZ)
    # A wall time in the spring-forward gap (e.g. 03:30 on the last Sunday of March) does not exist and
    # opening-hours-py refuses it: move it forward by the gap, as clocks do (03:30 -> 04:30).
    real = when.astimezone(dt.timezone.utc).astimezone(when.tzinfo)
    return real if real.replace(tzinfo=None) != when.replace(tzinfo=None) else when


def is_open(value: str, when: dt.datetime) -> bool:
    """Whether a place with opening hours ``value`` is open at ``when`` (naive = Helsinki time)."""
    return bool(parse(value).is_open(_aware(when)))


def open_intervals(value: str, start: dt.datetime, end: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    """Return the open intervals of ``value`` between ``start`` and ``end`` (clipped), in Helsinki time."""
    start, end = _aware(start), _aware(end)
    out = []
    for a, b, state, _comment in parse(value).intervals(start, end):
        if state == State.OPEN:
            a = max(_aware(a), start)
            b = min(_aware(b) if b is not None else end, end)
            if b > a:
                out.append((a, b))
    return out


def open_minutes_between(value: str, start: dt.datetime, end: dt.datetime) -> float:
    """Minutes open between ``start`` and ``end``."""
    return sum((b - a).total_seconds() for a, b in open_intervals(value, start, end)) / 60.0


# --- term time and the reference week ------------------------------------------------------------------

def in_term_time(day: dt.date) -> bool:
    """Rough Finnish school term: not in the summer break (Jun 1 - Aug 10) nor Christmas (Dec 21 - Jan 6).

    Meeting places follow the school year; the reference week should be an ordinary one.
    """
    md = (day.month, day.day)
    if (6, 1) <= md <= (8, 10):
        return False
    if md >= (12, 21) or md <= (1, 6):
        return False
    return True


def reference_week(today: dt.date | None = None) -> dt.date:
    """Monday of the next full week (starting after ``today``) that lies wholly in term time."""
    today = today or dt.date.today()
    monday = today + dt.timedelta(days=7 - today.weekday())
    for _ in range(60):
        if all(in_term_time(monday + dt.timedelta(days=i)) for i in range(7)):
            return monday
        monday += dt.timedelta(days=7)
    raise AssertionError("no term week within a year")  # pragma: no cover - calendar cannot do this


def term_weeks(monday: dt.date, n: int) -> Iterable[dt.date]:
    """Yield the Mondays of the next ``n`` term weeks from ``monday`` on."""
    count = 0
    while count < n:
        if any(in_term_time(monday + dt.timedelta(days=i)) for i in range(5)):
            yield monday
            count += 1
        monday += dt.timedelta(days=7)


_AT_RE = re.compile(r"^\s*([A-Za-zÅÄÖåäö]{2,3})\w*\.?\s+(\d{1,2})(?:[:.](\d{2}))?\s*$")
_DAY_ALIASES = {
    # English / OSM, Finnish (ma ti ke to pe la su), Swedish (må ti on to fr lö sö)
    "mo": 0, "mon": 0, "ma": 0, "må": 0,
    "tu": 1, "tue": 1, "ti": 1,
    "we": 2, "wed": 2, "ke": 2, "on": 2,
    "th": 3, "thu": 3, "to": 3,
    "fr": 4, "fri": 4, "pe": 4,
    "sa": 5, "sat": 5, "la": 5, "lö": 5,
    "su": 6, "sun": 6, "sö": 6,
}


def parse_at(text: str, week: dt.date | None = None) -> dt.datetime:
    """Turn ``"Tu 10:00"`` (also ``ti 10.00``, ``Tuesday 10``) into a datetime in the reference week.

    Raises :class:`ScheduleError` naming the accepted form.
    """
    m = _AT_RE.match(text or "")
    day = _DAY_ALIASES.get(m.group(1).lower()[:3], _DAY_ALIASES.get(m.group(1).lower()[:2])) if m else None
    if not m or day is None:
        raise ScheduleError(f"cannot read the time {text!r}: use a weekday and a time, e.g. \"Tu 10:00\"")
    hour, minute = int(m.group(2)), int(m.group(3) or 0)
    if hour > 23 or minute > 59:
        raise ScheduleError(f"cannot read the time {text!r}: hour 0-23 and minute 0-59")
    monday = week or reference_week()
    return dt.datetime.combine(monday + dt.timedelta(days=day), dt.time(hour, minute), tzinfo=TZ)


def format_at(when: dt.datetime) -> str:
    """Inverse of :func:`parse_at` (weekday + time), e.g. ``"Tu 10:00"``."""
    return f"{WEEKDAYS[when.weekday()]} {when:%H:%M}"
