"""Travel-cost models behind one interface (:class:`TravelModel`): straight line and road network."""

from .base import Nearest, Pairs, TravelModel
from .choose import model_from_settings
from .road import NetworkModel
from .straight import StraightLine

__all__ = ["Nearest", "NetworkModel", "Pairs", "StraightLine", "TravelModel", "model_from_settings"]
