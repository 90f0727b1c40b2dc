r"""Read places, areas, candidates, visits and outreach from the files coordinators have.

Formats: CSV (also as Finnish Excel writes it: ``;`` separator, decimal comma, UTF-8 with BOM or
Windows-1252), XLSX, GeoJSON, GeoPackage and a Shapefile in a ``.zip`` (or a bare ``.shp`` with its side
files).

Tables locate their rows with ``lat``/``lon`` columns (WGS84 degrees; also ``leveys``/``pituus``,
``latitude``/``longitude``, ``lat``/``lng``, or one ``koordinaatit`` column as Google Maps copies it:
``60.31, 24.39``) or ``x``/``y`` columns (also ``itä``/``pohjoinen``, ``E``/``N``) in EPSG:3067 or an
ETRS-GK zone such as EPSG:3879, detected from the magnitudes unless a ``crs`` is given. Headers may be
Finnish, Swedish or English, in any case and with stray spaces (see :data:`HEADER_ALIASES`).

Every reader returns an :class:`ImportResult` (data in EPSG:3067, conformed to the schema of
:mod:`coverage.core.model`) or raises :class:`~coverage.core.errors.InputError` listing *every* problem, each
naming the file, the 1-based data row (the header is not counted) and the column as the user wrote it.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> csv = folder / "paikat.csv"
>>> _ = csv.write_text("nimi;aukioloajat;tila;lat;lon\n"
...                    "Perhetupa;Tu 09:30-11:30;olemassa;60,417;24,322\n", encoding="utf-8-sig")
>>> result = read_places(csv)
>>> result.data.loc[0, ["id", "name", "status"]].tolist(), result.data.crs.to_epsg()
(['1', 'Perhetupa', 'existing'], 3067)
>>> [str(w) for w in result.warnings]  # doctest: +ELLIPSIS
['...paikat.csv:-: id: no id column: ids are the row numbers (1, 2, ...)']
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..core.errors import InputError, KatveError, Problem
from ..core.model import CRS, SPATIAL_LAYERS, TABLE_LAYERS, conform
from ..core.validation import (
    as_text,
    is_missing,
    normalise_layer,
    validate_layer,
)
from .coordinates import (
    _coerce_crs,
    _find_coordinate_columns,
    _geometry_from_columns,
    _spatial_frame_crs,
)
from .files import FILE_NAME_HINTS, LAYERS, _key, _read_raw
from .headers import COORDINATE_ALIASES, HEADER_ALIASES

_DISTINGUISHING: dict[str, tuple[frozenset[str], ...]] = {
    "visits": (frozenset({"date", "adults"}), frozenset({"date", "children"})),
    "outreach": (frozenset({"start", "profession"}),),
    "places": (frozenset({"opening_hours"}), frozenset({"organiser"}), frozenset({"organiser_type"})),
    "areas": (frozenset({"population"}), frozenset({"children_0_6"})),
}


@dataclass(frozen=True)
class ImportResult:  # noqa: PLR0902 - a record
    """What a reader returns.

    Attributes
    ----------
    data : GeoDataFrame or DataFrame
        The layer, schema-conformed (:func:`coverage.core.model.conform`); spatial layers in EPSG:3067.
    warnings : list of Problem
        Things worth telling the user that did not stop the import (encoding guessed, ids generated, ...).
    source : str
        The file read.
    layer : str
        The layer the data is for (``"places"``, ``"areas"``, ...).
    skipped : list of Problem
        Lenient reading only: the problems of the rows left out (each names its data row).
    rejected : DataFrame or None
        Lenient reading only: the rows left out, as the file has them (the user's headers).
    rows : tuple of int
        The file's 1-based data row of each row of ``data``.
    generated : tuple of int
        Positions in ``data`` whose id the file did not give (blank, repeated or no id column): the
        caller gives them ids unique in the project.
    """

    data: pd.DataFrame
    warnings: list[Problem] = field(default_factory=list)
    source: str = ""
    layer: str = ""
    skipped: list[Problem] = field(default_factory=list)
    rejected: pd.DataFrame | None = None
    rows: tuple[int, ...] = ()
    generated: tuple[int, ...] = ()


# --- public readers ---------------------------------------------------------------------------------------


def read_places(path: str | os.PathLike, *, boundary: Any = None, crs: Any = None) -> ImportResult:
    """Read meeting places (points) from a CSV, XLSX, GeoJSON, GeoPackage or zipped Shapefile.

    Parameters
    ----------
    path : str or path-like
        The file.
    boundary : GeoDataFrame, GeoSeries or shapely geometry, optional
        The municipality; points farther than :data:`coverage.core.validation.FAR_OUTSIDE_KM` are errors.
    crs : str or int, optional
        CRS of ``x``/``y`` columns (or of a spatial file that has none); detected when not given.

    Returns
    -------
    ImportResult
        ``data`` is a GeoDataFrame in EPSG:3067 with the places schema.

    Raises
    ------
    InputError
        Listing every problem (``PATH:ROW: field: message``).
    """
    return _read_layer("places", path, boundary=boundary, crs=crs)


def read_areas(path: str | os.PathLike, *, boundary: Any = None, crs: Any = None) -> ImportResult:
    """Read demand areas (village points or postal-area / grid polygons) with population and children.

    Parameters and errors as :func:`read_places`; ``data`` has the areas schema.
    """
    return _read_layer("areas", path, boundary=boundary, crs=crs)


def read_candidates(path: str | os.PathLike, *, boundary: Any = None, crs: Any = None) -> ImportResult:
    """Read candidate sites for new meeting places (village halls, schools, libraries ...).

    Parameters and errors as :func:`read_places`; ``data`` has the candidates schema.
    """
    return _read_layer("candidates", path, boundary=boundary, crs=crs)


def read_boundary(path: str | os.PathLike, *, crs: Any = None) -> ImportResult:
    """Read a municipality boundary (polygons). Parameters and errors as :func:`read_places`."""
    return _read_layer("boundary", path, boundary=None, crs=crs)


def read_visits(path: str | os.PathLike) -> ImportResult:
    """Read visitor statistics: place_id, date, adults, children (+ first_timers, multicultural, home_area).

    Raises
    ------
    InputError
        Listing every problem.
    """
    return _read_layer("visits", path)


def read_outreach(path: str | os.PathLike) -> ImportResult:
    """Read professionals' outreach visits: place_id, start, end, profession (+ organisation, notes).

    Raises
    ------
    InputError
        Listing every problem.
    """
    return _read_layer("outreach", path)


def read_table(path: str | os.PathLike, *, layer: str | None = None) -> pd.DataFrame:
    """Read a file as it is: no validation, no value conversion, no coordinates turned into geometry.

    Parameters
    ----------
    path : str or path-like
        Any supported file.
    layer : str, optional
        When given, headers are mapped to that layer's field names (``nimi`` -> ``name``, ...) and, in a
        GeoPackage with several layers, the layer of that name is read.

    Returns
    -------
    DataFrame or GeoDataFrame
        Cells of CSV files as text (``""`` when empty), of XLSX files as Excel holds them. Spatial files
        give a GeoDataFrame in the file's own CRS.

    Raises
    ------
    InputError
        When the file cannot be read at all (missing, empty, too large, unknown format, corrupt).
    """
    raw = _read_raw(Path(path), layer=layer)
    return _map_headers(raw.df, layer)[0] if layer else raw.df


def understand_columns(
    path: str | os.PathLike, layer: str, *, mapping: dict[str, str | None] | None = None
) -> list[tuple[str, str | None, str, tuple[str, ...]]]:
    """How each column of a file is understood for ``layer``.

    Returns
    -------
    list of (header, field, how, examples)
        ``field`` is the layer's field the column fills (``"lat"``, ``"lon"``, ``"x"``, ``"y"``,
        ``"coordinates"`` for coordinate columns) or ``None``; ``how`` is ``"name"`` (the field's own name),
        ``"alias"`` (a known Finnish/Swedish/English header), ``"mapped"`` (``mapping`` said so),
        ``"coordinates"``, ``"skipped"`` (``mapping`` leaves it out) or ``"unknown"`` (kept as an extra
        column). ``examples``: up to three of the column's first non-empty values, as text.

    Raises
    ------
    InputError
        When the file cannot be read.
    """
    raw = _read_raw(Path(path), layer=layer)
    df = raw.df
    geometry_name = df.geometry.name if isinstance(df, gpd.GeoDataFrame) else None
    _mapped, original = _map_headers(df, layer, mapping)
    by_header = {header: name for name, header in original.items()}
    coordinates = {header: role for role, header in _find_coordinate_columns(df).items()}
    out: list[tuple[str, str | None, str, tuple[str, ...]]] = []
    for column in df.columns:
        if column == geometry_name:
            continue
        header = str(column)
        values = [str(v).strip() for v in df[column].tolist() if not is_missing(v)][:3]
        if mapping and header in mapping and mapping[header] is None:
            out.append((header, None, "skipped", tuple(values)))
        elif header in by_header:
            name = by_header[header]
            how = "name" if _key(header) == _key(name) else "alias"
            how = "mapped" if mapping and mapping.get(header) else how
            out.append((header, name, how, tuple(values)))
        elif header in coordinates and layer in SPATIAL_LAYERS:
            out.append((header, coordinates[header], "coordinates", tuple(values)))
        else:
            out.append((header, None, "unknown", tuple(values)))
    return out


def detect_layer(path: str | os.PathLike) -> str:
    """Guess which layer a file holds from its columns (then its geometry and its name).

    Returns
    -------
    str
        One of ``"places"``, ``"areas"``, ``"candidates"``, ``"boundary"``, ``"visits"``, ``"outreach"``.

    Raises
    ------
    InputError
        When the file cannot be read.
    KatveError
        When nothing tells what the file holds; the message asks for ``--layer``.
    """
    p = Path(path)
    raw = _read_raw(p, layer=None)
    for layer, keys in _DISTINGUISHING.items():
        mapped = set(_map_headers(raw.df, layer)[0].columns)
        if any(key <= mapped for key in keys):
            return layer
    stem = _key(p.stem)
    words = set(stem.split("_")) | {stem}
    for layer, hints in FILE_NAME_HINTS.items():
        if words & set(hints) or any(stem.startswith(h) for h in hints):
            return layer
    if isinstance(raw.df, gpd.GeoDataFrame) and len(raw.df):
        types = set(raw.df.geometry.dropna().geom_type)
        mapped = set(_map_headers(raw.df, "candidates")[0].columns)
        if types and types <= {"Polygon", "MultiPolygon"} and "id" not in mapped:
            return "boundary"
        if types and types <= {"Point", "MultiPoint"} and {"id", "name"} <= mapped:
            return "candidates"
    raise KatveError(
        f"{p}: cannot tell what the file holds from its columns ({', '.join(map(str, raw.df.columns))}); "
        f"name the layer (--layer {'|'.join(LAYERS)})"
    )


def _alias_table(layer: str) -> dict[str, str]:
    fields = {**SPATIAL_LAYERS, **TABLE_LAYERS}[layer]
    table: dict[str, str] = {}
    for name in fields:
        table.setdefault(_key(name), name)
        if len(name) > 10:
            table.setdefault(_key(name[:10]), name)  # Shapefile truncates field names to 10 characters
    for name, aliases in HEADER_ALIASES.get(layer, {}).items():
        if name in fields:
            for alias in aliases:
                table.setdefault(_key(alias), name)
    return table


def _map_headers(
    df: pd.DataFrame, layer: str | None, mapping: dict[str, str | None] | None = None
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Rename columns to the layer's field names; return the frame and {field: the user's header}.

    ``mapping`` ({the user's header: field, or ``None`` to leave the column out}) overrides the guesses.
    """
    if layer is None:
        return df, {}
    table = _alias_table(layer)
    geometry_name = df.geometry.name if isinstance(df, gpd.GeoDataFrame) else None
    renames: dict[str, str] = {}
    original: dict[str, str] = {}
    mapping = mapping or {}
    skipped = [c for c in df.columns if c != geometry_name and str(c) in mapping and mapping[str(c)] is None]
    if skipped:
        df = df.drop(columns=skipped)
    columns = [c for c in df.columns if c != geometry_name]
    for column in columns:
        target = mapping.get(str(column))
        if target and target not in original:
            renames[column], original[target] = target, str(column)
    # a column the user mapped elsewhere gives way: no two columns end up with one name
    columns = [c for c in columns if c not in renames and _key(c) not in {_key(t) for t in original}]
    # exact English names win over aliases
    for column in columns:
        if _key(column) in {_key(f) for f in table.values()} and table[_key(column)] not in original:
            target = table[_key(column)]
            renames[column], original[target] = target, str(column)
    for column in columns:
        if column in renames:
            continue
        alias_of = table.get(_key(column))
        if alias_of and alias_of not in original:
            renames[column], original[alias_of] = alias_of, str(column)
    # then headers with a suffix such as a year or a source: "asukkaat_2022", "väestö (Paavo)"
    coordinate_keys = {_key(a) for aliases in COORDINATE_ALIASES.values() for a in aliases}
    for column in columns:
        key = _key(column)
        if column in renames or key in coordinate_keys or key in table:
            continue
        for alias, target in table.items():
            if len(alias) >= 5 and key.startswith(alias + "_") and target not in original:
                renames[column], original[target] = target, str(column)
                break
    out = df.rename(columns=renames)
    return out, original


# --- the common pipeline ----------------------------------------------------------------------------------


def read_layer_lenient(
    layer: str,
    path: str | os.PathLike,
    *,
    boundary: Any = None,
    crs: Any = None,
    mapping: dict[str, str | None] | None = None,
) -> ImportResult:
    """Read a layer keeping the good rows: rows with a problem are left out and listed, not fatal.

    Places need no ``status`` (default ``existing``) and no ids: rows without an id (or repeating one)
    are listed in ``generated`` for the caller to number. ``mapping`` ({header: field or ``None``})
    overrides how columns are understood.

    Raises
    ------
    InputError
        When the file as a whole cannot be used (unreadable, no data rows, a required column missing,
        no coordinates) or no row is usable.
    """
    return _read_layer(layer, path, boundary=boundary, crs=crs, mapping=mapping, lenient=True)


PLACEHOLDER = "\u2063"
"""Prefix of the temporary ids of rows without one (an invisible separator no one types)."""


def _lenient_ids(df: pd.DataFrame, rows: np.ndarray, fields: dict) -> tuple[pd.DataFrame, list[int]]:
    """Give rows without an id, or repeating an earlier row's, a placeholder id; return their positions."""
    if "id" not in fields:
        return df, []
    df = df.copy()
    if "id" not in df.columns:
        df.insert(0, "id", "")
    ids = as_text(df["id"])
    generated = [int(i) for i in np.flatnonzero(((ids == "") | ids.duplicated()).to_numpy())]
    values = ids.tolist()
    for pos in generated:
        values[pos] = f"{PLACEHOLDER}{int(rows[pos])}"
    df["id"] = values
    return df, generated


def _default_status(df: pd.DataFrame) -> pd.DataFrame:
    """Places without a status (no column, or a blank cell) are existing ones."""
    df = df.copy()
    if "status" not in df.columns:
        df["status"] = "existing"
    else:
        status = as_text(df["status"])
        df["status"] = status.where(status != "", "existing")
    return df


def _read_layer(  # noqa: C901, PLR0912, PLR0915 - the one pipeline every reader shares
    layer: str,
    path: str | os.PathLike,
    *,
    boundary: Any = None,
    crs: Any = None,
    mapping: dict[str, str | None] | None = None,
    lenient: bool = False,
) -> ImportResult:
    p = Path(path)
    spath = str(p)
    if crs is not None:
        _coerce_crs(crs)  # an unknown CRS is the caller's mistake: say so before reading
    raw = _read_raw(p, layer=layer)
    spath = raw.shown or spath
    problems = list(raw.problems)
    spatial = layer in SPATIAL_LAYERS
    fields = SPATIAL_LAYERS.get(layer) or TABLE_LAYERS[layer]
    df, original = _map_headers(raw.df, layer, mapping)
    rows = raw.rows
    generated: list[int] = []

    if len(df) == 0:
        problems.append(Problem(spath, None, "-", "the file holds no data rows"))
        raise InputError(problems)
    required = [name for name, (_kind, needed) in fields.items() if needed]
    columns = [c for c in df.columns if not (isinstance(df, gpd.GeoDataFrame) and c == df.geometry.name)]
    if len(columns) == 1 and len(required) > 1 and columns[0] not in fields:
        problems.append(
            Problem(
                spath,
                None,
                "-",
                f"the file has only one column ({_shorten(columns[0])!r}): separate the columns with ';' "
                "(Finnish Excel's 'CSV (semicolon separated)'), ',' or a tab",
            )
        )
        raise InputError(problems)

    if layer == "places":
        df = _default_status(df)
    if lenient:
        df, generated = _lenient_ids(df, rows, fields)
    geometry_field = "geometry"
    coordinate_rows: set[int | None] = set()  # rows (file-level: None) whose coordinates were reported
    if spatial:
        if isinstance(df, gpd.GeoDataFrame):
            df = _spatial_frame_crs(df, crs=crs, path=spath, problems=problems)
            df = _single_parts(df)
            if df.geometry.name != "geometry":
                df = df.rename_geometry("geometry")
        else:
            n_before = len(problems)
            geoms, geometry_field, used = _geometry_from_columns(
                df, path=spath, rows=rows, crs=crs, problems=problems
            )
            if geoms is None:
                problems.append(
                    Problem(
                        spath,
                        None,
                        "lat/lon",
                        "no coordinates: add columns lat and lon (WGS84 degrees, e.g. from a web "
                        "map) or x and y (EPSG:3067 or EPSG:3879 metres)",
                    )
                )
                geoms = gpd.GeoSeries([None] * len(df), crs=CRS)
            df = gpd.GeoDataFrame(df.drop(columns=used), geometry=list(geoms.to_numpy()), crs=geoms.crs)
            coordinate_rows = {pr.row for pr in problems[n_before:] if pr.severity == "error"}
        if "id" in fields and "id" not in df.columns and layer != "boundary":
            df = df.copy()
            df.insert(0, "id", [str(r) for r in rows])
            problems.append(
                Problem(spath, None, "id", "no id column: ids are the row numbers (1, 2, ...)", "warning")
            )
        if layer == "areas":
            types = set(df.geometry.dropna().geom_type)
            if "Point" in types and types & {"Polygon", "MultiPolygon"}:
                problems.append(
                    Problem(
                        spath,
                        None,
                        "geometry",
                        "the file mixes points and polygons: polygon demand is taken at its "
                        "representative point",
                        "warning",
                    )
                )
    else:
        if isinstance(df, gpd.GeoDataFrame):
            df = pd.DataFrame(df.drop(columns=df.geometry.name))

    found = validate_layer(layer, df, path=spath, boundary=boundary)
    if coordinate_rows:
        # coordinates already reported (per row, or for the whole file): do not report them twice
        found = [
            pr
            for pr in found
            if not (
                pr.field == "geometry"
                and (
                    None in coordinate_rows
                    or (pr.row is not None and int(rows[pr.row - 1]) in coordinate_rows)
                )
            )
        ]
    problems += [
        _to_user(pr, rows=rows, original=original, geometry_field=geometry_field, layer=layer) for pr in found
    ]
    problems = _sorted(problems)
    skipped: list[Problem] = []
    rejected = None
    keep = np.ones(len(df), dtype=bool)
    if lenient and not any(pr.severity == "error" and pr.row is None for pr in problems):
        skipped = [pr for pr in problems if pr.severity == "error"]
        bad_rows = {pr.row for pr in skipped}
        keep = np.array([int(r) not in bad_rows for r in rows], dtype=bool)
        problems = [pr for pr in problems if pr.severity != "error"]
        if not keep.any():
            raise InputError(skipped)
        rejected = _rejected_rows(raw.df, ~keep)
        df = df[keep].reset_index(drop=True)
        new_pos = np.cumsum(keep) - 1
        generated = [int(new_pos[g]) for g in generated if keep[g]]
    if any(pr.severity == "error" for pr in problems):
        raise InputError(problems)

    data = normalise_layer(layer, df)
    if spatial:
        data = data.to_crs(CRS)
        invalid = ~data.geometry.is_valid
        if invalid.any():
            data.loc[invalid, "geometry"] = data.geometry[invalid].make_valid()
    warnings = [pr for pr in problems if pr.severity != "error"]
    return ImportResult(
        data=conform(data, fields, spatial=spatial),
        warnings=warnings,
        source=spath,
        layer=layer,
        skipped=skipped,
        rejected=rejected,
        rows=tuple(int(r) for r in np.asarray(rows)[keep]),
        generated=tuple(generated),
    )


def _rejected_rows(raw: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """Return the rows left out as the file has them; a spatial file's geometry as WKT text."""
    out = raw[mask].copy()
    if isinstance(out, gpd.GeoDataFrame):
        name = out.geometry.name
        out = pd.DataFrame(out).assign(**{name: [g.wkt if g is not None else "" for g in out[name]]})
    return pd.DataFrame(out).reset_index(drop=True)


def _shorten(text: Any, limit: int = 60) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _single_parts(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Drop Z and turn one-part MultiPoints into Points (QGIS and Shapefiles often store points as multi)."""
    geoms = gdf.geometry.to_numpy()
    present = np.array([g is not None for g in geoms], dtype=bool)
    if present.any() and shapely.has_z(geoms[present]).any():
        geoms = geoms.copy()
        geoms[present] = shapely.force_2d(geoms[present])
    types = np.array([g.geom_type if g is not None else "" for g in geoms], dtype=object)
    multi = types == "MultiPoint"
    if multi.any():
        geoms = geoms.copy()
        for pos in np.flatnonzero(multi):
            if shapely.get_num_geometries(geoms[pos]) == 1:
                geoms[pos] = shapely.get_geometry(geoms[pos], 0)
    out = gdf.copy()
    out[gdf.geometry.name] = gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs)
    return out


def _to_user(
    pr: Problem, *, rows: np.ndarray, original: dict[str, str], geometry_field: str, layer: str
) -> Problem:
    """Map a validation problem to the user's file: original row numbers and headers."""
    row = None if pr.row is None else int(rows[pr.row - 1])
    fld, message = pr.field, pr.message
    if fld == "geometry":
        fld = geometry_field
    elif fld in original:
        fld = original[fld]
    elif message.startswith("required column"):
        aliases = HEADER_ALIASES.get(layer, {}).get(fld, ())
        if aliases:
            message = f"{message} (in Finnish: '{aliases[0]}')"
    return Problem(pr.path, row, fld, message, pr.severity)


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: p.row or 0)
