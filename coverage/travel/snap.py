"""Snapping points to the nearest road segment: exact, vectorised, on a grid sized to the network.

See the *Snapping* notes of :mod:`coverage.travel.road`.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

DEFAULT_MAX_SNAP_M = 500.0
"""Points farther than this from any usable road get an :class:`OffNetworkWarning`."""


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


_KD_CANDIDATES = 16
"""Pieces the snapping KD-tree hands over per point before falling back to a ball query."""

_DX, _DY = np.array([-1, 0, 1] * 3), np.repeat([-1, 0, 1], 3)
"""Offsets of the 3 x 3 block of cells round a cell."""

_DX2, _DY2 = np.array([0, 1, 0, 1]), np.array([0, 0, 1, 1])
"""Offsets of a 2 x 2 block of cells from its lower-left cell."""


# --- snapping points to roads ----------------------------------------------------------------------------


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
