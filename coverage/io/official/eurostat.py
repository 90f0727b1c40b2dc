"""The Eurostat/GISCO European population grid (Census 2021 1 km grid, GISCO ``grid_1km``) as demand areas.

Each row is one cell named by its INSPIRE id, ``CRS3035RES1000mN6700000E4000000``: an EPSG:3035 square of
``RES`` metres whose lower-left corner is at northing ``N`` and easting ``E``. The square is built from the
id (whatever geometry the file has) and reprojected to EPSG:3067. Columns, case-insensitive: ``GRD_ID``,
``T`` (residents; or ``TOT_P_2021`` and the like of GISCO's ``grid_1km``, the newest year), ``Y_LT15``
(0-14-year-olds), and ``Y_1564``, ``Y_GE65``, ``M``, ``F`` which are kept as they are. The shared data's
``c21_vaesto``/``c21_ika_0_14`` names are accepted too, and a municipality code column (``kuntanumero``).

For Finland the figures are Statistics Finland's register counts, perturbed for confidentiality in single
cells (Eurostat Census 2021): a cell's 0-14 count is kept between 0 and its total. Children 0-6 are the 0-14
count x the municipality's own ratio (:mod:`coverage.io.official.ages`), 7/15 as the last resort.

Examples
--------
>>> parse_grid_id("CRS3035RES1000mN4550000E4983000")
(1000.0, 4550000.0, 4983000.0)
"""

from __future__ import annotations

import os
import re
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ...core.errors import InputError, Problem
from ...core.model import CRS
from ..importers import ImportResult
from .ages import AgeStructure, children_basis
from .base import (
    _estimate_children,
    _finish,
    _first,
    _load,
    _municipality_mask,
    _note,
    _numbers,
    _text,
    grid_frame,
)

EUROSTAT_CRS = "EPSG:3035"
_ID = re.compile(r"^CRS3035RES(\d+(?:\.\d+)?)(m|km)N(\d+(?:\.\d+)?)E(\d+(?:\.\d+)?)$", re.IGNORECASE)
_POPULATION = ("t", "c21_vaesto", "tot_p", "population")
_KIDS = ("y_lt15", "c21_ika_0_14")
_KUNTA = ("kuntanumero", "kunta_koodi", "kuntakoodi", "kunnro", "kunta")
_KEPT = ("y_1564", "y_ge65", "m", "f", "land_surface")


def parse_grid_id(value: Any) -> tuple[float, float, float] | None:
    """``(size_m, north, east)`` of an INSPIRE EPSG:3035 cell id, or None when it is not one."""
    match = _ID.match(str(value).strip())
    if not match:
        return None
    size = float(match.group(1)) * (1000.0 if match.group(2).lower() == "km" else 1.0)
    return size, float(match.group(3)), float(match.group(4))


def _population_column(df: pd.DataFrame) -> str | None:
    found = _first(df, *_POPULATION)
    if found:
        return found
    years = sorted(c for c in df.columns if re.fullmatch(r"(tot_p|vaesto)_\d{4}", str(c)))
    return years[-1] if years else None


def is_eurostat_grid(df: pd.DataFrame) -> bool:
    """Whether a loaded table is the Eurostat grid: EPSG:3035 cell ids and a population column."""
    id_col = _first(df, "grd_id", "grd_newid", "cellcode")
    if id_col is None or _population_column(df) is None or "vaesto" in df.columns:
        return False
    head = [v for v in df[id_col].head(20).tolist() if str(v).strip()]
    return bool(head) and all(parse_grid_id(v) for v in head)


def read_eurostat_grid(
    path: str | os.PathLike,
    *,
    municipality: str | None = None,
    boundary: Any = None,
    share_0_6: float | None = None,
    age_structure: AgeStructure | None = None,
    loaded: tuple[pd.DataFrame, np.ndarray, list[Problem]] | None = None,
) -> ImportResult:
    """Read the Eurostat/GISCO 1 km grid (CSV, XLSX, GeoPackage, GeoJSON) as demand areas.

    Parameters are those of :func:`coverage.io.official.statistics.read_population_grid`. Without a
    municipality column the cells of ``municipality`` are those whose centre is inside ``boundary``.

    Returns
    -------
    ImportResult
        Areas: ``id`` = ``name`` = the cell id, squares in EPSG:3067, ``population`` = ``T``,
        ``children_0_6`` = ``Y_LT15`` x the ratio (estimated), ``children_method`` as for the vaki grid.

    Raises
    ------
    InputError
        A malformed cell id, an unreadable or missing population, no cells of the municipality.
    """
    spath = str(path)
    df, rows, problems = loaded if loaded is not None else _load(path)
    id_col = _first(df, "grd_id", "grd_newid", "cellcode")
    pop_col = _population_column(df)
    if id_col is None or pop_col is None:
        raise InputError([Problem(spath, None, "GRD_ID", "not a Eurostat grid: GRD_ID and T are needed")])
    ids = _text(df[id_col])
    parsed = [parse_grid_id(v) for v in ids]
    for pos, cell in enumerate(parsed):
        if cell is None:
            problems.append(
                Problem(
                    spath, int(rows[pos]), id_col, f"{ids[pos]!r} is not a cell id like CRS3035RES1000mN…E…"
                )
            )
    population = _numbers(df, pop_col, path=spath, rows=rows, problems=problems)
    with np.errstate(invalid="ignore"):
        for bad in np.flatnonzero(~(np.isfinite(population) & (population >= 0))):
            problems.append(Problem(spath, int(rows[bad]), pop_col, "the cell has no population total"))
    if any(p.severity == "error" for p in problems):
        raise InputError(problems)
    cells = np.array(parsed, dtype=float).reshape(-1, 3)
    size, north, east = cells[:, 0], cells[:, 1], cells[:, 2]
    squares = gpd.GeoSeries(shapely.box(east, north, east + size, north + size), crs=EUROSTAT_CRS).to_crs(CRS)
    geometry = squares.to_numpy()

    kunta_col = next((c for c in _KUNTA if c in df.columns and _digits(df[c])), None)
    codes = [str(v).split(".")[0].strip() for v in _text(df[kunta_col])] if kunta_col else [""] * len(df)
    kunta = np.array([c.zfill(3) if c else "" for c in codes], dtype=object)
    keep = _municipality_mask(
        kunta, geometry, municipality, boundary, path=spath, problems=problems, what="cells",
        has_kunta=kunta_col is not None,
    )  # fmt: skip
    if not keep.any():
        raise InputError(
            [Problem(spath, None, kunta_col or "-", f"no grid cells of municipality {municipality}")]
        )
    empty_cells = keep & (population == 0)
    if empty_cells.any() and not empty_cells.all():
        keep &= ~empty_cells
        text = f"{int(empty_cells.sum())} cells have no residents: left out (a demand area needs people)"
        problems.append(_note(spath, pop_col, text))

    kids_col = _first(df, *_KIDS)
    kids = (
        _numbers(df, kids_col, path=spath, rows=rows, problems=problems)
        if kids_col
        else np.full(len(df), np.nan)
    )
    with np.errstate(invalid="ignore"):
        protected = ~(np.isfinite(kids) & (kids >= 0))
        clipped = ~protected & (kids > population)
    kids = np.where(clipped, population, kids)
    if int(clipped[keep].sum()):
        text = (
            f"{int(clipped[keep].sum())} cells had more 0-14-year-olds than residents (the census perturbs "
            "single cells): kept at the cell's total"
        )
        problems.append(_note(spath, kids_col or "Y_LT15", text))
    ratio, method, basis = children_basis(age_structure)
    children, notes = _estimate_children(
        population=population[keep],
        known=np.where(protected, np.nan, kids)[keep] * ratio,
        groups=kunta[keep],
        share_0_6=share_0_6,
        what=f"0-14-year-olds x {ratio:.3f}",
    )
    no_kids = "the grid has no Y_LT15 column: children 0-6 are estimated from the population"
    problems.append(_note(spath, kids_col or "Y_LT15", basis if kids_col else no_kids))
    if notes and int(protected[keep].sum()):
        problems.append(
            _note(spath, kids_col or "Y_LT15", f"{int(protected[keep].sum())} cells have no 0-14 count: "
                  f"their children 0-6 are estimated {notes}")
        )  # fmt: skip
    extra = {c: pd.to_numeric(df[c], errors="coerce").to_numpy()[keep] for c in _KEPT if c in df.columns}
    extra["ika_0_14"] = np.where(protected, np.nan, kids)[keep]
    out = grid_frame(ids[keep], population[keep], children, kunta[keep], method, geometry[keep], extra)
    return _finish("areas", out, path=spath, rows=rows[keep], problems=problems, boundary=boundary)


def _digits(series: pd.Series) -> bool:
    empty = ("", "nan", "None", "<NA>")
    values = [str(v).strip() for v in series.tolist() if str(v).strip() not in empty][:200]
    return bool(values) and all(re.fullmatch(r"\d{1,3}(\.0+)?", v) for v in values)
