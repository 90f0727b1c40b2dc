"""What the demand is, said plainly: ``"448 asuttua 1 km ruutua, 2021"`` and the source to credit.

The embedded data sets hold one area per populated 1 km grid cell (Eurostat Census 2021 grid, © Statistics
Finland); a project may instead hold postal areas or village points. These helpers tell them apart so that
maps, reports and the command line can say which demand the figures rest on.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> cells = gpd.GeoDataFrame({"id": ["CRS3035RES1000mN6700000E4000000"], "children_estimated": [True],
...     "year": [2021]}, geometry=[box(0, 0, 1000, 1000)], crs="EPSG:3067")
>>> describe_demand(cells)
'1 asuttu 1 km ruutu, 2021; lasten 0–6 v määrät ovat arvioita'
>>> attribution(cells, "en")
'Source: Eurostat (Census 2021, 1 km grid), © Statistics Finland'
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
import shapely

from ..core.i18n import t

GRID_SIZES_KM = (0.25, 0.5, 1.0, 2.0, 5.0, 10.0)
"""Cell sizes of the statistical grids in use (Statistics Finland 250 m and 1 km, Eurostat 1 km, ...)."""

_GRID_ID = re.compile(r"^CRS3035RES(\d+)m", re.IGNORECASE)


def grid_cell_km(areas: Any) -> float | None:
    """Return the grid's cell size in km when every area is a square grid cell, else ``None``.

    A cell is recognised by a Eurostat/INSPIRE id (``CRS3035RES1000mN…E…``) or, failing that, by polygons
    that are all squares of one of :data:`GRID_SIZES_KM` (surface ± 2 %).
    """
    if not len(areas):
        return None
    geom = np.asarray(areas.geometry.to_numpy(), dtype=object)
    if not np.isin(shapely.get_type_id(geom), (3, 6)).all():
        return None
    ids = set(areas["id"].astype(str)) if "id" in areas else set()
    found = {m.group(1) if m else "" for m in map(_GRID_ID.match, ids)}
    if ids and len(found) == 1 and "" not in found:
        return int(found.pop()) / 1000
    if areas.crs is None or not areas.crs.is_projected:
        return None
    km2 = shapely.area(geom) / 1e6
    side = float(np.sqrt(np.median(km2)))
    for size in GRID_SIZES_KM:
        if abs(side - size) <= 0.01 * size and np.allclose(km2, size**2, rtol=0.02):
            return size
    return None


def demand_year(areas: pd.DataFrame) -> int | None:
    """Return the statistics year of the areas (``year`` column; the most common one), or ``None``."""
    if "year" not in areas:
        return None
    years = pd.to_numeric(areas["year"], errors="coerce").dropna()
    return int(years.mode().iloc[0]) if len(years) else None


def describe_demand(areas: Any, lang: str | None = None, *, estimated: bool = True) -> str:
    """Say what the demand is: cells (and their year) or areas, and whether children are estimated.

    ``estimated=False`` leaves the estimate out (a text that explains how children are estimated).
    """
    km = grid_cell_km(areas)
    n = len(areas)
    year = demand_year(areas)
    if km is not None:
        key = "demand.grid" if year is not None else "demand.grid_no_year"
        text = t(key, lang, n=n, km=_km(km, lang), year=year)
    else:
        text = t("demand.one_area", lang) if n == 1 else t("demand.areas", lang, n=n)
    flags = areas["children_estimated"] if "children_estimated" in areas else None
    if estimated and flags is not None and flags.fillna(False).astype(bool).any():
        text += "; " + t("demand.estimated", lang)
    return text


def attribution(areas: Any, lang: str | None = None) -> str:
    """Return the credit line to show with figures on the Eurostat/Statistics Finland grid, else ``""``."""
    if grid_cell_km(areas) is None:
        return ""
    return t("demand.attribution", lang, year=demand_year(areas) or 2021)


def _km(km: float, lang: str | None) -> str:
    text = f"{km:g}"
    return text if lang == "en" else text.replace(".", ",")
