"""The ground floor: data model, errors, opening hours, validation, the string catalogue, threads.

Nothing here imports from the other sub-packages.
"""

from .errors import (
    AnalysisError,
    ConflictError,
    ExportError,
    FetchError,
    InputError,
    KatveError,
    NetworkError,
    OffNetworkWarning,
    PlanningError,
    Problem,
    ScheduleError,
    SourceError,
    UnreachableTargetError,
    UnsafePathError,
)
from .model import CRS, Project, Settings

__all__ = [
    "CRS",
    "AnalysisError",
    "ConflictError",
    "ExportError",
    "FetchError",
    "InputError",
    "KatveError",
    "NetworkError",
    "OffNetworkWarning",
    "PlanningError",
    "Problem",
    "Project",
    "ScheduleError",
    "Settings",
    "SourceError",
    "UnreachableTargetError",
    "UnsafePathError",
]
