"""Validation and normalisation of the project's layers.

:func:`validate_layer` checks one layer (a DataFrame or GeoDataFrame, columns already in the schema's
English names) against its schema in :mod:`coverage.core.model` and reports *every* problem it finds as a
:class:`~coverage.core.errors.Problem`, one per (row, field). Rows are 1-based data rows: the position in the
frame + 1, which is the row a user sees in a spreadsheet below its header. :func:`normalise_layer` then
coerces a valid layer to the schema's dtypes.

Both the importers (:mod:`coverage.io.importers`) and the project file (:mod:`coverage.io.store`) use these,
so a file is judged the same way whichever door it comes in through.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"place_id": ["p1", "p1"], "date": ["2025-03-04", "31.2.2025"],
...                    "adults": [3, -1], "children": [4, 2]})
>>> for p in validate_layer("visits", df, path="visits.csv"):
...     print(p)
visits.csv:2: date: cannot read the date '31.2.2025': use YYYY-MM-DD or D.M.YYYY
visits.csv:2: adults: must not be negative (got -1)
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .errors import KatveError, Problem
from .hours import normalise_hours
from .model import CRS, KINDS, ORGANISER_TYPES, SPATIAL_LAYERS, STATUSES, TABLE_LAYERS, conform
from .schedule import TZ
from .schedule import check as check_opening_hours

FAR_OUTSIDE_KM: float = 25.0
"""A feature farther than this from the municipality boundary is an error ("far outside the municipality").

Meeting places just across the border are normal (families use the nearest one), so this is generous.
"""

FINLAND_BOUNDS_3067: tuple[float, float, float, float] = (20_000.0, 6_570_000.0, 790_000.0, 7_830_000.0)
"""Finland's extent in EPSG:3067 with a margin (min x, min y, max x, max y): coordinates outside it mean
a wrong coordinate system rather than a place abroad."""

FINLAND_LAT = (59.5, 70.1)
FINLAND_LON = (19.0, 31.6)
"""Finland's latitude and longitude ranges in degrees (used to spot swapped coordinates)."""

MAX_COUNT: dict[str, float] = {
    "population": 10_000_000,
    "children_0_6": 10_000_000,
    "families_with_children": 10_000_000,
    "adults": 10_000,
    "children": 10_000,
    "first_timers": 10_000,
    "multicultural": 10_000,
}
"""Upper bounds for counts; larger values are typing errors (Finland has 5.6 million people and a
meeting-place session does not see ten thousand visitors)."""

ALLOWED_GEOMETRIES: dict[str, tuple[str, ...]] = {
    "places": ("Point",),
    "areas": ("Point", "Polygon", "MultiPolygon"),
    "boundary": ("Polygon", "MultiPolygon"),
    "candidates": ("Point",),
}
"""Geometry types each spatial layer accepts."""

CHOICES: dict[str, dict[str, tuple[str, ...]]] = {
    "places": {"status": STATUSES, "organiser_type": ORGANISER_TYPES, "kind": KINDS},
}
"""Fields whose values must come from a fixed list (per layer)."""

VALUE_ALIASES: dict[str, dict[str, str]] = {
    # Finnish (and a few Swedish) spellings a coordinator types into a spreadsheet -> canonical values.
    "status": {
        "olemassa": "existing",
        "olemassa oleva": "existing",
        "nykyinen": "existing",
        "toiminnassa": "existing",
        "käytössä": "existing",
        "befintlig": "existing",
        "suunniteltu": "planned",
        "suunnitteilla": "planned",
        "tuleva": "planned",
        "planerad": "planned",
        "ehdokas": "candidate",
        "ehdotus": "candidate",
        "kandidat": "candidate",
    },
    "organiser_type": {
        "kunta": "municipality",
        "kaupunki": "municipality",
        "hyvinvointialue": "municipality",
        "kommun": "municipality",
        "public": "municipality",
        "mannerheimin lastensuojeluliitto": "mll",
        "seurakunta": "parish",
        "church": "parish",
        "församling": "parish",
        "evl": "parish",
        "järjestö": "other_ngo",
        "yhdistys": "other_ngo",
        "ngo": "other_ngo",
        "förening": "other_ngo",
        "muu": "other",
        "annan": "other",
    },
    "kind": {
        "avoin päiväkoti": "open_daycare",
        "avoin varhaiskasvatus": "open_daycare",
        "öppen daghem": "open_daycare",
        "öppet daghem": "open_daycare",
        "perhekahvila": "family_cafe",
        "familjecafé": "family_cafe",
        "familjekafé": "family_cafe",
        "perhekerho": "family_club",
        "familjeklubb": "family_club",
        "muu": "other",
        "annan": "other",
    },
}

_TRUE = {"true", "1", "yes", "y", "kyllä", "k", "x", "ja", "tosi", "t"}
_FALSE = {"false", "0", "no", "n", "ei", "e", "nej", "epätosi", "f"}

_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y")
_TIME_SUFFIXES = ("", " %H:%M", " %H.%M", " %H:%M:%S", " klo %H:%M", " klo %H.%M", "T%H:%M", "T%H:%M:%S")


# --- small value helpers ----------------------------------------------------------------------------------


def is_missing(value: Any) -> bool:
    """Whether a cell is empty: None, NaN/NaT/NA or a blank string."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _missing_mask(series: pd.Series) -> np.ndarray:
    mask = np.array(series.isna().to_numpy(dtype=bool), dtype=bool, copy=True)
    if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
        arr = series.to_numpy(dtype=object)
        is_str = np.fromiter((type(v) is str for v in arr), dtype=bool, count=len(arr))
        if is_str.any():
            stripped = pd.Series(arr[is_str], dtype=object).str.strip().to_numpy(dtype=object)
            mask[is_str] |= stripped == ""
    return mask


def as_text(series: pd.Series) -> pd.Series:
    """Values as stripped text (object dtype); whole floats lose their ``.0`` (Excel ids); missing -> ''."""

    def one(v: Any) -> str:
        if is_missing(v):
            return ""
        if isinstance(v, (float, np.floating)) and math.isfinite(v) and float(v).is_integer():
            return str(int(v))
        return str(v).strip()

    return series.astype(object).map(one).astype(object)


def to_numbers(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Parse numbers as Finnish spreadsheets write them.

    Accepts decimal comma (``1,5``), spaces / no-break spaces as thousands separators (``12 345``) and the
    Unicode minus sign. Returns ``(values, bad)``: float values (NaN where missing or unreadable) and a
    boolean mask of cells that hold something that is not a number.
    """
    if pd.api.types.is_bool_dtype(series.dtype):
        values = np.full(len(series), np.nan)
        return values, ~series.isna().to_numpy(dtype=bool)
    if pd.api.types.is_numeric_dtype(series.dtype):
        values = pd.to_numeric(series, errors="coerce").astype("float64").to_numpy(na_value=np.nan)
        return values, np.zeros(len(series), dtype=bool)
    arr = series.to_numpy(dtype=object)
    missing = _missing_mask(series)
    values = np.full(len(arr), np.nan)
    bad = np.zeros(len(arr), dtype=bool)
    is_bool = np.fromiter((isinstance(v, (bool, np.bool_)) for v in arr), dtype=bool, count=len(arr))
    bad |= is_bool & ~missing
    todo = ~missing & ~is_bool
    if todo.any():
        # fast path: plain numbers and numeric cells
        values[todo] = (
            pd.to_numeric(pd.Series(arr[todo], dtype=object), errors="coerce")
            .astype("float64")
            .to_numpy(na_value=np.nan)
        )
        retry = todo & np.isnan(values)
        if retry.any():
            parsed, unreadable = _parse_number_texts(pd.Series(arr[retry], dtype=object).astype(str))
            values[retry] = parsed
            bad[retry] = unreadable
    return values, bad


def _parse_number_texts(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Decimal commas, thousands spaces, Unicode minus; ``(values, unreadable)`` ('nan' counts as missing)."""
    text = (
        text.str.strip()
        .str.replace(r"[\s\u00a0\u202f']", "", regex=True)
        .str.replace("\u2212", "-", regex=False)
    )
    both = text.str.contains(",", regex=False) & text.str.contains(".", regex=False)
    # "1.234,5" (dot thousands, comma decimal) vs "1,234.5": the last separator is the decimal one
    comma_last = text.str.rfind(",") > text.str.rfind(".")
    text = text.where(~(both & comma_last), text.str.replace(".", "", regex=False))
    text = text.where(~(both & ~comma_last), text.str.replace(",", "", regex=False))
    text = text.str.replace(",", ".", regex=False)
    values = pd.to_numeric(text.astype(object), errors="coerce").astype("float64").to_numpy(na_value=np.nan)
    unreadable = np.isnan(values) & (text.str.lower() != "nan").to_numpy(dtype=bool)
    return values, unreadable


def parse_bool(value: Any) -> bool | None:
    """``True``/``False`` for yes/no values in English, Finnish or Swedish; ``None`` if unreadable."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        if value in (0, 1):
            return bool(value)
        return None
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def parse_datetime(value: Any, *, date_only: bool = False) -> dt.datetime | None:
    """Read a date or date-time: ISO ``2025-03-04 10:00`` or Finnish ``4.3.2025 klo 10.00``.

    Returns a naive datetime in Helsinki time (aware values are converted), or ``None`` if unreadable.
    """
    if isinstance(value, pd.Timestamp):
        if pd.isna(value):
            return None
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(TZ).replace(tzinfo=None)
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).to_pydatetime()
    text = " ".join(str(value).split())
    suffixes = ("",) if date_only else _TIME_SUFFIXES
    for date_format in _DATE_FORMATS:
        for suffix in suffixes:
            try:
                return dt.datetime.strptime(text, date_format + suffix)
            except ValueError:
                continue
    if not date_only:
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            return None
        return parse_datetime(parsed)
    return None


def canonical_choice(field: str, value: Any) -> str:
    """Map a (possibly Finnish) value of a choice field to its canonical English value (lower-cased)."""
    text = " ".join(str(value).split()).lower()
    return VALUE_ALIASES.get(field, {}).get(text, text)


# --- validation -------------------------------------------------------------------------------------------


def _schema(layer: str) -> tuple[dict[str, tuple[str, bool]], bool]:
    if layer in SPATIAL_LAYERS:
        return SPATIAL_LAYERS[layer], True
    if layer in TABLE_LAYERS:
        return TABLE_LAYERS[layer], False
    known = ", ".join([*SPATIAL_LAYERS, *TABLE_LAYERS])
    raise KatveError(f"unknown layer {layer!r}; use one of {known}")


def _show(value: Any, limit: int = 40) -> str:
    text = str(value)
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def validate_layer(
    layer: str,
    df: pd.DataFrame,
    *,
    path: str,
    boundary: gpd.GeoDataFrame | gpd.GeoSeries | shapely.Geometry | None = None,
) -> list[Problem]:
    """Check a layer against its schema and report every problem.

    Parameters
    ----------
    layer : str
        ``"places"``, ``"areas"``, ``"boundary"``, ``"candidates"``, ``"visits"`` or ``"outreach"``.
    df : DataFrame or GeoDataFrame
        The layer with the schema's column names. Spatial layers must be GeoDataFrames; a missing CRS is
        taken to be EPSG:3067.
    path : str
        File name used in the problems (``PATH:ROW: field: message``).
    boundary : GeoDataFrame, GeoSeries or shapely geometry, optional
        The municipality; features farther than :data:`FAR_OUTSIDE_KM` from it are errors. A shapely
        geometry is taken to be in EPSG:3067.

    Returns
    -------
    list of Problem
        One per (row, field), errors and warnings: file-level problems (row ``None``) first, then by row
        and by the schema's field order. Empty when valid.

    Raises
    ------
    KatveError
        For an unknown layer name (a programming error, not bad input).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> places = gpd.GeoDataFrame({"id": ["a", "a"], "name": ["Tupa", "Kerho"],
    ...     "opening_hours": ["Tu 09:30-11:30", "Tu 9-11x"], "status": ["existing", "open"]},
    ...     geometry=[Point(360000, 6700000), Point(361000, 6701000)], crs="EPSG:3067")
    >>> for p in validate_layer("places", places, path="p.csv"):
    ...     print(p)  # doctest: +ELLIPSIS
    p.csv:1: id: duplicate id 'a' (also on row 2)
    p.csv:2: id: duplicate id 'a' (also on row 1)
    p.csv:2: opening_hours: invalid opening_hours 'Tu 9-11x': at character 4, expected EOI, ...
    p.csv:2: status: unknown status 'open'; use one of existing, planned, candidate
    """
    fields, spatial = _schema(layer)
    problems: list[Problem] = []

    def add(row: int | None, field: str, message: str, severity: str = "error") -> None:
        problems.append(Problem(path, row, field, message, severity))

    df = df.reset_index(drop=True)
    present = {name for name in fields if name in df.columns}
    for name, (_kind, required) in fields.items():
        if required and name not in present:
            add(None, name, f"required column '{name}' is missing")

    # required values
    for name, (_kind, required) in fields.items():
        if required and name in present:
            missing = _missing_mask(df[name])
            for pos in np.flatnonzero(missing):
                add(int(pos) + 1, name, "required value is missing")
            if _kind in ("int", "float"):  # 'NaN' / 'nan' written by a program for a missing number
                values, bad = to_numbers(df[name])
                raw = df[name].astype(object).to_numpy()
                for pos in np.flatnonzero(np.isnan(values) & ~bad & ~missing):
                    add(int(pos) + 1, name, f"required value is missing (got {_show(raw[pos])})")

    # values by kind
    for name in fields:
        if name in present:
            kind = fields[name][0]
            checker = _KIND_CHECKS.get(kind)
            if checker is not None:
                checker(df[name], name, add)

    # duplicate ids
    if "id" in present:
        _check_duplicates(df["id"], add)

    # choices
    for name, allowed in CHOICES.get(layer, {}).items():
        if name in present:
            _check_choice(df[name], name, allowed, add)

    if layer == "places" and "opening_hours" in present:
        _check_opening_hours(df["opening_hours"], add)
    if layer == "areas":
        _check_children_vs_population(df, add)
    if layer == "visits":
        _check_visit_totals(df, add)
    if layer == "outreach" and "start" in present and "end" in present:
        _check_start_end(df, add)

    if spatial:
        _check_geometry(layer, df, add, boundary)
    order = {name: i for i, name in enumerate([*fields, "geometry"])}
    return sorted(problems, key=lambda p: (p.row or 0, order.get(p.field, len(order))))


def _check_int(series: pd.Series, name: str, add: Callable[..., None]) -> None:
    _check_number(series, name, add, integer=True)


def _check_float(series: pd.Series, name: str, add: Callable[..., None]) -> None:
    _check_number(series, name, add, integer=False)


def _check_number(series: pd.Series, name: str, add: Callable[..., None], *, integer: bool) -> None:
    values, bad = to_numbers(series)
    raw = series.astype(object).to_numpy()
    for pos in np.flatnonzero(bad):
        add(int(pos) + 1, name, f"{_show(raw[pos])} is not a number")
    finite = np.isfinite(values)
    for pos in np.flatnonzero(~finite & ~np.isnan(values)):
        add(int(pos) + 1, name, f"must be a finite number (got {raw[pos]})")
    with np.errstate(invalid="ignore"):
        negative = finite & (values < 0)
        huge = finite & (values > MAX_COUNT.get(name, 1e9))
        fractional = finite & (values != np.round(values)) if integer else np.zeros(len(values), bool)
    for pos in np.flatnonzero(negative):
        add(int(pos) + 1, name, f"must not be negative (got {_fmt(values[pos])})")
    limit = MAX_COUNT.get(name, 1e9)
    for pos in np.flatnonzero(huge):
        add(int(pos) + 1, name, f"{_fmt(values[pos])} is implausibly large (more than {limit:,.0f})")
    for pos in np.flatnonzero(fractional & ~negative):
        add(int(pos) + 1, name, f"must be a whole number (got {_fmt(values[pos])})")


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else f"{value:g}"


def _check_bool(series: pd.Series, name: str, add: Callable[..., None]) -> None:
    for pos, value in enumerate(series.astype(object)):
        if not is_missing(value) and parse_bool(value) is None:
            add(pos + 1, name, f"{_show(value)} is not a yes/no value; use true/false (or kyllä/ei)")


def _check_date(series: pd.Series, name: str, add: Callable[..., None]) -> None:
    for pos, value in enumerate(series.astype(object)):
        if not is_missing(value) and parse_datetime(value, date_only=True) is None:
            parsed = parse_datetime(value)
            if parsed is not None and parsed.time() == dt.time(0, 0):
                continue
            add(pos + 1, name, f"cannot read the date {_show(value)}: use YYYY-MM-DD or D.M.YYYY")


def _check_datetime(series: pd.Series, name: str, add: Callable[..., None]) -> None:
    for pos, value in enumerate(series.astype(object)):
        if not is_missing(value) and parse_datetime(value) is None:
            add(pos + 1, name, f"cannot read the time {_show(value)}: use YYYY-MM-DD HH:MM or D.M.YYYY HH.MM")


_KIND_CHECKS: dict[str, Callable[[pd.Series, str, Callable[..., None]], None]] = {
    "int": _check_int,
    "float": _check_float,
    "bool": _check_bool,
    "date": _check_date,
    "datetime": _check_datetime,
}


def _check_duplicates(series: pd.Series, add: Callable[..., None]) -> None:
    ids = as_text(series)
    filled = ids[ids != ""]
    dup = filled[filled.duplicated(keep=False)]
    rows_by_id: dict[str, list[int]] = {}
    for pos, value in dup.items():
        rows_by_id.setdefault(value, []).append(int(pos) + 1)
    for value, rows in rows_by_id.items():
        for row in rows:
            others = ", ".join(str(r) for r in rows if r != row)
            add(row, "id", f"duplicate id {_show(value)} (also on row {others})")


def _check_choice(series: pd.Series, name: str, allowed: tuple[str, ...], add: Callable[..., None]) -> None:
    for pos, value in enumerate(series.astype(object)):
        if is_missing(value):
            continue
        if canonical_choice(name, value) not in allowed:
            add(pos + 1, name, f"unknown {name} {_show(value)}; use one of {', '.join(allowed)}")


def _check_opening_hours(series: pd.Series, add: Callable[..., None]) -> None:
    for pos, value in enumerate(series.astype(object)):
        if is_missing(value):
            continue  # reported as a missing required value
        reason = check_opening_hours(str(value))
        if reason is None:
            continue
        understood = normalise_hours(str(value))
        if understood is not None:
            add(pos + 1, "opening_hours", f"{_show(value)} is read as {understood!r}", "warning")
        else:
            add(pos + 1, "opening_hours", reason)


def _check_children_vs_population(df: pd.DataFrame, add: Callable[..., None]) -> None:
    if "population" not in df.columns or "children_0_6" not in df.columns:
        return
    population, _ = to_numbers(df["population"])
    children, _ = to_numbers(df["children_0_6"])
    with np.errstate(invalid="ignore"):
        over = np.isfinite(population) & np.isfinite(children) & (children > population) & (population >= 0)
    for pos in np.flatnonzero(over):
        add(
            int(pos) + 1,
            "children_0_6",
            f"{_fmt(children[pos])} children is more than the population ({_fmt(population[pos])})",
        )


def _check_visit_totals(df: pd.DataFrame, add: Callable[..., None]) -> None:
    if "adults" not in df.columns or "children" not in df.columns:
        return
    adults, _ = to_numbers(df["adults"])
    children, _ = to_numbers(df["children"])
    total = adults + children
    for name in ("first_timers", "multicultural"):
        if name not in df.columns:
            continue
        part, _ = to_numbers(df[name])
        with np.errstate(invalid="ignore"):
            over = np.isfinite(part) & np.isfinite(total) & (part > total) & (total >= 0)
        for pos in np.flatnonzero(over):
            add(
                int(pos) + 1,
                name,
                f"{_fmt(part[pos])} is more than the visitors in total "
                f"(adults + children = {_fmt(total[pos])})",
            )


def _check_start_end(df: pd.DataFrame, add: Callable[..., None]) -> None:
    for pos, (start, end) in enumerate(
        zip(df["start"].astype(object), df["end"].astype(object), strict=True)
    ):
        if is_missing(start) or is_missing(end):
            continue
        a, b = parse_datetime(start), parse_datetime(end)
        if a is not None and b is not None and b < a:
            add(pos + 1, "end", f"ends ({b:%Y-%m-%d %H:%M}) before it starts ({a:%Y-%m-%d %H:%M})")


def _boundary_geometry(boundary: Any) -> shapely.Geometry | None:
    if boundary is None:
        return None
    if isinstance(boundary, (gpd.GeoDataFrame, gpd.GeoSeries)):
        geoms = boundary.geometry if isinstance(boundary, gpd.GeoDataFrame) else boundary
        if geoms.crs is not None:
            geoms = geoms.to_crs(CRS)
        geoms = geoms[~(geoms.isna() | geoms.is_empty)]
        if len(geoms) == 0:
            return None
        return shapely.union_all(geoms.make_valid().to_numpy())
    if isinstance(boundary, shapely.Geometry):
        return None if boundary.is_empty else boundary
    raise TypeError(f"boundary must be a GeoDataFrame, GeoSeries or shapely geometry, not {type(boundary)}")


def swapped_lat_lon(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Mask of coordinates that are outside Finland as (lon, lat) but inside it as (lat, lon)."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    with np.errstate(invalid="ignore"):
        inside = (
            (lat >= FINLAND_LAT[0])
            & (lat <= FINLAND_LAT[1])
            & (lon >= FINLAND_LON[0])
            & (lon <= FINLAND_LON[1])
        )
        inside_swapped = (
            (lon >= FINLAND_LAT[0])
            & (lon <= FINLAND_LAT[1])
            & (lat >= FINLAND_LON[0])
            & (lat <= FINLAND_LON[1])
        )
    return ~inside & inside_swapped


def _check_geometry(layer: str, df: pd.DataFrame, add: Callable[..., None], boundary: Any) -> None:
    if not isinstance(df, gpd.GeoDataFrame) or df._geometry_column_name not in df.columns:
        add(None, "geometry", "the layer has no geometry (coordinates)")
        return
    geoms = df.geometry
    allowed = ALLOWED_GEOMETRIES[layer]
    arr = geoms.to_numpy()
    missing = pd.isna(arr) | np.array([g is None for g in arr], dtype=bool)
    empty = np.zeros(len(arr), dtype=bool)
    empty[~missing] = shapely.is_empty(arr[~missing])
    types = np.array([None if m else g.geom_type for g, m in zip(arr, missing, strict=True)], dtype=object)
    for pos in np.flatnonzero(missing):
        add(int(pos) + 1, "geometry", "the location (geometry / coordinates) is missing")
    for pos in np.flatnonzero(empty):
        add(int(pos) + 1, "geometry", "the geometry is empty")
    usable = ~missing & ~empty
    wrong = usable & ~np.isin(types, list(allowed))
    for pos in np.flatnonzero(wrong):
        add(
            int(pos) + 1,
            "geometry",
            f"geometry type {types[pos]} is not allowed here; use {' or '.join(allowed)}",
        )
    usable &= ~wrong
    if not usable.any():
        return
    # Finite coordinates.
    coords_ok = np.ones(len(arr), dtype=bool)
    for pos in np.flatnonzero(usable):
        coords = shapely.get_coordinates(arr[pos])
        if not np.isfinite(coords).all():
            coords_ok[pos] = False
            add(int(pos) + 1, "geometry", "coordinates are not finite numbers")
    usable &= coords_ok
    for pos in np.flatnonzero(usable & ~shapely.is_valid(np.where(usable, arr, None))):
        reason = shapely.is_valid_reason(arr[pos])
        add(int(pos) + 1, "geometry", f"invalid geometry ({reason}); it is repaired on import", "warning")
    if not usable.any():
        return

    crs = geoms.crs
    src = gpd.GeoSeries(np.where(usable, arr, None), crs=crs or CRS)
    if src.crs is not None and src.crs.is_geographic:
        x = src.bounds["minx"].to_numpy()
        y = src.bounds["miny"].to_numpy()
        swapped = usable & swapped_lat_lon(x, y)
        for pos in np.flatnonzero(swapped):
            add(
                int(pos) + 1,
                "geometry",
                f"latitude and longitude appear swapped (lon {x[pos]:g}, lat {y[pos]:g})",
            )
        usable &= ~swapped
    try:
        projected = src.to_crs(CRS) if src.crs is not None else src
    except Exception as exc:  # noqa: BLE001 - pyproj raises several types
        add(None, "geometry", f"cannot convert the coordinates from {crs} to {CRS}: {exc}")
        return
    b = projected.bounds
    with np.errstate(invalid="ignore"):
        in_finland = (
            (b["minx"] >= FINLAND_BOUNDS_3067[0])
            & (b["miny"] >= FINLAND_BOUNDS_3067[1])
            & (b["maxx"] <= FINLAND_BOUNDS_3067[2])
            & (b["maxy"] <= FINLAND_BOUNDS_3067[3])
        ).to_numpy()
    outside = usable & ~in_finland
    crs_name = crs.to_string() if crs is not None else f"{CRS} (assumed, the file has none)"
    if outside.any() and outside.sum() == usable.sum() and usable.sum() > 1:
        xy = (
            shapely.get_coordinates(projected.to_numpy()[usable])
            if src.crs is None
            else shapely.get_coordinates(src.to_numpy()[usable])
        )
        if src.crs is not None and src.crs.is_geographic and (np.abs(xy) > 180).any():
            add(
                None,
                "geometry",
                f"the coordinates look like metres but are read as degrees ({crs_name}): the file's "
                "coordinate system (CRS) is wrong; save it with its real CRS, e.g. EPSG:3067 or EPSG:3879",
            )
            return
        if (src.crs is None or not src.crs.is_geographic) and (np.abs(xy) <= 180).all():
            add(
                None,
                "geometry",
                f"the coordinates look like degrees (longitude/latitude) but are read as {crs_name}: "
                "save the file in EPSG:4326 or give its CRS",
            )
            return
        add(
            None,
            "geometry",
            f"none of the coordinates are in Finland when read as {crs_name}: the coordinate system (CRS) "
            "is probably wrong; use EPSG:4326 (lat/lon), EPSG:3067 or EPSG:3879",
        )
        return
    for pos in np.flatnonzero(outside):
        add(
            int(pos) + 1,
            "geometry",
            f"coordinates are not in Finland when read as {crs_name}: check the coordinate system (CRS)",
        )
    usable &= ~outside

    area = _boundary_geometry(boundary)
    if area is None or layer == "boundary" or not usable.any():
        return
    distance_km = np.full(len(arr), np.nan)
    distance_km[usable] = shapely.distance(projected.to_numpy()[usable], area) / 1000.0
    with np.errstate(invalid="ignore"):
        far = usable & (distance_km > FAR_OUTSIDE_KM)
    for pos in np.flatnonzero(far):
        add(
            int(pos) + 1,
            "geometry",
            f"{distance_km[pos]:.0f} km outside the municipality (more than {FAR_OUTSIDE_KM:g} km): "
            "check the coordinates",
        )


def _to_date(value: Any) -> dt.date | None:
    parsed = None if is_missing(value) else parse_datetime(value)
    return None if parsed is None else parsed.date()


# --- normalisation ----------------------------------------------------------------------------------------


def normalise_layer(layer: str, df: pd.DataFrame) -> pd.DataFrame:
    """Coerce a validated layer to the schema's dtypes and add missing optional columns.

    Text fields become stripped ``object`` strings ('' when empty; whole-number ids lose Excel's ``.0``),
    choice fields their canonical English value, ``int`` fields ``Int64``, ``float`` fields ``float64``,
    ``bool`` fields ``boolean`` (missing = False), ``date`` fields :class:`datetime.date` objects and
    ``datetime`` fields ``datetime64[ns]`` (Helsinki time, naive). Spatial layers keep their geometry and CRS.
    Call :func:`validate_layer` first: values that cannot be read become missing here.

    Examples
    --------
    >>> import pandas as pd
    >>> out = normalise_layer("visits", pd.DataFrame({"place_id": [7.0], "date": ["4.3.2025"],
    ...                                                "adults": ["3"], "children": ["2,0"]}))
    >>> out.loc[0, "place_id"], out.loc[0, "date"], int(out.loc[0, "children"])
    ('7', datetime.date(2025, 3, 4), 2)
    """
    fields, spatial = _schema(layer)
    out = df.reset_index(drop=True).copy()
    if spatial and isinstance(out, gpd.GeoDataFrame) and out.geometry.name != "geometry":
        out = out.rename_geometry("geometry")
    choices = CHOICES.get(layer, {})
    for name, (kind, _required) in fields.items():
        if name not in out.columns:
            continue
        col = out[name]
        if kind == "str":
            text = as_text(col)
            if name in choices:
                text = text.map(lambda v, n=name: canonical_choice(n, v) if v else "").astype(object)
            elif name == "opening_hours":
                text = text.map(lambda v: (normalise_hours(v) or v) if v else "").astype(object)
            out[name] = text
        elif kind in ("int", "float"):
            values, _bad = to_numbers(col)
            values = np.where(np.isfinite(values), values, np.nan)
            if kind == "int":
                out[name] = pd.array(np.round(values), dtype="Float64").astype("Int64")
            else:
                out[name] = pd.Series(values, index=out.index, dtype="float64")
        elif kind == "bool":
            parsed = col.astype(object).map(lambda v: False if is_missing(v) else bool(parse_bool(v)))
            out[name] = parsed.astype("boolean")
        elif kind == "date":
            out[name] = col.astype(object).map(_to_date).astype(object)
        elif kind == "datetime":
            parsed = col.astype(object).map(lambda v: None if is_missing(v) else parse_datetime(v))
            out[name] = pd.to_datetime(parsed, errors="coerce").astype("datetime64[ns]")
    out = conform(out, fields, spatial=spatial)
    for name, (kind, _required) in fields.items():
        if kind == "str":
            out[name] = out[name].astype(object)
    if spatial and isinstance(out, gpd.GeoDataFrame) and out.crs is None:
        out = out.set_crs(CRS)
    return out
