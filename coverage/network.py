"""Travel times on an OpenStreetMap road network (``.osm.pbf``), behind the :mod:`coverage.travel` interface.

The network is read with pyosmium in one streaming pass, turned into a graph per travel mode and cached as
plain ``.npz`` arrays (no pickle) under ``.katve-cache/`` next to the extract, keyed by the file's SHA-256
(:func:`cache_file`). The app keeps uploaded extracts in ``<projects>/osm/``, so their graphs are cached in
the projects folder, ``<projects>/osm/.katve-cache/``; the command line caches next to the file given.

Graph
    Nodes are OSM nodes where ways meet or end; an edge is the stretch of one way between two such nodes and
    keeps its full geometry as segments (for snapping and drawing). Lengths are metres in EPSG:3067. Ways
    are cut where the extract lacks their nodes, and pieces of road not connected to the rest and shorter
    than :data:`MIN_COMPONENT_M` in total are dropped (so nobody is snapped onto a stray fragment).
Speeds
    ``walk`` and ``bike`` use the mode speed of the settings (walking with a pram 4 km/h, bike 15 km/h) on
    every edge they may use. ``car`` uses the ``maxspeed`` tag where present (numbers, ``mph``, ``FI:urban``,
    ``FI:rural``, ...) and otherwise :data:`CAR_SPEEDS_KMH` by ``highway`` class (Finnish defaults: 80 km/h
    general limit on rural main roads, slower on minor and gravel roads). Only cars obey ``oneway``
    (``junction=roundabout`` and motorways imply it).
Snapping
    Each point is snapped to the nearest point on the nearest road segment the mode may use (motorways and
    their links are not snapped to by cars; walkers and cyclists never see them). The straight leg from the
    point to the road is travelled at ``snap_speed_kmh`` (the mode speed; 20 km/h for cars, a yard or
    unmapped private road) and its length is reported. Points farther than ``max_snap_m`` (500 m) from any
    usable road raise :class:`OffNetworkWarning` and are listed as warnings on the result (which
    :func:`coverage.analysis.analyze` names as areas / places). Snapping is exact and vectorised: a grid
    of cells sized to the network's density lists the segments passing through each cell, a point measures
    the segments of the few cells round it that can hold its nearest one, and points far from any road use
    a KD-tree of segment pieces (see ``_SnapGrid``). The index is built once per model, on first use.
    Two points less than ``max_snap_m`` apart and closer to each other than their two snapping legs together
    may also go straight from one to the other at that speed, whichever is faster (two houses on either
    side of a field are not sent round by the road, but a house by the road does not cut across a lake).
Shortest paths
    ``scipy.sparse.csgraph.dijkstra`` on a CSR matrix. :meth:`NetworkModel.nearest` runs one multi-source
    search (``min_only=True``) from all destinations on the reversed graph, so its cost hardly depends on
    the number of destinations. Snapped points become virtual nodes joined to both ends of their edge, and two
    points on the same edge also get the direct route along it, so results are exact for the graph.
    Unreachable pairs get ``inf`` minutes and index ``-1``. Road distances (``distance_km``) are summed
    along the search's shortest-path tree (pointer jumping); :meth:`NetworkModel.pair_distance_km` gives
    them for given pairs.
Reach areas
    :meth:`NetworkModel.reach_polygons` returns, per point, the roads (partial edges included) from which the
    point is reachable in the time limit (plus its snapping leg), buffered by ``buffer_m`` (default 100 m);
    the straight off-road cuts between two off-road points are not drawn. The buffer is traced on a
    fine grid: GEOS takes minutes to union thousands of overlapping road buffers. A reach area is a map
    picture; coverage figures come from :meth:`NetworkModel.nearest` (a house 80 m from a reachable road
    but across a river is inside the picture, not covered).
Cost
    Parsing runs at roughly a microsecond per way node plus pyosmium's reading of the file; the ``.npz``
    cache then loads in well under a second. On a 500,000-node graph (850,000 segments) the snapping index
    takes 0.5-0.8 s once per model, and :meth:`NetworkModel.nearest` for 100,000 origins and 50 places about
    0.25 s: 0.075 s snapping, 0.105 s the Dijkstra search, the rest road distances along the tree and the
    same-edge / off-road cases (``benchmarks/bench_network.py``; networkx takes 2.5 s for the same search
    alone and 5.4 s with the origins inserted as nodes).
Access
    ``access`` / ``vehicle`` / ``motor_vehicle`` / ``motorcar`` / ``bicycle`` / ``foot`` tags are read, the
    most specific winning; ``no``, ``agricultural``, ``forestry``, ``emergency`` and ``military`` exclude a
    way, ``private`` does not (homes in the countryside are reached by private roads). Pram walking uses
    no steps; cyclists use footways only where ``bicycle=yes``/``designated``.

Examples
--------
>>> import numpy as np
>>> g = RoadGraph.from_edges(
...     np.array([[0.0, 0.0], [1000.0, 0.0], [2000.0, 0.0]]), u=[0, 1], v=[1, 2], mode="walk")
>>> m = NetworkModel(g, speed_kmh=6.0)
>>> m.minutes(np.array([[0.0, 0.0]]), np.array([[2000.0, 0.0]]))  # 2 km at 6 km/h
array([[20.]])
"""

from __future__ import annotations

import hashlib
import itertools
import math
import os
import warnings
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .model import CRS, DEFAULT_SPEEDS_KMH, MODES, KatveError, Problem, Settings
from .travel import Nearest, Pairs, as_xy

__all__ = [
    "CAR_SPEEDS_KMH",
    "NetworkError",
    "NetworkModel",
    "NetworkNearest",
    "OffNetworkWarning",
    "RoadGraph",
    "Snap",
    "SnapSummary",
    "cache_dir_for",
    "cache_file",
    "distance_text",
    "load_graph",
    "model_from_settings",
    "read_pbf",
    "snap_summary",
]

CACHE_DIRNAME = ".katve-cache"
CACHE_VERSION = 1
"""Bump when the graph building changes: old cache files are then ignored."""

DEFAULT_MAX_SNAP_M = 500.0
"""Points farther than this from any usable road get an :class:`OffNetworkWarning`."""

CAR_ACCESS_SPEED_KMH = 20.0
"""Speed of a car's snapping leg (yard, unmapped private road)."""

SNAP_CELL_M: float | None = None
"""Cell size (metres) of the snapping grid; ``None``: chosen from the network (see :data:`SNAP_PER_BLOCK`)."""

SNAP_PER_BLOCK = 8.0
"""Automatic snapping cells: about this many segments in a 2 x 2 block of cells where there are roads.

Dense town networks get small cells (few candidates per point), sparse rural ones large cells (points far
from the roads are still settled by the grid); the size is kept within :data:`SNAP_CELL_RANGE_M`.
"""

SNAP_CELL_RANGE_M = (20.0, 250.0)
"""Smallest and largest automatic snapping cell (metres)."""

MAX_SNAP_CELLS = 1 << 22
"""Cap on the number of cells of the snapping grid (its cells grow for very large extracts)."""

_SNAP_BATCH = 1 << 20
"""Point-segment pairs measured at once when snapping (bounds the memory used)."""

_DX, _DY = np.array([-1, 0, 1] * 3), np.repeat([-1, 0, 1], 3)
"""Offsets of the 3 x 3 block of cells round a cell."""
_KD_CANDIDATES = 16
"""Pieces the snapping KD-tree hands over per point before falling back to a ball query."""

_IN_SLOTS = 6
"""Incoming arcs per node kept in the table that finds the arcs of a shortest-path tree (more are rare)."""

_DX2, _DY2 = np.array([0, 1, 0, 1]), np.array([0, 0, 1, 1])
"""Offsets of a 2 x 2 block of cells from its lower-left cell."""

MIN_COMPONENT_M = 1000.0
"""Road pieces not connected to the rest and shorter than this in total are dropped (mapping fragments)."""

HIGHWAY_CLASSES: tuple[str, ...] = (
    "other", "motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link", "secondary",
    "secondary_link", "tertiary", "tertiary_link", "unclassified", "residential", "living_street", "service",
    "road", "track", "pedestrian", "footway", "cycleway", "path", "bridleway", "steps", "corridor",
)  # fmt: skip
"""``edge_class`` codes index this tuple."""

CAR_SPEEDS_KMH: dict[str, float] = {
    "motorway": 100.0,
    "motorway_link": 60.0,
    "trunk": 80.0,
    "trunk_link": 50.0,
    "primary": 80.0,
    "primary_link": 50.0,
    "secondary": 70.0,
    "secondary_link": 50.0,
    "tertiary": 60.0,
    "tertiary_link": 40.0,
    "unclassified": 50.0,
    "residential": 40.0,
    "living_street": 20.0,
    "service": 20.0,
    "road": 40.0,
    "track": 30.0,
}
"""Car speeds by ``highway`` class where ``maxspeed`` is not tagged (Finnish rural defaults)."""

MAXSPEED_ZONES_KMH: dict[str, float] = {
    "fi:urban": 50.0,
    "fi:rural": 80.0,
    "fi:motorway": 120.0,
    "fi:trunk": 100.0,
    "fi:living_street": 20.0,
    "fi:pedestrian_zone": 20.0,
    "walk": 6.0,
}

_WALK_CLASSES = frozenset(CAR_SPEEDS_KMH) - {"motorway", "motorway_link"} | {
    "pedestrian", "footway", "cycleway", "path", "bridleway", "corridor",
}  # fmt: skip
"""Pram walking: no motorways, no steps."""
_BIKE_CLASSES = frozenset(CAR_SPEEDS_KMH) - {"motorway", "motorway_link"} | {"cycleway", "path"}
_BIKE_IF_ALLOWED = frozenset({"footway", "pedestrian", "bridleway"})
_CAR_CLASSES = frozenset(CAR_SPEEDS_KMH)
_NO_SNAP_CAR = frozenset({"motorway", "motorway_link"})

_DENIED = frozenset({"no", "agricultural", "forestry", "agricultural;forestry", "emergency", "military"})
_ALLOWED = frozenset({"yes", "designated", "permissive", "official", "destination", "private", "customers"})
_YES = frozenset({"yes", "true", "1"})
_TAG_KEYS = (
    "highway", "maxspeed", "oneway", "junction", "access", "vehicle", "motor_vehicle", "motorcar",
    "foot", "bicycle", "motorroad", "area",
)  # fmt: skip


class NetworkError(KatveError):
    """The road network cannot be used: missing or invalid file, no roads for the mode."""


class OffNetworkWarning(UserWarning):
    """Some points are far from any road the travel mode may use; their times include a long straight leg."""


# --- graph -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class RoadGraph:
    """A road network for one travel mode, as plain arrays (EPSG:3067 metres).

    Attributes
    ----------
    mode : str
        ``walk``, ``bike`` or ``car``.
    node_xy : ndarray, shape (N, 2)
        Node coordinates.
    edge_u, edge_v : ndarray of int64, shape (E,)
        End nodes; the geometry runs from ``u`` to ``v``.
    edge_length_m : ndarray, shape (E,)
        Length along the geometry.
    edge_speed_kmh : ndarray, shape (E,)
        Car speed by ``maxspeed`` / class; ``nan`` means "the mode speed" (walk, bike).
    edge_forward, edge_backward : ndarray of bool, shape (E,)
        Whether the mode may travel ``u -> v`` / ``v -> u``.
    edge_class : ndarray of uint8, shape (E,)
        Index into :data:`HIGHWAY_CLASSES`.
    edge_snap : ndarray of bool, shape (E,)
        Whether points may be snapped to the edge.
    seg_xy : ndarray, shape (S, 4)
        Straight segments ``x0, y0, x1, y1`` of all edges, in order along each edge.
    seg_edge : ndarray of int64, shape (S,)
        Edge of each segment.
    seg_offset_m : ndarray, shape (S,)
        Distance from the edge's ``u`` end to the segment's start.
    source, sha256 : str
        File name of the extract and its SHA-256 (empty for synthetic graphs).
    """

    mode: str
    node_xy: np.ndarray
    edge_u: np.ndarray
    edge_v: np.ndarray
    edge_length_m: np.ndarray
    edge_speed_kmh: np.ndarray
    edge_forward: np.ndarray
    edge_backward: np.ndarray
    edge_class: np.ndarray
    edge_snap: np.ndarray
    seg_xy: np.ndarray
    seg_edge: np.ndarray
    seg_offset_m: np.ndarray
    source: str = ""
    sha256: str = ""

    _ARRAYS = (
        "node_xy", "edge_u", "edge_v", "edge_length_m", "edge_speed_kmh", "edge_forward", "edge_backward",
        "edge_class", "edge_snap", "seg_xy", "seg_edge", "seg_offset_m",
    )  # fmt: skip

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.node_xy)

    @property
    def n_edges(self) -> int:
        """Number of edges."""
        return len(self.edge_u)

    @classmethod
    def from_edges(
        cls,
        node_xy: np.ndarray,
        u: Sequence[int] | np.ndarray,
        v: Sequence[int] | np.ndarray,
        *,
        mode: str,
        speed_kmh: Sequence[float] | np.ndarray | None = None,
        forward: Sequence[bool] | np.ndarray | None = None,
        backward: Sequence[bool] | np.ndarray | None = None,
    ) -> RoadGraph:
        """Build a graph of straight edges between given nodes (synthetic networks, tests, benchmarks).

        Parameters
        ----------
        node_xy : array, shape (N, 2)
            Node coordinates in EPSG:3067 metres.
        u, v : arrays of int
            Edge end nodes.
        mode : str
            Travel mode the graph is for.
        speed_kmh : array, optional
            Per-edge speed; default ``nan`` (the mode speed).
        forward, backward : arrays of bool, optional
            Allowed directions; default both.
        """
        xy = np.asarray(node_xy, dtype=float)
        eu, ev = np.asarray(u, dtype=np.int64), np.asarray(v, dtype=np.int64)
        n_e = len(eu)
        seg = np.column_stack([xy[eu], xy[ev]]) if n_e else np.empty((0, 4))
        return cls(
            mode=mode,
            node_xy=xy,
            edge_u=eu,
            edge_v=ev,
            edge_length_m=np.hypot(seg[:, 2] - seg[:, 0], seg[:, 3] - seg[:, 1]),
            edge_speed_kmh=np.full(n_e, np.nan) if speed_kmh is None else np.asarray(speed_kmh, dtype=float),
            edge_forward=np.ones(n_e, bool) if forward is None else np.asarray(forward, dtype=bool),
            edge_backward=np.ones(n_e, bool) if backward is None else np.asarray(backward, dtype=bool),
            edge_class=np.zeros(n_e, np.uint8),
            edge_snap=np.ones(n_e, bool),
            seg_xy=seg,
            seg_edge=np.arange(n_e, dtype=np.int64),
            seg_offset_m=np.zeros(n_e),
        )

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the arrays to an ``.npz`` file (atomically; no pickle)."""
        path = Path(path)
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        meta = np.array([self.mode, self.source, self.sha256, str(CACHE_VERSION)])
        with open(tmp, "wb") as fh:
            np.savez(fh, meta=meta, **{name: getattr(self, name) for name in self._ARRAYS})
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> RoadGraph:
        """Read a graph written by :meth:`save`."""
        with np.load(path, allow_pickle=False) as data:
            mode, source, sha, version = (str(s) for s in data["meta"])
            if version != str(CACHE_VERSION):
                raise NetworkError(f"{path}: cache format {version}, expected {CACHE_VERSION}")
            return cls(mode=mode, source=source, sha256=sha, **{name: data[name] for name in cls._ARRAYS})

    def to_geodataframe(self) -> Any:
        """Edges as a GeoDataFrame of LineStrings (EPSG:3067) with class, speed and direction columns."""
        import geopandas as gpd
        import shapely

        starts = self.seg_xy[:, :2]
        last = np.r_[self.seg_edge[1:] != self.seg_edge[:-1], True]
        # Per edge: every segment start plus the last segment's end.
        coords = np.concatenate([starts, self.seg_xy[last, 2:]])
        ids = np.concatenate([self.seg_edge, self.seg_edge[last]])
        order = np.argsort(
            np.concatenate([np.arange(len(starts)) * 2, np.flatnonzero(last) * 2 + 1]), kind="stable"
        )
        lines = shapely.linestrings(coords[order], indices=ids[order])
        classes = np.asarray(HIGHWAY_CLASSES, dtype=object)[self.edge_class]
        return gpd.GeoDataFrame(
            {
                "highway": classes,
                "length_m": self.edge_length_m,
                "speed_kmh": self.edge_speed_kmh,
                "forward": self.edge_forward,
                "backward": self.edge_backward,
            },
            geometry=lines,
            crs=CRS,
        )


# --- reading an .osm.pbf -----------------------------------------------------------------------------------


def _check_pbf(path: Path) -> None:
    if not path.exists():
        raise NetworkError(f"road network file not found: {path}")
    if not path.is_file():
        raise NetworkError(f"road network path is not a file: {path}")
    with open(path, "rb") as fh:
        head = fh.read(32)
    # An .osm.pbf starts with a 4-byte length and a BlobHeader whose type is "OSMHeader".
    if len(head) < 15 or head[4:15] != b"\n\tOSMHeader":
        raise NetworkError(
            f"{path} is not an OpenStreetMap .osm.pbf file; download an extract in PBF format "
            "(e.g. from download.geofabrik.de or extract.bbbike.org)"
        )


def file_sha256(path: str | os.PathLike[str]) -> str:
    """SHA-256 hex digest of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass
class _Ways:
    """Highway ways as flat arrays: nodes of way ``w`` are ``ptr[w]:ptr[w + 1]``."""

    ptr: np.ndarray
    ref: np.ndarray
    x: np.ndarray
    y: np.ndarray
    tags: dict[str, np.ndarray] = field(default_factory=dict)


def _read_ways(path: Path) -> _Ways:
    """All ``highway=*`` ways with node ids and locations, in one streaming pass (pyosmium)."""
    import osmium
    from pyproj import Transformer

    refs, xs, ys, counts = array("q"), array("i"), array("i"), array("q")  # compact, unlike lists
    tags: dict[str, list[str]] = {k: [] for k in _TAG_KEYS}
    try:
        fp = (
            osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
            .with_locations()
            .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
            .with_filter(osmium.filter.KeyFilter("highway"))
        )
        for way in fp:
            nodes = way.nodes
            for nd in nodes:
                loc = nd.location  # fixed-point 1e-7 degrees; undefined outside a clipped extract
                refs.append(nd.ref)
                xs.append(loc.x)
                ys.append(loc.y)
            counts.append(len(nodes))
            wt = way.tags
            for key in _TAG_KEYS:
                tags[key].append(wt.get(key, ""))
    except (RuntimeError, ValueError, OSError) as exc:  # osmium reports corrupt input as RuntimeError
        raise NetworkError(f"cannot read road network {path}: {exc}") from None
    ptr = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(np.frombuffer(counts, dtype=np.int64), out=ptr[1:])
    fx, fy = np.frombuffer(xs, dtype=np.int32), np.frombuffer(ys, dtype=np.int32)
    undefined = (fx == _UNDEFINED_COORDINATE) | (fy == _UNDEFINED_COORDINATE)
    lon = np.where(undefined, np.nan, fx / 1e7)
    lat = np.where(undefined, np.nan, fy / 1e7)
    x, y = Transformer.from_crs("EPSG:4326", CRS, always_xy=True).transform(lon, lat)
    return _Ways(
        ptr=ptr,
        ref=np.frombuffer(refs, dtype=np.int64).copy(),
        x=np.asarray(x, dtype=float),
        y=np.asarray(y, dtype=float),
        tags={k: np.asarray(v, dtype=object).astype(str) for k, v in tags.items()},
    )


_UNDEFINED_COORDINATE = 2147483647
"""``osmium.osm.Location`` x / y of a node missing from the extract."""


def parse_maxspeed(value: str) -> float:
    """Speed in km/h from an OSM ``maxspeed`` value; ``nan`` when absent or not understood.

    Examples
    --------
    >>> parse_maxspeed("80"), parse_maxspeed("FI:urban"), parse_maxspeed("30 mph"), parse_maxspeed("none")
    (80.0, 50.0, 48.28, nan)
    """
    text = (value or "").strip().lower()
    if not text:
        return math.nan
    if text in MAXSPEED_ZONES_KMH:
        return MAXSPEED_ZONES_KMH[text]
    parts = [p.strip() for p in text.replace(",", ";").split(";") if p.strip()]
    speeds = []
    for part in parts:
        factor = 1.0
        if part.endswith("mph"):
            factor, part = 1.609344, part[:-3].strip()
        elif part.endswith("km/h"):
            part = part[:-4].strip()
        try:
            speeds.append(float(part) * factor)
        except ValueError:
            if part in MAXSPEED_ZONES_KMH:
                speeds.append(MAXSPEED_ZONES_KMH[part])
    speeds = [s for s in speeds if 0 < s < 200]
    return round(min(speeds), 2) if speeds else math.nan


def _permission(tags: dict[str, np.ndarray], keys: Sequence[str]) -> np.ndarray:
    """Access per way, the most specific of ``keys`` (listed first) winning: 1 yes, -1 no, 0 unknown."""
    out = np.zeros(len(tags["highway"]), dtype=np.int8)
    for key in reversed(keys):  # the most specific key is applied last and wins
        val = tags[key]
        out[np.isin(val, list(_ALLOWED))] = 1
        out[np.isin(val, list(_DENIED))] = -1
    return out


def _mode_ways(t: dict[str, np.ndarray], mode: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per way: usable, forward allowed, backward allowed, car speed (nan for walk/bike)."""
    hw = t["highway"]
    motorroad = np.isin(t["motorroad"], list(_YES))
    area = np.isin(t["area"], list(_YES))
    n = len(hw)
    both = np.ones(n, bool)
    if mode == "walk":
        perm = _permission(t, ("foot", "access"))
        ok = np.isin(hw, list(_WALK_CLASSES)) & ~motorroad & (perm >= 0)
        return ok, both, both.copy(), np.full(n, np.nan)
    if mode == "bike":
        perm = _permission(t, ("bicycle", "vehicle", "access"))
        ok = (np.isin(hw, list(_BIKE_CLASSES)) & (perm >= 0)) | (
            np.isin(hw, list(_BIKE_IF_ALLOWED)) & (perm > 0)
        )
        return ok & ~motorroad, both, both.copy(), np.full(n, np.nan)
    perm = _permission(t, ("motorcar", "motor_vehicle", "vehicle", "access"))
    ok = np.isin(hw, list(_CAR_CLASSES)) & (perm >= 0) & ~area
    oneway = t["oneway"]
    implied = np.isin(t["junction"], ["roundabout", "circular"]) | np.isin(hw, ["motorway", "motorway_link"])
    fwd_only = np.isin(oneway, list(_YES)) | (implied & (oneway != "no"))
    bwd_only = np.isin(oneway, ["-1", "reverse"])
    uniq, inv = np.unique(t["maxspeed"], return_inverse=True)
    speed = np.array([parse_maxspeed(s) for s in uniq], dtype=float)[inv]
    uniq, inv = np.unique(hw, return_inverse=True)
    default = np.array([CAR_SPEEDS_KMH.get(h, 30.0) for h in uniq], dtype=float)[inv]
    speed = np.where(np.isfinite(speed), speed, default)
    return ok, ~bwd_only, ~fwd_only | bwd_only, speed


def _build_graph(
    ways: _Ways, mode: str, *, source: str = "", sha256: str = "", min_component_m: float = MIN_COMPONENT_M
) -> RoadGraph:
    """Graph for one mode from the parsed ways (vectorised; see the module docstring)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    ok, fwd_w, bwd_w, speed_w = _mode_ways(ways.tags, mode)
    counts = np.diff(ways.ptr)
    row_way = np.repeat(np.arange(len(counts)), counts)
    keep_row = ok[row_way]
    wid, ref, x, y = row_way[keep_row], ways.ref[keep_row], ways.x[keep_row], ways.y[keep_row]
    valid = np.isfinite(x) & np.isfinite(y)
    # A piece is a run of consecutive located nodes of one way; missing nodes (clipped extract) break ways.
    prev_way = np.r_[-1, wid[:-1]]
    prev_valid = np.r_[False, valid[:-1]]
    starts = (wid != prev_way) | ~prev_valid
    piece = np.cumsum(starts)[valid]
    wid, ref, x, y = wid[valid], ref[valid], x[valid], y[valid]
    if len(ref) == 0:
        raise NetworkError(f"{source or 'the road network'}: no roads usable by {mode} in this extract")
    dup = np.r_[False, (piece[1:] == piece[:-1]) & (ref[1:] == ref[:-1])]  # repeated node refs
    piece, wid, ref, x, y = piece[~dup], wid[~dup], ref[~dup], x[~dup], y[~dup]
    first = np.r_[True, piece[1:] != piece[:-1]]
    last = np.r_[piece[1:] != piece[:-1], True]
    single = first & last
    piece, wid, ref, x, y, first, last = (a[~single] for a in (piece, wid, ref, x, y, first, last))
    if len(ref) == 0:
        raise NetworkError(f"{source or 'the road network'}: no roads usable by {mode} in this extract")

    uniq, inv, cnt = np.unique(ref, return_inverse=True, return_counts=True)
    is_node = (cnt[inv] >= 2) | first | last
    node_of_ref = np.full(len(uniq), -1, dtype=np.int64)
    node_refs = np.unique(inv[is_node])
    node_of_ref[node_refs] = np.arange(len(node_refs))
    # Segments: consecutive rows of the same piece.
    s0 = np.flatnonzero(~last)
    s1 = s0 + 1
    seg_len = np.hypot(x[s1] - x[s0], y[s1] - y[s0])
    seg_edge = np.cumsum(is_node[s0]) - 1
    n_e = int(seg_edge[-1]) + 1
    edge_first = np.r_[True, seg_edge[1:] != seg_edge[:-1]]
    edge_last = np.r_[seg_edge[1:] != seg_edge[:-1], True]
    cum = np.cumsum(seg_len)
    edge_len = np.bincount(seg_edge, weights=seg_len, minlength=n_e)
    edge_start_cum = (cum - seg_len)[edge_first]
    seg_offset = cum - seg_len - edge_start_cum[seg_edge]
    edge_u = node_of_ref[inv[s0[edge_first]]]
    edge_v = node_of_ref[inv[s1[edge_last]]]
    edge_way = wid[s0[edge_first]]
    node_xy = np.empty((len(node_refs), 2))
    node_rows = np.flatnonzero(is_node)
    node_xy[node_of_ref[inv[node_rows]]] = np.column_stack([x[node_rows], y[node_rows]])

    # Drop small pieces not connected to the rest (mapping fragments, clipped ends of the extract).
    n_n = len(node_xy)
    adj = coo_matrix((np.ones(n_e), (edge_u, edge_v)), shape=(n_n, n_n))
    n_comp, comp = connected_components(adj, directed=False)
    comp_len = np.bincount(comp[edge_u], weights=edge_len, minlength=n_comp)
    keep_comp = (comp_len >= min_component_m) | (comp_len == comp_len.max())
    keep_edge = keep_comp[comp[edge_u]]
    new_edge = np.cumsum(keep_edge) - 1
    used = np.zeros(n_n, bool)
    used[edge_u[keep_edge]] = used[edge_v[keep_edge]] = True
    new_node = np.cumsum(used) - 1
    keep_seg = keep_edge[seg_edge]

    hw = ways.tags["highway"][edge_way[keep_edge]]
    class_code = {name: i for i, name in enumerate(HIGHWAY_CLASSES)}
    uniq, inv = np.unique(hw, return_inverse=True)
    edge_class = np.array([class_code.get(h, 0) for h in uniq], dtype=np.uint8)[inv]
    snap = ~np.isin(hw, list(_NO_SNAP_CAR)) if mode == "car" else np.ones(len(hw), bool)
    return RoadGraph(
        mode=mode,
        node_xy=node_xy[used],
        edge_u=new_node[edge_u[keep_edge]],
        edge_v=new_node[edge_v[keep_edge]],
        edge_length_m=edge_len[keep_edge],
        edge_speed_kmh=speed_w[edge_way[keep_edge]],
        edge_forward=fwd_w[edge_way[keep_edge]],
        edge_backward=bwd_w[edge_way[keep_edge]],
        edge_class=edge_class,
        edge_snap=snap,
        seg_xy=np.column_stack([x[s0], y[s0], x[s1], y[s1]])[keep_seg],
        seg_edge=new_edge[seg_edge[keep_seg]],
        seg_offset_m=seg_offset[keep_seg],
        source=source,
        sha256=sha256,
    )


def read_pbf(
    path: str | os.PathLike[str], *, modes: Sequence[str] = MODES, sha256: str | None = None
) -> dict[str, RoadGraph]:
    """Read an ``.osm.pbf`` extract into one :class:`RoadGraph` per travel mode (no cache).

    Raises
    ------
    NetworkError
        The file is missing or not a PBF extract, or has no roads for one of ``modes``.
    """
    p = Path(path)
    _check_pbf(p)
    for mode in modes:
        if mode not in MODES:
            raise NetworkError(f"unknown travel mode {mode!r}; use one of {', '.join(MODES)}")
    digest = sha256 or file_sha256(p)
    ways = _read_ways(p)
    if len(ways.ptr) == 1:
        raise NetworkError(f"{p}: no roads (highway=*) in this extract")
    return {m: _build_graph(ways, m, source=p.name, sha256=digest) for m in modes}


def cache_dir_for(project_path: str | os.PathLike[str]) -> Path:
    """Return the cache folder for a project file: ``<project folder>/.katve-cache``."""
    return Path(project_path).resolve().parent / CACHE_DIRNAME


def cache_file(
    path: str | os.PathLike[str], mode: str, *, cache_dir: str | os.PathLike[str] | None = None
) -> Path:
    """Return where :func:`load_graph` keeps the graph of ``mode`` for the extract ``path``.

    ``<cache_dir>/<sha256 of the file>-<mode>-v<CACHE_VERSION>.npz``; ``cache_dir`` defaults to
    ``.katve-cache`` next to the extract (in the app: ``<projects>/osm/.katve-cache``).
    """
    p = Path(path)
    folder = Path(cache_dir) if cache_dir is not None else p.resolve().parent / CACHE_DIRNAME
    return folder / f"{file_sha256(p)}-{mode}-v{CACHE_VERSION}.npz"


_MEMO: dict[tuple[Any, ...], RoadGraph] = {}
_MEMO_MAX = 6


def load_graph(
    path: str | os.PathLike[str],
    mode: str,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    use_cache: bool = True,
) -> RoadGraph:
    """Load the road graph of ``mode`` from an ``.osm.pbf``, via ``<cache_dir>/<sha256>-<mode>-v1.npz``.

    Parsing writes the cache of every mode at once, so switching modes later is quick. ``cache_dir``
    defaults to ``.katve-cache`` next to the extract; when it cannot be written the graph is still returned.
    Graphs are also kept in memory for the life of the process (keyed by path, size and mtime).

    Raises
    ------
    NetworkError
        Missing or invalid file, or no roads usable by ``mode``.
    """
    p = Path(path)
    _check_pbf(p)
    if mode not in MODES:
        raise NetworkError(f"unknown travel mode {mode!r}; use one of {', '.join(MODES)}")
    stat = p.stat()
    folder = Path(cache_dir) if cache_dir is not None else p.resolve().parent / CACHE_DIRNAME
    key = (str(p.resolve()), stat.st_size, stat.st_mtime_ns, mode, str(folder), use_cache)
    if key in _MEMO:
        return _MEMO[key]
    digest = file_sha256(p)
    graph = None
    target = folder / f"{digest}-{mode}-v{CACHE_VERSION}.npz"
    if use_cache and target.exists():
        try:
            graph = RoadGraph.load(target)
        except (OSError, ValueError, KeyError):  # damaged or foreign file: rebuild it
            graph = None
    if graph is None:
        graphs: dict[str, RoadGraph] = {}
        errors: dict[str, NetworkError] = {}
        ways = _read_ways(p)
        if len(ways.ptr) == 1:
            raise NetworkError(f"{p}: no roads (highway=*) in this extract")
        for m in MODES:
            try:
                graphs[m] = _build_graph(ways, m, source=p.name, sha256=digest)
            except NetworkError as exc:
                errors[m] = exc
        if use_cache:
            try:
                folder.mkdir(parents=True, exist_ok=True)
                for m, g in graphs.items():
                    g.save(folder / f"{digest}-{m}-v{CACHE_VERSION}.npz")
            except OSError:
                pass  # read-only location: work without a cache
        if mode in errors:
            raise errors[mode]
        graph = graphs[mode]
    if len(_MEMO) >= _MEMO_MAX:
        _MEMO.pop(next(iter(_MEMO)))
    _MEMO[key] = graph
    return graph


def distance_text(metres: float) -> str:
    """Format a distance for messages: metres below 1 km, else km with one decimal.

    Examples
    --------
    >>> distance_text(640.4), distance_text(2130.0)
    ('640 m', '2.1 km')
    """
    return f"{metres:.0f} m" if metres < 999.5 else f"{metres / 1000.0:.1f} km"


# --- the travel model ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Snap:
    """Points snapped to the network: edge, position along it from ``u``, snapped point and snap distance."""

    edge: np.ndarray
    offset_m: np.ndarray
    xy: np.ndarray
    distance_m: np.ndarray


def _take(snap: Snap, rows: np.ndarray) -> Snap:
    """Return the snapped points ``rows`` of ``snap``."""
    return Snap(snap.edge[rows], snap.offset_m[rows], snap.xy[rows], snap.distance_m[rows])


@dataclass(frozen=True)
class NetworkNearest(Nearest):
    """:class:`coverage.travel.Nearest` plus snapping distances (metres) and off-network warnings.

    ``distance_km`` is the road distance of the fastest route including both snapping legs.
    """

    origin_snap_m: np.ndarray = field(default_factory=lambda: np.empty(0))
    destination_snap_m: np.ndarray = field(default_factory=lambda: np.empty(0))
    warnings: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class SnapSummary:
    """How far points lie from the roads of a model (see :func:`snap_summary`).

    Attributes
    ----------
    count : int
        Points snapped.
    max_m : float
        The longest snapping leg in metres (``nan`` without points).
    farthest : str
        Label of the point with the longest leg (``""`` without points).
    far : tuple of (str, float)
        Label and metres of each point farther than the model's ``max_snap_m`` from a usable road,
        farthest first.
    """

    count: int
    max_m: float
    farthest: str
    far: tuple[tuple[str, float], ...]


def snap_summary(model: NetworkModel, points: Any, labels: Sequence[str]) -> SnapSummary:
    """Summarise the snapping of ``points`` (labelled ``labels``) to ``model``'s roads.

    For the user's check after choosing a road network: how many points were snapped, the longest snapping
    leg and every point farther than ``model.max_snap_m`` from a road the mode may use (their travel times
    include a long straight leg).

    Examples
    --------
    >>> g = RoadGraph.from_edges(np.array([[0.0, 0.0], [1000.0, 0.0]]), u=[0], v=[1], mode="walk")
    >>> snap_summary(NetworkModel(g), np.array([[500.0, 20.0], [200.0, 900.0]]), ["A", "B"])
    SnapSummary(count=2, max_m=900.0, farthest='B', far=(('B', 900.0),))
    """
    xy = as_xy(points)
    if len(labels) != len(xy):
        raise NetworkError(f"snap_summary: {len(xy)} points but {len(labels)} labels")
    if not len(xy):
        return SnapSummary(0, math.nan, "", ())
    metres = model.snap(xy).distance_m
    worst = int(np.argmax(metres))
    far = np.flatnonzero(metres > model.max_snap_m)
    far = far[np.argsort(-metres[far], kind="stable")]
    return SnapSummary(
        count=len(xy),
        max_m=float(metres[worst]),
        farthest=str(labels[worst]),
        far=tuple((str(labels[i]), float(metres[i])) for i in far),
    )


class NetworkModel:
    """Travel model on a :class:`RoadGraph`; implements :class:`coverage.travel.TravelModel`.

    Parameters
    ----------
    graph : RoadGraph
        The network of one mode.
    speed_kmh : float, optional
        Speed on edges without their own speed (walk, bike); default the mode's default speed.
    snap_speed_kmh : float, optional
        Speed of the straight leg between a point and the road; default ``speed_kmh`` for walk and bike and
        :data:`CAR_ACCESS_SPEED_KMH` for car.
    max_snap_m : float
        Points farther than this from a usable road trigger :class:`OffNetworkWarning`.
    direct : bool
        Let two points both off the roads go straight to each other (see :meth:`_direct_pairs`).
    """

    def __init__(
        self,
        graph: RoadGraph,
        *,
        speed_kmh: float | None = None,
        snap_speed_kmh: float | None = None,
        max_snap_m: float = DEFAULT_MAX_SNAP_M,
        direct: bool = True,
    ) -> None:
        if graph.n_edges == 0:
            raise NetworkError(f"{graph.source or 'the road network'}: no roads usable by {graph.mode}")
        self.graph = graph
        self.mode = graph.mode
        self.speed_kmh = float(
            speed_kmh if speed_kmh is not None else DEFAULT_SPEEDS_KMH.get(graph.mode, 4.0)
        )
        default_snap = CAR_ACCESS_SPEED_KMH if graph.mode == "car" else self.speed_kmh
        self.snap_speed_kmh = float(snap_speed_kmh if snap_speed_kmh is not None else default_snap)
        self.max_snap_m = float(max_snap_m)
        self.direct = bool(direct)
        for name in ("speed_kmh", "snap_speed_kmh"):
            value = getattr(self, name)
            if not (value > 0 and math.isfinite(value)):
                raise NetworkError(f"{name} must be positive, got {value!r}")
        speed = np.where(np.isfinite(graph.edge_speed_kmh), graph.edge_speed_kmh, self.speed_kmh)
        self._rate = 60.0 / (1000.0 * speed)  # minutes per metre, per edge
        length = graph.edge_length_m
        self._cost_fwd = np.where(graph.edge_forward, length * self._rate, np.inf)
        self._cost_bwd = np.where(graph.edge_backward, length * self._rate, np.inf)
        self._snap_rate = 60.0 / (1000.0 * self.snap_speed_kmh)
        self._arcs = self._make_arcs()
        self._csr_cache: dict[bool, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
        self._in_cache: dict[bool, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._seg_ptr: np.ndarray | None = None
        self._grid: _SnapGrid | None = None

    # -- set-up --

    def _make_arcs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Directed arcs (tail, head, minutes, metres); of parallel arcs the fastest; no self-loops."""
        g = self.graph
        fw = g.edge_forward & (g.edge_u != g.edge_v)
        bw = g.edge_backward & (g.edge_u != g.edge_v)
        tail = np.concatenate([g.edge_u[fw], g.edge_v[bw]])
        head = np.concatenate([g.edge_v[fw], g.edge_u[bw]])
        cost = np.concatenate([self._cost_fwd[fw], self._cost_bwd[bw]])
        length = np.concatenate([g.edge_length_m[fw], g.edge_length_m[bw]])
        order = np.lexsort((cost, head, tail))
        tail, head, cost, length = tail[order], head[order], cost[order], length[order]
        keep = np.r_[True, (tail[1:] != tail[:-1]) | (head[1:] != head[:-1])]
        return tail[keep], head[keep], cost[keep], length[keep]

    def _base_csr(self, reverse: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(indptr, indices, minutes, metres) of the graph, or of the reversed graph."""
        if reverse not in self._csr_cache:
            tail, head, cost, length = self._arcs
            rows, cols = (head, tail) if reverse else (tail, head)
            order = np.lexsort((cols, rows))
            indptr = np.zeros(self.graph.n_nodes + 1, dtype=np.int64)
            np.cumsum(np.bincount(rows, minlength=self.graph.n_nodes), out=indptr[1:])
            self._csr_cache[reverse] = (indptr, cols[order], cost[order], length[order])
        return self._csr_cache[reverse]

    def _in_arcs(self, reverse: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Incoming arcs of each node of the (reversed) graph as a padded table: (tails, metres), (K, N).

        ``K`` is the largest in-degree, at most :data:`_IN_SLOTS`; unused slots hold tail -2. The third array
        lists the nodes with more incoming arcs than that.
        """
        if reverse not in self._in_cache:
            n = self.graph.n_nodes
            indptr, indices, _, length = self._base_csr(reverse)
            tail = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
            order = np.argsort(indices, kind="stable")
            head, tail, length = indices[order], tail[order], length[order]
            deg = np.bincount(head, minlength=n)
            slot = np.arange(len(head)) - np.repeat(np.cumsum(deg) - deg, deg)
            k = min(max(int(deg.max()) if n else 0, 1), _IN_SLOTS)
            keep = slot < k
            tails = np.full((k, n), -2, dtype=np.int32 if n < 2**31 else np.int64)
            lengths = np.zeros((k, n))
            tails[slot[keep], head[keep]], lengths[slot[keep], head[keep]] = tail[keep], length[keep]
            self._in_cache[reverse] = (tails, lengths, np.flatnonzero(deg > k))
        return self._in_cache[reverse]

    def _augmented(self, reverse: bool, ends: np.ndarray, weights: np.ndarray) -> Any:
        """CSR of the (reversed) graph plus a virtual node per row of ``ends`` (k, 2) with arc ``weights``."""
        from scipy.sparse import csr_matrix

        indptr, indices, cost, length = self._base_csr(reverse)
        n, k = self.graph.n_nodes, len(ends)
        loop = ends[:, 0] == ends[:, 1]  # a point on a closed loop edge: keep one arc, the cheaper
        if loop.any():
            weights = weights.copy()
            drop_col = np.where(weights[:, 0] <= weights[:, 1], 1, 0)
            weights[np.flatnonzero(loop), drop_col[loop]] = np.inf
        ok = np.isfinite(weights)
        per_row = ok.sum(axis=1)
        new_ptr = np.concatenate([indptr, indptr[-1] + np.cumsum(per_row)])
        new_idx = np.concatenate([indices, ends[ok]])
        # Zero weights are kept as arcs by scipy only if stored explicitly; a tiny floor keeps them visible.
        new_cost = np.concatenate([cost, np.maximum(weights[ok], 1e-12)])
        return csr_matrix((new_cost, new_idx, new_ptr), shape=(n + k, n + k))

    def _step_lengths(
        self, reverse: bool, pred: np.ndarray, ends: np.ndarray, weights: np.ndarray, lengths: np.ndarray
    ) -> np.ndarray:
        """Metres of the arc ``pred[x] -> x`` of a search on :meth:`_augmented` (0 where there is none)."""
        n = self.graph.n_nodes
        tails, lengths_in, more = self._in_arcs(reverse)
        pn = pred[:n]
        step = np.zeros(len(pred))
        head_step = step[:n]
        # The tree arc into x: x's incoming arc whose tail is pred[x] (parallel arcs were merged). One pass
        # per slot of the table of incoming arcs; the few nodes with more incoming arcs than slots after.
        found = np.zeros(n, dtype=bool) if len(more) else None
        for k in range(len(tails)):
            hit = tails[k] == pn
            np.copyto(head_step, lengths_in[k], where=hit)
            if found is not None:
                found |= hit
        if found is not None:
            x = more[~found[more] & (pn[more] >= 0) & (pn[more] < n)]  # virtual tails: below
            indptr, indices, _, length = self._base_csr(reverse)
            pos, end = indptr[pn[x]], indptr[pn[x] + 1]
            while len(x):  # scan the rows of their tails side by side
                hit = indices[pos] == x
                head_step[x[hit]] = length[pos[hit]]
                pos = pos + 1
                keep = ~hit & (pos < end)
                x, pos, end = x[keep], pos[keep], end[keep]
        p = pred.astype(np.int64)
        x = np.flatnonzero(p >= n)
        j = p[x] - n
        loop = ends[j, 0] == ends[j, 1]  # only the cheaper of the two arcs was kept (see _augmented)
        col = np.where(loop, np.where(weights[j, 0] <= weights[j, 1], 0, 1), np.where(x == ends[j, 0], 0, 1))
        step[x] = lengths[j, col]
        return step

    def _nearest_segment(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Nearest snappable segment of each point and the position along it, 0..1 (exact).

        Returned in the order :meth:`_SnapGrid.query` handled the points: (that order, segment, position).
        See :class:`_SnapGrid`; the grid is built on first use.
        """
        if self._grid is None:
            g = self.graph
            usable = np.flatnonzero(g.edge_snap[g.seg_edge])
            if not len(usable):  # e.g. an extract of motorways only: snap to anything
                usable = np.arange(len(g.seg_edge))
            self._grid = _SnapGrid(g.seg_xy, usable)
        order, seg, t, _ = self._grid.query(xy)
        return order, np.take(self._grid.ids, seg), t

    # -- public --

    def describe(self) -> dict[str, Any]:
        """Model name and parameters, reported with every result."""
        g = self.graph
        return {
            "model": "road_network",
            "mode": self.mode,
            "network": g.source,
            "network_sha256": g.sha256,
            "nodes": g.n_nodes,
            "edges": g.n_edges,
            "speed_kmh": None if self.mode == "car" else self.speed_kmh,
            "road_speeds": "OSM maxspeed, else Finnish defaults by highway class"
            if self.mode == "car"
            else f"{self.speed_kmh:g} km/h on every usable way",
            "snap_speed_kmh": self.snap_speed_kmh,
            "max_snap_m": self.max_snap_m,
            "direct_off_road": self.direct,
            "circuity": 1.0,
        }

    def snap(self, points: Any) -> Snap:
        """Snap points to the nearest point of a usable road segment.

        Parameters
        ----------
        points : (n, 2) array or GeoSeries / GeoDataFrame of points, EPSG:3067
        """
        xy = as_xy(points)
        n = len(xy)
        if n == 0:
            e = np.empty(0)
            return Snap(np.empty(0, dtype=np.int64), e, np.empty((0, 2)), e.copy())
        if not np.all(np.isfinite(xy)):
            bad = int(np.flatnonzero(~np.all(np.isfinite(xy), axis=1))[0]) + 1
            raise NetworkError(f"point {bad} has no valid coordinates")
        order, seg, t = self._nearest_segment(xy)
        g = self.graph
        take = np.take
        # In the grid's order (reading the segment arrays nearly in order), then put back in place.
        s = take(g.seg_xy, seg, axis=0)
        ab = s[:, 2:] - s[:, :2]
        proj = s[:, :2] + t[:, None] * ab
        edge = take(g.seg_edge, seg)
        offset = np.minimum(take(g.seg_offset_m, seg) + t * np.hypot(ab[:, 0], ab[:, 1]),
                            take(g.edge_length_m, edge))  # fmt: skip
        out = Snap(np.empty_like(edge), np.empty(n), np.empty((n, 2)), np.empty(n))
        out.edge[order], out.offset_m[order], out.xy[order] = edge, offset, proj
        out.distance_m[:] = np.hypot(xy[:, 0] - out.xy[:, 0], xy[:, 1] - out.xy[:, 1])
        return out

    def _legs(self, snap: Snap) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Minutes point->u, point->v (leaving) and u->point, v->point (arriving), without the snap leg."""
        e, s = snap.edge, snap.offset_m
        rate = self._rate[e]
        fwd, bwd = self.graph.edge_forward[e], self.graph.edge_backward[e]
        back, ahead = s * rate, (self.graph.edge_length_m[e] - s) * rate
        inf = np.inf
        return (
            np.where(bwd, back, inf),
            np.where(fwd, ahead, inf),
            np.where(fwd, back, inf),
            np.where(bwd, ahead, inf),
        )

    def _problems(self, snap: Snap, role: str) -> list[Problem]:
        far = np.flatnonzero(snap.distance_m > self.max_snap_m)
        problems = [
            Problem(
                path=role,
                row=int(i) + 1,
                field="geometry",
                message=f"{distance_text(snap.distance_m[i])} from the nearest road usable by {self.mode}; "
                f"the travel time includes a straight leg at {self.snap_speed_kmh:g} km/h",
                severity="warning",
            )
            for i in far
        ]
        if len(far):
            worst = int(far[np.argmax(snap.distance_m[far])])
            warnings.warn(
                OffNetworkWarning(
                    f"{len(far)} of {len(snap.distance_m)} {role} are more than {self.max_snap_m:g} m from "
                    f"any road usable by {self.mode} (farthest: {role} row {worst + 1}, "
                    f"{distance_text(snap.distance_m[worst])}); "
                    f"their times include a straight leg at {self.snap_speed_kmh:g} km/h"
                ),
                stacklevel=3,
            )
        return problems

    def _same_edge(self, o: Snap, d: Snap) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Pairs (origin, destination) on the same edge and the minutes of the direct route along it."""
        empty = np.empty(0, dtype=np.int64)
        if not len(o.edge) or not len(d.edge):
            return empty, empty.copy(), np.empty(0)
        some = np.flatnonzero(np.isin(o.edge, d.edge, kind="table"))  # origins on a destination's edge
        order = np.argsort(d.edge, kind="stable")
        de = d.edge[order]
        lo = np.searchsorted(de, o.edge[some], side="left")
        cnt = np.searchsorted(de, o.edge[some], side="right") - lo
        rows = np.repeat(some, cnt)
        if len(rows) == 0:
            return empty, empty.copy(), np.empty(0)
        within = np.arange(len(rows)) - np.repeat(np.cumsum(cnt) - cnt, cnt)
        cols = order[np.repeat(lo, cnt) + within]
        e = o.edge[rows]
        delta = d.offset_m[cols] - o.offset_m[rows]
        allowed = np.where(delta >= 0, self.graph.edge_forward[e], self.graph.edge_backward[e])
        minutes = np.where(allowed, np.abs(delta) * self._rate[e], np.inf)
        return rows, cols, minutes

    def _matrix(
        self, oxy: np.ndarray, dxy: np.ndarray, o: Snap, d: Snap, limit: float = np.inf
    ) -> np.ndarray:
        """Dense origin x destination minutes with snap legs; one Dijkstra per point on the smaller side."""
        from scipy.sparse.csgraph import dijkstra

        n, m = len(o.edge), len(d.edge)
        out = np.full((n, m), np.inf)
        if n == 0 or m == 0:
            return out
        o_exit_u, o_exit_v, _, _ = self._legs(o)
        _, _, d_in_u, d_in_v = self._legs(d)
        o_snap, d_snap = o.distance_m * self._snap_rate, d.distance_m * self._snap_rate
        g = self.graph
        from_dest = m <= n
        if from_dest:  # reversed graph, sources at the destinations
            src_ends = np.column_stack([g.edge_u[d.edge], g.edge_v[d.edge]])
            src_w = np.column_stack([d_in_u, d_in_v]) + d_snap[:, None]
            tgt_ends = (g.edge_u[o.edge], g.edge_v[o.edge])
            tgt_w = (o_exit_u + o_snap, o_exit_v + o_snap)
        else:  # forward graph, sources at the origins
            src_ends = np.column_stack([g.edge_u[o.edge], g.edge_v[o.edge]])
            src_w = np.column_stack([o_exit_u, o_exit_v]) + o_snap[:, None]
            tgt_ends = (g.edge_u[d.edge], g.edge_v[d.edge])
            tgt_w = (d_in_u + d_snap, d_in_v + d_snap)
        k = len(src_ends)
        csr = self._augmented(from_dest, src_ends, src_w)
        chunk = max(1, int(2e7 // (g.n_nodes + k)))
        for start in range(0, k, chunk):
            idx = np.arange(start, min(k, start + chunk))
            dist = dijkstra(csr, directed=True, indices=g.n_nodes + idx, limit=limit)
            via = np.minimum(dist[:, tgt_ends[0]] + tgt_w[0], dist[:, tgt_ends[1]] + tgt_w[1])
            if from_dest:
                out[:, idx] = via.T
            else:
                out[idx, :] = via
        rows, cols, direct = self._same_edge(o, d)
        np.minimum.at(out, (rows, cols), direct + o_snap[rows] + d_snap[cols])
        rows, cols, metres = self._direct_pairs(oxy, dxy, o, d)
        np.minimum.at(out, (rows, cols), metres * self._snap_rate)
        return out

    def _direct_pairs(
        self, oxy: np.ndarray, dxy: np.ndarray, o: Snap, d: Snap
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Pairs that may go straight, off the roads, and their distance in metres.

        Two points may go straight when they are less than ``max_snap_m`` apart *and* closer to each other
        than their two snapping legs together (both off the roads, e.g. on either side of a field); a
        house by the road does not cut across a lake to a place by another road.
        """
        from scipy.spatial import cKDTree

        empty = np.empty(0, dtype=np.int64)
        if not self.direct or not len(oxy) or not len(dxy) or self.max_snap_m <= 0:
            return empty, empty.copy(), np.empty(0)
        swap = len(dxy) > len(oxy)  # a tree on the smaller side, queried by the larger
        small_xy, small_snap, big_xy, big_snap = (
            (oxy, o.distance_m, dxy, d.distance_m) if swap else (dxy, d.distance_m, oxy, o.distance_m)
        )
        r = self.max_snap_m
        near = _near_any(big_xy, small_xy, r)  # a quick sieve on a grid of r-sized cells
        tree = cKDTree(small_xy)
        reach = np.minimum(r, big_snap[near] + small_snap.max())
        nearest, _ = tree.query(big_xy[near], k=1, distance_upper_bound=r)
        keep = nearest <= reach  # only these can have a partner
        near, reach = near[keep], reach[keep]
        if not len(near):
            return empty, empty.copy(), np.empty(0)
        balls = tree.query_ball_point(big_xy[near], reach, return_sorted=False)
        count = np.fromiter((len(b) for b in balls), dtype=np.int64, count=len(balls))
        big = np.repeat(near, count)
        small = np.fromiter(itertools.chain.from_iterable(balls), dtype=np.int64, count=int(count.sum()))
        dist = np.hypot(*(big_xy[big] - small_xy[small]).T)
        ok = (dist <= self.max_snap_m) & (dist <= big_snap[big] + small_snap[small])
        rows, cols = (small[ok], big[ok]) if swap else (big[ok], small[ok])
        order = np.lexsort((cols, rows))
        return rows[order], cols[order], dist[ok][order]

    def minutes(self, origins: Any, destinations: Any) -> np.ndarray:
        """Dense ``(n, m)`` travel minutes from each origin to each destination; ``inf`` if unreachable."""
        oxy, dxy = as_xy(origins), as_xy(destinations)
        o, d = self.snap(oxy), self.snap(dxy)
        self._problems(o, "origins")
        self._problems(d, "destinations")
        return self._matrix(oxy, dxy, o, d)

    def within(self, origins: Any, destinations: Any, max_minutes: float) -> Pairs:
        """All (origin, destination) pairs with travel minutes <= ``max_minutes``, sorted by row, column."""
        oxy, dxy = as_xy(origins), as_xy(destinations)
        o, d = self.snap(oxy), self.snap(dxy)
        self._problems(o, "origins")
        self._problems(d, "destinations")
        mat = self._matrix(oxy, dxy, o, d, limit=float(max_minutes))
        rows, cols = np.nonzero(mat <= max_minutes)
        return Pairs(
            rows.astype(np.int64), cols.astype(np.int64), mat[rows, cols], (len(o.edge), len(d.edge))
        )

    def nearest(self, origins: Any, destinations: Any) -> NetworkNearest:
        """Fastest destination for each origin: one multi-source Dijkstra from all destinations.

        Returns
        -------
        NetworkNearest
            ``index`` (-1 if none reachable), ``minutes`` (inf if none), ``distance_km`` (road distance of the
            fastest route, snapping legs included), ``straight_km``, snap distances and warnings.
        """
        oxy, dxy = as_xy(origins), as_xy(destinations)
        o, d = self.snap(oxy), self.snap(dxy)
        problems = self._problems(o, "origins") + self._problems(d, "destinations")
        n = len(oxy)
        index, minutes, dist_m = self._nearest(oxy, dxy, o, d)
        straight = np.full(n, np.nan)
        hit = index >= 0
        straight[hit] = np.hypot(*(oxy[hit] - dxy[index[hit]]).T) / 1000.0
        return NetworkNearest(
            index=index,
            minutes=minutes,
            distance_km=dist_m / 1000.0,
            straight_km=straight,
            origin_snap_m=o.distance_m,
            destination_snap_m=d.distance_m,
            warnings=tuple(problems),
        )

    def _nearest(
        self, oxy: np.ndarray, dxy: np.ndarray, o: Snap, d: Snap
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Fastest destination of each snapped origin: (index or -1, minutes or inf, metres or inf)."""
        from scipy.sparse.csgraph import dijkstra

        n, m = len(oxy), len(dxy)
        index = np.full(n, -1, dtype=np.int64)
        minutes = np.full(n, np.inf)
        dist_m = np.full(n, np.inf)
        if n and m:
            g = self.graph
            nn = g.n_nodes
            o_exit_u, o_exit_v, _, _ = self._legs(o)
            _, _, d_in_u, d_in_v = self._legs(d)
            d_snap = d.distance_m * self._snap_rate
            ends = np.column_stack([g.edge_u[d.edge], g.edge_v[d.edge]])
            w = np.column_stack([d_in_u, d_in_v]) + d_snap[:, None]
            w_len = (
                np.column_stack([d.offset_m, g.edge_length_m[d.edge] - d.offset_m]) + d.distance_m[:, None]
            )
            csr = self._augmented(True, ends, w)
            dist, pred, src = dijkstra(csr, directed=True, indices=nn + np.arange(m), min_only=True,
                                       return_predecessors=True)  # fmt: skip
            path_len = _tree_lengths(pred, self._step_lengths(True, pred, ends, w, w_len))
            u, v = g.edge_u[o.edge], g.edge_v[o.edge]
            via_u, via_v = o_exit_u + dist[u], o_exit_v + dist[v]
            take_u = via_u <= via_v
            best = np.where(take_u, via_u, via_v)
            end = np.where(take_u, u, v)
            reached = np.isfinite(best)
            minutes[reached] = best[reached]
            index[reached] = src[end[reached]] - nn
            partial = np.where(take_u, o.offset_m, g.edge_length_m[o.edge] - o.offset_m)
            dist_m[reached] = (path_len[end] + partial)[reached]
            rows, cols, direct = self._same_edge(o, d)
            if len(rows):
                direct = direct + d_snap[cols]
                order = np.lexsort((direct, rows))
                rows, cols, direct = rows[order], cols[order], direct[order]
                first = np.r_[True, rows[1:] != rows[:-1]]
                rows, cols, direct = rows[first], cols[first], direct[first]
                better = direct < minutes[rows]
                r, c = rows[better], cols[better]
                minutes[r] = direct[better]
                index[r] = c
                dist_m[r] = np.abs(d.offset_m[c] - o.offset_m[r]) + d.distance_m[c]
            minutes = minutes + o.distance_m * self._snap_rate
            dist_m = dist_m + o.distance_m
            rows, cols, gap = self._direct_pairs(oxy, dxy, o, d)  # going straight, off the roads
            if len(rows):
                order = np.lexsort((gap, rows))
                rows, cols, gap = rows[order], cols[order], gap[order]
                first = np.r_[True, rows[1:] != rows[:-1]]
                rows, cols, gap = rows[first], cols[first], gap[first]
                better = gap * self._snap_rate < minutes[rows]
                r = rows[better]
                minutes[r] = gap[better] * self._snap_rate
                index[r] = cols[better]
                dist_m[r] = gap[better]
        return index, minutes, dist_m

    def pair_distance_km(self, origins: Any, destinations: Any) -> np.ndarray:
        """Road km of the fastest route from ``origins[i]`` to ``destinations[i]`` (element-wise).

        Snapping legs included, as in :meth:`nearest`; ``inf`` where there is no route. One search per
        distinct destination (used for the few pairs of places that overlap).

        Raises
        ------
        NetworkError
            When the two sides hold different numbers of points.
        """
        oxy, dxy = as_xy(origins), as_xy(destinations)
        if len(oxy) != len(dxy):
            raise NetworkError(
                f"pair_distance_km needs equally many origins and destinations, got {len(oxy)} and {len(dxy)}"
            )
        out = np.full(len(oxy), np.inf)
        if not len(oxy):
            return out
        with warnings.catch_warnings():  # far-off points were reported by the query that found the pairs
            warnings.simplefilter("ignore", OffNetworkWarning)
            o, d = self.snap(oxy), self.snap(dxy)
        _, first, group = np.unique(dxy, axis=0, return_index=True, return_inverse=True)
        group = group.ravel()
        order = np.argsort(group, kind="stable")
        bounds = np.searchsorted(group[order], np.arange(len(first) + 1))
        for j, k in enumerate(first):
            rows = order[bounds[j] : bounds[j + 1]]
            _, _, metres = self._nearest(oxy[rows], dxy[k : k + 1], _take(o, rows), _take(d, np.array([k])))
            out[rows] = metres
        return out / 1000.0

    def reach_polygons(self, points: Any, max_minutes: float, *, buffer_m: float = 100.0) -> Any:
        """Network reach area of each point: where the point can be reached from within ``max_minutes``.

        The area is the part of the network (partial edges included) from which the point is reachable in
        time, counting the point's own snapping leg, buffered by ``buffer_m`` metres on both sides. It is
        the map picture of :meth:`nearest`'s test ``minutes <= max_minutes`` for points near the roads; a
        point farther than ``buffer_m`` from those roads is outside even if its own snapping leg is short.

        Parameters
        ----------
        points : (n, 2) array or GeoSeries / GeoDataFrame of points, EPSG:3067
        max_minutes : float
        buffer_m : float, keyword-only

        Returns
        -------
        GeoSeries
            One (Multi)Polygon per point, EPSG:3067, empty where nothing is reachable.
        """
        import geopandas as gpd
        import pandas as pd
        import shapely
        from scipy.sparse.csgraph import dijkstra

        xy = as_xy(points)
        index = points.index if isinstance(points, (pd.Series, pd.DataFrame)) else None
        p = self.snap(xy)
        self._problems(p, "points")
        g = self.graph
        nn = g.n_nodes
        polys: list[Any] = []
        if not len(xy):
            return gpd.GeoSeries(polys, index=index, crs=CRS)
        _, _, in_u, in_v = self._legs(p)
        snap_min = p.distance_m * self._snap_rate
        ends = np.column_stack([g.edge_u[p.edge], g.edge_v[p.edge]])
        csr = self._augmented(True, ends, np.column_stack([in_u, in_v]) + snap_min[:, None])
        for i in range(len(xy)):
            dist = dijkstra(csr, directed=True, indices=nn + i, limit=float(max_minutes))
            spare = max_minutes - snap_min[i]
            # Only roads a point can be snapped to are drawn (not motorways for cars).
            touched = (np.isfinite(dist[g.edge_u]) | np.isfinite(dist[g.edge_v])) & g.edge_snap
            if spare >= 0:
                touched[p.edge[i]] = True
            seg = self._segments_of(np.flatnonzero(touched))
            pieces = [self._reachable_pieces(seg, dist, max_minutes)]
            if spare >= 0:  # directly along the point's own edge, and the point's snapping leg
                pieces.append(self._own_edge_pieces(p, i, spare))
                pieces.append(np.concatenate([xy[i], p.xy[i]])[None, :])
            lines = np.concatenate(pieces)
            polys.append(_buffer_on_grid(lines, buffer_m) if len(lines) else shapely.Polygon())
        return gpd.GeoSeries(polys, index=index, crs=CRS)

    def _segments_of(self, edges: np.ndarray) -> np.ndarray:
        """Return the indices of the segments of ``edges`` (stored edge by edge)."""
        g = self.graph
        if self._seg_ptr is None:
            self._seg_ptr = np.searchsorted(g.seg_edge, np.arange(g.n_edges + 1))
        first, count = self._seg_ptr[edges], self._seg_ptr[edges + 1] - self._seg_ptr[edges]
        return np.repeat(first - np.cumsum(count) + count, count) + np.arange(int(count.sum()))

    def _clip_segments(self, seg: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """Parts ``(k, 4)`` of segments ``seg`` between edge offsets ``lo`` and ``hi`` (metres from ``u``)."""
        g = self.graph
        sxy = g.seg_xy[seg]
        length = np.hypot(sxy[:, 2] - sxy[:, 0], sxy[:, 3] - sxy[:, 1])
        safe = np.where(length > 0, length, 1.0)
        t0 = np.clip((lo - g.seg_offset_m[seg]) / safe, 0.0, 1.0)
        t1 = np.clip((hi - g.seg_offset_m[seg]) / safe, 0.0, 1.0)
        keep = (t1 > t0) & (hi >= lo)
        a, ab = sxy[keep, :2], sxy[keep, 2:] - sxy[keep, :2]
        return np.column_stack([a + t0[keep, None] * ab, a + t1[keep, None] * ab])

    def _reachable_pieces(self, seg: np.ndarray, dist: np.ndarray, max_minutes: float) -> np.ndarray:
        """Parts of segments from which a node with search time ``dist`` is reached within ``max_minutes``."""
        g = self.graph
        e = g.seg_edge[seg]
        rate, length = self._rate[e], g.edge_length_m[e]
        left, right = max_minutes - dist[g.edge_u[e]], max_minutes - dist[g.edge_v[e]]
        # Offsets from u: [0, a] reach u going backwards, [b, L] reach v going forwards.
        a = np.where(g.edge_backward[e] & (left >= 0), left / rate, -1.0)
        b = np.where(g.edge_forward[e] & (right >= 0), length - right / rate, np.inf)
        return np.concatenate(
            [self._clip_segments(seg, np.zeros_like(a), a), self._clip_segments(seg, b, length)]
        )

    def _own_edge_pieces(self, p: Snap, i: int, spare: float) -> np.ndarray:
        """Parts of point ``i``'s own edge from which it is reached along that edge in ``spare`` minutes."""
        g = self.graph
        e = int(p.edge[i])
        seg = self._segments_of(np.array([e]))
        s, reach = float(p.offset_m[i]), spare / self._rate[e]
        out = []
        if g.edge_forward[e]:  # from behind the point, driving forwards
            out.append(self._clip_segments(seg, np.full(len(seg), s - reach), np.full(len(seg), s)))
        if g.edge_backward[e]:
            out.append(self._clip_segments(seg, np.full(len(seg), s), np.full(len(seg), s + reach)))
        return np.concatenate(out) if out else np.empty((0, 4))


class _SnapGrid:
    """Exact nearest segment of many points: a uniform grid over the segments, a KD-tree for the rest.

    A segment is listed in every cell of the grid it passes through (pieces no longer than a cell, each with
    its bounding box). A point looks at a block of cells round it. Any segment not listed there lies outside
    the block, at least ``margin`` away (the distance from the point to the block's edge, infinite on a side
    where the grid ends); so when the nearest listed segment is no farther than ``margin`` it is the nearest
    of all. A point first looks at the 2 x 2 cells nearest it (settled if its best is within half a cell),
    then, if that best is within a cell, at the other cells that come that close; points farther off look
    at the 3 x 3 block round them. That settles the points within a cell or so of a road in a few
    vectorised passes over point-segment pairs (cell size: :data:`SNAP_PER_BLOCK`).

    The other points, farther off, go to a KD-tree of the midpoints of pieces of at most ``s`` metres (built
    when first needed). The nearest midpoint, at ``d1``, lies on a road, so the nearest segment is at most
    ``d1`` away, and the piece holding that segment's nearest point has its midpoint within ``d1 + s / 2``:
    all pieces in that ball are measured exactly (the nearest :data:`_KD_CANDIDATES` pieces when they reach
    past the ball, else a ball query).
    """

    def __init__(self, seg_xy: np.ndarray, ids: np.ndarray) -> None:
        s = seg_xy[ids]
        lo = np.minimum(s[:, :2], s[:, 2:]).min(axis=0)
        hi = np.maximum(s[:, :2], s[:, 2:]).max(axis=0)
        self.origin = lo
        extent = np.maximum(hi - lo, 1e-6)
        c = max(
            SNAP_CELL_M or _auto_cell(s, lo, extent), math.sqrt(float(extent[0] * extent[1]) / MAX_SNAP_CELLS)
        )
        self.cell = c
        self.nx, self.ny = (int(e // c) + 1 for e in extent)
        # Segments in the order of the cells of their midpoints: neighbours in space are neighbours in memory.
        mid = (s[:, :2] + s[:, 2:]) / 2.0 - lo
        order = np.argsort(self._cell_of(mid[:, 0], mid[:, 1]), kind="stable")
        s = s[order]
        self.ids = ids[order]
        self.ax, self.ay = s[:, 0] - lo[0], s[:, 1] - lo[1]  # relative to the grid's corner
        self.bx, self.by = s[:, 2] - s[:, 0], s[:, 3] - s[:, 1]  # direction a -> b
        l2 = self.bx * self.bx + self.by * self.by
        self.inv_l2 = np.divide(1.0, l2, out=np.zeros_like(l2), where=l2 > 0)
        self.length = np.sqrt(l2)
        n_seg = len(ids)
        # Pieces shorter than a cell span at most 2 x 2 cells; list the segment in each.
        owner, t0, t1 = _pieces(self.length, c)
        x0, x1 = self.ax[owner] + t0 * self.bx[owner], self.ax[owner] + t1 * self.bx[owner]
        y0, y1 = self.ay[owner] + t0 * self.by[owner], self.ay[owner] + t1 * self.by[owner]
        del t0, t1
        ix0 = np.clip(np.floor(np.minimum(x0, x1) / c), 0, self.nx - 1).astype(np.int64)
        ix1 = np.clip(np.floor(np.maximum(x0, x1) / c), 0, self.nx - 1).astype(np.int64)
        iy0 = np.clip(np.floor(np.minimum(y0, y1) / c), 0, self.ny - 1).astype(np.int64)
        iy1 = np.clip(np.floor(np.maximum(y0, y1) / c), 0, self.ny - 1).astype(np.int64)
        del x0, x1, y0, y1
        keys = []
        for dx in range(int((ix1 - ix0).max()) + 1):
            for dy in range(int((iy1 - iy0).max()) + 1):
                ok = (ix0 + dx <= ix1) & (iy0 + dy <= iy1)
                keys.append(((iy0[ok] + dy) * self.nx + ix0[ok] + dx) * n_seg + owner[ok])
        del owner, ix0, ix1, iy0, iy1
        key = np.concatenate(keys)
        key.sort(kind="stable")  # by cell, then segment: runs nearly in order already (fast merge)
        key = key[np.r_[True, key[1:] != key[:-1]]]  # a segment's pieces may share cells
        cell_of = key // n_seg
        self.ptr = np.zeros(self.nx * self.ny + 1, dtype=np.int64)
        np.cumsum(np.bincount(cell_of, minlength=self.nx * self.ny), out=self.ptr[1:])
        self.listed = key - cell_of * n_seg
        self._tree: tuple[Any, np.ndarray, float] | None = None

    def _cell_of(self, px: np.ndarray, py: np.ndarray) -> np.ndarray:
        """Row-major number of the cell of each point (relative coordinates; clipped to the grid)."""
        ix = np.clip(np.floor(px / self.cell), 0, self.nx - 1).astype(np.int64)
        iy = np.clip(np.floor(py / self.cell), 0, self.ny - 1).astype(np.int64)
        return iy * self.nx + ix

    def nearest(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Nearest segment of each point: (index into :attr:`ids`, position 0..1, squared distance)."""
        n = len(xy)
        if n == 0:
            return np.empty(0, dtype=np.int64), np.empty(0), np.empty(0)
        order, seg, t, d2 = self.query(xy)
        out_seg, out_t, out_d2 = np.empty_like(seg), np.empty_like(t), np.empty_like(d2)
        out_seg[order], out_t[order], out_d2[order] = seg, t, d2
        return out_seg, out_t, out_d2

    def query(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`nearest` in the order the points were handled: (that order, segment, position, squared d).

        Points are taken in the order of their cells, so that their segments are read from memory nearly in
        order; callers reading more per segment do best to keep that order too.
        """
        px, py = xy[:, 0] - self.origin[0], xy[:, 1] - self.origin[1]
        order = np.argsort(self._cell_of(px, py))
        return (order, *self._nearest_sorted(px[order], py[order]))

    def _nearest_sorted(self, px: np.ndarray, py: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`nearest` of points given relative to the grid's corner."""
        c, nx, ny = self.cell, self.nx, self.ny
        inf = np.inf
        # 1. The 2 x 2 block of cells nearest the point (its own and the neighbours on its side): the point
        # is at least half a cell inside the block, so a segment there no farther than that is the nearest.
        ox, oy = np.floor(px / c).astype(np.int64), np.floor(py / c).astype(np.int64)
        sx = np.where(px - ox * c < c / 2, -1, 1)
        sy = np.where(py - oy * c < c / 2, -1, 1)
        lx, ly = np.minimum(ox, ox + sx), np.minimum(oy, oy + sy)  # the block's lower-left cell
        margin = np.minimum.reduce([
            np.where(lx <= 0, inf, px - lx * c),
            np.where(lx + 1 >= nx - 1, inf, (lx + 2) * c - px),
            np.where(ly <= 0, inf, py - ly * c),
            np.where(ly + 1 >= ny - 1, inf, (ly + 2) * c - py),
        ])  # fmt: skip
        seg, d2, t = self._cell_pairs(px, py, lx[:, None] + _DX2, ly[:, None] + _DY2)
        # A hair of slack for rounding where a segment was listed.
        done = (seg >= 0) & (np.sqrt(d2) <= margin - 1e-6)
        # 2. Where the block's best is within a cell, only the cells of the 3 x 3 block round the point's own
        # cell that come within that distance of the point can hold a nearer segment.
        near = np.flatnonzero(~done & (d2 <= c * c))
        if len(near):
            reach = np.sqrt(d2[near])[:, None] * (1.0 + 1e-12) + 1e-9
            x, y = px[near, None], py[near, None]
            bx, by = ox[near, None] + _DX, oy[near, None] + _DY
            use = (
                (bx >= np.floor((x - reach) / c)) & (bx <= np.floor((x + reach) / c))
                & (by >= np.floor((y - reach) / c)) & (by <= np.floor((y + reach) / c))
                & ~(((bx == lx[near, None]) | (bx == lx[near, None] + 1))
                    & ((by == ly[near, None]) | (by == ly[near, None] + 1)))  # seen in step 1
            )  # fmt: skip
            other, d2_other, t_other = self._cell_pairs(px[near], py[near], bx, by, use)
            better = d2_other < d2[near]
            k = near[better]
            seg[k], d2[k], t[k] = other[better], d2_other[better], t_other[better]
            done[near] = True
        # 3. The others look at the 3 x 3 block round them: settled where nothing outside it can be nearer.
        # 4. Points still farther from any road go to the KD-tree.
        rest = np.flatnonzero(~done)
        if len(rest):
            x, y = px[rest], py[rest]
            cx = np.clip(np.floor(x / c), 1, max(nx - 2, 1)).astype(np.int64)
            cy = np.clip(np.floor(y / c), 1, max(ny - 2, 1)).astype(np.int64)
            margin = np.minimum.reduce([
                np.where(cx - 1 <= 0, inf, x - (cx - 1) * c),
                np.where(cx + 1 >= nx - 1, inf, (cx + 2) * c - x),
                np.where(cy - 1 <= 0, inf, y - (cy - 1) * c),
                np.where(cy + 1 >= ny - 1, inf, (cy + 2) * c - y),
            ])  # fmt: skip
            block, d2_block, t_block = self._cell_pairs(x, y, cx[:, None] + _DX, cy[:, None] + _DY)
            ok = (block >= 0) & (np.sqrt(d2_block) <= margin - 1e-6)
            k = rest[ok]
            seg[k], d2[k], t[k] = block[ok], d2_block[ok], t_block[ok]
            rest = rest[~ok]
        if len(rest):
            seg[rest], d2[rest], t[rest] = self._tree_nearest(px[rest], py[rest])
        return seg, t, d2

    def _cell_pairs(
        self,
        px: np.ndarray,
        py: np.ndarray,
        bx: np.ndarray,
        by: np.ndarray,
        use: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Nearest segment listed in the cells ``(bx, by)`` (shape (n, k); where ``use``) of each point.

        Returns (segment or -1, squared distance or inf, position along the segment 0..1) per point; cells
        outside the grid hold nothing.
        """
        nx, ny, ptr = self.nx, self.ny, self.ptr
        inside = (bx >= 0) & (bx < nx) & (by >= 0) & (by < ny)
        if use is not None:
            inside &= use
        cell = np.where(inside, by * nx + bx, 0)
        start = ptr[cell]
        count = np.where(inside, ptr[cell + 1] - start, 0)
        del cell, inside
        n = len(count)
        out = (np.full(n, -1, dtype=np.int64), np.full(n, np.inf), np.zeros(n))
        if n == 0:
            return out
        per_point = count.sum(axis=1)
        cum = np.cumsum(per_point)
        cuts = np.searchsorted(cum, np.arange(_SNAP_BATCH, cum[-1], _SNAP_BATCH)) + 1
        bounds = np.unique(np.r_[0, cuts, n])
        for lo, hi in zip(bounds[:-1], bounds[1:], strict=False):
            cnt = count[lo:hi].ravel()
            total = int(cnt.sum())
            if total == 0:
                continue
            seg = np.take(
                self.listed, np.arange(total) + np.repeat(start[lo:hi].ravel() - np.cumsum(cnt) + cnt, cnt)
            )
            best = self._closest(px[lo:hi], py[lo:hi], per_point[lo:hi], seg)
            for target, value in zip(out, best, strict=True):
                target[lo:hi] = value
        return out

    def _closest(
        self, px: np.ndarray, py: np.ndarray, per_point: np.ndarray, seg: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per point, the nearest of its candidate segments ``seg``: ``per_point[i]`` of them for point ``i``.

        Returns (segment or -1, squared distance or inf, position along the segment 0..1) per point.
        """
        take = np.take
        dx = np.repeat(px, per_point) - take(self.ax, seg)
        dy = np.repeat(py, per_point) - take(self.ay, seg)
        sbx, sby = take(self.bx, seg), take(self.by, seg)
        t = np.clip((dx * sbx + dy * sby) * take(self.inv_l2, seg), 0.0, 1.0)
        dx -= t * sbx
        dy -= t * sby
        d2 = dx * dx + dy * dy
        del dx, dy, sbx, sby
        n = len(px)
        offsets = np.cumsum(per_point) - per_point
        has = np.flatnonzero(per_point)
        dmin = np.full(n, np.inf)
        dmin[has] = np.minimum.reduceat(d2, offsets[has])
        hit = np.flatnonzero(d2 == np.repeat(dmin, per_point))
        pt = np.searchsorted(offsets, hit, side="right") - 1
        first = np.r_[True, pt[1:] != pt[:-1]]  # the first of equally near segments
        hit, pt = hit[first], pt[first]
        best = np.full(n, -1, dtype=np.int64)
        best_t = np.zeros(n)
        best[pt], best_t[pt] = seg[hit], t[hit]
        return best, dmin, best_t

    def _tree_nearest(self, px: np.ndarray, py: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Nearest segment of points far from the roads, via the KD-tree of piece midpoints (exact)."""
        from scipy.spatial import cKDTree

        if self._tree is None:
            s = self.cell
            owner, t0, t1 = _pieces(self.length, s)
            t = (t0 + t1) / 2.0
            mid = np.column_stack([self.ax[owner] + t * self.bx[owner], self.ay[owner] + t * self.by[owner]])
            half = float(((t1 - t0) * self.length[owner]).max()) / 2.0
            self._tree = (cKDTree(mid), owner, half)
        tree, owner, half = self._tree
        pts = np.column_stack([px, py])
        k = min(_KD_CANDIDATES, tree.n)
        dist, idx = tree.query(pts, k=k)
        dist, idx = dist.reshape(len(pts), k), idx.reshape(len(pts), k)
        # The k nearest pieces hold every candidate when the k-th is beyond d1 + s / 2 (or all were taken).
        reach = dist[:, 0] + half + 1e-6
        proven = (dist[:, -1] > reach) | (k == tree.n)
        out = self._closest(px, py, np.full(len(pts), k), owner[idx.ravel()])
        rest = np.flatnonzero(~proven)
        if len(rest):
            balls = tree.query_ball_point(pts[rest], reach[rest], return_sorted=False)
            count = np.fromiter((len(b) for b in balls), dtype=np.int64, count=len(balls))
            pieces = np.fromiter(itertools.chain.from_iterable(balls), dtype=np.int64, count=int(count.sum()))
            more = self._closest(px[rest], py[rest], count, owner[pieces])
            for target, value in zip(out, more, strict=True):
                target[rest] = value
        return out


def _near_any(xy: np.ndarray, centres: np.ndarray, radius: float) -> np.ndarray:
    """Return the indices of the points ``xy`` that may lie within ``radius`` of a centre (a superset).

    Cells of ``radius`` metres: a point can only be that close to a centre in its own or a neighbouring cell.
    """
    lo = centres.min(axis=0) - radius
    dims = ((centres.max(axis=0) + radius - lo) // radius).astype(np.int64) + 2
    if int(dims[0]) * int(dims[1]) > MAX_SNAP_CELLS:  # centres spread too far for the sieve
        return np.arange(len(xy))
    mark = np.zeros((int(dims[1]), int(dims[0])), dtype=bool)
    ci = np.floor((centres - lo) / radius).astype(np.int64)
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            mark[ci[:, 1] + dy, ci[:, 0] + dx] = True
    fx, fy = np.floor((xy[:, 0] - lo[0]) / radius), np.floor((xy[:, 1] - lo[1]) / radius)
    inside = np.flatnonzero((fx >= 0) & (fx < dims[0]) & (fy >= 0) & (fy < dims[1]))
    return inside[mark[fy[inside].astype(np.int64), fx[inside].astype(np.int64)]]


def _auto_cell(seg: np.ndarray, lo: np.ndarray, extent: np.ndarray) -> float:
    """Snapping cell size for segments ``seg`` (k, 4): :data:`SNAP_PER_BLOCK` of them per 2 x 2 block.

    The area with roads is counted in cells of 500 m (coarser for a huge extent), the segments' midpoints
    marking the cells they are in.
    """
    coarse = max(500.0, math.sqrt(float(extent[0] * extent[1]) / MAX_SNAP_CELLS))
    nx, ny = (int(e // coarse) + 1 for e in extent)
    mid = (seg[:, :2] + seg[:, 2:]) / 2.0 - lo
    marked = np.zeros(nx * ny, dtype=bool)
    ix = np.clip(np.floor(mid[:, 0] / coarse), 0, nx - 1).astype(np.int64)
    iy = np.clip(np.floor(mid[:, 1] / coarse), 0, ny - 1).astype(np.int64)
    marked[iy * nx + ix] = True
    area = float(marked.sum()) * coarse * coarse
    cell = math.sqrt(SNAP_PER_BLOCK / 4.0 * area / max(len(seg), 1))
    return min(max(cell, SNAP_CELL_RANGE_M[0]), SNAP_CELL_RANGE_M[1])


def _pieces(length: np.ndarray, size: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split segments of ``length`` into equal pieces shorter than ``size``: (segment, t from, t to)."""
    pieces = np.floor(length / size).astype(np.int64) + 1
    owner = np.repeat(np.arange(len(length)), pieces)
    step = np.arange(len(owner)) - np.repeat(np.cumsum(pieces) - pieces, pieces)
    per = pieces[owner]
    return owner, step / per, (step + 1) / per


MAX_GRID_CELLS = 3_000_000
"""Cap on the raster used by :func:`_buffer_on_grid` (its cells grow for very large areas)."""


def _buffer_on_grid(seg: np.ndarray, buffer_m: float) -> Any:
    """Buffer of line segments ``(k, 4)`` by ``buffer_m``, computed on a raster and traced back to polygons.

    GEOS buffers and unions thousands of overlapping road segments very slowly (minutes); here the segments
    are sampled densely, the distance to the nearest sample is computed on a grid of ``buffer_m / 5`` cells
    (coarser if the area is huge, see :data:`MAX_GRID_CELLS`) with a Euclidean distance transform, and
    the ``buffer_m`` contour is traced with contourpy. The outline is within about a cell of the exact buffer.
    """
    import contourpy
    import shapely
    from scipy.ndimage import distance_transform_edt

    lo = np.minimum(seg[:, :2], seg[:, 2:]).min(axis=0) - buffer_m
    hi = np.maximum(seg[:, :2], seg[:, 2:]).max(axis=0) + buffer_m
    extent = hi - lo
    cell = max(buffer_m / 5.0, math.sqrt(float(extent[0] * extent[1]) / MAX_GRID_CELLS), 1e-3)
    lo = lo - 2 * cell
    shape = (int(extent[1] / cell) + 5, int(extent[0] / cell) + 5)  # rows = y, columns = x
    seg_len = np.hypot(seg[:, 2] - seg[:, 0], seg[:, 3] - seg[:, 1])
    n_samples = np.ceil(seg_len / (cell / 2.0)).astype(np.int64) + 1
    owner = np.repeat(np.arange(len(seg)), n_samples)
    step = np.arange(len(owner)) - np.repeat(np.cumsum(n_samples) - n_samples, n_samples)
    t = step / np.maximum(n_samples - 1, 1)[owner]
    pts = seg[owner, :2] + t[:, None] * (seg[owner, 2:] - seg[owner, :2])
    ij = np.floor((pts - lo) / cell).astype(np.int64)
    occupied = np.zeros(shape, dtype=bool)
    occupied[ij[:, 1], ij[:, 0]] = True
    sample_x, sample_y = np.zeros(shape), np.zeros(shape)
    sample_x[ij[:, 1], ij[:, 0]], sample_y[ij[:, 1], ij[:, 0]] = pts[:, 0], pts[:, 1]  # one sample per cell
    near = distance_transform_edt(~occupied, return_distances=False, return_indices=True)
    flat = near[0].ravel() * shape[1] + near[1].ravel()
    del near
    xs = lo[0] + (np.arange(shape[1]) + 0.5) * cell
    ys = lo[1] + (np.arange(shape[0]) + 0.5) * cell
    # Distance from each cell centre to the sample kept in the nearest occupied cell (not to its centre).
    dist = np.hypot(
        xs[None, :] - sample_x.ravel()[flat].reshape(shape),
        ys[:, None] - sample_y.ravel()[flat].reshape(shape),
    )
    del flat
    gen = contourpy.contour_generator(xs, ys, dist, fill_type=contourpy.FillType.OuterOffset)
    points, offsets = gen.filled(-1.0, buffer_m)
    if not points:
        return shapely.Polygon()
    # All rings at once: ring k of polygon j is points[j][offsets[j][k]:offsets[j][k + 1]].
    ring_len = np.concatenate([np.diff(o) for o in offsets])
    ring_poly = np.repeat(np.arange(len(offsets)), [len(o) - 1 for o in offsets])
    rings = shapely.linearrings(np.concatenate(points), indices=np.repeat(np.arange(len(ring_len)), ring_len))
    polys = shapely.polygons(rings, indices=ring_poly)
    out = polys[0] if len(polys) == 1 else shapely.MultiPolygon(list(polys))
    return out if shapely.is_valid(out) else shapely.make_valid(out)


def _tree_lengths(pred: np.ndarray, step: np.ndarray) -> np.ndarray:
    """Length from the search's source to every node along the shortest-path tree (pointer jumping).

    ``step[x]`` is the length of the tree arc ``pred[x] -> x``; each round doubles the stretch summed.
    """
    p = np.where(pred >= 0, pred, -1).astype(np.int64)
    length = np.array(step, dtype=float)
    active = np.flatnonzero(p >= 0)
    while len(active):  # every right-hand side is read before anything is written: one synchronous round
        parent = np.take(p, active)
        length[active] = np.take(length, active) + np.take(length, parent)
        grand = np.take(p, parent)
        p[active] = grand
        active = active[grand >= 0]
    length[~np.isfinite(length)] = np.inf
    return length


def model_from_settings(
    settings: Settings,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    max_snap_m: float = DEFAULT_MAX_SNAP_M,
) -> NetworkModel:
    """Build the road-network model for ``settings.network`` (an ``.osm.pbf``) and ``settings.mode``.

    Walk and bike use ``settings.speed_kmh`` on every usable way; car uses road speeds (see
    :data:`CAR_SPEEDS_KMH`). The parsed graph is cached in ``cache_dir`` (default: ``.katve-cache`` next to
    the extract; pass :func:`cache_dir_for` of the project file to keep it with the project). Models are
    reused within the process while the file is unchanged, so their snapping index is built once.

    Raises
    ------
    NetworkError
        No network in the settings, missing or invalid file, or no roads for the mode.
    """
    if not settings.network:
        raise NetworkError("no road network file given (settings.network is empty)")
    graph = load_graph(settings.network, settings.mode, cache_dir=cache_dir)
    key = (id(graph), settings.speed_kmh, float(max_snap_m))
    cached = _MODELS.get(key)
    if cached is not None and cached.graph is graph:
        return cached
    model = NetworkModel(graph, speed_kmh=settings.speed_kmh, max_snap_m=max_snap_m)
    if len(_MODELS) >= _MEMO_MAX:
        _MODELS.pop(next(iter(_MODELS)))
    _MODELS[key] = model
    return model


_MODELS: dict[tuple[int, float, float], NetworkModel] = {}
