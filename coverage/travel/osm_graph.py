"""Reading an OpenStreetMap extract (``.osm.pbf`` or ``.osm`` XML) into a road graph per mode, cached.

See :mod:`coverage.travel.road` for how the graph is used (speeds, snapping, shortest paths). Both formats
are read by pyosmium (the format is told by the file's first bytes, not its name) and give the same graph
for the same data. Besides ``highway=*`` ways, ``route=ferry`` ways are read (class ``ferry``): every mode
may use them unless its access tags say ``no``, at the speed their ``duration`` gives (else
:data:`FERRY_SPEED_KMH`), and no point is snapped onto them.
"""

from __future__ import annotations

import hashlib
import math
import os
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..core.errors import NetworkError
from ..core.model import CRS, MODES

CACHE_DIRNAME = ".katve-cache"
CACHE_VERSION = 2
"""Bump when the graph building changes: old cache files are then ignored."""


MIN_COMPONENT_M = 1000.0
"""Road pieces not connected to the rest and shorter than this in total are dropped (mapping fragments)."""

HIGHWAY_CLASSES: tuple[str, ...] = (
    "other", "motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link", "secondary",
    "secondary_link", "tertiary", "tertiary_link", "unclassified", "residential", "living_street", "service",
    "road", "track", "pedestrian", "footway", "cycleway", "path", "bridleway", "steps", "corridor", "ferry",
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

FERRY_SPEED_KMH = 10.0
"""Speed on a ``route=ferry`` way without a ``duration`` tag, loading and waiting included (an estimate:
Finnish road ferries cross at 5-10 km/h and leave every 15-30 minutes; tag ``duration`` where it matters)."""

_DENIED = frozenset({"no", "agricultural", "forestry", "agricultural;forestry", "emergency", "military"})
_ALLOWED = frozenset({"yes", "designated", "permissive", "official", "destination", "private", "customers"})
_YES = frozenset({"yes", "true", "1"})
_TAG_KEYS = (
    "highway", "maxspeed", "oneway", "junction", "access", "vehicle", "motor_vehicle", "motorcar",
    "foot", "bicycle", "motorroad", "area", "route", "duration",
)  # fmt: skip


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


def _check_pbf(path: Path) -> str:
    """Check that ``path`` is an OpenStreetMap extract; return its osmium format: ``"pbf"`` or ``"osm"``."""
    if not path.exists():
        raise NetworkError(f"road network file not found: {path}")
    if not path.is_file():
        raise NetworkError(f"road network path is not a file: {path}")
    with open(path, "rb") as fh:
        head = fh.read(512)
    # An .osm.pbf starts with a 4-byte length and a BlobHeader whose type is "OSMHeader".
    if len(head) >= 15 and head[4:15] == b"\n\tOSMHeader":
        return "pbf"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<?xml"):
        text = text[text.find(b"?>") + 2 :].lstrip() if b"?>" in text else b""
        while text.startswith(b"<!--") and b"-->" in text:  # comments before the root
            text = text[text.find(b"-->") + 3 :].lstrip()
    if text.startswith(b"<osm") and text[4:5] in (b" ", b">", b"\t", b"\r", b"\n"):
        return "osm"
    raise NetworkError(
        f"{path} is not an OpenStreetMap extract (.osm.pbf or .osm XML); fetch the roads with "
        "'fetch --what roads' or download an extract (e.g. from download.geofabrik.de or extract.bbbike.org)"
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


def _read_ways(path: Path, fmt: str = "pbf") -> _Ways:
    """All ``highway=*`` and ``route=ferry`` ways with node ids and locations, in one pass (pyosmium).

    ``fmt`` is the osmium format of the file (``"pbf"`` or ``"osm"``), see :func:`_check_pbf`.
    """
    import osmium
    from pyproj import Transformer

    refs, xs, ys, counts = array("q"), array("i"), array("i"), array("q")  # compact, unlike lists
    tags: dict[str, list[str]] = {k: [] for k in _TAG_KEYS}
    try:
        fp = (
            osmium.FileProcessor(osmium.io.File(str(path), fmt), osmium.osm.NODE | osmium.osm.WAY)
            .with_locations()
            .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
            .with_filter(osmium.filter.KeyFilter("highway", "route"))
        )
        for way in fp:
            if not isinstance(way, osmium.osm.Way):  # only ways pass the filters (for the type checker)
                continue
            if "highway" not in way.tags and way.tags.get("route") != "ferry":
                continue  # other routes (e.g. a hiking route mapped on a way) are not roads
            nodes = way.nodes
            for nd in nodes:
                loc = nd.location  # fixed-point 1e-7 degrees; undefined outside a clipped extract
                refs.append(nd.ref)
                xs.append(loc.x)
                ys.append(loc.y)
            counts.append(len(nodes))
            wt = way.tags
            for key in _TAG_KEYS:
                tags[key].append(wt.get(key) or "")
    except (RuntimeError, ValueError, OSError) as exc:  # osmium reports corrupt input as RuntimeError
        detail = " ".join(str(exc).split())[:300]
        raise NetworkError(f"cannot read road network {path.name}: {detail}") from None
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


def parse_duration(value: str) -> float:
    """Hours from an OSM ``duration`` value (``"mm"``, ``"hh:mm"``, ``"hh:mm:ss"`` or ISO 8601 ``PT1H30M``).

    ``nan`` when absent or not understood.

    Examples
    --------
    >>> parse_duration("15"), parse_duration("1:30"), parse_duration("00:10:30"), parse_duration("PT20M")
    (0.25, 1.5, 0.175, 0.3333333333333333)
    >>> parse_duration("soon")
    nan
    """
    import re

    text = (value or "").strip().upper()
    iso = re.fullmatch(r"PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?", text)
    if iso and any(iso.groups()):
        h, m, sec = (float(g) if g else 0.0 for g in iso.groups())
        hours = h + m / 60.0 + sec / 3600.0
    else:
        parts = text.split(":")
        if not text or len(parts) > 3 or not all(re.fullmatch(r"\d+(?:\.\d+)?", p) for p in parts):
            return math.nan
        numbers = [float(p) for p in parts]
        if len(numbers) == 1:
            hours = numbers[0] / 60.0
        else:
            hours = numbers[0] + numbers[1] / 60.0 + (numbers[2] / 3600.0 if len(numbers) == 3 else 0.0)
    return hours if hours > 0 else math.nan


def _way_class(t: dict[str, np.ndarray]) -> np.ndarray:
    """``highway`` per way, ``ferry`` for ``route=ferry`` ways without one."""
    return np.where((t["highway"] == "") & (t["route"] == "ferry"), "ferry", t["highway"])


def _mode_ways(t: dict[str, np.ndarray], mode: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per way: usable, forward allowed, backward allowed, car speed (nan for walk/bike).

    Ferries are usable by every mode unless the mode's access tags deny them; their speed is set later from
    ``duration`` (:func:`_ferry_speeds`), as it needs the way's length.
    """
    hw = _way_class(t)
    ferry = hw == "ferry"
    motorroad = np.isin(t["motorroad"], list(_YES))
    area = np.isin(t["area"], list(_YES))
    n = len(hw)
    both = np.ones(n, bool)
    if mode == "walk":
        perm = _permission(t, ("foot", "access"))
        ok = (np.isin(hw, list(_WALK_CLASSES)) | ferry) & ~motorroad & (perm >= 0)
        return ok, both, both.copy(), np.full(n, np.nan)
    if mode == "bike":
        perm = _permission(t, ("bicycle", "vehicle", "access"))
        ok = ((np.isin(hw, list(_BIKE_CLASSES)) | ferry) & (perm >= 0)) | (
            np.isin(hw, list(_BIKE_IF_ALLOWED)) & (perm > 0)
        )
        return ok & ~motorroad, both, both.copy(), np.full(n, np.nan)
    perm = _permission(t, ("motorcar", "motor_vehicle", "vehicle", "access"))
    ok = (np.isin(hw, list(_CAR_CLASSES)) | ferry) & (perm >= 0) & ~area
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


def _ferry_speeds(
    t: dict[str, np.ndarray], edge_way: np.ndarray, edge_len: np.ndarray, speed: np.ndarray
) -> np.ndarray:
    """Per edge speed with ferry edges set from their way's ``duration`` (else :data:`FERRY_SPEED_KMH`)."""
    ferry_way = _way_class(t) == "ferry"
    on_ferry = ferry_way[edge_way]
    if not on_ferry.any():
        return speed
    way_km = np.bincount(edge_way, weights=edge_len, minlength=len(ferry_way)) / 1000.0
    hours = np.full(len(ferry_way), np.nan)
    for w in np.flatnonzero(ferry_way):
        hours[w] = parse_duration(str(t["duration"][w]))
    with np.errstate(divide="ignore", invalid="ignore"):
        way_speed = np.where(np.isfinite(hours) & (way_km > 0), way_km / hours, FERRY_SPEED_KMH)
    way_speed = np.clip(way_speed, 0.5, 60.0)  # a mistyped duration must not make a ferry teleport
    out = np.asarray(speed, dtype=float).copy()
    out[on_ferry] = way_speed[edge_way[on_ferry]]
    return out


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

    hw = _way_class(ways.tags)[edge_way[keep_edge]]
    edge_speed = _ferry_speeds(ways.tags, edge_way, edge_len, speed_w[edge_way])
    class_code = {name: i for i, name in enumerate(HIGHWAY_CLASSES)}
    uniq, inv = np.unique(hw, return_inverse=True)
    edge_class = np.array([class_code.get(h, 0) for h in uniq], dtype=np.uint8)[inv]
    snap = ~np.isin(hw, list(_NO_SNAP_CAR)) if mode == "car" else np.ones(len(hw), bool)
    snap &= hw != "ferry"  # nobody lives on the ferry line across the lake
    return RoadGraph(
        mode=mode,
        node_xy=node_xy[used],
        edge_u=new_node[edge_u[keep_edge]],
        edge_v=new_node[edge_v[keep_edge]],
        edge_length_m=edge_len[keep_edge],
        edge_speed_kmh=edge_speed[keep_edge],
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
    """Read an ``.osm.pbf`` or ``.osm`` (XML) extract into one :class:`RoadGraph` per travel mode (no cache).

    Raises
    ------
    NetworkError
        The file is missing or not a PBF extract, or has no roads for one of ``modes``.
    """
    p = Path(path)
    fmt = _check_pbf(p)
    for mode in modes:
        if mode not in MODES:
            raise NetworkError(f"unknown travel mode {mode!r}; use one of {', '.join(MODES)}")
    digest = sha256 or file_sha256(p)
    ways = _read_ways(p, fmt)
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
    """Load the road graph of ``mode`` from an ``.osm.pbf`` or ``.osm`` via ``<cache>/<sha>-<mode>-v2.npz``.

    Parsing writes the cache of every mode at once, so switching modes later is quick. ``cache_dir``
    defaults to ``.katve-cache`` next to the extract; when it cannot be written the graph is still returned.
    Graphs are also kept in memory for the life of the process (keyed by path, size and mtime).

    Raises
    ------
    NetworkError
        Missing or invalid file, or no roads usable by ``mode``.
    """
    p = Path(path)
    fmt = _check_pbf(p)
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
        ways = _read_ways(p, fmt)
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
