"""Travel times on an OpenStreetMap road network (``.osm.pbf`` or ``.osm``) behind the travel base API.

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
    :func:`coverage.analysis.reach.analyze` names as areas / places). Snapping is exact and vectorised: a grid
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

import itertools
import math
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

from ..core.errors import NetworkError, OffNetworkWarning, Problem
from ..core.model import CRS, DEFAULT_SPEEDS_KMH, Settings
from .base import Nearest, Pairs, as_xy
from .osm_graph import _MEMO_MAX, RoadGraph, load_graph
from .snap import DEFAULT_MAX_SNAP_M, Snap, _near_any, _SnapGrid, _take

CAR_ACCESS_SPEED_KMH = 20.0
"""Speed of a car's snapping leg (yard, unmapped private road)."""


_IN_SLOTS = 6
"""Incoming arcs per node kept in the table that finds the arcs of a shortest-path tree (more are rare)."""


def distance_text(metres: float) -> str:
    """Format a distance for messages: metres below 1 km, else km with one decimal.

    Examples
    --------
    >>> distance_text(640.4), distance_text(2130.0)
    ('640 m', '2.1 km')
    """
    return f"{metres:.0f} m" if metres < 999.5 else f"{metres / 1000.0:.1f} km"


@dataclass(frozen=True)
class NetworkNearest(Nearest):
    """:class:`coverage.travel.base.Nearest` plus snapping distances (metres) and off-network warnings.

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
        far=tuple((str(labels[int(i)]), float(metres[i])) for i in far),
    )


class NetworkModel:
    """Travel model on a :class:`RoadGraph`; implements :class:`coverage.travel.base.TravelModel`.

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
    # filled() is typed as the union of every fill type; OuterOffset gives (points, offsets) per polygon
    points, offsets = cast("tuple[list[np.ndarray], list[np.ndarray]]", gen.filled(-1.0, buffer_m))
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
    """Build the road-network model for ``settings.network`` (``.osm.pbf`` or ``.osm``) and ``settings.mode``.

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
