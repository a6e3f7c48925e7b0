"""Distances by road, for one point (the public map) or 155,000 children at once (allocation).
Pure: numpy and scipy on arrays, no Django, no database.

A :class:`RoadRouter` holds one travel mode's graph as a CSR matrix (built once from the network's
edges). Points are snapped to the nearest usable edge; the straight walk from the point to its
snap point is added to the distance (``offset``). From the snap point a trip may leave along the
edge toward either end the mode allows (walking: both; driving: the one-way rules).

Bulk distances run one shortest-path tree per *school* (Dijkstra, limited to ``max_distance_m``) on
the reversed graph, so one tree answers "how far is every vertex from this school" for trips
*to* the school, and each child combines the two ends of its edge. Candidates per child come
from a straight-line KD-tree: a road is never shorter than the straight line, so once the k-th
road distance is below the straight distance of the next candidate the answer is exact.

Homes that cannot be routed get a reason instead of a road distance (never silently):
``outside_coverage`` (outside the network's area), ``off_network`` (farther than
``max_snap_m`` from any usable road), ``unreachable`` (no school reachable within the limit).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Geod, Transformer
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from .osm_extract import METRIC_CRS, RoadEdges

WALKING = "walking"
DRIVING = "driving"
MODES = (WALKING, DRIVING)
OUTSIDE_COVERAGE = "outside_coverage"
OFF_NETWORK = "off_network"
UNREACHABLE = "unreachable"
DEFAULT_MAX_SNAP_M = 500.0
DEFAULT_MAX_DISTANCE_M = 10_000.0
_SEGMENT_MAX_M = 40.0  # long segments are cut so a KD-tree over midpoints finds the nearest
_SNAP_CANDIDATES = 8
_TABLE_BLOCK = 16_384
_PARALLEL_SNAP = 5_000  # children per block of the dense (child × school) road table
_MIN_WEIGHT = 1e-6  # csgraph ignores zero-weight entries; a snap on a vertex costs ~0
_WGS84 = Geod(ellps="WGS84")


def geodesic_m(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Straight-line metres on the WGS 84 ellipsoid (arrays broadcast)."""
    arrays = np.broadcast_arrays(*(np.asarray(a, np.float64) for a in (lon1, lat1, lon2, lat2)))
    flat = [a.ravel() for a in arrays]
    return _WGS84.inv(*flat, return_back_azimuth=False)[2].reshape(arrays[0].shape)


@dataclass(frozen=True)
class Snaps:
    """Where points meet the network: ``edge`` (-1 = not snapped), ``along_m`` from the edge's
    source, ``offset_m`` the straight walk from the point to the snap point, ``reason``."""

    edge: np.ndarray
    along_m: np.ndarray
    offset_m: np.ndarray
    reason: np.ndarray  # str: "" when snapped


@dataclass(frozen=True)
class RoadNeighbours:
    """The k schools nearest by road of each point: ``school`` indices (-1 = none), ``road_m``
    (inf = none within the limit), and a fallback ``reason`` per point ("" = routed)."""

    school: np.ndarray
    road_m: np.ndarray
    reason: np.ndarray


@dataclass(frozen=True)
class RoadTable:
    """Sparse road distances: flat (``child``, ``school``, ``road_m``) sorted by child, then
    school; ``reason`` per child ("" = routed; otherwise why there is no road distance)."""

    child: np.ndarray
    school: np.ndarray
    road_m: np.ndarray
    reason: np.ndarray


class RoadRouter:
    """One travel mode's graph over a :class:`RoadEdges` network (build once, query often)."""

    def __init__(
        self, edges: RoadEdges, mode: str, *, max_snap_m: float = DEFAULT_MAX_SNAP_M
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        self.mode = mode
        self.edges = edges
        self.max_snap_m = max_snap_m
        self.transformer = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)
        if mode == WALKING:
            self.can_forward = edges.walk.copy()
            self.can_backward = edges.walk.copy()
        else:
            self.can_forward = edges.forward.copy()
            self.can_backward = edges.backward.copy()
        self.usable = self.can_forward | self.can_backward
        self.n_vertices = edges.n_vertices
        rows, cols, weights = self._arcs()
        self.graph = self._csr(rows, cols, weights, self.n_vertices)
        self.graph_reversed = self._csr(cols, rows, weights, self.n_vertices)
        self._build_segments()
        self.coverage = self._coverage()

    # --- construction ---

    def _arcs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        e = self.edges
        fwd, bwd = self.can_forward, self.can_backward
        rows = np.concatenate([e.source[fwd], e.target[bwd]])
        cols = np.concatenate([e.target[fwd], e.source[bwd]])
        weights = np.concatenate([e.length_m[fwd], e.length_m[bwd]])
        keep = rows != cols  # a loop never shortens a path
        return rows[keep], cols[keep], np.maximum(weights[keep], _MIN_WEIGHT)

    @staticmethod
    def _csr(rows, cols, weights, n) -> csr_matrix:
        """CSR keeping the shortest of parallel arcs (a sparse matrix would add them up)."""
        order = np.lexsort((weights, cols, rows))
        rows, cols, weights = rows[order], cols[order], weights[order]
        first = np.ones(rows.size, bool)
        first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
        return coo_matrix((weights[first], (rows[first], cols[first])), shape=(n, n)).tocsr()

    def _build_segments(self) -> None:
        e = self.edges
        edge_ids = np.flatnonzero(self.usable)
        counts = np.diff(e.coord_ptr)[edge_ids] - 1
        seg_edge = np.repeat(edge_ids, counts)
        starts = np.repeat(e.coord_ptr[edge_ids], counts) + _ranges(counts)
        x0, y0, x1, y1 = e.x[starts], e.y[starts], e.x[starts + 1], e.y[starts + 1]
        seg_len = np.hypot(x1 - x0, y1 - y0)
        # distance along the edge where each segment starts
        cumulative = np.concatenate([[0.0], np.cumsum(seg_len)])
        edge_first = np.concatenate([[0], np.cumsum(counts)[:-1]])
        seg_start = cumulative[:-1] - np.repeat(cumulative[edge_first], counts)
        # cut long segments into pieces of at most _SEGMENT_MAX_M
        pieces = np.maximum(1, np.ceil(seg_len / _SEGMENT_MAX_M).astype(np.int64))
        idx = np.repeat(np.arange(seg_len.size), pieces)
        k = _ranges(pieces)
        f0, f1 = k / pieces[idx], (k + 1) / pieces[idx]
        dx, dy = (x1 - x0)[idx], (y1 - y0)[idx]
        self.seg_x0, self.seg_y0 = x0[idx] + f0 * dx, y0[idx] + f0 * dy
        self.seg_x1, self.seg_y1 = x0[idx] + f1 * dx, y0[idx] + f1 * dy
        self.seg_edge = seg_edge[idx]
        self.seg_start = seg_start[idx] + f0 * seg_len[idx]
        self.seg_tree = cKDTree(
            np.column_stack([(self.seg_x0 + self.seg_x1) / 2, (self.seg_y0 + self.seg_y1) / 2])
        )
        half = np.hypot(self.seg_x1 - self.seg_x0, self.seg_y1 - self.seg_y0) / 2
        self.seg_half_max = float(half.max()) if half.size else 0.0

    def _coverage(self):
        points = shapely.points(self.seg_x0, self.seg_y0)
        hull = shapely.convex_hull(shapely.multipoints(points)).buffer(self.max_snap_m)
        shapely.prepare(hull)
        return hull

    # --- snapping ---

    def project(self, lon, lat) -> tuple[np.ndarray, np.ndarray]:
        x, y = self.transformer.transform(
            np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
        )
        return np.atleast_1d(np.asarray(x, np.float64)), np.atleast_1d(np.asarray(y, np.float64))

    def snap(self, lon, lat) -> Snaps:
        """The nearest usable edge of each point (exact: candidates from a KD-tree over segment
        midpoints, checked against the distance bound, widened where the bound is not met)."""
        x, y = self.project(lon, lat)
        n = x.size
        edge = np.full(n, -1, np.int64)
        along = np.zeros(n)
        offset = np.full(n, np.inf)
        reason = np.full(n, "", dtype="U20")
        if n == 0 or self.seg_x0.size == 0:
            reason[:] = OUTSIDE_COVERAGE
            return Snaps(edge, along, offset, reason)
        k = min(_SNAP_CANDIDATES, self.seg_x0.size)
        workers = -1 if n >= _PARALLEL_SNAP else 1  # threads cost more than a few points
        mid_dist, cand = self.seg_tree.query(np.column_stack([x, y]), k=k, workers=workers)
        mid_dist, cand = mid_dist.reshape(n, k), cand.reshape(n, k)
        best_d, best_seg, best_t = self._nearest_on(x, y, cand)
        # exact unless a farther midpoint could still hide a nearer segment (points too far
        # from every road to be snapped need no exact answer)
        doubtful = np.flatnonzero(
            (mid_dist[:, -1] < best_d + self.seg_half_max)
            & (best_d <= self.max_snap_m)
            & (k < self.seg_x0.size)
        )
        if doubtful.size:
            wide = min(4 * k, self.seg_x0.size)
            wide_dist, wide_cand = self.seg_tree.query(
                np.column_stack([x[doubtful], y[doubtful]]), k=wide, workers=workers
            )
            d, s, t = self._nearest_on(x[doubtful], y[doubtful], wide_cand.reshape(-1, wide))
            best_d[doubtful], best_seg[doubtful], best_t[doubtful] = d, s, t
            still = wide_dist.reshape(-1, wide)[:, -1] < d + self.seg_half_max
            doubtful = doubtful[still & (wide < self.seg_x0.size)]
        for i in doubtful:
            near = self.seg_tree.query_ball_point([x[i], y[i]], best_d[i] + self.seg_half_max)
            d, s, t = self._nearest_on(x[i : i + 1], y[i : i + 1], np.array([near]))
            best_d[i], best_seg[i], best_t[i] = d[0], s[0], t[0]
        edge[:] = self.seg_edge[best_seg]
        along[:] = self.seg_start[best_seg] + best_t
        offset[:] = best_d
        inside = shapely.contains_xy(self.coverage, x, y)
        reason[~inside] = OUTSIDE_COVERAGE
        reason[inside & (best_d > self.max_snap_m)] = OFF_NETWORK
        edge[reason != ""] = -1
        return Snaps(edge, along, offset, reason)

    def _nearest_on(self, x, y, cand):
        """Distance, segment and distance-along-segment of the nearest candidate segment."""
        ax, ay = self.seg_x0[cand], self.seg_y0[cand]
        dx, dy = self.seg_x1[cand] - ax, self.seg_y1[cand] - ay
        length2 = np.maximum(dx * dx + dy * dy, 1e-12)
        u = np.clip(((x[:, None] - ax) * dx + (y[:, None] - ay) * dy) / length2, 0.0, 1.0)
        d = np.hypot(ax + u * dx - x[:, None], ay + u * dy - y[:, None])
        j = np.argmin(d, axis=1)
        rows = np.arange(cand.shape[0])
        return d[rows, j], cand[rows, j], u[rows, j] * np.sqrt(length2[rows, j])

    # --- the two ends of a snap ---

    def _ends(self, snaps: Snaps, *, leaving: bool):
        """(vertex_a, cost_a, vertex_b, cost_b): the cost of getting from the snap point to the
        edge's source (a) and target (b) when ``leaving``, or from them to it when arriving;
        inf where the mode forbids that direction."""
        ok = snaps.edge >= 0
        e = np.where(ok, snaps.edge, 0)
        length = self.edges.length_m[e]
        along = np.clip(snaps.along_m, 0.0, length)
        to_source_ok = self.can_backward[e] if leaving else self.can_forward[e]
        to_target_ok = self.can_forward[e] if leaving else self.can_backward[e]
        cost_a = np.where(ok & to_source_ok, along, np.inf)
        cost_b = np.where(ok & to_target_ok, length - along, np.inf)
        return self.edges.source[e], cost_a, self.edges.target[e], cost_b

    def _same_edge(self, origin: Snaps, dest: Snaps, o_idx, d_idx) -> np.ndarray:
        """Along-edge distance for origin/destination pairs on the same edge (inf otherwise)."""
        oe, de = origin.edge[o_idx], dest.edge[d_idx]
        same = (oe >= 0) & (oe == de)
        e = np.where(same, oe, 0)
        delta = dest.along_m[d_idx] - origin.along_m[o_idx]
        forward_ok = same & (delta >= 0) & self.can_forward[e]
        backward_ok = same & (delta <= 0) & self.can_backward[e]
        return np.where(forward_ok | backward_ok, np.abs(delta), np.inf)

    def _trees(self, graph: csr_matrix, anchors, limit: float) -> np.ndarray:
        """Shortest-path trees from virtual vertices tied to the network by ``anchors``
        (vertex_a, cost_a, vertex_b, cost_b per tree): one row of vertex distances per tree."""
        extended, virtual = self._extended(graph, anchors)
        dist = dijkstra(extended, directed=True, indices=virtual, limit=limit)
        return np.atleast_2d(dist)[:, : self.n_vertices]

    def _extended(self, graph: csr_matrix, anchors) -> tuple[csr_matrix, np.ndarray]:
        """The graph with one virtual vertex per anchor appended as extra CSR rows (nothing
        leads into them, so no path passes through one)."""
        va, ca, vb, cb = anchors
        m = va.size
        cost_a = np.where(va == vb, np.minimum(ca, cb), ca)  # both ends one vertex: one arc
        cost_b = np.where(va == vb, np.inf, cb)
        vertices = np.column_stack([va, vb])
        costs = np.column_stack([cost_a, cost_b])
        finite = np.isfinite(costs)
        n = self.n_vertices + m
        indptr = np.concatenate([graph.indptr, graph.indptr[-1] + np.cumsum(finite.sum(axis=1))])
        indices = np.concatenate([graph.indices, vertices[finite]])
        data = np.concatenate([graph.data, np.maximum(costs[finite], _MIN_WEIGHT)])
        return csr_matrix((data, indices, indptr), shape=(n, n)), self.n_vertices + np.arange(m)

    # --- queries ---

    def from_point(
        self, lon: float, lat: float, dest_lon, dest_lat, *, max_distance_m: float
    ) -> tuple[np.ndarray, str]:
        """Road metres from one point to each destination (inf = not reachable within the
        limit) and the point's fallback reason ("" when routed)."""
        origin = self.snap([lon], [lat])
        dest = self.snap(dest_lon, dest_lat)
        n = dest.edge.size
        if origin.reason[0]:
            return np.full(n, np.inf), str(origin.reason[0])
        tree = self._trees(self.graph, self._ends(origin, leaving=True), max_distance_m)[0]
        va, ca, vb, cb = self._ends(dest, leaving=False)
        path = np.minimum(tree[va] + ca, tree[vb] + cb)
        path = np.minimum(path, self._same_edge(origin, dest, np.zeros(n, np.int64), np.arange(n)))
        road = origin.offset_m[0] + path + dest.offset_m
        road[(dest.edge < 0) | (path > max_distance_m)] = np.inf
        reason = "" if np.isfinite(road).any() else UNREACHABLE
        return road, reason

    def nearest(
        self,
        child_lon,
        child_lat,
        school_lon,
        school_lat,
        *,
        k: int,
        max_distance_m: float = DEFAULT_MAX_DISTANCE_M,
    ) -> RoadNeighbours:
        """The ``k`` schools nearest by road of every child (exact within the limit).

        A child leaves its edge through one of the edge's two ends, so its k nearest schools are
        among the k nearest of either end vertex, or on its own edge: only those are compared."""
        children = self.snap(child_lon, child_lat)
        schools = self.snap(school_lon, school_lat)
        n, n_s = children.edge.size, schools.edge.size
        k = min(k, n_s)
        reason = children.reason.copy()
        if n == 0 or k == 0:
            return RoadNeighbours(np.full((n, k), -1, np.int64), np.full((n, k), np.inf), reason)
        trees = self._trees(self.graph_reversed, self._ends(schools, leaving=False), max_distance_m)
        # (vertex, school), one row per vertex; float32 keeps millimetres up to 16 km
        by_vertex = trees.T.astype(np.float32, order="C")
        del trees
        if k < n_s:
            vertex_best = np.argpartition(by_vertex, k - 1, axis=1)[:, :k]
        else:
            vertex_best = np.broadcast_to(np.arange(n_s), (self.n_vertices, n_s))
        va, ca, vb, cb = self._ends(children, leaving=True)
        cand = np.concatenate(
            [vertex_best[va], vertex_best[vb], self._schools_on_edge(children, schools)], axis=1
        )
        road = self._road(by_vertex, children, schools, (va, ca, vb, cb), cand, max_distance_m)
        # a school met through both ends (or also on the edge) counts once
        for j in range(1, cand.shape[1]):
            repeated = (cand[:, :j] == cand[:, j : j + 1]).any(axis=1)
            road[repeated, j] = np.inf
        order = np.argsort(road, axis=1, kind="stable")[:, :k]
        best = np.take_along_axis(road, order, axis=1)
        chosen = np.where(np.isfinite(best), np.take_along_axis(cand, order, axis=1), -1)
        reason[(reason == "") & ~np.isfinite(best[:, 0])] = UNREACHABLE
        return RoadNeighbours(chosen.astype(np.int64), best, reason)

    def distance_table(
        self,
        child_lon,
        child_lat,
        school_lon,
        school_lat,
        *,
        k: int,
        within_m: float,
        pairs: tuple[np.ndarray, np.ndarray] | None = None,
        max_distance_m: float = DEFAULT_MAX_DISTANCE_M,
    ) -> RoadTable:
        """Road metres from every child to: its ``k`` nearest schools by road (ties at the
        k-th included), every school within ``within_m`` by road, and the given ``pairs``
        (child, school) — each when reachable within ``max_distance_m``.

        One shortest-path tree per school on the reversed graph (as :meth:`nearest`), then,
        by blocks of children, the dense (child × school) road distances from the two ends
        of each child's edge (plus the direct way along the edge when the school is on it):
        plain array arithmetic, no per-child query."""
        children = self.snap(child_lon, child_lat)
        schools = self.snap(school_lon, school_lat)
        n, n_s = children.edge.size, schools.edge.size
        reason = children.reason.copy()
        empty = np.zeros(0, np.int64)
        if n == 0 or n_s == 0:
            reason[reason == ""] = UNREACHABLE
            return RoadTable(empty, empty, np.zeros(0), reason)
        k = min(k, n_s)
        trees = self._trees(self.graph_reversed, self._ends(schools, leaving=False), max_distance_m)
        by_vertex = trees.T.astype(np.float32, order="C")
        del trees
        va, ca, vb, cb = self._ends(children, leaving=True)
        school_offset = np.where(schools.edge >= 0, schools.offset_m, np.inf).astype(np.float32)
        on_edge = self._schools_on_edge(children, schools)
        asked = np.zeros(n, bool)
        if pairs is not None:
            pair_child, pair_school = (np.asarray(a, np.int64) for a in pairs)
            usable = children.edge[pair_child] >= 0  # unrouted children keep their reason
            pair_child, pair_school = pair_child[usable], pair_school[usable]
            order = np.argsort(pair_child, kind="stable")
            pair_child, pair_school = pair_child[order], pair_school[order]
            asked[pair_child] = True
        if k or within_m > 0:
            asked[:] = True
        asked &= children.edge >= 0
        out_c, out_s, out_m = [], [], []
        routed = np.flatnonzero(children.edge >= 0)
        for lo in range(0, routed.size, _TABLE_BLOCK):
            rows = routed[lo : lo + _TABLE_BLOCK]
            path = np.minimum(
                by_vertex[va[rows]] + ca[rows, None].astype(np.float32),
                by_vertex[vb[rows]] + cb[rows, None].astype(np.float32),
            )
            edge_rows, edge_cols = np.nonzero(on_edge[rows] >= 0)
            if edge_rows.size:
                school = on_edge[rows][edge_rows, edge_cols]
                direct = self._same_edge(children, schools, rows[edge_rows], school)
                path[edge_rows, school] = np.minimum(path[edge_rows, school], direct)
            path[path > max_distance_m] = np.inf
            road = path + children.offset_m[rows, None].astype(np.float32) + school_offset
            keep = road <= within_m
            if k:
                kth = np.partition(road, k - 1, axis=1)[:, k - 1]
                keep |= road <= kth[:, None]
            if pairs is not None:
                a, b = np.searchsorted(pair_child, [rows[0], rows[-1] + 1])
                local = np.searchsorted(rows, pair_child[a:b])
                keep[local, pair_school[a:b]] = True
            keep &= np.isfinite(road)
            r, s = np.nonzero(keep)
            out_c.append(rows[r])
            out_s.append(s.astype(np.int64))
            out_m.append(road[r, s].astype(np.float64))
        pc = np.concatenate(out_c) if out_c else empty
        ps = np.concatenate(out_s) if out_s else empty
        metres = np.concatenate(out_m) if out_m else np.zeros(0)
        reached = np.zeros(n, bool)
        reached[pc] = True
        reason[(reason == "") & asked & ~reached] = UNREACHABLE
        return RoadTable(pc, ps, metres, reason)

    def nearest_school_per_vertex(
        self, school_lon, school_lat, *, max_distance_m: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For every vertex of the mode's network: (x, y, school) — its metric position and the
        school nearest by road for a trip from there (-1 = none within the limit). One
        multi-source Dijkstra on the reversed graph."""
        schools = self.snap(school_lon, school_lat)
        extended, virtual = self._extended(self.graph_reversed, self._ends(schools, leaving=False))
        _, _, sources = dijkstra(
            extended,
            directed=True,
            indices=virtual,
            limit=max_distance_m,
            min_only=True,
            return_predecessors=True,
        )
        reached_from = sources[: self.n_vertices]
        school = np.where(reached_from >= 0, reached_from - self.n_vertices, -1)
        x, y = self._vertex_positions()
        used = np.zeros(self.n_vertices, bool)
        used[self.edges.source[self.usable]] = True
        used[self.edges.target[self.usable]] = True
        return x[used], y[used], school[used]

    def _vertex_positions(self) -> tuple[np.ndarray, np.ndarray]:
        e = self.edges
        x, y = np.zeros(self.n_vertices), np.zeros(self.n_vertices)
        x[e.source], y[e.source] = e.x[e.coord_ptr[:-1]], e.y[e.coord_ptr[:-1]]
        x[e.target], y[e.target] = e.x[e.coord_ptr[1:] - 1], e.y[e.coord_ptr[1:] - 1]
        return x, y

    @staticmethod
    def _schools_on_edge(children: Snaps, schools: Snaps) -> np.ndarray:
        """Per child, the schools snapped to the child's own edge (-1 padded)."""
        order = np.argsort(schools.edge, kind="stable")
        sorted_edges = schools.edge[order]
        lo = np.searchsorted(sorted_edges, children.edge, side="left")
        hi = np.searchsorted(sorted_edges, children.edge, side="right")
        count = np.where(children.edge >= 0, hi - lo, 0)
        width = int(count.max()) if count.size else 0
        out = np.full((children.edge.size, width), -1, np.int64)
        for j in range(width):
            has = count > j
            out[has, j] = order[lo[has] + j]
        return out

    def _road(self, by_vertex, children, schools, leave, cand, limit) -> np.ndarray:
        """Road metres for each child (row) to each candidate school (-1 = none), from the
        (vertex, school) distance table."""
        va, ca, vb, cb = leave
        valid = cand >= 0
        school = np.where(valid, cand, 0)
        rows = np.broadcast_to(np.arange(cand.shape[0])[:, None], cand.shape)
        path = np.minimum(
            by_vertex[va[:, None], school] + ca[:, None],
            by_vertex[vb[:, None], school] + cb[:, None],
        )
        same = valid & (schools.edge[school] == children.edge[:, None])
        if same.any():
            direct = self._same_edge(children, schools, rows[same], school[same])
            path[same] = np.minimum(path[same], direct)
        road = children.offset_m[:, None] + path + schools.offset_m[school]
        unusable = ~valid | (children.edge[:, None] < 0) | (schools.edge[school] < 0)
        road[unusable | (path > limit)] = np.inf
        return road


def _ranges(counts: np.ndarray) -> np.ndarray:
    """[0..c0-1, 0..c1-1, ...] for an array of counts."""
    counts = np.asarray(counts, np.int64)
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return np.arange(total) - starts
