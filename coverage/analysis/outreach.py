"""Professionals' outreach visits (jalkautuminen): who goes where and when, per term and place.

Outreach rows are planned visits of professionals (a family worker, a public-health nurse, ...) to a meeting
place. :func:`outreach_events` turns them into calendar events (an event lasts until ``end``, else until the
end of the place's session it falls in, else :data:`DEFAULT_OUTREACH_MINUTES`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..core.errors import raise_if_errors
from ..core.model import Project
from ..core.schedule import TZ, check, open_intervals
from ..core.validation import as_text, is_missing, normalise_layer, validate_layer
from .records import DateLike, _in_period, _period, _place_names, term_bounds

DEFAULT_OUTREACH_MINUTES = 60
"""Length of an outreach visit whose ``end`` is not given and that does not fall in an opening interval."""


# --- outreach -----------------------------------------------------------------------------------------------


def outreach_frame(
    outreach: pd.DataFrame, *, start: DateLike = None, end: DateLike = None, path: str = "outreach"
) -> pd.DataFrame:
    """Return the validated outreach visits that start within a period (inclusive days), by start.

    ``start``/``end`` columns are naive Helsinki-time timestamps; ``end`` may be NaT.

    Raises
    ------
    InputError
        Listing every invalid value.
    """
    a, b = _period(start, end)
    raise_if_errors(validate_layer("outreach", outreach, path=path))
    out = normalise_layer("outreach", outreach)
    day = out["start"].dt.date
    keep = _in_period(pd.Series(day.to_numpy(dtype=object), dtype=object), a, b)
    return out.loc[keep].sort_values("start", kind="stable").reset_index(drop=True)


def _term_or_period(
    start: DateLike, end: DateLike, today: dt.date | None
) -> tuple[dt.date | None, dt.date | None]:
    if start is None and end is None:
        return term_bounds(today)
    return _period(start, end)


def _join(values: Iterable[Any]) -> list[str]:
    return sorted({str(v) for v in values if not is_missing(v)})


def outreach_by_place(
    project: Project,
    *,
    outreach: pd.DataFrame | None = None,
    start: DateLike = None,
    end: DateLike = None,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """Which places get which professional visits in a period (default: this term) and which get none.

    Parameters
    ----------
    project : Project
        Places (existing and planned; candidates are left out) and, unless ``outreach`` is given, the visits.
    start, end : date or str, optional
        Inclusive period; when both are omitted, the term of ``today`` (see :func:`term_bounds`).

    Returns
    -------
    DataFrame
        One row per place (project order; ids not in the project last with ``known`` False):
        ``place_id, name, known, outreach_visits, professions`` (list), ``organisations`` (list),
        ``first, last`` (timestamps or NaT), ``has_outreach``.
    """
    a, b = _term_or_period(start, end, today)
    o = outreach_frame(project.outreach if outreach is None else outreach, start=a, end=b)
    grouped = o.groupby("place_id")
    agg = pd.DataFrame(
        {
            "outreach_visits": grouped.size(),
            "professions": grouped["profession"].agg(_join),
            "organisations": grouped["organisation"].agg(_join),
            "first": grouped["start"].min(),
            "last": grouped["start"].max(),
        }
    )
    names = _place_names(project)
    base = names[names["status"] != "candidate"][["place_id", "name"]].assign(known=True)
    unknown = sorted(set(agg.index) - set(names["place_id"]))
    base = pd.concat(
        [base, pd.DataFrame({"place_id": unknown, "name": unknown, "known": False})], ignore_index=True
    )
    out = base.merge(agg, left_on="place_id", right_index=True, how="left")
    out["outreach_visits"] = out["outreach_visits"].fillna(0).astype("int64")
    for name in ("professions", "organisations"):
        out[name] = [x if isinstance(x, list) else [] for x in out[name]]
    out["first"] = pd.to_datetime(out["first"]).astype("datetime64[ns]")
    out["last"] = pd.to_datetime(out["last"]).astype("datetime64[ns]")
    out["has_outreach"] = out["outreach_visits"] > 0
    out["known"] = out["known"].astype(bool)
    out.attrs["period"] = (a, b)
    return out.reset_index(drop=True)


def outreach_matrix(
    project: Project,
    *,
    outreach: pd.DataFrame | None = None,
    start: DateLike = None,
    end: DateLike = None,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """Place x profession counts of outreach visits in a period (default: this term).

    Rows: every existing/planned place (by name, zeros for places without outreach); columns: professions
    in alphabetical order.
    """
    a, b = _term_or_period(start, end, today)
    o = outreach_frame(project.outreach if outreach is None else outreach, start=a, end=b)
    names = _place_names(project)
    ids = list(names.loc[names["status"] != "candidate", "place_id"])
    ids += sorted(set(o["place_id"]) - set(ids))
    grid = pd.crosstab(o["place_id"], o["profession"]) if len(o) else pd.DataFrame()
    grid = grid.reindex(index=ids, fill_value=0).fillna(0).astype("int64")
    lookup = dict(zip(names["place_id"], names["name"], strict=True))
    grid.index = pd.Index([lookup.get(p) or p for p in ids], name="place")
    grid.columns.name = "profession"
    return grid


@dataclass(frozen=True)
class OutreachEvent:
    """One outreach visit as a calendar event (for the ICS export).

    ``start``/``end`` are timezone-aware (Europe/Helsinki). ``place`` is the place's name and ``location``
    its address (or the name); ``description`` gives the profession, organisation and notes.
    """

    uid: str
    start: dt.datetime
    end: dt.datetime
    summary: str
    place: str
    location: str
    description: str
    place_id: str
    profession: str
    organisation: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (ISO timestamps)."""
        return {
            "uid": self.uid,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "summary": self.summary,
            "place": self.place,
            "location": self.location,
            "description": self.description,
            "place_id": self.place_id,
            "profession": self.profession,
            "organisation": self.organisation,
        }


def _event_end(start: dt.datetime, opening_hours: str) -> dt.datetime:
    """End of the opening interval that contains ``start``, else ``start`` + the default length."""
    default = start + dt.timedelta(minutes=DEFAULT_OUTREACH_MINUTES)
    if not opening_hours or check(opening_hours) is not None:
        return default
    for a, b in open_intervals(opening_hours, start - dt.timedelta(hours=12), start + dt.timedelta(hours=12)):
        if a <= start < b:
            return b
    return default


def outreach_events(
    project: Project, *, outreach: pd.DataFrame | None = None, start: DateLike = None, end: DateLike = None
) -> list[OutreachEvent]:
    """Calendar events of the outreach visits (all of them, or those starting in a period).

    An event without ``end`` lasts until the place's opening interval that contains its start closes (a nurse
    visiting a café stays to the end of the session), else :data:`DEFAULT_OUTREACH_MINUTES`. The ``uid`` is
    stable (place, start and profession), so re-importing an exported calendar updates rather than duplicates.

    Examples
    --------
    >>> from coverage.io.datasets import load_dataset
    >>> p = load_dataset("vihti")
    >>> p.outreach = pd.DataFrame({"place_id": ["V02"], "start": ["2025-10-07 10:30"],
    ...                            "profession": ["neuvolan terveydenhoitaja"]})
    >>> ev = outreach_events(p)[0]
    >>> ev.summary, ev.end.strftime("%H:%M")  # V02 is open Tu 10:00-12:00
    ('neuvolan terveydenhoitaja: MLL:n perhekahvila Nummela', '12:00')
    """
    o = outreach_frame(project.outreach if outreach is None else outreach, start=start, end=end)
    places = project.places
    info: dict[str, tuple[str, str, str]] = {}
    if len(places):
        ids = as_text(places["id"])
        address = as_text(places["address"]) if "address" in places else ids.map(lambda _: "")
        hours = as_text(places["opening_hours"]) if "opening_hours" in places else ids.map(lambda _: "")
        for pid, name, addr, oh in zip(ids, as_text(places["name"]), address, hours, strict=True):
            info[pid] = (name, addr, oh)
    events = []
    for row in o.itertuples(index=False):
        pid = str(row.place_id)
        name, address, hours = info.get(pid, (pid, "", ""))
        begin = row.start.to_pydatetime().replace(tzinfo=TZ)
        finish = (
            row.end.to_pydatetime().replace(tzinfo=TZ) if not pd.isna(row.end) else _event_end(begin, hours)
        )
        organisation = "" if is_missing(row.organisation) else str(row.organisation)
        notes = "" if is_missing(row.notes) else str(row.notes)
        description = "\n".join(x for x in (str(row.profession), organisation, notes) if x)
        digest = hashlib.sha1(f"{pid}|{begin.isoformat()}|{row.profession}".encode()).hexdigest()[:20]
        events.append(
            OutreachEvent(
                uid=f"katve-outreach-{digest}@katve",
                start=begin,
                end=finish,
                summary=f"{row.profession}: {name}",
                place=name,
                location=f"{name}, {address}" if address else name,
                description=description,
                place_id=pid,
                profession=str(row.profession),
                organisation=organisation,
            )
        )
    return events
