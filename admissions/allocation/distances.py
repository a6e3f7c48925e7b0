"""Bulk child → school distances (vectorised; no Python loop over children).

School points are projected once to a metric CRS (UTM 48N, EPSG:32648, by default) and
indexed in a :class:`scipy.spatial.cKDTree`. Candidate schools come from the tree (k
nearest, optionally within a radius) and the returned distances are exact WGS84 geodesic
metres from :meth:`pyproj.Geod.inv` on arrays (split over threads: pyproj releases the GIL).

In UTM 48N the scale error over Viet Nam is below 0.4 %; candidates are searched with a
safety margin and re-sorted by exact geodesic distance.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from pyproj import Geod, Transformer
from scipy.spatial import cKDTree

WGS84 = Geod(ellps="WGS84")
DEFAULT_CRS = "EPSG:32648"
#: Upper bound of |projected / geodesic - 1| in UTM 48N over Viet Nam (with margin).
PROJECTION_SLACK = 0.005
#: From this many pairs on, :func:`geodesic_m` splits them over threads (a thread costs
#: about 0.1 ms; 16k geodesics about 10 ms).
_PARALLEL_MIN = 16_384
_PARALLEL_QUERY_MIN = 8192
#: From this many KD-tree slots (points × k) on, :meth:`SchoolLocator.within` splits the
#: points over threads, each doing the whole job for its rows: the masks and row sorts
#: around the geodesic run in parallel too (numpy, scipy and pyproj release the GIL).
_PARALLEL_SLOTS_MIN = 200_000
#: Slots per piece of such a split: pieces of about 256 kB per array keep the
#: temporaries in the cache and in memory the allocator reuses (fresh pages are costly).
_PIECE_SLOTS = 1 << 15


def _query_workers(n_points: int) -> int:
    """KD-tree query threads: starting them costs more than a small query (the final pass
    asks for a thousand points at a time, or one)."""
    return -1 if n_points >= _PARALLEL_QUERY_MIN else 1


def _workers() -> int:
    """Threads for the geodesics and the pieces of :meth:`SchoolLocator.within`: one more
    than the cores (up to four). While one thread waits for the GIL (the solver's Python
    bookkeeping, the source hash), the spare one keeps the cores busy: on 2 cores, 3
    threads and the lower :data:`_PARALLEL_MIN` together cut nearest-first at city scale by
    about 7 % (median of 24 runs, ADR 28)."""
    return max(1, min(4, (os.cpu_count() or 1) + 1))


def geodesic_m(lon1, lat1, lon2, lat2, *, threads: int | None = None) -> np.ndarray:
    """Exact WGS84 geodesic distance in metres between aligned arrays of points (large
    arrays are split over ``threads``, by default :func:`_workers`)."""
    lon1, lat1, lon2, lat2 = (
        np.ascontiguousarray(a, dtype=np.float64) for a in (lon1, lat1, lon2, lat2)
    )
    shape = np.broadcast_shapes(lon1.shape, lat1.shape, lon2.shape, lat2.shape)
    arrays = [np.broadcast_to(a, shape).ravel() for a in (lon1, lat1, lon2, lat2)]
    n = arrays[0].size
    workers = _workers() if threads is None else threads
    if n < _PARALLEL_MIN or workers == 1:
        return WGS84.inv(*arrays, return_back_azimuth=False)[2].reshape(shape)
    bounds = np.linspace(0, n, workers + 1).astype(int)

    def part(i: int) -> np.ndarray:
        sl = slice(bounds[i], bounds[i + 1])
        return WGS84.inv(*(a[sl] for a in arrays), return_back_azimuth=False)[2]

    with ThreadPoolExecutor(workers) as pool:
        parts = list(pool.map(part, range(workers)))
    return np.concatenate(parts).reshape(shape)


@dataclass(frozen=True)
class Neighbours:
    """k candidate schools per child, sorted by exact distance.

    ``school[i, j]`` is a school index (-1 = none) and ``distance_m[i, j]`` its geodesic
    distance (``inf`` = none). ``maybe_more[i]`` is True when further schools may exist
    within the search radius (all k slots were filled).
    """

    school: np.ndarray  # int64[n, k]
    distance_m: np.ndarray  # float64[n, k]
    maybe_more: np.ndarray  # bool[n]
    #: :meth:`SchoolLocator.nearest` only: every school not in the row is at least this far
    #: (geodesic metres; ``inf`` when the row holds every school).
    unseen_beyond_m: np.ndarray | None = None


class SchoolLocator:
    """KD-tree over school points for fast candidate queries (build once, query often).

    ``tie_rank`` (optional, int per school) orders schools at exactly the same distance;
    by default their index. Nearest-first passes the code-point rank of the school ids so
    that lists never depend on the input order of the schools.
    """

    def __init__(self, school_lon, school_lat, crs: str = DEFAULT_CRS, tie_rank=None) -> None:
        self.school_lon = np.asarray(school_lon, dtype=np.float64)
        self.school_lat = np.asarray(school_lat, dtype=np.float64)
        self.tie_rank = (
            np.arange(self.school_lon.size, dtype=np.int64)
            if tie_rank is None
            else np.asarray(tie_rank, dtype=np.int64)
        )
        self.transformer = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        self.tree = cKDTree(self.project(self.school_lon, self.school_lat))

    @property
    def n_schools(self) -> int:
        return int(self.school_lon.size)

    def subset(self, schools: np.ndarray) -> SchoolLocator:
        """A locator over some of these schools (indices), built from their projected
        points: nothing is projected again (the final pass builds one per batch)."""
        part = object.__new__(SchoolLocator)
        part.school_lon = self.school_lon[schools]
        part.school_lat = self.school_lat[schools]
        part.tie_rank = self.tie_rank[schools]
        part.transformer = self.transformer
        part.tree = cKDTree(self.tree.data[schools])
        return part

    def project(self, lon, lat) -> np.ndarray:
        """(n, 2) metric coordinates of WGS84 lon/lat arrays."""
        x, y = self.transformer.transform(np.asarray(lon, float), np.asarray(lat, float))
        return np.column_stack([x, y])

    def nearest(self, lon, lat, k: int, max_distance_m: float | None = None) -> Neighbours:
        """The ``k`` nearest schools of each point (optionally only within a radius).

        Candidates are the k nearest in the projection; returned distances are exact
        geodesic metres and rows are sorted by them. With ``max_distance_m``, schools
        farther than that (geodesic) are dropped (-1 / inf).
        """
        lon = np.asarray(lon, dtype=np.float64)
        lat = np.asarray(lat, dtype=np.float64)
        k_eff = max(0, min(int(k), self.n_schools))
        n = lon.size
        if k_eff == 0 or n == 0:
            return Neighbours(
                np.full((n, k_eff), -1, np.int64),
                np.full((n, k_eff), np.inf),
                np.zeros(n, bool),
            )
        bound = np.inf if max_distance_m is None else max_distance_m * (1 + PROJECTION_SLACK) + 1
        proj_dist, idx = self.tree.query(
            self.project(lon, lat), k=k_eff, distance_upper_bound=bound, workers=_query_workers(n)
        )
        idx = np.asarray(idx, dtype=np.int64).reshape(n, k_eff)
        found = idx < self.n_schools
        maybe_more = found[:, -1].copy()
        unseen = np.asarray(proj_dist, dtype=np.float64).reshape(n, k_eff)[:, -1]
        unseen = unseen / (1 + PROJECTION_SLACK) if k_eff < self.n_schools else np.full(n, np.inf)
        safe = np.where(found, idx, 0)
        dist = self._found_distances(lon, lat, safe, found)
        if max_distance_m is not None:
            dist[dist > max_distance_m] = np.inf
        idx, dist = self._sorted_rows(safe, dist)
        return Neighbours(idx, dist, maybe_more, unseen)

    def _found_distances(
        self, lon, lat, school: np.ndarray, found: np.ndarray, parallel: bool = True
    ) -> np.ndarray:
        """Geodesic metres for the slots the tree filled (``inf`` elsewhere): with a radius,
        most of a long row is empty, and the geodesic is the costly part. ``parallel=False``:
        on the calling thread only."""
        dist = np.full(school.shape, np.inf)
        flat = np.flatnonzero(found)  # flat indices: cheaper than (row, column) pairs
        rows = flat // max(1, school.shape[1])
        picked = school.ravel()[flat]
        points = (lon[rows], lat[rows], self.school_lon[picked], self.school_lat[picked])
        dist.ravel()[flat] = geodesic_m(*points) if parallel else geodesic_m(*points, threads=1)
        return dist

    def _sorted_rows(self, school: np.ndarray, dist: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rows sorted by (distance, tie rank); ``inf`` entries last and set to -1. The tree
        gives the slots nearly in order (by projected distance): a stable sort (timsort's
        runs) is about three times as fast on such rows as the default."""
        order = np.argsort(dist, axis=1, kind="stable")
        ordered = np.take_along_axis(dist, order, axis=1)
        # Rows with two schools at exactly the same distance (rare) are sorted again with
        # the tie rank; the order among the ``inf`` entries does not matter.
        tied = (ordered[:, 1:] == ordered[:, :-1]) & np.isfinite(ordered[:, 1:])
        rows = np.flatnonzero(tied.any(axis=1))
        if rows.size:
            order[rows] = np.lexsort((self.tie_rank[school[rows]], dist[rows]), axis=1)
            ordered[rows] = np.take_along_axis(dist[rows], order[rows], axis=1)
        idx = np.where(np.isfinite(ordered), np.take_along_axis(school, order, axis=1), -1)
        return idx, ordered

    def within(self, lon, lat, radius_m: float, k: int, known=None, xy=None) -> Neighbours:
        """Exact prefix of the schools within ``radius_m``, nearest first, at most ``k``.

        ``known`` (optional): ``(school, distance_m)`` arrays of shape (n, m), -1 padded —
        geodesics already measured for these points (e.g. the shorter list of a child whose
        list grows): those slots take the given metres instead of being measured again.

        Unlike :meth:`nearest`, a row is guaranteed to be a prefix of the true geodesic
        order: when all k slots were filled (``maybe_more``), entries whose order could be
        disturbed by the projection's scale error are dropped (they are never closer than
        ``(1 - PROJECTION_SLACK)`` times the k-th projected distance).

        ``xy`` (optional): the points already projected (:meth:`project`), for callers that
        query the same points again.
        """
        lon = np.asarray(lon, dtype=np.float64)
        lat = np.asarray(lat, dtype=np.float64)
        k_eff = max(0, min(int(k), self.n_schools))
        n = lon.size
        if k_eff == 0 or n == 0:
            return Neighbours(
                np.full((n, k_eff), -1, np.int64), np.full((n, k_eff), np.inf), np.zeros(n, bool)
            )
        xy = self.project(lon, lat) if xy is None else np.asarray(xy, dtype=np.float64)
        workers = _workers()
        if n * k_eff < _PARALLEL_SLOTS_MIN or workers == 1:
            return self._within_rows(lon, lat, xy, radius_m, k_eff, known, parallel=True)
        rows = max(1, _PIECE_SLOTS // k_eff)
        parts = [slice(a, min(a + rows, n)) for a in range(0, n, rows)]

        def part(rows: slice) -> Neighbours:
            own = None if known is None else (known[0][rows], known[1][rows])
            return self._within_rows(
                lon[rows], lat[rows], xy[rows], radius_m, k_eff, own, parallel=False
            )

        with ThreadPoolExecutor(workers) as pool:
            found = list(pool.map(part, parts))
        return Neighbours(
            np.concatenate([f.school for f in found]),
            np.concatenate([f.distance_m for f in found]),
            np.concatenate([f.maybe_more for f in found]),
        )

    def _within_rows(self, lon, lat, xy, radius_m: float, k: int, known, parallel: bool):
        """:meth:`within` for some rows; ``parallel``: the tree query and the geodesic may
        start threads of their own."""
        n = lon.size
        bound = radius_m * (1 + PROJECTION_SLACK) + 1
        proj_dist, idx = self.tree.query(
            xy,
            k=k,
            distance_upper_bound=bound,
            workers=_query_workers(n) if parallel else 1,
        )
        proj_dist = np.asarray(proj_dist).reshape(n, k)
        idx = np.asarray(idx, dtype=np.int64).reshape(n, k)
        found = idx < self.n_schools
        # A row that holds every school of the city cannot be missing one (issue 12: the
        # farthest school in range used to be dropped when k equalled the number of schools).
        full = found[:, -1] & (k < self.n_schools)
        safe = np.where(found, idx, 0)
        # Rows that filled every slot: keep only what is certainly before any unseen school.
        horizon = np.where(full, proj_dist[:, -1] * (1 - PROJECTION_SLACK), np.inf)
        # A slot whose projected distance already puts it at or past the horizon (or the
        # radius) would be dropped below whatever its geodesic: it is not measured.
        lowest = np.where(found, proj_dist, np.inf) / (1 + PROJECTION_SLACK)
        measured = found & (lowest < horizon[:, None]) & (lowest <= radius_m)
        reused = None
        if known is not None and known[0].size:
            reused = _known_slots(safe, measured, proj_dist, *known)
            measured[reused[0], reused[1]] = False
        dist = self._found_distances(lon, lat, safe, measured, parallel)
        if reused is not None:
            dist[reused[0], reused[1]] = reused[2]
        dist[dist > radius_m] = np.inf
        dist[dist >= horizon[:, None]] = np.inf
        idx, dist = self._sorted_rows(safe, dist)
        # More schools may lie within the radius when the search hit its k limit.
        maybe_more = full & (horizon <= radius_m)
        return Neighbours(idx, dist, maybe_more)


def _known_slots(school, measured, proj_dist, known_school, known_dist):
    """(row, column, metres) of the measured slots whose school is among the row's known
    ones. Nearly always the tree lists a row's known schools first, in their order: those
    rows are read off directly; the others are looked up school by school."""
    known_school = np.asarray(known_school, dtype=np.int64)
    known_dist = np.asarray(known_dist, dtype=np.float64)
    width = min(known_school.shape[1], school.shape[1])
    known = known_school[:, :width] >= 0
    in_order = ((school[:, :width] == known_school[:, :width]) | ~known).all(axis=1)
    in_order &= (known_school[:, width:] < 0).all(axis=1)
    row, col = np.nonzero(known & measured[:, :width] & in_order[:, None])
    direct = (row, col, known_dist[row, col])
    others = np.flatnonzero(~in_order)
    if not others.size:
        return direct
    o_row, o_col, o_dist = _known_slots_by_school(
        *(a[others] for a in (school, measured, proj_dist, known_school, known_dist))
    )
    return (
        np.concatenate([direct[0], others[o_row]]),
        np.concatenate([direct[1], o_col]),
        np.concatenate([direct[2], o_dist]),
    )


def _known_slots_by_school(school, measured, proj_dist, known_school, known_dist):
    """:func:`_known_slots` for rows in any order. A known school at geodesic d lies at most
    d·(1 + slack) away in the projection, so only the columns up to that bound are looked
    up (a slot missed would merely be measured again, to the same metres)."""
    reach = np.where(known_school >= 0, known_dist, -np.inf).max(axis=1)
    bound = reach * (1 + PROJECTION_SLACK) + 1
    width = int((proj_dist <= bound[:, None]).sum(axis=1).max(initial=0))
    if width == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    # One sorted key per known (row, school); the slots are looked up in it.
    stride = int(max(school.max(initial=0), known_school.max(initial=0))) + 1
    k_row, k_col = np.nonzero(known_school >= 0)
    k_key = k_row * stride + known_school[k_row, k_col]
    order = np.argsort(k_key)
    k_key, k_dist = k_key[order], known_dist[k_row, k_col][order]
    row, col = np.nonzero(measured[:, :width])
    key = row * stride + school[row, col]
    at = np.minimum(np.searchsorted(k_key, key), max(k_key.size - 1, 0))
    hit = k_key[at] == key if k_key.size else np.zeros(key.size, dtype=bool)
    return row[hit], col[hit], k_dist[at[hit]]


def distances_to_schools(child_lon, child_lat, school_index, school_lon, school_lat) -> np.ndarray:
    """Geodesic metres from each child to the given schools (e.g. its ranked choices).

    ``school_index`` is an int array of shape (n_children, m) (or (n_children,)) of school
    indices, -1 for none; the result has the same shape with NaN where the index is -1.
    """
    school_index = np.asarray(school_index, dtype=np.int64)
    child_lon = np.asarray(child_lon, dtype=np.float64)
    child_lat = np.asarray(child_lat, dtype=np.float64)
    school_lon = np.asarray(school_lon, dtype=np.float64)
    school_lat = np.asarray(school_lat, dtype=np.float64)
    extra = (slice(None),) + (None,) * (school_index.ndim - 1)
    safe = np.where(school_index >= 0, school_index, 0)
    dist = geodesic_m(child_lon[extra], child_lat[extra], school_lon[safe], school_lat[safe])
    return np.where(school_index >= 0, dist, np.nan)


def pair_distances(child_lon, child_lat, pair_child, pair_school, school_lon, school_lat):
    """Geodesic metres for flat (child, school) pair arrays (CSR instances)."""
    return geodesic_m(
        np.asarray(child_lon, float)[pair_child],
        np.asarray(child_lat, float)[pair_child],
        np.asarray(school_lon, float)[pair_school],
        np.asarray(school_lat, float)[pair_school],
    )
