"""Official open data: Statistics Finland (population grid, Paavo, boundaries), Suomi.fi PTV, OSM.

Downloading is :func:`coverage.io.official.fetch.fetch` (not re-exported: ``fetch`` names its module).
"""

from .osm import read_osm_candidates
from .ptv import read_ptv
from .sources import read_fetched, read_source
from .statistics import read_boundary, read_paavo, read_population_grid

__all__ = [
    "read_boundary",
    "read_fetched",
    "read_osm_candidates",
    "read_paavo",
    "read_population_grid",
    "read_ptv",
    "read_source",
]
