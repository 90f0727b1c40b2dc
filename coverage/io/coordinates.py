"""Coordinates of the files coordinators have: coordinate columns, lat/lon or metres, which CRS, swaps.

Tables locate their rows with ``lat``/``lon`` columns (WGS84 degrees), ``x``/``y`` columns in EPSG:3067 or an
ETRS-GK zone (detected from the magnitudes unless a ``crs`` is given) or one ``"lat, lon"`` column. Every
problem is reported per row through the callers' ``problems`` list. Used by :mod:`coverage.io.importers`.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..core.errors import KatveError, Problem
from ..core.model import CRS
from ..core.validation import FINLAND_LAT, FINLAND_LON, is_missing, swapped_lat_lon, to_numbers
from .files import _key
from .headers import COORDINATE_ALIASES


def _find_coordinate_columns(df: pd.DataFrame) -> dict[str, str]:
    """Coordinate columns by role (lat, lon, x, y, coordinates); exact headers first, then ``*_lat`` forms."""
    found: dict[str, str] = {}
    keys = {str(c): _key(c) for c in df.columns}
    for role, aliases in COORDINATE_ALIASES.items():
        wanted = {_key(a) for a in aliases}
        hits = [c for c, k in keys.items() if k in wanted]
        if hits:
            found[role] = hits[0]
    suffixes = {
        "lat": {"lat", "latitude", "leveys", "leveysaste"},
        "lon": {"lon", "lng", "longitude", "pituus", "pituusaste"},
    }
    for role, wanted in suffixes.items():  # "centroid_lat", "wgs84_lon", "keskipiste_leveys"
        if role not in found:
            hits = [c for c, k in keys.items() if k.rsplit("_", 1)[-1] in wanted and "_" in k]
            if len(hits) == 1:
                found[role] = hits[0]
    return found


# --- coordinates ------------------------------------------------------------------------------------------

_N_RANGE = (6_570_000.0, 7_830_000.0)
_E_RANGE_3067 = (20_000.0, 790_000.0)


def _gk_zone(easting: np.ndarray) -> np.ndarray:
    """ETRS-GK zone (19..31) from an easting with the zone prefix (25 496 000 -> 25), else 0."""
    zone = np.floor(easting / 1_000_000.0)
    with np.errstate(invalid="ignore"):
        ok = (
            (zone >= 19)
            & (zone <= 31)
            & (easting - zone * 1_000_000 >= 150_000)
            & (easting - zone * 1_000_000 <= 850_000)
        )
    return np.where(ok, zone, 0).astype(int)


def _classify_xy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per point: the EPSG code its magnitudes fit (3067, GK 3873-3885); negative if swapped; 0: none."""
    with np.errstate(invalid="ignore"):
        north_y = (y >= _N_RANGE[0]) & (y <= _N_RANGE[1])
        north_x = (x >= _N_RANGE[0]) & (x <= _N_RANGE[1])
        tm_x = (x >= _E_RANGE_3067[0]) & (x <= _E_RANGE_3067[1])
        tm_y = (y >= _E_RANGE_3067[0]) & (y <= _E_RANGE_3067[1])
    gk_x, gk_y = _gk_zone(x), _gk_zone(y)
    code = np.zeros(len(x), dtype=int)
    code = np.where(north_y & tm_x, 3067, code)
    code = np.where(north_y & (gk_x > 0), 3873 + gk_x - 19, code)
    code = np.where((code == 0) & north_x & tm_y, -3067, code)
    code = np.where((code == 0) & north_x & (gk_y > 0), -(3873 + gk_y - 19), code)
    return code


def _coerce_crs(crs: Any) -> Any:
    import pyproj

    try:
        return pyproj.CRS.from_user_input(crs)
    except Exception as exc:  # noqa: BLE001 - pyproj.exceptions.CRSError
        raise KatveError(
            f"unknown coordinate system {crs!r} ({exc}); use e.g. EPSG:3067 or EPSG:3879"
        ) from None


def _geometry_from_columns(
    df: pd.DataFrame, *, path: str, rows: np.ndarray, crs: Any, problems: list[Problem]
) -> tuple[gpd.GeoSeries | None, str, list[str]]:
    """Point geometry from coordinate columns: (GeoSeries or None, field name for problems, columns used)."""
    cols = _find_coordinate_columns(df)
    n = len(df)

    def add(pos: int | None, fld: str, message: str, severity: str = "error") -> None:
        problems.append(Problem(path, None if pos is None else int(rows[pos]), fld, message, severity))

    def numbers(column: str) -> tuple[np.ndarray, np.ndarray]:
        values, bad = to_numbers(df[column])
        raw = df[column].astype(object).to_numpy()
        for pos in np.flatnonzero(bad):
            add(int(pos), column, f"{str(raw[pos])!r} is not a number")
        return values, bad

    if "lat" in cols and "lon" in cols:
        fld = f"{cols['lat']}/{cols['lon']}"
        (lat, bad_lat), (lon, bad_lon) = numbers(cols["lat"]), numbers(cols["lon"])
        geoms = _points_from_lat_lon(lat, lon, bad_lat | bad_lon, fld=fld, add=add, crs=crs)
        return geoms, fld, [cols["lat"], cols["lon"]]
    if "x" in cols and "y" in cols:
        fld = f"{cols['x']}/{cols['y']}"
        (x, bad_x), (y, bad_y) = numbers(cols["x"]), numbers(cols["y"])
        for pos in np.flatnonzero((np.isnan(x) | np.isnan(y)) & ~bad_x & ~bad_y):
            add(int(pos), fld, "coordinates are missing")
        return _xy_to_points(x, y, fld=fld, add=add, crs=crs), fld, [cols["x"], cols["y"]]
    if "coordinates" in cols:
        fld = cols["coordinates"]
        lat, lon = np.full(n, np.nan), np.full(n, np.nan)
        bad = np.zeros(n, dtype=bool)
        for i, value in enumerate(df[fld].astype(object)):
            if is_missing(value):
                continue
            parts = re.findall(r"[-\u2212]?\d+(?:[.,]\d+)?", re.sub(r",\s+", " ", str(value)))
            if len(parts) != 2:
                bad[i] = True
                add(
                    i,
                    fld,
                    f"cannot read the coordinates {str(value)!r}: write 'lat, lon', e.g. '60.4170, 24.3220'",
                )
                continue
            lat[i], lon[i] = (float(p.replace(",", ".").replace("\u2212", "-")) for p in parts)
        return _points_from_lat_lon(lat, lon, bad, fld=fld, add=add, crs=crs), fld, [fld]
    return None, "lat/lon", []


def _points_from_lat_lon(
    lat: np.ndarray, lon: np.ndarray, bad: np.ndarray, *, fld: str, add: Any, crs: Any
) -> gpd.GeoSeries:
    both = ~np.isnan(lat) & ~np.isnan(lon)
    for pos in np.flatnonzero(~both & ~bad):
        add(int(pos), fld, "coordinates are missing")
    with np.errstate(invalid="ignore"):
        metres = both & (np.abs(lat) > 1000) & (np.abs(lon) > 1000)
    if both.any() and metres[both].all():
        add(
            None,
            fld,
            f"the {fld} columns hold metres, not degrees: read as north/east coordinates",
            "warning",
        )
        return _xy_to_points(lon, lat, fld=fld, add=add, crs=crs)
    swapped = both & swapped_lat_lon(lon, lat)
    for pos in np.flatnonzero(swapped):
        add(
            int(pos),
            fld,
            f"latitude and longitude appear swapped (lat {lat[pos]:g}, lon {lon[pos]:g}): in "
            f"Finland the latitude is {FINLAND_LAT[0]:g}-{FINLAND_LAT[1]:g} "
            f"and the longitude {FINLAND_LON[0]:g}-{FINLAND_LON[1]:g}",
        )
    with np.errstate(invalid="ignore"):
        out_of_range = both & ~swapped & ((np.abs(lat) > 90) | (np.abs(lon) > 180))
    for pos in np.flatnonzero(out_of_range):
        add(
            int(pos),
            fld,
            f"lat {lat[pos]:g}, lon {lon[pos]:g} are not degrees (latitude -90..90, longitude "
            "-180..180); metre coordinates go in columns x and y",
        )
    ok = both & ~swapped & ~out_of_range
    geoms = np.full(len(lat), None, dtype=object)
    geoms[ok] = shapely.points(lon[ok], lat[ok])
    return gpd.GeoSeries(list(geoms), crs="EPSG:4326")


def _c(value: float) -> str:
    """Format a coordinate for a message: whole metres, or ``1e+300`` for absurd values."""
    return f"{value:.0f}" if abs(value) < 1e12 else f"{value:.3g}"


def _xy_to_points(x: np.ndarray, y: np.ndarray, *, fld: str, add: Any, crs: Any) -> gpd.GeoSeries:
    both = ~np.isnan(x) & ~np.isnan(y)
    geoms = np.full(len(x), None, dtype=object)
    if crs is not None:
        geoms[both] = shapely.points(x[both], y[both])
        return gpd.GeoSeries(list(geoms), crs=_coerce_crs(crs))
    code = _classify_xy(x, y)
    fits = both & (code != 0)
    if not fits.any():
        if both.any():
            add(
                None,
                fld,
                "the coordinates fit no Finnish coordinate system (EPSG:3067: east 50 000-760 000, "
                "north 6 600 000-7 800 000; EPSG:3879: east 25 400 000-25 600 000): check them or "
                "give the coordinate system (CRS)",
            )
        return gpd.GeoSeries(list(geoms), crs=CRS)
    counts = Counter(abs(int(c)) for c in code[fits])
    epsg = counts.most_common(1)[0][0]
    all_swapped = bool((code[fits] == -epsg).all())
    if all_swapped:
        add(
            None,
            fld,
            f"the {fld.split('/')[0]} column holds northings (the Finnish geodetic convention): "
            f"read it as north and {fld.split('/')[1]} as east",
            "warning",
        )
        x, y = y, x
        code = -code
    for pos in np.flatnonzero(both):
        c = int(code[pos])
        if c == epsg:
            continue
        if c == -epsg:
            add(
                int(pos),
                fld,
                f"x and y appear swapped ({_c(x[pos])}, {_c(y[pos])}) compared with the other rows",
            )
        elif c != 0:
            add(
                int(pos),
                fld,
                f"these coordinates look like EPSG:{abs(c)} but the rest of the file is EPSG:{epsg}",
            )
        else:
            add(int(pos), fld, f"({_c(x[pos])}, {_c(y[pos])}) is not in Finland in EPSG:{epsg}")
    keep = both & (code == epsg)
    geoms[keep] = shapely.points(x[keep], y[keep])
    return gpd.GeoSeries(list(geoms), crs=f"EPSG:{epsg}")


def _spatial_frame_crs(
    gdf: gpd.GeoDataFrame, *, crs: Any, path: str, problems: list[Problem]
) -> gpd.GeoDataFrame:
    """Give a spatial file without a CRS one: the ``crs`` argument, else guessed from the magnitudes."""
    if gdf.crs is not None:
        return gdf
    if crs is not None:
        return gdf.set_crs(_coerce_crs(crs))
    geoms = gdf.geometry
    ok = ~(geoms.isna() | geoms.is_empty)
    if not ok.any():
        return gdf.set_crs(CRS)
    pts = geoms[ok].representative_point()
    x, y = pts.x.to_numpy(), pts.y.to_numpy()
    if (np.abs(x) <= 180).all() and (np.abs(y) <= 90).all():
        guess = "EPSG:4326"
    else:
        codes = _classify_xy(x, y)
        fitting = [abs(int(c)) for c in codes if c > 0]
        guess = f"EPSG:{Counter(fitting).most_common(1)[0][0]}" if fitting else CRS
    problems.append(
        Problem(
            path,
            None,
            "geometry",
            f"the file has no coordinate system (no .prj?): read it as {guess} from the coordinates",
            "warning",
        )
    )
    return gdf.set_crs(guess)
