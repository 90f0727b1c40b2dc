"""Statistics Finland: the 1 km population grid, Paavo postal areas and municipal boundaries."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ...core.errors import InputError, Problem
from ...core.model import CRS
from ...core.validation import is_missing, to_numbers
from ..importers import ImportResult
from .ages import AgeStructure, children_basis
from .base import (
    GRID_CELL_SIZE,
    _code,
    _estimate_children,
    _finish,
    _first,
    _load,
    _municipality_mask,
    _n,
    _note,
    _numbers,
    _require,
    _text,
    _to_3067,
    grid_frame,
)
from .eurostat import is_eurostat_grid, read_eurostat_grid

# === Statistics Finland population grid ==================================================================


def read_population_grid(
    path: str | os.PathLike,
    *,
    municipality: str | None = None,
    boundary: Any = None,
    cell_size: float | None = None,
    share_0_6: float | None = None,
    age_structure: AgeStructure | None = None,
) -> ImportResult:
    """Read Statistics Finland's population grid (Väestöruutuaineisto) as demand areas.

    A Eurostat/GISCO grid (``GRD_ID`` such as ``CRS3035RES1000mN6700000E4000000``, ``T``, ``Y_LT15``) is read
    by :func:`coverage.io.official.eurostat.read_eurostat_grid` with the same options.

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
        x the ratio below.
    age_structure : AgeStructure, optional
        The municipality's own ratio of children 0-6 to 0-14-year-olds (StatFin 11re,
        :mod:`coverage.io.official.ages`): children 0-6 = ``ika_0_14`` x that ratio. Without it the uniform
        7/15 is used as the last resort (a warning says so and ``children_method`` is ``uniform_7_15``).

    Returns
    -------
    ImportResult
        ``data``: areas, one square polygon per cell in EPSG:3067, ``id`` and ``name`` = ``grd_id``,
        ``population`` = ``vaesto``, ``children_0_6`` estimated (``children_estimated`` is True for every
        cell), ``municipality`` = ``kunta``, ``children_method`` = ``statfin_11re_<year>`` or
        ``uniform_7_15``. ``warnings`` say how children were estimated and how many cells were protected.

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
    if is_eurostat_grid(df):
        return read_eurostat_grid(
            path,
            municipality=municipality,
            boundary=boundary,
            share_0_6=share_0_6,
            age_structure=age_structure,
            loaded=(df, rows, problems),
        )
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
        assert x_col is not None and y_col is not None  # checked above: no polygons means coordinates
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
        if np.isfinite(population[pos]) or is_missing(df[cols["population"]].iloc[pos]):
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
    ratio, method, basis = children_basis(age_structure)
    children, notes = _estimate_children(
        population=population[keep],
        known=np.where(protected, np.nan, kids_0_14)[keep] * ratio,
        groups=kunta[keep],
        share_0_6=share_0_6,
        what=f"0-14-year-olds x {ratio:.3f}",
    )
    n_protected = int(protected[keep].sum())
    n = int(keep.sum())
    problems.append(
        _note(
            spath,
            kids_col or "ika_0_14",
            basis
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
    columns = {c: _protected_as_nan(df[c].to_numpy()[keep]) for c in extra}
    out = grid_frame(ids[keep], population[keep], children, kunta[keep], method, geometry[keep], columns)
    return _finish("areas", out, path=spath, rows=rows[keep], problems=problems, boundary=boundary)


def _protected_as_nan(values: np.ndarray) -> np.ndarray:
    numbers, _bad = to_numbers(pd.Series(values, dtype=object))
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
