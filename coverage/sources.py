"""Readers for the official data a coordinator downloads, turned into the layers of :mod:`coverage.model`.

====================================  ==========  =================================================
Source                                Layer       Reader
====================================  ==========  =================================================
Statistics Finland population grid    areas       :func:`read_population_grid` (1 km cells)
(Väestöruutuaineisto, vaki2022_1km)
Paavo postal-code areas               areas       :func:`read_paavo`
Suomi.fi service register (PTV)       places      :func:`read_ptv`, hours via :func:`ptv_hours_to_osm`
OpenStreetMap ``.osm.pbf``            candidates  :func:`read_osm_candidates`
Municipal boundary (kunta4500k, MML)  boundary    :func:`read_boundary`
====================================  ==========  =================================================

Every reader returns a :class:`coverage.importers.ImportResult` (data in EPSG:3067, conformed to the layer's
schema) whose ``warnings`` say what was estimated, protected, skipped or guessed, or raises
:class:`~coverage.model.InputError` listing every problem (``PATH:ROW: field: message``). Files are opened
with the importers' reader (CSV as Finnish Excel writes it, XLSX, GeoJSON, GeoPackage, zipped Shapefile), and
the finished layer is checked with :func:`coverage.validation.validate_layer`, so official files are judged
like any other.

Protected values
----------------
Statistics Finland publishes ``-1`` (or leaves the cell empty) where a figure would identify people: grid
cells with fewer than 10 residents carry only the total, and small Paavo areas lose their age groups. Those
figures are *estimated* here (and ``children_estimated`` is set), never read as -1 or 0.

Children 0-6
------------
The grid has no finer age group than 0-14, so children 0-6 are estimated as 7/15 of the 0-14-year-olds
(seven of the fifteen one-year age classes, assuming they are equally large; Finnish birth cohorts have
shrunk since 2010, so this slightly *under*-estimates the youngest). Paavo gives ``he_0_2 + he_3_6`` exactly.

Examples
--------
>>> ptv_hours_to_osm([{"serviceHourType": "DaysOfTheWeek", "validForNow": True, "openingHour": [
...     {"dayFrom": "Tuesday", "from": "09:30:00", "to": "11:30:00"},
...     {"dayFrom": "Thursday", "from": "09:30", "to": "11:30"}]}])
('Tu,Th 09:30-11:30', [])
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import importers, validation
from .importers import ImportResult
from .model import (
    AREA_FIELDS,
    BOUNDARY_FIELDS,
    CANDIDATE_FIELDS,
    CRS,
    PLACE_FIELDS,
    InputError,
    KatveError,
    Problem,
    Project,
    Settings,
    conform,
    empty_layer,
)
from .schedule import TZ
from .schedule import check as check_opening_hours

CHILD_SHARE_OF_0_14 = 7 / 15
"""Children 0-6 as a share of the 0-14-year-olds: 7 of the 15 one-year age classes."""

FINLAND_SHARE_0_6 = 0.061
"""Children 0-6 as a share of the whole population of Finland, approximately (2022: about 340 000 of
5.56 million). Used only when a file has no unprotected age figures at all (a warning says so)."""

PROTECTED = -1
"""Statistics Finland's marker for a protected (suppressed) figure."""

GRID_CELL_SIZE = 1000.0
"""Default grid cell size in metres (``1kmN6698E380``: the id names its size, which wins)."""

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

CANDIDATE_AMENITIES: tuple[str, ...] = ("community_centre", "school", "library", "place_of_worship")
"""OSM ``amenity`` values read as candidate sites for new meeting places."""

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

SOURCE_KINDS = ("grid", "paavo", "ptv", "osm", "boundary")
"""What :func:`detect_source` can recognise."""


class SourceError(KatveError):
    """An official file cannot be used as the source it was given as."""


# === shared helpers ======================================================================================


def _load(path: str | os.PathLike) -> tuple[pd.DataFrame, np.ndarray, list[Problem]]:
    """Read a file with the importers' reader: the frame (lower-case headers), 1-based user rows, notes."""
    raw = importers._read_raw(Path(path), layer=None)  # same reading as importers.read_table, with rows
    problems = list(raw.problems)
    if any(p.severity == "error" for p in problems):
        raise InputError(problems)
    df = raw.df
    renames = {c: _header(c) for c in df.columns if c != getattr(df, "_geometry_column_name", None)}
    df = df.rename(columns=renames)
    return df, np.asarray(raw.rows, dtype=int), problems


def _header(name: Any) -> str:
    return re.sub(r"\s+", "_", str(name).strip().lower().replace("\ufeff", ""))


def _first(df: pd.DataFrame, *names: str) -> str | None:
    return next((n for n in names if n in df.columns), None)


def _numbers(
    df: pd.DataFrame, column: str, *, path: str, rows: np.ndarray, problems: list[Problem]
) -> np.ndarray:
    """Column as floats (Finnish formats accepted); unreadable cells are errors naming the row."""
    values, bad = validation.to_numbers(df[column])
    raw = df[column].astype(object).to_numpy()
    for pos in np.flatnonzero(bad):
        problems.append(Problem(path, int(rows[pos]), column, f"{str(raw[pos])!r} is not a number"))
    return values


def _text(series: pd.Series) -> np.ndarray:
    return validation.as_text(series).to_numpy(dtype=object)


def _code(values: Iterable[Any], width: int) -> np.ndarray:
    out = []
    for v in values:
        text = "" if validation.is_missing(v) else str(v).strip()
        if re.fullmatch(r"\d+(\.0+)?", text):
            text = str(int(float(text))).zfill(width)
        out.append(text)
    return np.array(out, dtype=object)


def _to_3067(gdf: gpd.GeoDataFrame, *, path: str, problems: list[Problem]) -> gpd.GeoDataFrame:
    gdf = importers._spatial_frame_crs(gdf, crs=None, path=path, problems=problems)
    if gdf.geometry.name != "geometry":
        gdf = gdf.rename_geometry("geometry")
    return gdf.to_crs(CRS)


def _finish(
    layer: str,
    gdf: gpd.GeoDataFrame,
    *,
    path: str,
    rows: np.ndarray,
    problems: list[Problem],
    boundary: Any,
) -> ImportResult:
    """Validate the built layer (rows mapped back to the file's rows), raise on errors, normalise."""
    fields = {
        "areas": AREA_FIELDS,
        "places": PLACE_FIELDS,
        "candidates": CANDIDATE_FIELDS,
        "boundary": BOUNDARY_FIELDS,
    }[layer]
    gdf = gdf.reset_index(drop=True)
    for pr in validation.validate_layer(layer, gdf, path=path, boundary=boundary):
        row = None if pr.row is None else int(rows[pr.row - 1])
        problems.append(Problem(pr.path, row, pr.field, pr.message, pr.severity))
    problems = sorted(problems, key=lambda p: (p.row or 0, p.severity != "error"))
    if any(p.severity == "error" for p in problems):
        raise InputError(problems)
    data = validation.normalise_layer(layer, gdf).to_crs(CRS)
    invalid = ~data.geometry.is_valid
    if invalid.any():
        data.loc[invalid, "geometry"] = data.geometry[invalid].make_valid()
    return ImportResult(data=conform(data, fields), warnings=problems, source=path, layer=layer)


def _note(path: str, field: str, message: str) -> Problem:
    return Problem(path, None, field, message, "warning")


def _boundary_union(boundary: Any) -> shapely.Geometry | None:
    if boundary is None:
        return None
    return validation._boundary_geometry(boundary)


def _n(n: int, singular: str, plural: str) -> str:
    """``"1 area has"`` / ``"2 areas have"``."""
    return f"{n} {singular if n == 1 else plural}"


def _pct(share: float) -> str:
    return f"{share * 100:.1f} %"


def _require(df: pd.DataFrame, path: str, what: str, **alternatives: tuple[str, ...]) -> dict[str, str]:
    """Return the first present column of each group, or raise an InputError naming what is missing."""
    found: dict[str, str] = {}
    problems = []
    for key, names in alternatives.items():
        column = _first(df, *names)
        if column is None:
            problems.append(
                Problem(
                    path,
                    None,
                    names[0],
                    f"required column '{names[0]}' is missing: is this {what}? "
                    f"(columns: {', '.join(map(str, df.columns))[:200]})",
                )
            )
        else:
            found[key] = column
    if problems:
        raise InputError(problems)
    return found


# === Statistics Finland population grid ==================================================================


def read_population_grid(
    path: str | os.PathLike,
    *,
    municipality: str | None = None,
    boundary: Any = None,
    cell_size: float | None = None,
    share_0_6: float | None = None,
) -> ImportResult:
    """Read Statistics Finland's population grid (Väestöruutuaineisto) as demand areas.

    Parameters
    ----------
    path : str or path-like
        The WFS GeoJSON (``vaestoruutu:vaki2022_1km``), a GeoPackage/Shapefile of it, or a CSV/XLSX with the
        same columns: ``grd_id`` (or ``id_nro`` / ``nro``), ``xkoord``, ``ykoord``, ``vaesto``, ``ika_0_14``
        (and ``kunta``, ``miehet``, ``naiset``, ``ika_15_64``, ``ika_65_``, which are kept as they are).
    municipality : str, optional
        Keep only this municipality's cells (three-digit code): by the ``kunta`` column when the file has
        one, else the cells whose centre is inside ``boundary``.
    boundary : GeoDataFrame, GeoSeries or shapely geometry, optional
        The municipality: used for the filter above and to flag cells far outside it.
    cell_size : float, optional
        Cell size in metres; by default read from ``grd_id`` (``1kmN...`` = 1000, ``250mN...`` = 250), else
        1000.
    share_0_6 : float, optional
        Share of children 0-6 in the population to use for protected cells (for example the municipality's
        official figure). By default the share of 0-14-year-olds in the municipality's unprotected cells
        x 7/15.

    Returns
    -------
    ImportResult
        ``data``: areas, one square polygon per cell in EPSG:3067, ``id`` and ``name`` = ``grd_id``,
        ``population`` = ``vaesto``, ``children_0_6`` estimated (``children_estimated`` is True for every
        cell), ``municipality`` = ``kunta``. ``warnings`` say how children were estimated and how many cells
        were protected.

    Notes
    -----
    ``xkoord``/``ykoord`` are the **lower-left corner** of the cell in EPSG:3067 (Statistics Finland:
    "ruudun vasemman alanurkan koordinaatit"), so a cell is ``[x, x + size] x [y, y + size]``. Coordinates
    that all sit on half cells are taken to be centres instead (with a warning). A file with cell polygons
    uses its polygons.

    Cells with fewer than 10 residents carry only ``vaesto``; the age groups are -1. Their children are
    ``vaesto x share``, where the share is ``share_0_6`` or, by default, the share of 0-14-year-olds in the
    unprotected cells of the same municipality (``kunta``; the whole file without it) x 7/15.

    Raises
    ------
    InputError
        Missing columns, unreadable numbers, missing coordinates, cells far outside ``boundary``.
    """
    spath = str(path)
    df, rows, problems = _load(path)
    cols = _require(
        df, spath, "the Statistics Finland population grid", population=("vaesto", "vaki", "asukkaat")
    )
    id_col = _first(df, "grd_id", "grid_inspire", "id_nro", "nro", "euref_id")
    x_col = _first(df, "xkoord", "euref_x", "x")
    y_col = _first(df, "ykoord", "euref_y", "y")
    kids_col = _first(df, "ika_0_14", "ika0_14")
    kunta_col = _first(df, "kunta", "kunta_koodi", "kuntakoodi", "kunnro")
    has_geometry = isinstance(df, gpd.GeoDataFrame) and df.geometry.notna().any()
    if not has_geometry and (x_col is None or y_col is None):
        raise InputError(
            [
                Problem(
                    spath,
                    None,
                    "xkoord",
                    "the grid has no cell polygons and no xkoord/ykoord columns (the lower-left "
                    "corner of each cell in EPSG:3067)",
                )
            ]
        )
    if len(df) == 0:
        raise InputError([Problem(spath, None, "-", "the file has no grid cells")])

    population = _numbers(df, cols["population"], path=spath, rows=rows, problems=problems)
    kids_0_14 = (
        _numbers(df, kids_col, path=spath, rows=rows, problems=problems)
        if kids_col
        else np.full(len(df), np.nan)
    )
    kunta = _code(df[kunta_col], 3) if kunta_col else np.array([""] * len(df), dtype=object)
    ids = _text(df[id_col]) if id_col else np.array([""] * len(df), dtype=object)
    size = cell_size or _cell_size_from_ids(ids) or GRID_CELL_SIZE

    # geometry
    if has_geometry:
        gdf = _to_3067(gpd.GeoDataFrame(df, geometry=df.geometry), path=spath, problems=problems)
        geometry = gdf.geometry.to_numpy()
    else:
        x = _numbers(df, x_col, path=spath, rows=rows, problems=problems)
        y = _numbers(df, y_col, path=spath, rows=rows, problems=problems)
        ok = np.isfinite(x) & np.isfinite(y)
        for pos in np.flatnonzero(~ok):
            problems.append(Problem(spath, int(rows[pos]), x_col, "the cell has no coordinates"))
        if ok.any() and np.all(
            np.isclose(np.mod(x[ok], size), size / 2) & np.isclose(np.mod(y[ok], size), size / 2)
        ):
            problems.append(
                _note(
                    spath,
                    x_col,
                    f"{x_col}/{y_col} sit on half cells: read them as cell centres, not lower-left corners",
                )
            )
            x, y = x - size / 2, y - size / 2
        geometry = np.full(len(df), None, dtype=object)
        geometry[ok] = shapely.box(x[ok], y[ok], x[ok] + size, y[ok] + size)
    if not id_col:
        ids = np.array([_grid_id(g, size) for g in geometry], dtype=object)
        problems.append(_note(spath, "grd_id", "no grd_id column: cell ids are made from the coordinates"))
    ids = np.where(ids == "", [f"cell{r}" for r in rows], ids)

    keep = _municipality_mask(
        kunta,
        geometry,
        municipality,
        boundary,
        path=spath,
        problems=problems,
        what="cells",
        has_kunta=kunta_col is not None,
    )
    if not keep.any():
        raise InputError(
            [
                Problem(
                    spath, None, kunta_col or "-", f"no grid cells of municipality {municipality} in the file"
                )
            ]
        )

    # population: a missing or protected total is an error (the grid never protects the total)
    with np.errstate(invalid="ignore"):
        bad_pop = keep & ~(np.isfinite(population) & (population >= 0))
    for pos in np.flatnonzero(bad_pop):
        if np.isfinite(population[pos]) or validation.is_missing(df[cols["population"]].iloc[pos]):
            problems.append(
                Problem(
                    spath,
                    int(rows[pos]),
                    cols["population"],
                    "the cell has no population total (empty or protected -1); the grid always "
                    "gives the total: is this the right file?",
                )
            )
    if any(p.severity == "error" for p in problems):
        raise InputError(problems)

    with np.errstate(invalid="ignore"):
        protected = ~(np.isfinite(kids_0_14) & (kids_0_14 >= 0))
    children, notes = _estimate_children(
        population=population[keep],
        known=np.where(protected, np.nan, kids_0_14)[keep] * CHILD_SHARE_OF_0_14,
        groups=kunta[keep],
        share_0_6=share_0_6,
        what="0-14-year-olds x 7/15",
    )
    n_protected = int(protected[keep].sum())
    n = int(keep.sum())
    problems.append(
        _note(
            spath,
            kids_col or "ika_0_14",
            "children 0-6 are estimated as 7/15 of the 0-14-year-olds (the grid has no finer age groups)"
            if kids_col
            else "the grid has no ika_0_14 column: children 0-6 are estimated from the population",
        )
    )
    if n_protected and kids_col:
        problems.append(
            _note(
                spath,
                kids_col,
                f"{n_protected} of {n} cells have fewer than 10 residents and their age groups are "
                f"protected (-1): their children 0-6 are estimated {notes}",
            )
        )
    elif notes and not kids_col:
        problems.append(_note(spath, "ika_0_14", f"children 0-6 estimated {notes}"))

    extra = [c for c in ("miehet", "naiset", "ika_0_14", "ika_15_64", "ika_65_") if c in df.columns]
    out = gpd.GeoDataFrame(
        {
            "id": ids[keep],
            "name": ids[keep],
            "population": population[keep],
            "children_0_6": children,
            "children_estimated": np.ones(n, dtype=bool),
            "families_with_children": np.full(n, np.nan),
            "municipality": kunta[keep],
            **{c: _protected_as_nan(df[c].to_numpy()[keep]) for c in extra},
        },
        geometry=gpd.GeoSeries(list(geometry[keep]), crs=CRS),
        crs=CRS,
    )
    return _finish("areas", out, path=spath, rows=rows[keep], problems=problems, boundary=boundary)


def _protected_as_nan(values: np.ndarray) -> np.ndarray:
    numbers, _bad = validation.to_numbers(pd.Series(values, dtype=object))
    with np.errstate(invalid="ignore"):
        return np.where(numbers >= 0, numbers, np.nan)


def _cell_size_from_ids(ids: np.ndarray) -> float | None:
    for value in ids[:50]:
        match = re.match(r"^(\d+(?:\.\d+)?)(km|m)N", str(value))
        if match:
            return float(match.group(1)) * (1000.0 if match.group(2) == "km" else 1.0)
    return None


def _grid_id(geometry: Any, size: float) -> str:
    if geometry is None:
        return ""
    minx, miny = shapely.bounds(geometry)[:2]
    if size % 1000 == 0:
        k = int(size // 1000)
        return f"{k}kmN{int(round(miny / 1000))}E{int(round(minx / 1000))}"
    return f"{int(size)}mN{int(round(miny))}E{int(round(minx))}"


def _municipality_mask(
    kunta: np.ndarray,
    geometry: np.ndarray,
    municipality: str | None,
    boundary: Any,
    *,
    path: str,
    problems: list[Problem],
    what: str,
    has_kunta: bool,
) -> np.ndarray:
    keep = np.ones(len(kunta), dtype=bool)
    if municipality is None:
        return keep
    code = str(municipality).strip().zfill(3)
    if has_kunta:
        return kunta == code
    area = _boundary_union(boundary)
    if area is None:
        problems.append(
            _note(
                path,
                "kunta",
                f"the file has no kunta column and no boundary was given: all {what} "
                f"are kept, not only those of {code}",
            )
        )
        return keep
    present = np.array([g is not None for g in geometry], dtype=bool)
    centres = np.full(len(geometry), None, dtype=object)
    centres[present] = shapely.centroid(geometry[present])
    keep = present.copy()
    keep[present] = shapely.contains(area, centres[present])
    dropped = int(present.sum() - keep.sum())
    if dropped:
        problems.append(
            _note(
                path,
                "geometry",
                f"{dropped} {what} with their centre outside the boundary of {code} were left out",
            )
        )
    return keep


def _estimate_children(
    *,
    population: np.ndarray,
    known: np.ndarray,
    groups: np.ndarray,
    share_0_6: float | None,
    what: str,
) -> tuple[np.ndarray, str]:
    """Children where ``known`` is NaN: population x share (given, per group, overall, or Finland's)."""
    missing = ~np.isfinite(known)
    children = np.where(missing, 0.0, known)
    if not missing.any():
        return children, ""
    if share_0_6 is not None:
        if not (0 <= share_0_6 <= 1):
            raise KatveError(f"share_0_6 must be between 0 and 1, got {share_0_6!r}")
        children[missing] = population[missing] * share_0_6
        return children, f"with the given share of children 0-6 ({_pct(share_0_6)} of the residents)"
    basis = ~missing & (population > 0)
    shares_used: list[str] = []
    overall = (
        known[basis].sum() / population[basis].sum() if basis.any() and population[basis].sum() > 0 else None
    )
    fallback = False
    for group in pd.unique(groups[missing]):
        in_group = groups == group
        b = basis & in_group
        total = population[b].sum()
        if b.any() and total > 0:
            share = known[b].sum() / total
            label = f"{_pct(share)} in {group}" if group else _pct(share)
        elif overall is not None:
            share = overall
            label = f"{_pct(share)} for {group}, from the whole file" if group else _pct(share)
        else:
            share = FINLAND_SHARE_0_6
            fallback = True
            label = f"{_pct(share)} (Finland, approximate)"
        sel = missing & in_group
        children[sel] = population[sel] * share
        shares_used.append(label)
    text = (
        f"from the municipal share of {what} (children 0-6 = {'; '.join(shares_used)} of the residents)"
        if not fallback
        else f"from Finland's approximate share of children 0-6 ({_pct(FINLAND_SHARE_0_6)}): no unprotected "
        f"age figures in the file"
    )
    return children, text


# === Paavo postal-code areas =============================================================================

_PAAVO_CODE = ("postinumeroalue", "posti_alue", "postinumero", "postinro", "pno", "postal_code")


def read_paavo(
    path: str | os.PathLike,
    *,
    municipality: str | None = None,
    boundary: Any = None,
    share_0_6: float | None = None,
    language: str = "fi",
) -> ImportResult:
    """Read Statistics Finland's Paavo postal-code areas as demand areas.

    Parameters
    ----------
    path : str or path-like
        The WFS GeoJSON (``postialue:pno_tilasto``), a GeoPackage/Shapefile, or a CSV/XLSX with the same
        columns: ``postinumeroalue`` (or ``posti_alue``), ``nimi`` (``namn``), ``kunta``, ``he_vakiy``
        (residents), ``he_0_2``, ``he_3_6``, ``te_laps`` (families with children). Without polygons the areas
        are located at ``euref_x``/``euref_y`` (the area's centre point in EPSG:3067).
    municipality : str, optional
        Keep only the areas whose ``kunta`` is this code.
    boundary : GeoDataFrame, GeoSeries or shapely geometry, optional
        The municipality, to flag areas far outside it.
    share_0_6 : float, optional
        Share of children 0-6 to use where the age groups are protected; by default the municipality's share
        in the areas that have them.
    language : str
        ``"fi"`` names areas with ``nimi``, ``"sv"`` with ``namn`` (falling back to ``nimi``).

    Returns
    -------
    ImportResult
        ``data``: areas with ``id`` = postal code, ``children_0_6 = he_0_2 + he_3_6`` where both are given
        (``children_estimated`` False), estimated where they are protected (True),
        ``families_with_children`` = ``te_laps`` (NaN when protected).

    Raises
    ------
    InputError
        Missing columns, unreadable numbers, no location.
    """
    spath = str(path)
    df, rows, problems = _load(path)
    cols = _require(
        df,
        spath,
        "a Paavo postal-code area file",
        code=_PAAVO_CODE,
        population=("he_vakiy", "asukkaat_yhteensä", "vaesto"),
    )
    if len(df) == 0:
        raise InputError([Problem(spath, None, "-", "the file has no postal-code areas")])
    codes_raw = _text(df[cols["code"]])
    codes = np.empty(len(df), dtype=object)
    names = np.empty(len(df), dtype=object)
    name_col = _first(df, "namn", "nimi") if language == "sv" else _first(df, "nimi", "namn")
    name_values = _text(df[name_col]) if name_col else np.array([""] * len(df), dtype=object)
    for i, value in enumerate(codes_raw):
        # "03100 Nummela (Vihti)" as the Paavo PxWeb tables write it
        match = re.fullmatch(r"(\d{1,5})(?:\.0+)?\s*(.*?)\s*(?:\((.*)\))?", str(value))
        if match:
            codes[i] = match.group(1).zfill(5)
            names[i] = name_values[i] or match.group(2) or codes[i]
        else:
            codes[i] = value
            names[i] = name_values[i] or value
            if value:
                problems.append(Problem(spath, int(rows[i]), cols["code"], f"{value!r} is not a postal code"))
    kunta_col = _first(df, "kunta", "kuntanumero", "kunta_koodi")
    kunta = _code(df[kunta_col], 3) if kunta_col else np.array([""] * len(df), dtype=object)

    population = _numbers(df, cols["population"], path=spath, rows=rows, problems=problems)
    age_cols = [_first(df, "he_0_2"), _first(df, "he_3_6")]
    ages = [
        (_numbers(df, c, path=spath, rows=rows, problems=problems) if c else np.full(len(df), np.nan))
        for c in age_cols
    ]
    families_col = _first(df, "te_laps")
    families = (
        _numbers(df, families_col, path=spath, rows=rows, problems=problems)
        if families_col
        else np.full(len(df), np.nan)
    )

    has_geometry = isinstance(df, gpd.GeoDataFrame) and df.geometry.notna().any()
    if has_geometry:
        geometry = _to_3067(
            gpd.GeoDataFrame(df, geometry=df.geometry), path=spath, problems=problems
        ).geometry
        geometry = geometry.to_numpy()
    else:
        x_col, y_col = _first(df, "euref_x", "xkoord", "x"), _first(df, "euref_y", "ykoord", "y")
        if x_col is None or y_col is None:
            raise InputError(
                [
                    Problem(
                        spath,
                        None,
                        "euref_x",
                        "the file has no polygons and no euref_x/euref_y columns (the area's centre "
                        "in EPSG:3067): download the areas as GeoJSON/GeoPackage, or add the "
                        "coordinates",
                    )
                ]
            )
        x = _numbers(df, x_col, path=spath, rows=rows, problems=problems)
        y = _numbers(df, y_col, path=spath, rows=rows, problems=problems)
        ok = np.isfinite(x) & np.isfinite(y)
        geometry = np.full(len(df), None, dtype=object)
        geometry[ok] = shapely.points(x[ok], y[ok])
        problems.append(_note(spath, x_col, "no polygons: each area is its centre point (euref_x, euref_y)"))

    keep = _municipality_mask(
        kunta,
        geometry,
        municipality,
        boundary,
        path=spath,
        problems=problems,
        what="areas",
        has_kunta=kunta_col is not None,
    )
    if not keep.any():
        raise InputError(
            [
                Problem(
                    spath,
                    None,
                    kunta_col or "-",
                    f"no postal-code areas of municipality {municipality} in the file",
                )
            ]
        )
    if any(p.severity == "error" for p in problems):
        raise InputError(problems)

    with np.errstate(invalid="ignore"):
        pop_protected = ~(np.isfinite(population) & (population >= 0))
        both_known = np.isfinite(ages[0]) & (ages[0] >= 0) & np.isfinite(ages[1]) & (ages[1] >= 0)
        families = np.where(families >= 0, families, np.nan)
    population = np.where(pop_protected, 0.0, population)
    known = np.where(both_known, ages[0] + ages[1], np.nan)
    n = int(keep.sum())
    if not (age_cols[0] and age_cols[1]):
        problems.append(
            _note(
                spath,
                "he_0_2",
                "the file has no he_0_2 and he_3_6 columns: children 0-6 are estimated for every area",
            )
        )
    children, notes = _estimate_children(
        population=population[keep],
        known=known[keep],
        groups=kunta[keep],
        share_0_6=share_0_6,
        what="children 0-6 (he_0_2 + he_3_6)",
    )
    estimated = ~both_known[keep]
    n_est = int(estimated.sum())
    if n_est and age_cols[0] and age_cols[1]:
        problems.append(
            _note(
                spath,
                "he_0_2",
                f"{n_est} of {n} areas have protected age groups (-1): their "
                f"children 0-6 are estimated {notes}",
            )
        )
    n_pop = int(pop_protected[keep].sum())
    if n_pop:
        which = ", ".join(str(c) for c in codes[keep][pop_protected[keep]][:10])
        problems.append(
            _note(
                spath,
                cols["population"],
                f"{_n(n_pop, 'area has', 'areas have')} a protected population total (fewer than 30 "
                f"residents?): counted as 0 residents ({which})",
            )
        )

    out = gpd.GeoDataFrame(
        {
            "id": codes[keep],
            "name": names[keep],
            "population": population[keep],
            "children_0_6": children,
            "children_estimated": estimated,
            "families_with_children": families[keep],
            "municipality": kunta[keep],
        },
        geometry=gpd.GeoSeries(list(geometry[keep]), crs=CRS),
        crs=CRS,
    )
    return _finish("areas", out, path=spath, rows=rows[keep], problems=problems, boundary=boundary)


# === municipal boundary ==================================================================================


def read_boundary(
    path: str | os.PathLike, *, municipality: str | Sequence[str] | None = None
) -> ImportResult:
    """Read municipality polygons as the boundary layer.

    Statistics Finland's ``kunta4500k`` (``kunta``, ``nimi``), MML's (``NATCODE``, ``NAMEFIN``) or any file
    with a municipality code and a name.

    Parameters
    ----------
    path : str or path-like
        GeoJSON, GeoPackage or zipped Shapefile.
    municipality : str or list of str, optional
        Keep only these municipality codes (e.g. ``["233", "052"]``).

    Returns
    -------
    ImportResult
        ``data``: the boundary layer (``code``, ``name``, polygons in EPSG:3067).
    """
    spath = str(path)
    df, rows, problems = _load(path)
    if not isinstance(df, gpd.GeoDataFrame):
        raise InputError(
            [Problem(spath, None, "geometry", "a boundary needs polygons (GeoJSON, GeoPackage, zip)")]
        )
    code_col = _first(df, "kunta", "natcode", "code", "kuntakoodi", "kuntanumero", "kunta_koodi")
    name_col = _first(df, "nimi", "namefin", "name", "kunnan_nimi", "namn")
    codes = _code(df[code_col], 3) if code_col else np.array([""] * len(df), dtype=object)
    if code_col and df[code_col].astype(str).str.startswith("area").any():  # mapcolorizer's 'area927'
        codes = np.array([re.sub(r"^area", "", str(c)) for c in codes], dtype=object)
    names = _text(df[name_col]) if name_col else np.array([""] * len(df), dtype=object)
    gdf = _to_3067(gpd.GeoDataFrame(df, geometry=df.geometry), path=spath, problems=problems)
    keep = np.ones(len(gdf), dtype=bool)
    if municipality is not None:
        wanted = [municipality] if isinstance(municipality, str) else list(municipality)
        wanted = [str(w).strip().zfill(3) for w in wanted]
        if code_col is None:
            raise InputError(
                [Problem(spath, None, "kunta", "the file has no municipality code column (kunta)")]
            )
        keep = np.isin(codes, wanted)
        missing = sorted(set(wanted) - set(codes[keep]))
        if missing:
            raise InputError(
                [Problem(spath, None, code_col, f"no municipality {', '.join(missing)} in the file")]
            )
    out = gpd.GeoDataFrame(
        {"code": codes[keep], "name": names[keep]}, geometry=gdf.geometry.to_numpy()[keep], crs=CRS
    )
    return _finish("boundary", out, path=spath, rows=rows[keep], problems=problems, boundary=None)


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
        combined, as :func:`coverage.fetch.fetch` writes them), a list of channels or a single channel.
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
    importers._check_file(path)
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
        street = entry.get("streetAddress") if isinstance(entry.get("streetAddress"), dict) else entry
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
            period = _osm_period(start, end or start)
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


# === OpenStreetMap candidates ============================================================================


def read_osm_candidates(
    path: str | os.PathLike,
    *,
    boundary: Any = None,
    amenities: Sequence[str] = CANDIDATE_AMENITIES,
) -> ImportResult:
    """Read candidate sites (village halls, schools, libraries, churches) from an OpenStreetMap ``.osm.pbf``.

    Parameters
    ----------
    path : str or path-like
        An ``.osm.pbf`` extract (e.g. from Geofabrik or BBBike).
    boundary : GeoDataFrame, GeoSeries or shapely geometry, optional
        Keep only the sites inside the municipality.
    amenities : sequence of str
        ``amenity=*`` values to read; default :data:`CANDIDATE_AMENITIES`.

    Returns
    -------
    ImportResult
        ``data``: candidates with ``id`` = ``osm-n<id>`` / ``osm-w<id>`` / ``osm-r<id>``, ``name`` (the OSM
        name, else the amenity and id), ``kind`` = the amenity, ``source`` = "OpenStreetMap (ODbL)". Nodes
        are points; buildings and areas (closed ways, multipolygon relations) are their centroid (a point on
        the surface when the centroid falls outside).
    """
    import osmium

    spath = str(path)
    p = Path(path)
    if not p.is_file():
        raise InputError([Problem(spath, None, "-", "file not found")])
    if not p.name.lower().endswith(".pbf"):
        raise InputError([Problem(spath, None, "-", "not an OpenStreetMap .osm.pbf file")])
    wanted = tuple(str(a) for a in amenities)
    filters = [("amenity", a) for a in wanted]
    ids: list[str] = []
    names: list[str] = []
    kinds: list[str] = []
    lons: list[float] = []
    lats: list[float] = []
    unnamed = 0
    wkb = osmium.geom.WKBFactory()
    try:
        processor = (
            osmium.FileProcessor(str(p))
            .with_locations()
            .with_areas(osmium.filter.TagFilter(*filters))
            .with_filter(osmium.filter.TagFilter(*filters))
        )
        for obj in processor:
            if obj.is_node():
                key, point = f"osm-n{obj.id}", (obj.location.lon, obj.location.lat)
            elif obj.is_way():
                coords = [(n.lon, n.lat) for n in obj.nodes if n.location.valid()]
                if not coords:
                    continue
                if len(coords) >= 4 and coords[0] == coords[-1]:
                    centre = _centre(shapely.Polygon(coords))
                else:
                    centre = (
                        shapely.MultiPoint(coords).centroid
                        if len(coords) < 2
                        else shapely.LineString(coords).centroid
                    )
                key, point = f"osm-w{obj.id}", (centre.x, centre.y)
            elif obj.is_area() and not obj.from_way():  # multipolygon relations (ways are handled above)
                centre = _centre(shapely.from_wkb(bytes.fromhex(wkb.create_multipolygon(obj))))
                key, point = f"osm-r{obj.orig_id()}", (centre.x, centre.y)
            else:
                continue
            tags = obj.tags
            name = tags.get("name") or tags.get("name:fi") or tags.get("name:sv") or ""
            kind = tags.get("amenity") or ""
            if not name:
                unnamed += 1
                name = f"{kind} {key}"
            ids.append(key)
            names.append(name)
            kinds.append(kind)
            lons.append(point[0])
            lats.append(point[1])
    except RuntimeError as exc:
        raise InputError([Problem(spath, None, "-", f"cannot read the OpenStreetMap file ({exc})")]) from None
    problems: list[Problem] = []
    gdf = gpd.GeoDataFrame(
        {"id": ids, "name": names, "kind": kinds, "source": ["OpenStreetMap (ODbL)"] * len(ids)},
        geometry=gpd.points_from_xy(lons, lats, crs="EPSG:4326"),
        crs="EPSG:4326",
    ).to_crs(CRS)
    gdf = gdf.drop_duplicates("id").reset_index(drop=True)
    area = _boundary_union(boundary)
    if area is not None and len(gdf):
        inside = shapely.contains(area, gdf.geometry.to_numpy())
        if (~inside).any():
            problems.append(
                _note(spath, "geometry", f"{int((~inside).sum())} sites outside the boundary were left out")
            )
        gdf = gdf.loc[inside].reset_index(drop=True)
    if not len(gdf):
        raise InputError(
            [
                Problem(
                    spath,
                    None,
                    "amenity",
                    f"no {', '.join(wanted)} found"
                    + (" inside the boundary" if area is not None else "")
                    + " in the file",
                )
            ]
        )
    if unnamed:
        problems.append(
            _note(
                spath,
                "name",
                f"{unnamed} sites have no name in OpenStreetMap: named by their kind and OSM id",
            )
        )
    return _finish(
        "candidates", gdf, path=spath, rows=np.arange(1, len(gdf) + 1), problems=problems, boundary=None
    )


def _centre(geom: Any) -> Any:
    centre = geom.centroid
    if not geom.is_valid or not geom.contains(centre):
        centre = geom.representative_point() if geom.is_valid else centre
    return centre


# === detection ===========================================================================================


def detect_source(path: str | os.PathLike) -> str | None:
    """Tell which official source a file is.

    Returns
    -------
    str or None
        ``"grid"``, ``"paavo"``, ``"ptv"``, ``"osm"``, ``"boundary"``, or ``None`` for an ordinary file (read
        it with :mod:`coverage.importers`).

    Raises
    ------
    InputError
        When the file cannot be read at all.
    """
    p = Path(path)
    name = p.name.lower()
    if name.endswith(".pbf"):
        return "osm"
    if name.endswith(".json") and not name.endswith(".geojson"):
        try:
            head = p.read_bytes()[:200_000].decode("utf-8-sig", errors="replace")
        except OSError:
            head = ""
        if "serviceChannelNames" in head or '"itemList"' in head:
            return "ptv"
    df, _rows, _problems = _load(p)
    columns = set(df.columns)
    if "vaesto" in columns and columns & {"grd_id", "xkoord", "ika_0_14", "id_nro"}:
        return "grid"
    if "he_vakiy" in columns or (columns & set(_PAAVO_CODE) and columns & {"he_0_2", "he_3_6", "te_laps"}):
        return "paavo"
    if isinstance(df, gpd.GeoDataFrame) and columns & {"kunta", "natcode"} and columns & {"nimi", "namefin"}:
        types = set(df.geometry.dropna().geom_type)
        if types and types <= {"Polygon", "MultiPolygon"} and not columns & {"vaesto", "he_vakiy"}:
            return "boundary"
    return None


def read_source(
    path: str | os.PathLike, *, kind: str | None = None, **options: Any
) -> tuple[str, ImportResult]:
    """Read an official file with the reader for its kind (detected when not given).

    Returns
    -------
    (str, ImportResult)
        The kind (one of :data:`SOURCE_KINDS`) and the result.

    Raises
    ------
    SourceError
        When the kind cannot be detected; read the file with :mod:`coverage.importers` instead.
    """
    kind = kind or detect_source(path)
    readers = {
        "grid": read_population_grid,
        "paavo": read_paavo,
        "ptv": read_ptv,
        "osm": read_osm_candidates,
        "boundary": read_boundary,
    }
    if kind not in readers:
        raise SourceError(f"{path}: not a population grid, Paavo, PTV, OpenStreetMap or boundary file")
    return kind, readers[kind](path, **options)


LAYER_OF_SOURCE = {
    "grid": "areas",
    "paavo": "areas",
    "ptv": "places",
    "osm": "candidates",
    "boundary": "boundary",
}
"""The project layer each kind of source fills."""


# === several sources at once =============================================================================


def read_fetched(
    paths: dict[str, str | os.PathLike],
    *,
    municipality: str | None = None,
    keywords: Sequence[str] | None = FAMILY_KEYWORDS,
    errors: dict[str, KatveError] | None = None,
) -> dict[str, ImportResult]:
    """Read the files :func:`coverage.fetch.fetch` wrote (``{"boundary": path, "grid": path, ...}``).

    The boundary is read first and used to filter and check the others.

    Parameters
    ----------
    paths : dict of str to path
        Keyed by source kind (:data:`SOURCE_KINDS`).
    municipality : str, optional
        Keep only this municipality's boundary, cells and postal areas.
    keywords : sequence of str or None
        PTV name filter (see :func:`read_ptv`).
    errors : dict, optional
        When given, a file that cannot be used does not stop the others: its error is stored here under its
        kind (a municipality without family places in PTV is not a reason to lose its population data).

    Returns
    -------
    dict of str to ImportResult
        The kinds that were read.

    Raises
    ------
    InputError
        From the first file that cannot be used, when ``errors`` is not given.
    """
    results: dict[str, ImportResult] = {}
    readers: list[tuple[str, Any]] = [
        ("boundary", lambda p, b: read_boundary(p, municipality=municipality)),
        ("grid", lambda p, b: read_population_grid(p, municipality=municipality, boundary=b)),
        ("paavo", lambda p, b: read_paavo(p, municipality=municipality, boundary=b)),
        ("ptv", lambda p, b: read_ptv(p, boundary=b, keywords=keywords)),
        ("osm", lambda p, b: read_osm_candidates(p, boundary=b)),
    ]
    for kind, reader in readers:
        if kind not in paths:
            continue
        boundary = results["boundary"].data if "boundary" in results else None
        try:
            results[kind] = reader(paths[kind], boundary)
        except KatveError as exc:
            if errors is None:
                raise
            errors[kind] = exc
    return results


def project_from_results(
    results: dict[str, ImportResult], *, areas: str | None = None, name: str = ""
) -> Project:
    """Build a new project from read sources.

    Boundary, areas (``"grid"`` or ``"paavo"``; default the grid when present), places from PTV and
    candidates from OpenStreetMap. Missing layers are empty.

    Raises
    ------
    KatveError
        When ``areas`` names a source that is not in ``results``.
    """
    if areas is None:
        areas = "grid" if "grid" in results else ("paavo" if "paavo" in results else None)
    if areas is not None and areas not in results:
        raise KatveError(f"the areas should come from {areas!r}, but it was not read (fetch it too)")
    if areas is not None and results[areas].layer != "areas":
        raise KatveError(f"{areas!r} does not hold demand areas")

    def layer(key: str | None, fields: dict[str, tuple[str, bool]]) -> gpd.GeoDataFrame:
        if key is None or key not in results:
            return empty_layer(fields)
        return results[key].data.copy()

    return Project(
        places=layer("ptv", PLACE_FIELDS),
        areas=layer(areas, AREA_FIELDS),
        boundary=layer("boundary", BOUNDARY_FIELDS),
        candidates=layer("osm", CANDIDATE_FIELDS),
        settings=Settings(),
        name=name,
    )


def merge_into_project(
    project: Project,
    results: dict[str, ImportResult],
    *,
    areas_from: str | None = None,
    places_how: str = "append",
    candidates_how: str = "append",
) -> Project:
    """Return a copy of ``project`` with the layers read from official sources.

    Parameters
    ----------
    project : Project
        The working copy; it is not changed (its ``path``/``version`` are kept, so saving goes to its file).
    results : dict of str to ImportResult
        Keyed by source kind (:data:`SOURCE_KINDS`).
    areas_from : {"grid", "paavo"}, optional
        Which source replaces the areas when both were read (default: the grid). Areas are always
        *replaced*: adding grid cells to village points would count the same children twice.
    places_how, candidates_how : {"append", "replace"}
        PTV places and OSM candidates are added to the existing ones (a row with an id that is already there
        replaces the old row, so fetching again updates) or replace them.

    Returns
    -------
    Project
    """
    for name, how in (("places_how", places_how), ("candidates_how", candidates_how)):
        if how not in ("append", "replace"):
            raise KatveError(f"{name} must be 'append' or 'replace', got {how!r}")
    updated = project.copy()
    updated.path, updated.version = project.path, project.version
    if "boundary" in results:
        updated.boundary = results["boundary"].data.copy()
    area_kind = (
        areas_from if areas_from in results else next((k for k in ("grid", "paavo") if k in results), None)
    )
    if area_kind is not None:
        updated.areas = results[area_kind].data.copy()
    for kind, layer, how in (("ptv", "places", places_how), ("osm", "candidates", candidates_how)):
        if kind not in results:
            continue
        new = results[kind].data
        old = project.layer(layer)
        if how == "replace" or not len(old):
            setattr(updated, layer, new.copy())
            continue
        old = old.to_crs(CRS) if old.crs is not None else old.set_crs(CRS)
        keep = old[~old["id"].astype(str).isin(set(new["id"].astype(str)))]
        combined = pd.concat([keep, new], ignore_index=True)
        setattr(updated, layer, gpd.GeoDataFrame(combined, geometry="geometry", crs=CRS))
    if not updated.name and len(updated.boundary):
        updated.name = " + ".join(str(n) for n in updated.boundary["name"] if str(n))
    return updated


def totals(result: ImportResult) -> dict[str, float]:
    """Return the figures to show after an import.

    ``rows``, ``warnings`` and, for areas, ``population``, ``children_0_6`` and ``children_estimated`` (the
    number of areas whose children are estimated).
    """
    data = result.data
    out: dict[str, float] = {"rows": int(len(data)), "warnings": len(result.warnings)}
    if result.layer == "areas":
        out["population"] = int(pd.to_numeric(data["population"]).fillna(0).sum())
        out["children_0_6"] = float(pd.to_numeric(data["children_0_6"]).fillna(0).sum())
        out["children_estimated"] = int(data["children_estimated"].fillna(False).astype(bool).sum())
    return out


def describe(kind: str, result: ImportResult) -> str:
    """One line in English for the command line, e.g. ``4 grid cells, 460 residents, 42.9 children 0-6``."""
    t = totals(result)
    if result.layer == "areas":
        unit = "grid cells" if kind == "grid" else "postal-code areas"
        est = int(t["children_estimated"])
        return (
            f"{int(t['rows'])} {unit}, {_thousands(t['population'])} residents, "
            f"{_thousands(t['children_0_6'])} children 0-6" + (f" ({est} estimated)" if est else "")
        )
    if result.layer == "places":
        return f"{int(t['rows'])} meeting places"
    if result.layer == "candidates":
        return f"{int(t['rows'])} candidate sites"
    names = ", ".join(f"{n} ({c})" for c, n in zip(result.data["code"], result.data["name"], strict=True))
    return f"boundary of {names}"


def _thousands(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ")
