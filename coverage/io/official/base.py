"""Shared helpers of the official-data readers: loading, headers, numbers, reprojection, notes."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ...core.errors import InputError, KatveError, Problem
from ...core.model import AREA_FIELDS, BOUNDARY_FIELDS, CANDIDATE_FIELDS, CRS, PLACE_FIELDS, conform
from ...core.validation import (
    _boundary_geometry,
    as_text,
    is_missing,
    normalise_layer,
    to_numbers,
    validate_layer,
)
from ..files import _read_raw
from ..importers import ImportResult, _spatial_frame_crs

CHILD_SHARE_OF_0_14 = 7 / 15
"""Children 0-6 as a share of the 0-14-year-olds: 7 of the 15 one-year age classes."""

FINLAND_SHARE_0_6 = 0.061
"""Children 0-6 as a share of the whole population of Finland, approximately (2022: about 340 000 of
5.56 million). Used only when a file has no unprotected age figures at all (a warning says so)."""

PROTECTED = -1
"""Statistics Finland's marker for a protected (suppressed) figure."""

GRID_CELL_SIZE = 1000.0
"""Default grid cell size in metres (``1kmN6698E380``: the id names its size, which wins)."""


SOURCE_KINDS = ("grid", "paavo", "ptv", "osm", "boundary")
"""What :func:`detect_source` can recognise."""


# === shared helpers ======================================================================================


def _load(path: str | os.PathLike) -> tuple[pd.DataFrame, np.ndarray, list[Problem]]:
    """Read a file with the importers' reader: the frame (lower-case headers), 1-based user rows, notes."""
    raw = _read_raw(Path(path), layer=None)  # same reading as importers.read_table, with rows
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
    values, bad = to_numbers(df[column])
    raw = df[column].astype(object).to_numpy()
    for pos in np.flatnonzero(bad):
        problems.append(Problem(path, int(rows[pos]), column, f"{str(raw[pos])!r} is not a number"))
    return values


def _text(series: pd.Series) -> np.ndarray:
    return as_text(series).to_numpy(dtype=object)


def _code(values: Iterable[Any], width: int) -> np.ndarray:
    out = []
    for v in values:
        text = "" if is_missing(v) else str(v).strip()
        if re.fullmatch(r"\d+(\.0+)?", text):
            text = str(int(float(text))).zfill(width)
        out.append(text)
    return np.array(out, dtype=object)


def _to_3067(gdf: gpd.GeoDataFrame, *, path: str, problems: list[Problem]) -> gpd.GeoDataFrame:
    gdf = _spatial_frame_crs(gdf, crs=None, path=path, problems=problems)
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
    for pr in validate_layer(layer, gdf, path=path, boundary=boundary):
        row = None if pr.row is None else int(rows[pr.row - 1])
        problems.append(Problem(pr.path, row, pr.field, pr.message, pr.severity))
    problems = sorted(problems, key=lambda p: (p.row or 0, p.severity != "error"))
    if any(p.severity == "error" for p in problems):
        raise InputError(problems)
    data = normalise_layer(layer, gdf).to_crs(CRS)
    invalid = ~data.geometry.is_valid
    if invalid.any():
        data.loc[invalid, "geometry"] = data.geometry[invalid].make_valid()
    return ImportResult(data=conform(data, fields), warnings=problems, source=path, layer=layer)


def _note(path: str, field: str, message: str) -> Problem:
    return Problem(path, None, field, message, "warning")


def _boundary_union(boundary: Any) -> shapely.Geometry | None:
    if boundary is None:
        return None
    return _boundary_geometry(boundary)


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


def grid_frame(
    ids: np.ndarray, population: np.ndarray, children: np.ndarray, municipality: np.ndarray, method: str,
    geometry: Any, extra: dict[str, Any],
) -> gpd.GeoDataFrame:
    """Return the areas layer of grid cells (already filtered): ids as names, children by ``method``."""
    n = len(ids)
    return gpd.GeoDataFrame(
        {
            "id": ids,
            "name": ids,
            "population": population,
            "children_0_6": children,
            "children_estimated": np.ones(n, dtype=bool),
            "families_with_children": np.full(n, np.nan),
            "municipality": municipality,
            "children_method": np.full(n, method, dtype=object),
            **extra,
        },
        geometry=gpd.GeoSeries(list(geometry), crs=CRS),
        crs=CRS,
    )  # fmt: skip
