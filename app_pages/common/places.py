"""The places table of the Kohtaamispaikat page: to and from the editor, checks, new ids."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from coverage.core.errors import Problem
from coverage.core.i18n import t
from coverage.core.model import CRS, KINDS, ORGANISER_TYPES, PLACE_FIELDS, STATUSES, Project
from coverage.core.validation import validate_layer
from coverage.outputs.leaflet import from_wgs84_xy, to_wgs84_xy

# --- the places table (Kohtaamispaikat) ---------------------------------------------------------------------

TABLE_COLUMNS = [
    "id",
    "name",
    "organiser",
    "organiser_type",
    "kind",
    "address",
    "opening_hours",
    "ages",
    "languages",
    "status",
    "notes",
    "lat",
    "lon",
]
"""The editable columns of the places table, in order (other schema columns are kept, hidden)."""

CHOICE_OPTIONS = {"organiser_type": ORGANISER_TYPES, "kind": KINDS, "status": STATUSES}


def places_table(places: gpd.GeoDataFrame) -> pd.DataFrame:
    """Places as an editable table: text columns, WGS84 ``lat``/``lon`` (6 decimals), hidden ``_x``/``_y``.

    ``_x``/``_y`` keep the exact EPSG:3067 coordinates so that rows whose lat/lon were not edited keep their
    geometry bit for bit (see :func:`places_from_table`).
    """
    gdf = places if places.crs is None or places.crs.equals(CRS) else places.to_crs(CRS)
    out = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).reset_index(drop=True)
    for name, (kind, _req) in PLACE_FIELDS.items():
        if name not in out:
            out[name] = ""
        if kind == "str":
            out[name] = out[name].astype(object).where(out[name].notna(), "").astype(str)
    geom = gdf.geometry.reset_index(drop=True)
    ok = (~geom.isna() & ~geom.is_empty).to_numpy() if len(geom) else np.zeros(0, bool)
    x = np.full(len(out), np.nan)
    y = np.full(len(out), np.nan)
    if ok.any():
        x[ok], y[ok] = geom[ok].x.to_numpy(), geom[ok].y.to_numpy()
    lon, lat = _to_lonlat(x, y)
    out["lat"], out["lon"] = np.round(lat, 6), np.round(lon, 6)
    out["_x"], out["_y"] = x, y
    extra = [c for c in out.columns if c not in TABLE_COLUMNS and c not in ("_x", "_y")]
    return out[TABLE_COLUMNS + extra + ["_x", "_y"]]


def places_from_table(table: pd.DataFrame) -> gpd.GeoDataFrame:
    """Invert :func:`places_table`: a places GeoDataFrame in EPSG:3067.

    A row whose ``lat``/``lon`` still match its hidden ``_x``/``_y`` keeps that exact point; edited or new
    rows are projected from lat/lon; rows without coordinates get no geometry (validation names them).
    """
    df = table.reset_index(drop=True).copy()
    lat = (
        pd.to_numeric(df.get("lat"), errors="coerce").to_numpy(float)
        if "lat" in df
        else np.full(len(df), np.nan)
    )
    lon = (
        pd.to_numeric(df.get("lon"), errors="coerce").to_numpy(float)
        if "lon" in df
        else np.full(len(df), np.nan)
    )
    x0 = pd.to_numeric(df["_x"], errors="coerce").to_numpy(float) if "_x" in df else np.full(len(df), np.nan)
    y0 = pd.to_numeric(df["_y"], errors="coerce").to_numpy(float) if "_y" in df else np.full(len(df), np.nan)
    lon0, lat0 = _to_lonlat(x0, y0)
    same = (
        np.isfinite(x0) & (np.abs(np.round(lat0, 6) - lat) < 5e-7) & (np.abs(np.round(lon0, 6) - lon) < 5e-7)
    )
    x, y = _from_lonlat(lon, lat)
    x, y = np.where(same, x0, x), np.where(same, y0, y)
    has = np.isfinite(x) & np.isfinite(y)
    geometry = gpd.GeoSeries.from_xy(np.where(has, x, 0.0), np.where(has, y, 0.0), crs=CRS)
    geometry[~has] = None
    for name in df.columns:
        if name in PLACE_FIELDS and PLACE_FIELDS[name][0] == "str":
            df[name] = df[name].astype(object).where(df[name].notna(), "").map(lambda v: str(v).strip())
    data = df.drop(columns=[c for c in ("lat", "lon", "_x", "_y", "check") if c in df])
    return gpd.GeoDataFrame(data, geometry=geometry, crs=CRS)


def apply_editor_changes(table: pd.DataFrame, changes: dict[str, Any] | None) -> pd.DataFrame:
    """Apply ``st.data_editor``'s change set (edited / deleted / added rows, by position) to ``table``."""
    out = table.reset_index(drop=True).copy()
    if not changes:
        return out
    for pos, values in (changes.get("edited_rows") or {}).items():
        for column, value in values.items():
            if column in out.columns:
                if out[column].dtype != object and not isinstance(value, (int, float, type(None))):
                    out[column] = out[column].astype(object)
                out.loc[int(pos), column] = value
    deleted = sorted(int(p) for p in (changes.get("deleted_rows") or []))
    if deleted:
        out = out.drop(index=deleted).reset_index(drop=True)
    added = [
        row for row in (changes.get("added_rows") or []) if any(v not in (None, "") for v in row.values())
    ]
    if added:
        new = pd.DataFrame(added)
        for column in out.columns:
            if column not in new:
                new[column] = np.nan if column in ("lat", "lon", "_x", "_y") else ""
        out = pd.concat([out, new[out.columns]], ignore_index=True)
    return out


def merge_new_rows(draft: pd.DataFrame, fresh: pd.DataFrame) -> pd.DataFrame:
    """``draft`` with the rows of ``fresh`` whose id it does not have appended (nothing of either is lost)."""
    have = set(draft["id"].astype(str)) if "id" in draft else set()
    new = fresh[~fresh["id"].astype(str).isin(have)] if "id" in fresh else fresh.iloc[0:0]
    if not len(new):
        return draft.reset_index(drop=True)
    columns = list(draft.columns) + [c for c in new.columns if c not in draft.columns]
    return pd.concat([draft, new], ignore_index=True).reindex(columns=columns)


def table_problems(table: pd.DataFrame, *, boundary: Any = None) -> list[Problem]:
    """Validate a places table (as :func:`coverage.core.validation.validate_layer` would the layer)."""
    places = places_from_table(table)
    return validate_layer(
        "places", places, path="places", boundary=boundary if boundary is not None and len(boundary) else None
    )


def row_checks(n_rows: int, problems: list[Problem]) -> list[str]:
    """One text per row for the table's check column: ``✓`` or the row's problems."""
    by_row: dict[int, list[str]] = {}
    for p in problems:
        if p.row is not None:
            by_row.setdefault(p.row, []).append(
                f"{'⚠' if p.severity == 'error' else 'ℹ'} {p.field}: {p.message}"
            )
    return ["; ".join(by_row[r]) if r in by_row else t("kp.ok") for r in range(1, n_rows + 1)]


def next_place_id(ids: Iterable[Any]) -> str:
    """A new id in the style of the existing ones: ``V07`` -> ``V08``; ``P1`` when there is no pattern."""
    best: tuple[str, int, int] | None = None
    taken = {str(i) for i in ids}
    for value in taken:
        m = re.fullmatch(r"(.*?)(\d+)", value)
        if m and (best is None or int(m.group(2)) > best[1]):
            best = (m.group(1), int(m.group(2)), len(m.group(2)))
    prefix, number, width = best if best else ("P", 0, 1)
    while True:
        number += 1
        candidate = f"{prefix}{number:0{width}d}"
        if candidate not in taken:
            return candidate


def project_centre(project: Project) -> tuple[float, float]:
    """(lat, lon) of the project's centre (boundary, else places and areas), rounded to 6 decimals."""
    frames = [f for f in (project.boundary, project.places, project.areas) if f is not None and len(f)]
    if not frames:
        return 60.4, 24.4
    x0, y0, x1, y1 = frames[0].to_crs(CRS).total_bounds
    lon, lat = _to_lonlat(np.array([(x0 + x1) / 2]), np.array([(y0 + y1) / 2]))
    return round(float(lat[0]), 6), round(float(lon[0]), 6)


def _to_lonlat(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lonlat = to_wgs84_xy(np.column_stack([np.asarray(x, float), np.asarray(y, float)]))
    return lonlat[:, 0], lonlat[:, 1]


def _from_lonlat(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    xy = from_wgs84_xy(np.column_stack([np.asarray(lon, float), np.asarray(lat, float)]))
    return xy[:, 0], xy[:, 1]
