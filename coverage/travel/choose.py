"""The travel model the settings ask for: above both models, so neither imports the other."""

from __future__ import annotations

from ..core.model import Settings
from . import road
from .base import TravelModel
from .straight import StraightLine


def model_from_settings(settings: Settings) -> TravelModel:
    """Build the travel model the settings ask for: a road network if ``settings.network`` is set."""
    if settings.network:
          # road-network model; optional dependency on an OSM extract

        return road.model_from_settings(settings)
    return StraightLine(speed_kmh=settings.speed_kmh, circuity=settings.circuity, mode=settings.mode)
