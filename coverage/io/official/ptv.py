"""Suomi.fi Palvelutietovaranto (PTV) service locations as meeting places, their hours as OSM syntax."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from ...core.errors import InputError, Problem
from ...core.model import CRS
from ...core.schedule import TZ
from ...core.schedule import check as check_opening_hours
from ..files import _check_file
from ..importers import ImportResult
from .base import _finish, _n, _note

FAMILY_KEYWORDS: tuple[str, ...] = (
    "perhe",
    "avoin päiväkoti",
    "avoin varhaiskasvatus",
    "avoimet varhaiskasvatus",
    "kohtaamispaikka",
    "leikkipuisto",
    "lapsiperhe",
    "vauva",
    "mll",
    "familj",
    "öppen daghem",
    "öppet daghem",
    "öppna daghem",
    "mötesplats",
    "lekpark",
    "family",
    "families",
    "playgroup",
)
"""Words (lower case, matched inside names) that select family meeting places from PTV's service locations:
a municipality's PTV list also holds libraries, health centres and offices."""


PTV_DAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

NO_HOURS = 'unknown "no opening hours in the service register"'
"""``opening_hours`` of a PTV place without usable service hours: counted as a place, never as open at a
given time (``--at``)."""


# === Suomi.fi Palvelutietovaranto (PTV) ==================================================================


def read_ptv(
    path: str | os.PathLike,
    *,
    boundary: Any = None,
    keywords: Sequence[str] | None = FAMILY_KEYWORDS,
    language: str = "fi",
) -> ImportResult:
    """Read service locations from the Suomi.fi service register (PTV REST API v11 JSON) as places.

    Parameters
    ----------
    path : str or path-like
        JSON as the API returns it: a page ``{"itemList": [...], "pageCount": ...}`` (also several pages
        combined, as :func:`coverage.io.official.fetch.fetch` writes them), a list of channels or a single
        channel.
    boundary : GeoDataFrame, GeoSeries or shapely geometry, optional
        The municipality, to flag places far outside it.
    keywords : sequence of str or None
        Keep only service locations whose name contains one of these (case-insensitive); default
        :data:`FAMILY_KEYWORDS`. ``None`` keeps every service location.
    language : str
        Preferred language of names and addresses (``fi``, ``sv`` or ``en``; falls back to the others).

    Returns
    -------
    ImportResult
        ``data``: places with ``id`` = the PTV id, ``name``, ``address`` ("street number, postal code post
        office"), ``opening_hours`` from ``serviceHours`` (:func:`ptv_hours_to_osm`), ``languages``,
        ``status`` = existing, ``source`` = ``PTV <id>``. Channels that are not service locations, that do
        not match ``keywords`` or have no coordinates are left out and counted in the warnings; every service
        hour that cannot be expressed is a warning naming the place.

    Notes
    -----
    PTV gives coordinates in **EPSG:3067** although the fields are called ``latitude`` (= northing) and
    ``longitude`` (= easting). Values that look like degrees are read as WGS84, and swapped ones are swapped
    back, each with a warning.

    Raises
    ------
    InputError
        When the file is not PTV JSON or no place is left.
    """
    spath = str(path)
    items = _ptv_items(Path(path))
    problems: list[Problem] = []
    wanted = None if keywords is None else [k.lower() for k in keywords]
    records: list[dict[str, Any]] = []
    rows: list[int] = []
    skipped_type = skipped_keyword = 0
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append(Problem(spath, number, "-", "is not a service channel object", "warning"))
            continue
        kind = str(item.get("serviceChannelType") or "ServiceLocation")
        if kind.lower() not in ("servicelocation", "servicelocationchannel"):
            skipped_type += 1
            continue
        names = _localized(item.get("serviceChannelNames"), types=("Name",))
        all_names = " ".join(v for _lang, v in names).lower()
        if wanted is not None and not any(k in all_names for k in wanted):
            skipped_keyword += 1
            continue
        ident = str(item.get("id") or f"ptv{number}")
        name = _pick(names, language) or ident
        record_label = f"{name} ({ident})"
        point, address, where = _ptv_location(item.get("addresses") or [], language)
        if point is None:
            problems.append(
                Problem(
                    spath, number, "addresses", f"{record_label}: {where}; the place is left out", "warning"
                )
            )
            continue
        if where:
            problems.append(Problem(spath, number, "addresses", f"{record_label}: {where}", "warning"))
        hours, notes = ptv_hours_to_osm(item.get("serviceHours") or [], record=record_label)
        for message in notes:
            problems.append(Problem(spath, number, "serviceHours", message, "warning"))
        if not hours:
            problems.append(
                Problem(
                    spath,
                    number,
                    "serviceHours",
                    f"{record_label}: no opening hours in the register: set to "
                    f"'{NO_HOURS}' (counted, but never as open at a given time)",
                    "warning",
                )
            )
            hours = NO_HOURS
        extra = [
            v
            for _lang, v in _localized(
                [
                    a
                    for sh in item.get("serviceHours") or []
                    if isinstance(sh, dict)
                    for a in (sh.get("additionalInformation") or [])
                ],
                types=None,
            )
        ]
        languages = item.get("languages") or []
        records.append(
            {
                "id": ident,
                "name": name,
                "organiser": "",
                "organiser_type": _organiser_type(all_names),
                "kind": _place_kind(all_names),
                "address": address,
                "opening_hours": hours,
                "languages": ",".join(str(v) for v in languages)
                if isinstance(languages, list)
                else str(languages),
                "status": "existing",
                "notes": "; ".join(dict.fromkeys(extra)),
                "source": f"PTV {ident}",
                "ptv_organization": str(item.get("organizationId") or ""),
                "geometry": point,
            }
        )
        rows.append(number)
    if skipped_type:
        problems.append(
            _note(
                spath,
                "serviceChannelType",
                _n(skipped_type, "channel is not a service location", "channels are not service locations")
                + " (web pages, phone lines, forms) and left out",
            )
        )
    if skipped_keyword:
        problems.append(
            _note(
                spath,
                "serviceChannelNames",
                _n(
                    skipped_keyword,
                    "service location does not look like a family meeting place",
                    "service locations do not look like family meeting places",
                )
                + " (no keyword such as 'perhe' in the name) and left out",
            )
        )
    if not records:
        problems.append(
            Problem(
                spath,
                None,
                "-",
                "no service locations left to import"
                + (" (try keywords=None to import every service location)" if wanted else ""),
            )
        )
        raise InputError(problems)
    gdf = gpd.GeoDataFrame(records, geometry="geometry", crs=CRS)
    return _finish("places", gdf, path=spath, rows=np.array(rows), problems=problems, boundary=boundary)


def _ptv_items(path: Path) -> list:
    _check_file(path)
    try:
        doc = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError([Problem(str(path), None, "-", "the file is not UTF-8 JSON")]) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            [Problem(str(path), None, "-", f"not valid JSON ({exc.msg}, line {exc.lineno})")]
        ) from None
    if isinstance(doc, dict) and isinstance(doc.get("itemList"), list):
        return doc["itemList"]
    if isinstance(doc, dict) and "serviceChannelNames" in doc:
        return [doc]
    if isinstance(doc, list):
        if all(isinstance(d, dict) and isinstance(d.get("itemList"), list) for d in doc) and doc:
            return [item for page in doc for item in page["itemList"]]
        return doc
    raise InputError(
        [
            Problem(
                str(path),
                None,
                "-",
                "not Suomi.fi service register (PTV) JSON: expected "
                "'itemList' or service channels with 'serviceChannelNames'",
            )
        ]
    )


def _localized(items: Any, *, types: tuple[str, ...] | None) -> list[tuple[str, str]]:
    out = []
    for entry in items or []:
        if not isinstance(entry, dict):
            continue
        if types is not None and entry.get("type") not in (*types, None):
            continue
        value = " ".join(str(entry.get("value") or "").split())
        if value:
            out.append((str(entry.get("language") or ""), value))
    return out


def _pick(values: list[tuple[str, str]], language: str) -> str:
    for lang in (language, "fi", "sv", "en"):
        for code, value in values:
            if code == lang:
                return value
    return values[0][1] if values else ""


def _ptv_location(addresses: list, language: str) -> tuple[Any, str, str]:
    """Point (EPSG:3067), address text and a note (why there is no point, or what was assumed)."""
    located = [a for a in addresses if isinstance(a, dict)]
    located.sort(key=lambda a: 0 if str(a.get("type", "Location")).lower() == "location" else 1)
    address_text = ""
    for entry in located:
        nested = entry.get("streetAddress")
        street: dict = nested if isinstance(nested, dict) else entry
        text = _address_text(street, language)
        address_text = address_text or text
        lat, lon = street.get("latitude"), street.get("longitude")
        if _blank_number(lat) or _blank_number(lon):
            continue
        try:
            north, east = float(str(lat).replace(",", ".")), float(str(lon).replace(",", "."))
        except ValueError:
            continue
        point, note = _ptv_point(north, east)
        if point is not None:
            return point, text or address_text, note
    if located:
        return None, address_text, "no coordinates in its addresses"
    return None, "", "no address"


def _blank_number(value: Any) -> bool:
    return (
        value is None
        or (isinstance(value, str) and not value.strip())
        or (isinstance(value, float) and math.isnan(value))
    )


def _ptv_point(north: float, east: float) -> tuple[Any, str]:
    def in_3067(n: float, e: float) -> bool:
        return 6_570_000 <= n <= 7_830_000 and 20_000 <= e <= 790_000

    if in_3067(north, east):
        return shapely.Point(east, north), ""
    if in_3067(east, north):
        return shapely.Point(
            north, east
        ), "latitude and longitude were swapped: read them the other way round"
    if 59.0 <= north <= 70.5 and 19.0 <= east <= 32.0:
        x, y = gpd.GeoSeries([shapely.Point(east, north)], crs="EPSG:4326").to_crs(CRS).iloc[0].coords[0]
        return shapely.Point(x, y), "coordinates look like WGS84 degrees, not EPSG:3067: read them as degrees"
    return None, f"coordinates ({north:g}, {east:g}) are not in Finland"


def _address_text(street: dict, language: str) -> str:
    name = _pick(_localized(street.get("street"), types=None), language)
    number = str(street.get("streetNumber") or "").strip()
    postal = str(street.get("postalCode") or "").strip()
    office = _pick(_localized(street.get("postOffice"), types=None), language)
    first = " ".join(p for p in (name, number) if p)
    second = " ".join(p for p in (postal, office.title() if office.isupper() else office) if p)
    return ", ".join(p for p in (first, second) if p)


def _place_kind(names: str) -> str:
    if re.search(r"avoi\w* päiväko|avoi\w* varhaiskasvatu|öpp\w* daghem", names):
        return "open_daycare"
    if re.search(r"perhekahvil|familje?caf|familjekaf|family caf", names):
        return "family_cafe"
    if re.search(r"perhekerh|familjeklubb|family club|vauvakerh", names):
        return "family_club"
    return "other"


def _organiser_type(names: str) -> str:
    if re.search(r"\bmll\b|mannerheimin lastensuojelu", names):
        return "mll"
    if re.search(r"seurakun|församling", names):
        return "parish"
    return ""


# --- PTV service hours -> OSM opening_hours -----------------------------------------------------------------


def ptv_hours_to_osm(service_hours: Sequence[dict], *, record: str = "") -> tuple[str, list[str]]:
    """Convert PTV ``serviceHours`` to an OpenStreetMap ``opening_hours`` string.

    Parameters
    ----------
    service_hours : sequence of dict
        PTV v11 service hours: ``serviceHourType`` (``DaysOfTheWeek``, ``Exceptional``, ``OverMidnight``;
        also the v7 names ``Standard``, ``Exception``, ``Special``), ``validFrom``/``validTo``,
        ``validForNow``, ``isClosed``, ``isAlwaysOpen``, ``isReservation``, ``additionalInformation`` and
        ``openingHour`` entries (``dayFrom``, ``dayTo``, ``from``, ``to``).
    record : str
        Name of the place, used in the warnings.

    Returns
    -------
    (str, list of str)
        The ``opening_hours`` value (``""`` when the hours say nothing usable) and one warning per thing
        that could not be expressed or was assumed. Nothing is dropped silently.

    Notes
    -----
    Rules are ordered from general to specific, because a later OSM rule overrides earlier ones on the days
    it selects: hours valid for now, then hours with a validity period (``2025 Aug 11-2026 May 29 Tu
    09:30-11:30``), then exceptions (``2025 Dec 24 off``). Hours by reservation only become ``unknown``
    (the place is not open to drop in). ``validTo`` is taken as the last valid day.

    Examples
    --------
    >>> ptv_hours_to_osm([
    ...     {"serviceHourType": "DaysOfTheWeek", "validFrom": "2025-08-11T00:00:00",
    ...      "validTo": "2026-05-29T00:00:00",
    ...      "openingHour": [{"dayFrom": "Tuesday", "dayTo": "", "from": "09:30", "to": "11:30"}]},
    ...     {"serviceHourType": "Exceptional", "validFrom": "2025-12-24T00:00:00", "isClosed": True}])
    ('2025 Aug 11-2026 May 29 Tu 09:30-11:30; 2025 Dec 24 off', [])
    """
    who = f"{record}: " if record else ""
    warnings: list[str] = []
    regular: list[str] = []
    dated: list[str] = []
    exceptions: list[str] = []
    entries = [sh for sh in service_hours if isinstance(sh, dict)]
    entries.sort(key=lambda sh: (sh.get("orderNumber") is None, sh.get("orderNumber") or 0))
    for sh in entries:
        kind = str(sh.get("serviceHourType") or "").strip().lower()
        try:
            start, end = _ptv_date(sh.get("validFrom")), _ptv_date(sh.get("validTo"))
        except ValueError as exc:
            warnings.append(f"{who}service hours with an unreadable date ({exc}) were left out")
            continue
        if sh.get("validForNow") and kind in ("daysoftheweek", "standard", "overmidnight", "special"):
            start = end = None
        info = " / ".join(v for _l, v in _localized(sh.get("additionalInformation"), types=None))
        closed_exception = kind in ("exceptional", "exception") and sh.get("isClosed")
        if info and not closed_exception:  # on a closure the text only names it ("Joulutauko")
            warnings.append(
                f"{who}service hours have additional information that opening_hours cannot hold: "
                f"{info!r}; check the hours"
            )
        if kind in ("exceptional", "exception"):
            if start is None:
                warnings.append(f"{who}exceptional hours without a date were left out")
                continue
            period: str | None = _osm_period(start, end or start)
            if sh.get("isClosed"):
                exceptions.append(f"{period} off")
                continue
            spans, bad = _day_spans(sh.get("openingHour") or [], require_day=False)
            warnings += [f"{who}{b}" for b in bad]
            if sh.get("isAlwaysOpen"):
                exceptions.append(f"{period} 00:00-24:00")
            elif spans:
                times = ",".join(sorted({f"{a}-{b}" for _d, a, b in spans}))
                days = sorted({d for d, _a, _b in spans if d is not None})
                exceptions.append(
                    f"{period} {_day_selector(days)} {times}".replace("  ", " ")
                    if days
                    else f"{period} {times}"
                )
            else:
                warnings.append(
                    f"{who}exceptional hours on {period} give no times and are not closed; left out"
                )
            continue
        if kind not in ("daysoftheweek", "standard", "overmidnight", "special"):
            warnings.append(f"{who}service hours of unknown type {sh.get('serviceHourType')!r} were left out")
            continue
        period = "" if start is None and end is None else None
        if period is None:
            if start is None:
                warnings.append(
                    f"{who}hours valid until {end:%d.%m.%Y} have no start date: read as valid now"
                )
                period = ""
            elif end is None:
                period = f"{start.year} {_MONTHS[start.month - 1]} {start.day:02d}+"
            else:
                period = _osm_period(start, end)
        target = dated if period else regular
        prefix = f"{period} " if period else ""
        if sh.get("isAlwaysOpen"):
            target.append(f"{prefix}Mo-Su 00:00-24:00" if period else "24/7")
            continue
        spans, bad = _day_spans(
            sh.get("openingHour") or [], require_day=True, over_midnight=kind in ("overmidnight", "special")
        )
        warnings += [f"{who}{b}" for b in bad]
        if sh.get("isClosed") and not spans:
            target.append(f"{prefix}off" if period else "off")
            if not period:
                warnings.append(f"{who}the hours say 'closed' with no period: the place is read as closed")
            continue
        if not spans:
            if not bad:
                warnings.append(f"{who}weekly hours without any opening times were left out")
            continue
        rules = _weekly_rules(spans)
        if sh.get("isReservation"):
            warnings.append(f"{who}hours by reservation only are read as 'unknown' (not open to drop in)")
            rules = [f'{r} unknown "by reservation"' for r in rules]
        target.extend(f"{prefix}{r}" for r in rules)
    value = "; ".join(regular + dated + exceptions)
    if value:
        reason = check_opening_hours(value)
        if reason is not None:  # should not happen; never hand on an unreadable value
            warnings.append(f"{who}the converted hours {value!r} are not valid ({reason}); left out")
            value = ""
    return value, warnings


def _ptv_date(value: Any) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip().replace("Z", "+00:00")
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(repr(value)) from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(TZ)
    return parsed.date()


def _osm_period(start: dt.date, end: dt.date) -> str:
    a = f"{start.year} {_MONTHS[start.month - 1]} {start.day:02d}"
    if end <= start:
        return a
    return f"{a}-{end.year} {_MONTHS[end.month - 1]} {end.day:02d}"


def _hhmm(value: Any) -> str | None:
    match = re.fullmatch(r"\s*(\d{1,2})(?:[:.](\d{2})(?::\d{2}(?:\.\d+)?)?)?\s*", str(value or ""))
    if not match:
        return None
    h, m = int(match.group(1)), int(match.group(2) or 0)
    if h > 24 or m > 59 or (h == 24 and m):
        return None
    return f"{h:02d}:{m:02d}"


def _day_spans(
    entries: list, *, require_day: bool, over_midnight: bool = False
) -> tuple[list[tuple[int | None, str, str]], list[str]]:
    """(weekday or None, HH:MM, HH:MM) spans from ``openingHour`` entries, and reasons for the rest."""
    spans: list[tuple[int | None, str, str]] = []
    bad: list[str] = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        start, end = _hhmm(entry.get("from")), _hhmm(entry.get("to"))
        day_from = PTV_DAYS.get(str(entry.get("dayFrom") or "").strip().lower())
        day_to = PTV_DAYS.get(str(entry.get("dayTo") or "").strip().lower())
        shown = f"{entry.get('dayFrom') or ''} {entry.get('from')}-{entry.get('to')}".strip()
        if start is None or end is None:
            bad.append(f"opening hour {shown!r} has no readable times; left out")
            continue
        if day_from is None and (require_day or entry.get("dayFrom")):
            bad.append(f"opening hour {shown!r} has no readable weekday; left out")
            continue
        if end == "00:00" and start != "00:00":
            end = "24:00"
        if start == end == "00:00":
            end = "24:00"
        if day_from is None:
            spans.append((None, start, end))
            continue
        if day_to is None or day_to == day_from:
            spans.append((day_from, start, end))  # "Fr 22:00-02:00" wraps past midnight in OSM
            continue
        if over_midnight or end <= start:
            # from dayFrom start to dayTo end: one span per day it covers
            days = [(day_from + k) % 7 for k in range((day_to - day_from) % 7 + 1)]
            if len(days) == 2 and end <= start:
                spans.append((day_from, start, end))
                continue
            spans.append((days[0], start, "24:00"))
            spans.extend((d, "00:00", "24:00") for d in days[1:-1])
            if end != "00:00":
                spans.append((days[-1], "00:00", end))
            continue
        # a weekday range with the same times each day (older data: Monday-Friday 8-16)
        spans.extend(((day_from + k) % 7, start, end) for k in range((day_to - day_from) % 7 + 1))
    return spans, bad


def _weekly_rules(spans: list[tuple[int | None, str, str]]) -> list[str]:
    by_day: dict[int, list[str]] = {}
    for day, start, end in spans:
        if day is None:
            continue
        by_day.setdefault(day, [])
        text = f"{start}-{end}"
        if text not in by_day[day]:
            by_day[day].append(text)
    groups: dict[str, list[int]] = {}
    for day in sorted(by_day):
        times = ",".join(sorted(by_day[day]))
        groups.setdefault(times, []).append(day)
    return [f"{_day_selector(days)} {times}" for times, days in sorted(groups.items(), key=lambda g: g[1][0])]


def _day_selector(days: Sequence[int]) -> str:
    days = sorted(set(days))
    parts: list[str] = []
    run: list[int] = []
    for d in days + [99]:
        if run and d == run[-1] + 1:
            run.append(d)
            continue
        if run:
            parts.append(
                f"{OSM_DAYS[run[0]]}-{OSM_DAYS[run[-1]]}"
                if len(run) >= 3
                else ",".join(OSM_DAYS[x] for x in run)
            )
        run = [d]
    return ",".join(parts)
