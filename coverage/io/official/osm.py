"""Candidate sites from OpenStreetMap: community centres, schools, libraries, places of worship."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from ...core.errors import InputError, Problem
from ...core.model import CRS
from ..importers import ImportResult
from .base import _boundary_union, _finish, _note

CANDIDATE_AMENITIES: tuple[str, ...] = ("community_centre", "school", "library", "place_of_worship")
"""OSM ``amenity`` values read as candidate sites for new meeting places."""


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
            if isinstance(obj, osmium.osm.Node):
                key, point = f"osm-n{obj.id}", (obj.location.lon, obj.location.lat)
            elif isinstance(obj, osmium.osm.Way):
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
            # multipolygon relations (ways are handled above)
            elif isinstance(obj, osmium.osm.Area) and not obj.from_way():
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
