"""Planning new meeting places: covering and median models, candidate sites, plans and comparisons.

The entry point is :func:`coverage.planning.plan.plan` (also ``coverage.plan``); it is not re-exported here,
where ``plan`` names its module.
"""

from .core import Solution
from .cover import solve_cover, solve_set_cover
from .median import solve_median
from .plan import Comparison, PlanResult, compare
from .sites import generate_candidates

__all__ = [
    "Comparison",
    "PlanResult",
    "Solution",
    "compare",
    "generate_candidates",
    "solve_cover",
    "solve_median",
    "solve_set_cover",
]
