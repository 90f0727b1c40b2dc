"""The family calendar (perhekalenteri) as ICS: every session of every place over a term."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

import numpy as np
import pandas as pd

from ..analysis.outreach import outreach_events
from ..analysis.week import sessions
from ..core.errors import ExportError
from ..core.i18n import check_language, label
from ..core.model import Project
from ..core.schedule import TZ, in_term_time
from .document import _s, _write_bytes, header, text

# --- family calendar (ICS) ---------------------------------------------------------------------------------


def term_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """Return the rest of the current (or the next) school term as ``(first day, last day)``.

    Uses :func:`coverage.core.schedule.in_term_time`: autumn term Aug 11 - Dec 20, spring term Jan 7 - May 31.
    In a break, the next term is returned whole.
    """
    day = today or dt.date.today()
    for _ in range(400):
        if in_term_time(day):
            break
        day += dt.timedelta(days=1)
    end = day
    while in_term_time(end + dt.timedelta(days=1)):
        end += dt.timedelta(days=1)
    return day, end


def family_calendar(
    project: Project,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    include_planned: bool = False,
    lang: str = "fi",
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Any:
    """Build the family calendar: one event per session of every existing place from ``start`` to ``end``.

    Sessions are the open intervals of each place's ``opening_hours`` (public holidays and seasons apply).
    Default period: :func:`term_period` of ``today``.

    Returns
    -------
    icalendar.Calendar
        With a VTIMEZONE for Europe/Helsinki; event UIDs depend only on the project name, place id and start
        time, so importing an updated calendar replaces events instead of duplicating them.
    """
    import icalendar

    lang = check_language(lang)
    if start is None or end is None:
        t_start, t_end = term_period(today)
        start, end = start or t_start, end or t_end
    if end < start:
        raise ExportError(f"the calendar period ends ({end}) before it starts ({start})")
    stamp = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)
    name = project.municipality_name or "Katve"
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "katve"

    cal = icalendar.Calendar()
    cal.add("prodid", "-//Katve//Perhekalenteri//FI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{text('calendar', lang)} – {name}")
    cal.add("x-wr-timezone", "Europe/Helsinki")

    places = project.places
    statuses = {"existing", "planned"} if include_planned else {"existing"}
    keep = places["status"].astype(str).str.strip().str.lower().isin(statuses).to_numpy(bool)
    places = places.loc[keep]
    lonlat = places.geometry.to_crs("EPSG:4326") if len(places) else places.geometry
    found, bad = sessions(places, start, end)
    if bad:
        row = places.iloc[min(bad)]
        raise ExportError(f"place {row['id']} ({row['name']}): {bad[min(bad)]}")
    bounds = np.searchsorted(found["row"].to_numpy(np.int64), np.arange(len(places) + 1))  # sorted by row
    starts, ends = found["start"].to_list(), found["end"].to_list()
    for k, ((_, row), point) in enumerate(zip(places.iterrows(), lonlat, strict=True)):
        description = _event_description(row, lang)
        for a, b in zip(starts[bounds[k]:bounds[k + 1]], ends[bounds[k]:bounds[k + 1]], strict=True):
            ev = icalendar.Event()
            ev.add("uid", f"{slug}-{_uid_part(row['id'])}-{a:%Y%m%dT%H%M}@katve")
            ev.add("dtstamp", stamp)
            ev.add("dtstart", a.astimezone(TZ))
            ev.add("dtend", b.astimezone(TZ))
            ev.add("summary", str(row["name"]))
            location = ", ".join(x for x in (_s(row.get("address")),) if x) or str(row["name"])
            ev.add("location", location)
            if description:
                ev.add("description", description)
            kind = _s(row.get("kind"))
            if kind:
                ev.add("categories", [label("kind", kind, lang)])
            if point is not None and not point.is_empty:
                ev.add("geo", (round(point.y, 6), round(point.x, 6)))
            ev.add("transp", "TRANSPARENT")
            cal.add_component(ev)
    _add_outreach_events(cal, project, start=start, end=end, stamp=stamp, lang=lang)
    cal.add_missing_timezones(first_date=start, last_date=end + dt.timedelta(days=1))
    return cal


def _add_outreach_events(
    cal: Any, project: Project, *, start: dt.date, end: dt.date, stamp: dt.datetime, lang: str
) -> None:
    """Professionals' outreach visits (jalkautuminen) of the period as events of their own."""
    import icalendar


    if not len(project.outreach):
        return
    for visit in outreach_events(project, start=start, end=end):
        ev = icalendar.Event()
        ev.add("uid", f"{visit.uid}@katve")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", visit.start.astimezone(TZ))
        ev.add("dtend", visit.end.astimezone(TZ))
        ev.add("summary", visit.summary)
        ev.add("location", visit.location or visit.place)
        if visit.description:
            ev.add("description", visit.description)
        ev.add("categories", [text("outreach", lang)])
        cal.add_component(ev)


def _event_description(row: pd.Series, lang: str) -> str:
    parts = []
    for key in ("organiser", "address", "ages", "languages", "notes"):
        value = _s(row.get(key))
        if value:
            parts.append(f"{header(key, lang)}: {value}")
    return "\n".join(parts)


def _uid_part(value: Any) -> str:
    raw = str(value)
    clean = re.sub(r"[^A-Za-z0-9_.-]+", "-", raw)
    if clean != raw:  # keep distinct ids distinct after cleaning
        clean += "-" + hashlib.sha1(raw.encode("utf-8")).hexdigest()[:6]
    return clean


def write_ics(project: Project, out: Any, **options: Any) -> int:
    """Write :func:`family_calendar` to ``out`` (path or binary file); return the number of events."""
    cal = family_calendar(project, **options)
    _write_bytes(out, cal.to_ical())
    return len(cal.walk("VEVENT"))
