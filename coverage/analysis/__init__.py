"""Coverage analysis: reach and blind spots, the week, visitor statistics, and the :class:`Study`."""

from .reach import CoverageResult, analyze, blind_spot_polygons, counted_places, reach_areas
from .study import Study, prepare
from .week import overlaps, programme, sessions, weekday_gain, weekday_matrix

__all__ = [
    "CoverageResult",
    "Study",
    "analyze",
    "blind_spot_polygons",
    "counted_places",
    "overlaps",
    "prepare",
    "programme",
    "reach_areas",
    "sessions",
    "weekday_gain",
    "weekday_matrix",
]
