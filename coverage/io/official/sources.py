"""Readers for the official data a coordinator downloads, turned into the layers of the data model.

The layers are those of :mod:`coverage.core.model`.

====================================  ==========  =================================================
Source                                Layer       Reader
====================================  ==========  =================================================
Statistics Finland population grid    areas       :func:`read_population_grid` (1 km cells)
(Väestöruutuaineisto, vakiYYYY_1km)
Eurostat/GISCO grid (Census 2021)     areas       :func:`read_population_grid` (EPSG:3035 ids)
Paavo postal-code areas               areas       :func:`read_paavo`
Suomi.fi service register (PTV)       places      :func:`read_ptv`, hours via :func:`ptv_hours_to_osm`
OpenStreetMap ``.osm.pbf``            candidates  :func:`read_osm_candidates`
Municipal boundary (kunta4500k, MML)  boundary    :func:`read_boundary`
====================================  ==========  =================================================

Every reader returns a :class:`coverage.io.importers.ImportResult` (data in EPSG:3067, conformed to the
layer's schema) whose ``warnings`` say what was estimated, protected, skipped or guessed, or raises
:class:`~coverage.core.errors.InputError` listing every problem (``PATH:ROW: field: message``). Files are
opened
with the importers' reader (CSV as Finnish Excel writes it, XLSX, GeoJSON, GeoPackage, zipped Shapefile), and
the finished layer is checked with :func:`coverage.core.validation.validate_layer`, so official files are
judged like any other.

Protected values
----------------
Statistics Finland publishes ``-1`` (or leaves the cell empty) where a figure would identify people: grid
cells with fewer than 10 residents carry only the total, and small Paavo areas lose their age groups. Those
figures are *estimated* here (and ``children_estimated`` is set), never read as -1 or 0.

Children 0-6
------------
The grids have no finer age group than 0-14, so children 0-6 are the 0-14-year-olds x the municipality's
own ratio of 0-6 to 0-14 from StatFin table 11re (:mod:`coverage.io.official.ages`, fetched with the grid).
Only without it are they 7/15 of the 0-14-year-olds (seven of the fifteen one-year age classes, assuming
equal cohorts; Finnish birth cohorts have shrunk since 2010, so this *over*-estimates the youngest), flagged
in ``children_method``. Paavo gives ``he_0_2 + he_3_6`` exactly.

Examples
--------
>>> from coverage.io.official.ptv import ptv_hours_to_osm
>>> ptv_hours_to_osm([{"serviceHourType": "DaysOfTheWeek", "validForNow": True, "openingHour": [
...     {"dayFrom": "Tuesday", "from": "09:30:00", "to": "11:30:00"},
...     {"dayFrom": "Thursday", "from": "09:30", "to": "11:30"}]}])
('Tu,Th 09:30-11:30', [])
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from ...core.errors import KatveError, SourceError
from ...core.model import (
    AREA_FIELDS,
    BOUNDARY_FIELDS,
    CANDIDATE_FIELDS,
    CRS,
    PLACE_FIELDS,
    Project,
    Settings,
    empty_layer,
)
from ..importers import ImportResult
from .ages import read_age_structure
from .base import _load
from .eurostat import is_eurostat_grid
from .osm import read_osm_candidates
from .ptv import FAMILY_KEYWORDS, read_ptv
from .statistics import _PAAVO_CODE, read_boundary, read_paavo, read_population_grid

# === detection ===========================================================================================


def detect_source(path: str | os.PathLike) -> str | None:
    """Tell which official source a file is.

    Returns
    -------
    str or None
        ``"grid"``, ``"paavo"``, ``"ptv"``, ``"osm"``, ``"boundary"``, or ``None`` for an ordinary file (read
        it with :mod:`coverage.io.importers`).

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
    if ("vaesto" in columns and columns & {"grd_id", "xkoord", "ika_0_14", "id_nro"}) or is_eurostat_grid(df):
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
        When the kind cannot be detected; read the file with :mod:`coverage.io.importers` instead.
    """
    kind = kind or detect_source(path)
    readers: dict[str, Callable[..., ImportResult]] = {
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
    """Read the files :func:`coverage.io.official.fetch.fetch` wrote.

    ``files`` maps what was fetched to its file: ``{"boundary": path, "grid": path, ...}``; ``"ages"`` may
    name the StatFin 11re answer (:attr:`FetchedFile.ages`), which turns the grid's 0-14-year-olds into
    children 0-6 (without it, 7/15 as the last resort, flagged).

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
    age_structure = None
    if paths.get("ages"):
        try:
            age_structure = read_age_structure(paths["ages"], municipality=municipality)
        except KatveError:
            age_structure = None  # the grid falls back to 7/15 and its warning says so
    readers: list[tuple[str, Any]] = [
        ("boundary", lambda p, b: read_boundary(p, municipality=municipality)),
        (
            "grid",
            lambda p, b: read_population_grid(
                p, municipality=municipality, boundary=b, age_structure=age_structure
            ),
        ),
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
