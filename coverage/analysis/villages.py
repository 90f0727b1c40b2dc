"""Villages: the areas grouped by the village (or postal area) they belong to.

A village is derived, never stored: its population and children are the sums of its areas (1 km grid cells
in the embedded data). Areas without a ``village`` are their own village under their ``name``, so a project
of hand-entered village points works the same way.

Examples
--------
>>> import pandas as pd
>>> areas = pd.DataFrame({"id": ["a", "b", "c"], "name": ["Selki, 1 km ruutu"] * 2 + ["Korpi"],
...     "village": ["Selki", "Selki", None], "population": [40, 10, 5], "children_0_6": [4.0, 1.0, 2.0],
...     "covered": [True, False, False], "minutes": [12.0, 31.0, 40.0], "nearest_place_id": ["p1"] * 3})
>>> village_table(areas)[["name", "children_0_6", "children_uncovered"]].values.tolist()
[['Korpi', 2.0, 2.0], ['Selki', 5.0, 1.0]]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import shapely

VILLAGE_COLUMNS = (
    "name", "population", "children_0_6", "children_covered", "children_uncovered", "children_covered_share",
    "cells", "cells_uncovered", "nearest_place_id", "minutes_min", "minutes_max",
)  # fmt: skip
"""Columns of :func:`village_table`."""

# compass points, clockwise from north, as Finnish abbreviations (pohjoinen, koillinen, itä, ...)
_COMPASS = {
    "fi": ("P", "KO", "I", "KA", "E", "LO", "L", "LU"),
    "sv": ("N", "NO", "O", "SO", "S", "SV", "V", "NV"),
    "en": ("N", "NE", "E", "SE", "S", "SW", "W", "NW"),
}


def village_of(areas: pd.DataFrame) -> pd.Series:
    """Each area's village: its ``village`` where given, else its ``name`` (else its ``id``)."""
    fallback = areas["name"] if "name" in areas else areas.get("id", pd.Series("", index=areas.index))
    fallback = fallback.astype(object).where(fallback.notna(), areas.get("id", ""))
    if "village" not in areas:
        return fallback.astype(str).rename("village")
    given = areas["village"].astype(object)
    blank = given.isna() | (given.astype(str).str.strip() == "")
    return given.where(~blank, fallback).astype(str).str.strip().rename("village")


def village_table(areas: pd.DataFrame) -> pd.DataFrame:
    """Return one row per village from analysed areas (``covered``, ``minutes``, ``nearest_place_id``).

    Columns :data:`VILLAGE_COLUMNS`: sums of population and children, children within / beyond reach, the
    covered share (``None`` without children), the number of areas (``cells``) and uncovered ones, and behind
    the uncovered children: the place nearest to most of them and the range of their travel minutes (NaN
    when every area is covered or no place counts). Sorted by ``children_uncovered`` descending, then
    children, then name; the children add up to the analysis' ``children_total``.
    """
    if not len(areas):
        return pd.DataFrame(columns=list(VILLAGE_COLUMNS))
    kids = numeric_column(areas, "children_0_6")
    covered = areas["covered"].to_numpy(bool) if "covered" in areas else np.zeros(len(areas), bool)
    minutes = numeric_column(areas, "minutes", missing=np.nan)
    nearest = areas["nearest_place_id"] if "nearest_place_id" in areas else pd.Series(None, index=areas.index)
    frame = pd.DataFrame({
        "name": village_of(areas).to_numpy(object),
        "population": numeric_column(areas, "population"),
        "children_0_6": kids,
        "children_covered": np.where(covered, kids, 0.0),
        "cells": 1,
        "cells_uncovered": (~covered).astype(int),
        "_open_kids": np.where(covered, 0.0, kids),
        "_open_min": np.where(covered, np.nan, minutes),
        "_nearest": nearest.astype(object).to_numpy(),
    })
    grouped = frame.groupby("name", sort=False)
    out = grouped[["population", "children_0_6", "children_covered", "cells", "cells_uncovered"]].sum()
    out["children_covered"] = out["children_covered"].round(6)
    out["children_uncovered"] = (out["children_0_6"] - out["children_covered"]).round(6).clip(lower=0.0)
    total = out["children_0_6"].to_numpy(float)
    share = np.divide(out["children_covered"].to_numpy(float), total, out=np.zeros(len(out)), where=total > 0)
    out["children_covered_share"] = pd.Series(share, index=out.index).where(total > 0, None).astype(object)
    out["minutes_min"] = grouped["_open_min"].min()
    out["minutes_max"] = grouped["_open_min"].max()
    out["nearest_place_id"] = _main_nearest(frame)
    out = out.reset_index()
    out = out.sort_values(
        ["children_uncovered", "children_0_6", "name"], ascending=[False, False, True], kind="stable"
    )
    out["population"] = out["population"].round().astype(int)
    return out[list(VILLAGE_COLUMNS)].reset_index(drop=True)


def changed_villages(changed: pd.DataFrame, *, covered: bool = True) -> pd.DataFrame:
    """Group a plan's ``changed`` areas per village: ``name, children_0_6, areas``, most children first.

    ``covered=True`` takes the areas a proposal newly covers (``covered_after``), ``False`` those it loses.

    >>> changed = pd.DataFrame({"name": ["S, 1 km ruutu"] * 2 + ["K"], "village": ["S", "S", None],
    ...     "children_0_6": [4.0, 2.0, 9.0], "covered_after": [True, True, True]})
    >>> changed_villages(changed).values.tolist()
    [['K', 9.0, 1], ['S', 6.0, 2]]
    """
    if not len(changed):
        return pd.DataFrame(columns=["name", "children_0_6", "areas"])
    rows = changed[changed["covered_after"].astype(bool) == covered]
    frame = pd.DataFrame({"name": village_of(rows).to_numpy(object),
                          "children_0_6": numeric_column(rows, "children_0_6"), "areas": 1})  # fmt: skip
    out = frame.groupby("name", sort=True).sum().reset_index()
    out = out.sort_values(["children_0_6", "name"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)


def village_points(areas: Any) -> pd.DataFrame:
    """Return each village's centre: ``name, x, y`` (the areas' CRS), weighted by population.

    The centre is the population-weighted mean of the areas' representative points (the plain mean for a
    village without residents), so it lies where the village's people live, not in its forest.
    """
    if not len(areas):
        return pd.DataFrame(columns=["name", "x", "y"])
    geom = np.asarray(areas.geometry.to_numpy(), dtype=object)
    pts = shapely.point_on_surface(geom)
    weight = numeric_column(areas, "population")
    frame = pd.DataFrame({
        "name": village_of(areas).to_numpy(object), "x": shapely.get_x(pts), "y": shapely.get_y(pts),
        "w": np.where(weight > 0, weight, 0.0),
    })  # fmt: skip
    frame["w"] = frame["w"].where(frame.groupby("name")["w"].transform("sum") > 0, 1.0)
    frame["wx"], frame["wy"] = frame["x"] * frame["w"], frame["y"] * frame["w"]
    sums = frame.groupby("name", sort=True)[["wx", "wy", "w"]].sum()
    x, y = (sums["wx"] / sums["w"]).to_numpy(), (sums["wy"] / sums["w"]).to_numpy()
    return pd.DataFrame({"name": sums.index, "x": x, "y": y}).reset_index(drop=True)


def describe_location(
    x: float, y: float, villages: pd.DataFrame, lang: str = "fi", *, near_m: float = 500
) -> str:
    """Name a point by its nearest village centre, e.g. ``"Huhmari (2,8 km KO)"`` (EPSG:3067 metres).

    Within ``near_m`` of the centre the village name alone; ``""`` without villages.

    >>> v = pd.DataFrame({"name": ["Huhmari"], "x": [0.0], "y": [0.0]})
    >>> describe_location(2000.0, 2000.0, v)
    'Huhmari (2,8 km KO)'
    >>> describe_location(100.0, 0.0, v, "en")
    'Huhmari'
    """
    return describe_locations(np.array([[x, y]]), villages, lang, near_m=near_m)[0] if len(villages) else ""


def describe_locations(
    xy: np.ndarray, villages: pd.DataFrame, lang: str = "fi", *, near_m: float = 500
) -> list[str]:
    """Name many points (``(n, 2)`` EPSG:3067) as :func:`describe_location` does, with a k-d tree."""
    if not len(xy) or not len(villages):
        return [""] * len(xy)
    from scipy.spatial import cKDTree

    centres = villages[["x", "y"]].to_numpy(float)
    dist, idx = cKDTree(centres).query(np.asarray(xy, float))
    dx, dy = xy[:, 0] - centres[idx, 0], xy[:, 1] - centres[idx, 1]
    bearing = np.degrees(np.arctan2(dx, dy)) % 360
    points = _COMPASS.get(lang, _COMPASS["fi"])
    names = villages["name"].astype(str).to_numpy(object)
    out = []
    for d, i, b in zip(dist, idx, bearing, strict=True):
        if d < near_m:
            out.append(str(names[i]))
            continue
        km = f"{d / 1000:.1f}"
        km = km if lang == "en" else km.replace(".", ",")
        out.append(f"{names[i]} ({km} km {points[int((b + 22.5) // 45) % 8]})")
    return out


def village_blind_spots(areas: Any, crs: Any) -> Any:
    """Dissolve the uncovered *populated* polygon areas per village: the blind spots where families live.

    ``areas`` are analysed polygon areas (``covered``); returns a GeoDataFrame with ``village``,
    ``population``, ``children_0_6``, ``areas`` (cells) and the dissolved geometry, one row per village with
    uncovered residents (uncovered areas without residents paint no blind spot: they are forest and lake).
    """
    import geopandas as gpd

    uncovered = ~areas["covered"].to_numpy(bool)
    lived = (numeric_column(areas, "population") > 0) | (numeric_column(areas, "children_0_6") > 0)
    sel = areas.loc[uncovered & lived]
    if not len(sel):
        return gpd.GeoDataFrame(
            {"village": [], "population": [], "children_0_6": [], "areas": []}, geometry=[], crs=crs
        )
    frame = gpd.GeoDataFrame(
        {"village": village_of(sel).to_numpy(object), "population": numeric_column(sel, "population"),
         "children_0_6": numeric_column(sel, "children_0_6"), "areas": 1},
        geometry=sel.geometry.to_numpy(), crs=crs,
    )  # fmt: skip
    return frame.dissolve(
        by="village", aggfunc={"population": "sum", "children_0_6": "sum", "areas": "sum"}, sort=True
    ).reset_index()


def numeric_column(frame: pd.DataFrame, column: str, *, missing: float = 0.0) -> np.ndarray:
    """Return a column as floats, missing or unreadable values as ``missing`` (a missing column: all)."""
    if column not in frame:
        return np.full(len(frame), missing)
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    return np.where(np.isfinite(values), values, missing)


def _main_nearest(frame: pd.DataFrame) -> pd.Series:
    """Per village, the nearest place of most uncovered children (``None`` when none is uncovered)."""
    open_rows = frame[(frame["_open_kids"] > 0) | (frame["cells_uncovered"] > 0)]
    open_rows = open_rows[open_rows["_nearest"].notna()]
    if not len(open_rows):
        return pd.Series(None, index=frame["name"].unique(), dtype=object)
    weights = open_rows.groupby(["name", "_nearest"], sort=True)["_open_kids"].sum().reset_index()
    weights = weights.sort_values(["name", "_open_kids"], ascending=[True, False], kind="stable")
    best = weights.drop_duplicates("name").set_index("name")["_nearest"]
    return best.reindex(frame["name"].unique()).astype(object)
