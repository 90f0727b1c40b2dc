"""Column schemas, settings and the in-memory project.

Everything in a :class:`Project` is in ETRS-TM35FIN (EPSG:3067). The layer schemas here are the single
source of truth for the project file (:mod:`coverage.io.store`), the importers and the validation of both.

Examples
--------
>>> s = Settings(mode="bike", threshold_minutes=20)
>>> s.speed_kmh
15.0
>>> round(s.reach_km, 3)  # straight-line reach: 20 min at 15 km/h, divided by the circuity 1.3
3.846
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from .errors import KatveError, Problem

CRS = "EPSG:3067"
"""The computation CRS: ETRS-TM35FIN, metres."""

ACCEPTED_CRS = ("EPSG:4326", "EPSG:3067", "EPSG:3879")
"""Input CRSs we accept and reproject from (WGS84, ETRS-TM35FIN, ETRS-GK25)."""

ORGANISER_TYPES = ("municipality", "mll", "parish", "other_ngo", "other")
KINDS = ("open_daycare", "family_cafe", "family_club", "other")
STATUSES = ("existing", "planned", "candidate")
MODES = ("walk", "bike", "car")

DEFAULT_SPEEDS_KMH = {"walk": 4.0, "bike": 15.0, "car": 50.0}
"""Mode speeds: walking with a pram, cycling, driving on rural roads."""

DEFAULT_CIRCUITY = 1.3
"""Road distance / straight-line distance; 1.3 is a common figure for rural road networks."""

DEFAULT_MODE = "car"
DEFAULT_THRESHOLD_MINUTES = 10.0

# --- layer schemas --------------------------------------------------------------------------------------
# name -> (kind, required).  kind: "str", "int", "float", "bool", "date", "datetime".
PLACE_FIELDS: dict[str, tuple[str, bool]] = {
    "id": ("str", True),
    "name": ("str", True),
    "organiser": ("str", False),
    "organiser_type": ("str", False),
    "kind": ("str", False),
    "address": ("str", False),
    "opening_hours": ("str", True),
    "ages": ("str", False),
    "languages": ("str", False),
    "status": ("str", True),
    "thl_criteria": ("str", False),
    "notes": ("str", False),
    "source": ("str", False),
}
AREA_FIELDS: dict[str, tuple[str, bool]] = {
    "id": ("str", True),
    "name": ("str", True),
    "population": ("int", True),
    "children_0_6": ("float", True),
    "children_estimated": ("bool", False),
    "families_with_children": ("float", False),
    "municipality": ("str", False),
    "village": ("str", False),  # the village or postal area the area belongs to (its cells' common name)
    "year": ("int", False),  # statistics year of the population figures
}
BOUNDARY_FIELDS: dict[str, tuple[str, bool]] = {
    "code": ("str", False),
    "name": ("str", False),
}
CANDIDATE_FIELDS: dict[str, tuple[str, bool]] = {
    "id": ("str", True),
    "name": ("str", True),
    "kind": ("str", False),
    "source": ("str", False),
}
VISIT_FIELDS: dict[str, tuple[str, bool]] = {
    "place_id": ("str", True),
    "date": ("date", True),
    "adults": ("int", True),
    "children": ("int", True),
    "first_timers": ("int", False),
    "multicultural": ("int", False),
    "home_area": ("str", False),
}
OUTREACH_FIELDS: dict[str, tuple[str, bool]] = {
    "place_id": ("str", True),
    "start": ("datetime", True),
    "end": ("datetime", False),
    "profession": ("str", True),
    "organisation": ("str", False),
    "notes": ("str", False),
}

SPATIAL_LAYERS = {
    "places": PLACE_FIELDS,
    "areas": AREA_FIELDS,
    "boundary": BOUNDARY_FIELDS,
    "candidates": CANDIDATE_FIELDS,
}
TABLE_LAYERS = {
    "visits": VISIT_FIELDS,
    "outreach": OUTREACH_FIELDS,
}

_EMPTY_DTYPES = {
    "str": "object",
    "int": "Int64",
    "float": "float64",
    "bool": "boolean",
    "date": "object",
    "datetime": "datetime64[ns]",
}


@dataclass(frozen=True)
class Settings:
    """Analysis settings. Exactly one of ``threshold_minutes`` / ``threshold_km`` bounds coverage.

    ``threshold_km`` bounds the *travel* distance (straight-line x circuity in the default model).
    """

    mode: str = DEFAULT_MODE
    speeds_kmh: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SPEEDS_KMH))
    circuity: float = DEFAULT_CIRCUITY
    threshold_minutes: float | None = None  # default: DEFAULT_THRESHOLD_MINUTES when neither is given
    threshold_km: float | None = None
    language: str = "fi"
    network: str | None = None  # path to an .osm.pbf / .osm road network, None = straight-line model
    network_sha256: str = ""  # SHA-256 of the network file when it was chosen ("" = not recorded)
    notes: str = ""
    versions_kept: int = 50  # saves kept as versions (coverage.io.versions); at least 1
    at: str = ""  # the moment the app was last showing, e.g. "Tu 10:00" ("" = any time); restored on open

    def __post_init__(self) -> None:
        kept = self.versions_kept
        if isinstance(kept, bool) or not isinstance(kept, int) or kept < 1:
            raise KatveError(f"versions kept must be a whole number >= 1, got {self.versions_kept!r}")
        if self.mode not in MODES:
            raise KatveError(f"unknown travel mode {self.mode!r}; use one of {', '.join(MODES)}")
        if not (self.circuity >= 1.0 and math.isfinite(self.circuity)):
            raise KatveError(f"circuity must be a number >= 1, got {self.circuity!r}")
        for mode, speed in self.speeds_kmh.items():
            if not (speed > 0 and math.isfinite(speed)):
                raise KatveError(f"speed for {mode} must be positive, got {speed!r}")
        if self.threshold_minutes is None and self.threshold_km is None:
            object.__setattr__(self, "threshold_minutes", DEFAULT_THRESHOLD_MINUTES)
        if self.threshold_minutes is not None and self.threshold_km is not None:
            raise KatveError("give the threshold in minutes or in km, not both")
        for name in ("threshold_minutes", "threshold_km"):
            value = getattr(self, name)
            if value is not None and not (value > 0 and math.isfinite(value)):
                raise KatveError(f"{name.replace('_', ' ')} must be positive, got {value!r}")

    @property
    def speed_kmh(self) -> float:
        """Speed of the chosen mode."""
        return float(self.speeds_kmh.get(self.mode, DEFAULT_SPEEDS_KMH[self.mode]))

    @property
    def threshold_in_minutes(self) -> float:
        """The threshold expressed in minutes at the mode speed."""
        if self.threshold_minutes is not None:
            return float(self.threshold_minutes)
        assert self.threshold_km is not None
        return float(self.threshold_km) / self.speed_kmh * 60.0

    @property
    def threshold_in_km(self) -> float:
        """The threshold expressed as a travel distance in km."""
        if self.threshold_km is not None:
            return float(self.threshold_km)
        assert self.threshold_minutes is not None
        return float(self.threshold_minutes) / 60.0 * self.speed_kmh

    @property
    def reach_km(self) -> float:
        """Straight-line radius of a place's reach in the default model: travel km / circuity."""
        return self.threshold_in_km / self.circuity

    def replace(self, **changes: Any) -> Settings:
        """Return a copy with ``changes``; setting one threshold clears the other."""
        if "threshold_minutes" in changes and changes["threshold_minutes"] is not None:
            changes.setdefault("threshold_km", None)
        if "threshold_km" in changes and changes["threshold_km"] is not None:
            changes.setdefault("threshold_minutes", None)
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-safe) for the project file."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        """Build from a dict, ignoring unknown keys (files written by newer versions)."""
        known = {f.name for f in dataclasses.fields(cls)}
        clean = {k: v for k, v in data.items() if k in known}
        if "speeds_kmh" in clean and isinstance(clean["speeds_kmh"], str):
            clean["speeds_kmh"] = json.loads(clean["speeds_kmh"])
        if "speeds_kmh" in clean:
            given = {k: float(v) for k, v in clean["speeds_kmh"].items()}
            clean["speeds_kmh"] = {**DEFAULT_SPEEDS_KMH, **given}
        for key in ("threshold_minutes", "threshold_km", "circuity"):
            if key in clean and clean[key] is not None:
                clean[key] = float(clean[key])
        if isinstance(clean.get("versions_kept"), float) and clean["versions_kept"].is_integer():
            clean["versions_kept"] = int(clean["versions_kept"])
        return cls(**clean)


def empty_layer(fields: dict[str, tuple[str, bool]], *, spatial: bool = True) -> pd.DataFrame:
    """Return an empty layer with the schema's columns and dtypes (a GeoDataFrame in EPSG:3067 if spatial)."""
    data = {name: pd.Series(dtype=_EMPTY_DTYPES[kind]) for name, (kind, _req) in fields.items()}
    if spatial:
        return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries([], crs=CRS), crs=CRS)
    return pd.DataFrame(data)


def conform(df: pd.DataFrame, fields: dict[str, tuple[str, bool]], *, spatial: bool = True) -> pd.DataFrame:
    """Add missing optional columns with defaults and order the schema's columns first.

    Extra columns are kept (after the schema's). Values are not validated here; see
    :mod:`coverage.core.validation`.
    """
    out = df.copy()
    for name, (kind, _required) in fields.items():
        if name not in out.columns:
            if kind == "bool":
                out[name] = pd.Series(False, index=out.index, dtype="boolean")
            elif kind == "str":
                out[name] = ""
            else:
                out[name] = pd.Series(np.nan, index=out.index, dtype=_EMPTY_DTYPES[kind])
    ordered = list(fields) + [c for c in out.columns if c not in fields and c != "geometry"]
    if spatial:
        ordered.append("geometry")
    return out[ordered]


@dataclass
class Project:
    """A coverage project: the layers of the data model plus settings.

    Layers are GeoDataFrames in EPSG:3067 (``visits`` and ``outreach`` are plain DataFrames).
    ``path`` is the GeoPackage it was loaded from, or ``None`` for an embedded data set.
    """

    places: gpd.GeoDataFrame
    areas: gpd.GeoDataFrame
    boundary: gpd.GeoDataFrame = field(default_factory=lambda: empty_layer(BOUNDARY_FIELDS))
    candidates: gpd.GeoDataFrame = field(default_factory=lambda: empty_layer(CANDIDATE_FIELDS))
    visits: pd.DataFrame = field(default_factory=lambda: empty_layer(VISIT_FIELDS, spatial=False))
    outreach: pd.DataFrame = field(default_factory=lambda: empty_layer(OUTREACH_FIELDS, spatial=False))
    settings: Settings = field(default_factory=Settings)
    name: str = ""
    path: str | None = None
    version: str | None = None  # content hash at load time, used to detect concurrent saves
    warnings: list[Problem] = field(default_factory=list)  # non-fatal problems found when loading
    scenarios: list[Any] = field(default_factory=list)  # named alternatives: coverage.core.scenario.Scenario

    def layer(self, name: str) -> pd.DataFrame:
        """Return a layer by its name in the project file."""
        if name not in SPATIAL_LAYERS and name not in TABLE_LAYERS:
            raise KatveError(f"unknown layer {name!r}")
        return getattr(self, name)

    def copy(self) -> Project:
        """Return a deep copy (layers copied), e.g. for a planning scenario."""
        return dataclasses.replace(
            self,
            places=self.places.copy(),
            areas=self.areas.copy(),
            boundary=self.boundary.copy(),
            candidates=self.candidates.copy(),
            visits=self.visits.copy(),
            outreach=self.outreach.copy(),
            scenarios=list(self.scenarios),
        )

    @property
    def municipality_name(self) -> str:
        """Display name: the project name, else the boundary names joined."""
        if self.name:
            return self.name
        if len(self.boundary) and "name" in self.boundary:
            return " + ".join(str(n) for n in self.boundary["name"] if str(n))
        return ""


def next_ids(existing: Iterable[Any], n: int, *, prefix: str = "P") -> list[str]:
    """Return ``n`` new ids after the project's own: the most used prefix, its digits, from its maximum on.

    Examples
    --------
    >>> next_ids(["V01", "V02", "V07"], 2), next_ids(["1", "2"], 1), next_ids([], 2, prefix="P")
    (['V08', 'V09'], ['3'], ['P01', 'P02'])
    """
    ids = [str(i).strip() for i in existing if str(i).strip()]
    counts: Counter[str] = Counter()
    width: dict[str, int] = {}
    top: dict[str, int] = {}
    for value in ids:
        m = re.fullmatch(r"(.*?)(\d+)", value)
        if m:
            counts[m[1]] += 1
            width[m[1]] = max(width.get(m[1], 0), len(m[2]))
            top[m[1]] = max(top.get(m[1], 0), int(m[2]))
    if counts:
        prefix = counts.most_common(1)[0][0]
        digits, number = width[prefix] if prefix else 1, top[prefix] + 1
    else:
        digits, number = 2, 1
    taken = set(ids)
    out: list[str] = []
    while len(out) < n:
        candidate = f"{prefix}{number:0{digits}d}"
        if candidate not in taken:
            out.append(candidate)
            taken.add(candidate)
        number += 1
    return out
