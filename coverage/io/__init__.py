"""Files in and out: the project GeoPackage, importers, file safety, embedded and official data."""

from .datasets import DATASETS, load_dataset
from .importers import (
    ImportResult,
    read_areas,
    read_boundary,
    read_candidates,
    read_outreach,
    read_places,
    read_visits,
)
from .store import load, save

__all__ = [
    "DATASETS",
    "ImportResult",
    "load",
    "load_dataset",
    "read_areas",
    "read_boundary",
    "read_candidates",
    "read_outreach",
    "read_places",
    "read_visits",
    "save",
]
