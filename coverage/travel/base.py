"""Travel-cost models behind one interface.

A model answers three questions about origins and destinations given as ``(n, 2)`` arrays of EPSG:3067
coordinates in metres:

* :meth:`TravelModel.minutes` - the dense ``(n, m)`` matrix of travel minutes (small problems only);
* :meth:`TravelModel.nearest` - for each origin the nearest destination, its minutes and distances;
* :meth:`TravelModel.within` - all (origin, destination) pairs within a time limit, sparse.

Models may also offer these optional methods, used by :mod:`coverage.analysis.reach` when present:

* ``reach_polygons(points, max_minutes)`` - one polygon per point: the area reached within the limit
  (blind-spot polygons, reach maps);
* ``pair_distance_km(origins, destinations)`` - element-wise travel km between paired points (overlaps);
* ``reach_matrix(origins, destinations, max_minutes)`` - the pairs of ``within`` as a sparse 0/1 matrix
  (a faster path for coverage counts);
* ``reach_bits(origins, destinations, max_minutes, bits)`` - per origin the bitwise OR of an integer per
  destination over the destinations within the limit (the weekday x daypart matrix in one pass).

The default :class:`StraightLine` model is straight-line distance x circuity at a mode speed. It never loops
over pairs in Python: nearest and within-limit queries use a KD-tree, on all cores for large inputs
(:mod:`coverage.core.parallel`).

Examples
--------
>>> import numpy as np
>>> from coverage.travel.straight import StraightLine
>>> m = StraightLine(speed_kmh=60.0, circuity=1.5)
>>> m.minutes(np.array([[0.0, 0.0]]), np.array([[2000.0, 0.0]]))  # 2 km x 1.5 = 3 km at 60 km/h
array([[3.]])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from scipy.sparse import csr_matrix
from scipy.spatial import cKDTree

from ..core.errors import KatveError


@dataclass(frozen=True)
class Nearest:
    """Nearest destination per origin. ``index`` is -1 where no destination is reachable."""

    index: np.ndarray
    minutes: np.ndarray
    distance_km: np.ndarray  # travel distance (road / straight x circuity)
    straight_km: np.ndarray


@dataclass(frozen=True)
class Pairs:
    """Sparse (origin, destination) pairs within a limit: parallel arrays plus the full shape."""

    rows: np.ndarray
    cols: np.ndarray
    minutes: np.ndarray
    shape: tuple[int, int]

    def to_csr(self):  # noqa: ANN201 - scipy type
        """As a ``scipy.sparse.csr_matrix`` holding ``minutes + 1e-9`` (so zero-minute pairs survive)."""
        return csr_matrix((self.minutes + 1e-9, (self.rows, self.cols)), shape=self.shape)


class TravelModel(Protocol):
    """What every travel model provides (see the module docstring)."""

    def describe(self) -> dict[str, Any]:
        """Model name and parameters, reported with every result."""

    def minutes(self, origins: np.ndarray, destinations: np.ndarray) -> np.ndarray:
        """Dense ``(n, m)`` travel minutes."""

    def nearest(self, origins: np.ndarray, destinations: np.ndarray) -> Nearest:
        """Nearest destination for each origin."""

    def within(self, origins: np.ndarray, destinations: np.ndarray, max_minutes: float) -> Pairs:
        """All pairs with travel minutes <= ``max_minutes``."""


def as_xy(points: Any) -> np.ndarray:
    """Coerce points (``(n, 2)`` array, GeoSeries / GeoDataFrame of points) to a float ``(n, 2)`` array."""
    if hasattr(points, "geometry"):
        geom = points.geometry
        if not len(geom):
            return np.empty((0, 2))
        return np.column_stack([geom.x.to_numpy(float), geom.y.to_numpy(float)])
    arr = np.asarray(points, dtype=float)
    if arr.size == 0:
        return np.empty((0, 2))
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise KatveError(f"expected an (n, 2) array of coordinates, got shape {arr.shape}")
    return arr


def or_by_row(n_rows: int, rows: np.ndarray, cols: np.ndarray, bits: np.ndarray) -> np.ndarray:
    """``(n_rows,)`` int64: per row, the bitwise OR of ``bits[col]`` over its ``(row, col)`` pairs."""
    out = np.zeros(n_rows, dtype=np.int64)
    np.bitwise_or.at(out, rows, np.asarray(bits, dtype=np.int64)[cols])
    return out


def _tree(xy: np.ndarray) -> cKDTree:
    """Build a KD-tree for the dual-tree pair search.

    Sliding-midpoint splits without node compaction build about twice as fast as the defaults and make
    the pair search faster on clustered points (single-point queries are faster on the default tree).
    """
    return cKDTree(xy, balanced_tree=False, compact_nodes=False)
