"""The embedded data sets under ``geodata/``: ``vihti`` and ``kaksineuvoinen``.

Examples
--------
>>> p = load_dataset("vihti")
>>> len(p.areas), p.areas.crs.to_epsg(), sorted(p.areas["village"].unique())[:2]
(448, 3067, ['Huhmari', 'Jokikunta'])
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ..core.errors import InputError, KatveError
from ..core.model import CRS, OUTREACH_FIELDS, SPATIAL_LAYERS, Project, Settings, empty_layer
from ..core.validation import normalise_layer, validate_layer
from . import importers
from .importers import read_outreach, read_visits

GEODATA = Path(__file__).resolve().parents[2] / "geodata"
DATASETS = ("vihti", "kaksineuvoinen")
DEFAULT_DATASET = "vihti"


def dataset_names() -> tuple[str, ...]:
    """Names accepted by ``--dataset``."""
    return DATASETS


@lru_cache(maxsize=8)
def _load_cached(name: str) -> Project:
    folder = GEODATA / name
    if name not in DATASETS or not folder.is_dir():
        raise KatveError(f"unknown data set {name!r}; choose one of: {', '.join(DATASETS)}")
    meta = json.loads((folder / "dataset.json").read_text(encoding="utf-8"))
    layers = {}
    problems = []
    boundary = None
    for layer in ("boundary", "places", "areas", "candidates"):
        file = folder / f"{layer}.geojson"
        if not file.exists():
            layers[layer] = empty_layer(SPATIAL_LAYERS[layer])
            continue
        gdf = gpd.read_file(file, engine="pyogrio").to_crs(CRS)
        found = validate_layer(layer, gdf, path=str(file), boundary=boundary)
        problems += found
        gdf = normalise_layer(layer, gdf)
        if layer == "boundary":
            boundary = gdf
        layers[layer] = gdf
    tables = {}
    for layer in ("visits", "outreach"):  # example (made-up) visitor statistics, see SOURCES.md
        file = folder / f"{layer}.csv"
        if file.exists():
            try:
                tables[layer] = getattr(importers, f"read_{layer}")(file).data
            except InputError as exc:
                problems += exc.problems
    if any(p.severity == "error" for p in problems):  # the embedded data is checked by the tests
        raise InputError(problems)
    return Project(settings=Settings(), name=meta["name"], path=None, **layers, **tables)


def load_dataset(name: str = DEFAULT_DATASET) -> Project:
    """Load a fresh copy of an embedded data set as a :class:`~coverage.core.model.Project` (EPSG:3067)."""
    return _load_cached(name).copy()


def example_tables(dataset: str) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Return the example (made-up) visits and outreach of a data set, or ``None`` if it has none.

    See ``geodata/<dataset>/SOURCES.md``: the numbers are invented for trying the statistics.
    """
    folder = GEODATA / dataset
    if dataset not in DATASETS or not (folder / "visits.csv").is_file():
        return None
    visits = read_visits(folder / "visits.csv").data
    outreach = read_outreach(folder / "outreach.csv").data if (folder / "outreach.csv").is_file() \
        else empty_layer(OUTREACH_FIELDS, spatial=False)
    return visits, outreach
