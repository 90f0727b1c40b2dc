"""Named scenarios: an alternative for the network meeting, kept in the project beside its places.

A :class:`Scenario` is a list of changes to the project's places, never a copy of them: new places
(``add``), planned places of the list it counts as open (``count``, by id), places closed (``close``, by
id) and new opening hours of places (``hours``, by id, each with the rule it replaces, so a later edit of
that place is never overwritten unseen). Moved sessions are hours
changes; ``moves`` keeps them as said (place, from, to, hours) for the tables.

:func:`apply_scenario` makes the scenario real on a project (accepting it): added places become
``planned`` places, closed places leave the list, hours are rewritten (``count``-ed planned places stay
planned: accepting a plan does not open them). What cannot be applied any more
(the place was deleted, or its hours were edited after the scenario was made) is left as it is and named
in :attr:`Applied.skipped`, as is an added place already in the list (accepting twice adds nothing twice);
nothing else changes. :func:`scenario_places` is the scenario's world for the
analysis: its added and ``count``-ed places count as open places, closed places do not.

Examples
--------
>>> s = Scenario("Kesä", close=("V02",), hours={"V01": ("Mo 09:00-11:00", "Tu 09:00-11:00")})
>>> Scenario.from_dict(s.to_dict()) == s
True
>>> s.counts()
{'add': 0, 'count': 0, 'close': 1, 'hours': 1}
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from .errors import KatveError
from .model import CRS, PLACE_FIELDS, Project, conform, next_ids

SCENARIO_FORMAT = 1
"""Version of the JSON form of a scenario (:meth:`Scenario.to_dict`)."""

MAX_NAME = 60
"""Longest scenario name (characters)."""

ADD_FIELDS = ("id", "name", "x", "y", "opening_hours", "kind", "organiser", "organiser_type", "notes",
              "source")
"""What an added place keeps (``x``, ``y`` in EPSG:3067 metres)."""


class ScenarioError(KatveError):
    """A scenario that cannot be read, named or applied (the message says which and why).

    ``code`` names the case for a translated sentence (``name``, ``long``, ``exists``, ``unknown``,
    ``too_many``, ``unreadable``); ``params`` holds its fields.
    """

    def __init__(self, message: str, code: str = "unreadable", **params: object):
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Scenario:
    """One named alternative: places added, places closed, opening hours changed (see the module)."""

    name: str
    note: str = ""
    add: tuple[dict, ...] = ()
    count: tuple[str, ...] = ()  # planned places (ids) counted as open
    close: tuple[str, ...] = ()
    hours: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (rule before, rule after)
    moves: tuple[dict, ...] = ()  # {"place_id", "name", "from", "to", "hours"}, as proposed
    created: str = ""
    author: str = ""

    def counts(self) -> dict[str, int]:
        """How many places it adds, closes and reschedules."""
        return {"add": len(self.add), "count": len(self.count), "close": len(self.close),
                "hours": len(self.hours)}

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form kept in the project file."""
        return {
            "format": SCENARIO_FORMAT, "name": self.name, "note": self.note,
            "add": [dict(a) for a in self.add], "count": list(self.count), "close": list(self.close),
            "hours": {k: list(v) for k, v in self.hours.items()},
            "moves": [dict(m) for m in self.moves], "created": self.created, "author": self.author,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Scenario:
        """Read :meth:`to_dict`'s form; a wrong shape raises :class:`ScenarioError` naming the part."""
        if not isinstance(data, dict):
            raise ScenarioError("a scenario must be a JSON object")
        name = check_name(data.get("name"))
        try:
            add = tuple(_added(a) for a in data.get("add") or ())
            count = tuple(str(c) for c in data.get("count") or ())
            close = tuple(str(c) for c in data.get("close") or ())
            hours = {str(k): (str(v[0]), str(v[1])) for k, v in dict(data.get("hours") or {}).items()}
            moves = tuple({k: str(v) for k, v in dict(m).items()} for m in data.get("moves") or ())
        except (TypeError, ValueError, IndexError, KeyError) as exc:
            raise ScenarioError(f"scenario {name!r}: its changes cannot be read ({exc})") from None
        return cls(name, str(data.get("note") or ""), add, count, close, hours, moves,
                   str(data.get("created") or ""), str(data.get("author") or ""))

    def to_json(self) -> str:
        """One line of JSON (:meth:`to_dict`)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Scenario:
        """Read :meth:`to_json`'s text."""
        try:
            data = json.loads(text)
        except (TypeError, ValueError):
            raise ScenarioError("a scenario's changes are not readable JSON") from None
        return cls.from_dict(data)


def _added(row: Any) -> dict:
    row = dict(row)
    out = {k: row[k] for k in ADD_FIELDS if k in row and row[k] is not None}
    out["x"], out["y"] = float(row["x"]), float(row["y"])
    out["id"], out["name"] = str(row["id"]), str(row.get("name") or row["id"])
    return out


def check_name(name: Any) -> str:
    """Return a scenario name as kept: stripped, not empty, at most :data:`MAX_NAME` characters."""
    text = " ".join(str(name or "").split())
    if not text:
        raise ScenarioError("give the scenario a name", "name")
    if len(text) > MAX_NAME:
        raise ScenarioError(f"a scenario name can have at most {MAX_NAME} characters", "long", n=MAX_NAME)
    return text


def now_text() -> str:
    """Return the time now as a scenario keeps it (UTC, ISO 8601, seconds)."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def find_scenario(project: Project, name: str) -> Scenario:
    """Return the scenario ``name`` kept in ``project`` (the same name ignoring case also matches).

    Raises :class:`ScenarioError` (``unknown``) naming the scenarios kept.
    """
    for s in project.scenarios:
        if s.name == name:
            return s
    for s in project.scenarios:
        if s.name.casefold() == name.casefold():
            return s
    kept = ", ".join(s.name for s in project.scenarios) or "-"
    raise ScenarioError(f"no scenario named {name!r} (kept: {kept})", "unknown", name=name)


def with_scenario(project: Project, scenario: Scenario, *, replace: bool = False) -> Project:
    """Return a copy of ``project`` with ``scenario`` kept in it (by name; ``replace`` overwrites)."""
    names = [s.name.casefold() for s in project.scenarios]
    if scenario.name.casefold() in names and not replace:
        raise ScenarioError(f"a scenario named {scenario.name!r} exists already; choose another name",
                            "exists", name=scenario.name)
    kept = [s for s in project.scenarios if s.name.casefold() != scenario.name.casefold()]
    return dataclasses.replace(project, scenarios=[*kept, scenario])


def without_scenario(project: Project, name: str) -> Project:
    """Return a copy of ``project`` without the scenario ``name``."""
    return dataclasses.replace(project, scenarios=[s for s in project.scenarios if s.name != name])


@dataclass
class Applied:
    """The outcome of :func:`apply_scenario`: the project and what was done or left alone."""

    project: Project
    added: list[str] = field(default_factory=list)  # names
    closed: list[str] = field(default_factory=list)
    rescheduled: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (place, reason code)


def _places_crs(places: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if places.crs is not None and not places.crs.equals(CRS):
        return places.to_crs(CRS)
    return places


def _added_rows(scenario: Scenario, status: str, ids_in_use: set[str]) -> gpd.GeoDataFrame:
    """Return the added places as rows of the list, ids in the list's own style (``V08``, ``V09`` ...)."""
    rows = []
    for a, new_id in zip(scenario.add, next_ids(ids_in_use, len(scenario.add)), strict=True):
        rows.append({**{k: v for k, v in a.items() if k not in ("x", "y")}, "id": new_id, "status": status,
                     "source": a.get("source") or f"katve scenario {scenario.name}"})
    frame = gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=[c for c in ADD_FIELDS if c not in ("x", "y")] + ["status"]),
        geometry=gpd.points_from_xy([a["x"] for a in scenario.add], [a["y"] for a in scenario.add]),
        crs=CRS,
    )
    return conform(frame, PLACE_FIELDS)


def _in_list(scenario: Scenario, places: gpd.GeoDataFrame) -> list[str | None]:
    """Return per added place the id of its twin in the list (same name within 1 m), or None."""
    names = places["name"].astype(str).to_numpy(object) if len(places) else []
    out: list[str | None] = []
    for a in scenario.add:
        same = np.asarray(names == str(a["name"]), dtype=bool) if len(places) else np.zeros(0, bool)
        if not same.any():
            out.append(None)
            continue
        d = places.geometry[same].distance(Point(a["x"], a["y"]))
        out.append(str(places.loc[d.idxmin(), "id"]) if float(d.min()) <= 1.0 else None)
    return out


def apply_scenario(project: Project, scenario: Scenario, *, status: str = "planned") -> Applied:
    """Make ``scenario`` real on a copy of ``project`` (see the module); the scenario itself stays kept."""
    places = _places_crs(project.places).copy()
    ids = places["id"].astype(str) if len(places) else pd.Series([], dtype=object)
    out = Applied(project.copy())
    hours_col = "opening_hours"
    for pid, (before, after) in scenario.hours.items():
        hit = (ids == pid).to_numpy()
        if not hit.any():
            out.skipped.append((pid, "missing"))
            continue
        now = str(places.loc[hit, hours_col].iloc[0] or "")
        if now.strip() == after.strip():
            continue  # already so
        if now.strip() != before.strip():
            out.skipped.append((str(places.loc[hit, "name"].iloc[0]), "hours_edited"))
            continue
        places.loc[hit, hours_col] = after
        out.rescheduled.append(str(places.loc[hit, "name"].iloc[0]))
    gone = ids.isin(list(scenario.close)).to_numpy(bool)
    out.closed = [str(n) for n in places.loc[gone, "name"]]
    out.skipped += [(c, "missing") for c in scenario.close if c not in set(ids)]
    places = places.loc[~gone]
    there = _in_list(scenario, places)
    fresh = [a for a, pid in zip(scenario.add, there, strict=True) if pid is None]
    out.skipped += [(str(a["name"]), "already") for a, pid in zip(scenario.add, there, strict=True) if pid]
    if fresh:
        scenario = dataclasses.replace(scenario, add=tuple(fresh))
        # never an id the list had (a closed place's), nor one its visits or outreach still name
        used = {*ids, *(str(v) for layer in (project.visits, project.outreach) if "place_id" in layer
                        for v in layer["place_id"])}
        added = _added_rows(scenario, status, used)
        base = conform(places, PLACE_FIELDS) if len(places) else None
        merged = added if base is None else pd.concat([base, added], ignore_index=True)
        places = gpd.GeoDataFrame(merged, geometry="geometry", crs=CRS)
        out.added = [str(a["name"]) for a in scenario.add]
    out.project.places = gpd.GeoDataFrame(places.reset_index(drop=True), geometry="geometry", crs=CRS)
    return out


def scenario_places(project: Project, scenario: Scenario | None) -> Project:
    """Return the scenario's world for the analysis: added places count (status ``existing``), closed don't.

    ``None`` is the project as it is. Hours edits that no longer apply are left out, as in
    :func:`apply_scenario`.
    """
    if scenario is None:
        return project
    world = apply_scenario(project, scenario, status="existing").project
    # planned places it counts, and its added places already in the list (accepted earlier), are open in it
    counted = [*scenario.count, *(pid for pid in _in_list(scenario, world.places) if pid)]
    if counted and len(world.places):
        opened = world.places["id"].astype(str).isin(counted).to_numpy()
        world.places.loc[opened, "status"] = "existing"
    return world


def merged(base: Scenario, extra: Scenario) -> Scenario:
    """Return ``base`` with the changes of ``extra`` added (a plan saved into an existing scenario).

    Places added by both are kept once (by id); an hours change of the same place keeps ``base``'s rule
    before and ``extra``'s rule after; the name, note and time of ``base`` stay.
    """
    adds = {a["id"]: a for a in base.add}
    for a in extra.add:
        new_id, n = a["id"], 1
        while new_id in adds and adds[new_id] != a:
            n += 1
            new_id = f"{a['id']}-{n}"
        adds[new_id] = {**a, "id": new_id}
    hours = dict(base.hours)
    for pid, (before, after) in extra.hours.items():
        hours[pid] = (hours[pid][0] if pid in hours else before, after)
    return dataclasses.replace(
        base, add=tuple(adds.values()), count=tuple(dict.fromkeys([*base.count, *extra.count])),
        close=tuple(dict.fromkeys([*base.close, *extra.close])), hours=hours,
        moves=(*base.moves, *extra.moves),
    )
