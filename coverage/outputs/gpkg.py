"""The coverage GeoPackage for QGIS (Finnish layer names, the data model's field names)."""

from __future__ import annotations

import math
import os
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ..analysis.study import Study
from ..analysis.villages import village_of
from ..core.errors import ExportError
from ..core.model import CRS
from .tables import area_table, place_table, summary_rows, village_table

GPKG_LAYERS = {
    "places": "kohtaamispaikat",
    "areas": "alueet_kattavuus",
    "villages": "kylat",
    "boundary": "kuntaraja",
    "reach": "saavutettavuusalueet",
    "blind_spots": "katvealueet",
    "proposals": "ehdotukset",
    "summary": "yhteenveto",
}
"""Layer names in the exported GeoPackage (key: what it holds)."""


# --- GeoPackage ---------------------------------------------------------------------------------------------


def write_gpkg(data: Study, path: str | os.PathLike) -> list[str]:
    """Write the GeoPackage of :data:`GPKG_LAYERS` to ``path`` (replaced if it exists); return the layers."""
    import pyogrio

    path = Path(path)
    places = data.result.places[["geometry"]].join(place_table(data).set_index(data.result.places.index))
    areas_tab = area_table(data).set_index(data.result.areas.index)
    areas = gpd.GeoDataFrame(areas_tab, geometry=data.result.areas.geometry, crs=CRS)
    layers: list[tuple[str, gpd.GeoDataFrame | pd.DataFrame]] = [
        (GPKG_LAYERS["places"], gpd.GeoDataFrame(places, geometry="geometry", crs=CRS)),
        (GPKG_LAYERS["areas"], areas),
        (GPKG_LAYERS["villages"], _village_layer(data)),
    ]
    if len(data.project.boundary):
        layers.append((GPKG_LAYERS["boundary"], data.project.boundary))
    layers.append((GPKG_LAYERS["reach"], data.reach))
    layers.append((GPKG_LAYERS["blind_spots"], data.blind))
    if data.plan is not None:
        layers.append((GPKG_LAYERS["proposals"], data.proposals))
    tmp = path.with_name(f".{path.stem}.tmp-{os.getpid()}.gpkg")  # GDAL wants the .gpkg extension
    tmp.unlink(missing_ok=True)
    try:
        for name, gdf in layers:
            clean = _gpkg_ready(gdf)
            pyogrio.write_dataframe(clean, tmp, layer=name, driver="GPKG", promote_to_multi=False)
        rows = pd.DataFrame(summary_rows(data), columns=["key", "value"]).astype(str)
        pyogrio.write_dataframe(rows, tmp, layer=GPKG_LAYERS["summary"], driver="GPKG")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"{path}: cannot write the GeoPackage ({exc.strerror or exc})") from None
    return [name for name, _ in layers] + [GPKG_LAYERS["summary"]]


def _village_layer(data: Study) -> gpd.GeoDataFrame:
    """Return the villages (:func:`~coverage.outputs.tables.village_table`), their areas dissolved."""
    areas = data.result.areas
    names = village_of(areas).to_numpy(object)
    shapes = gpd.GeoDataFrame({"village": names}, geometry=areas.geometry.to_numpy(), crs=CRS)
    shapes = shapes.dissolve(by="village")
    table = village_table(data)
    return gpd.GeoDataFrame(table, geometry=shapes.geometry.reindex(table["village"]).to_numpy(), crs=CRS)


def _gpkg_ready(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Plain dtypes GDAL understands: nullable booleans/ints to float/int, objects to strings."""
    out = gdf.copy()
    for col in out.columns:
        if col == out.geometry.name:
            continue
        s = out[col]
        if isinstance(s.dtype, pd.BooleanDtype):
            out[col] = s.astype("Int64")
        elif s.dtype == bool:
            out[col] = s.astype("int32")
        elif s.dtype == object or isinstance(s.dtype, pd.StringDtype):
            out[col] = [
                ("" if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else str(v))
                for v in s
            ]
    if out.crs is None or not out.crs.equals(CRS):
        out = out.set_crs(CRS, allow_override=True) if out.crs is None else out.to_crs(CRS)
    return out
