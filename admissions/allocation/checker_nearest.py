"""Independent verification of a nearest-first result from its source (ADR 12).

It never uses the solver's lists or its KD-tree. From the coordinates, the catchments, the
categories and the maximum distance it rebuilds, for every child, the part of the list the
result depends on: schools are found with a ball search on unit vectors of the sphere (not
the solver's projected k-nearest search), measured with the WGS84 geodesic, kept when within
the maximum distance or when their catchment holds the home, and ordered by (distance,
school id). A child placed from its list needs the schools up to its seat; a child without
a seat from its list needs the complete list. Then:

* ``list_mismatch`` — a :class:`~.model.Result`'s own lists disagree with the rebuilt ones;
* every check of :func:`~.checker.check` (capacity, justified envy, wasted seats, cutoffs,
  hashes) against the rebuilt lists and priorities;
* ``final_pass_on_list`` — a child "placed by the final pass" at a school of its list;
* ``final_pass_mismatch`` — replaying the final pass (order of service group, category,
  lottery, child id; each takes the nearest school with a free seat, measured against every
  school) gives another school than the result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from admissions.allocation.checker import Violation, _Collector, _read_claim, check
from admissions.allocation.distances import geodesic_m
from admissions.allocation.model import Instance, Policy, Result
from admissions.allocation.nearest import NearestSource

#: Smaller than any radius of curvature of the WGS84 ellipsoid: a safe search angle.
_EARTH_RADIUS_LOWER_M = 6_300_000.0
_DISTANCE_TOLERANCE_M = 1e-6


def _unit_vectors(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    lam, phi = np.radians(lon), np.radians(lat)
    return np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


def _chord(metres: np.ndarray) -> np.ndarray:
    angle = np.minimum(np.asarray(metres, float) * 1.01 / _EARTH_RADIUS_LOWER_M, np.pi)
    return 2 * np.sin(angle / 2)


def _school_id_rank(school_ids: tuple[str, ...]) -> np.ndarray:
    rank = np.empty(len(school_ids), dtype=np.int64)
    rank[sorted(range(len(school_ids)), key=school_ids.__getitem__)] = np.arange(len(school_ids))
    return rank


class _Reference:
    """The rebuilt lists (CSR) and priorities of a source, for the children's needed radius."""

    def __init__(self, source: NearestSource, seat: np.ndarray) -> None:
        self.source = source
        n, limit = source.n_children, source.max_distance_m
        self.id_rank = _school_id_rank(source.school_ids)
        self.catchments = self._catchment_pairs()
        self.by_road = _road_flags(source)
        self.road_keys, self.road_metres = _road_index(source)
        seat_dist = np.full(n, np.inf)
        placed = np.flatnonzero(seat >= 0)
        seat_dist[placed] = self.distance(placed, seat[placed])
        radius = np.minimum(seat_dist, limit)
        self.complete = ~np.isfinite(seat_dist)
        child, school, dist = self._ball(np.where(self.by_road, 0.0, radius))
        if self.by_road.any():  # routed children: their road table instead of the ball
            straight = ~self.by_road[child]
            road_child, road_school, road_dist = self._road_rows()
            child = np.concatenate([child[straight], road_child])
            school = np.concatenate([school[straight], road_school])
            dist = np.concatenate([dist[straight], road_dist])
        keep = (dist <= limit) & (
            (dist < seat_dist[child])
            | (school == seat[child])
            | self._tied(child, school, dist, seat, seat_dist)
        )
        child, school, dist = child[keep], school[keep], dist[keep]
        far = self._far_catchments(seat, seat_dist)
        child = np.concatenate([child, far[0]])
        school = np.concatenate([school, far[1]])
        dist = np.concatenate([dist, far[2]])
        order = np.lexsort((self.id_rank[school], dist, child))
        self.child, self.school, self.dist = child[order], school[order], dist[order]
        self.ptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.child, minlength=n), out=self.ptr[1:])

    def distance(self, child: np.ndarray, school: np.ndarray) -> np.ndarray:
        """The rule's distance (``road.py``): road metres for routed children, a school
        missing from the table at the routing limit; the geodesic otherwise."""
        source = self.source
        child, school = np.asarray(child, np.int64), np.asarray(school, np.int64)
        dist = np.asarray(
            geodesic_m(
                source.child_lon[child],
                source.child_lat[child],
                source.school_lon[school],
                source.school_lat[school],
            ),
            dtype=np.float64,
        ).reshape(-1)
        road = self.by_road[child]
        if road.any():
            keys = child[road] * source.n_schools + school[road]
            at = np.clip(np.searchsorted(self.road_keys, keys), 0, max(self.road_keys.size - 1, 0))
            hit = self.road_keys.size > 0
            found = (self.road_keys[at] == keys) if hit else np.zeros(keys.size, bool)
            metres = np.full(keys.size, float(source.road.limit_m))
            metres[found] = self.road_metres[at[found]]
            dist[road] = metres
        return dist

    def _road_rows(self):
        keys, metres = self.road_keys, self.road_metres
        n_s = self.source.n_schools
        return keys // n_s, keys % n_s, metres

    def _catchment_pairs(self) -> set[tuple[int, int]]:
        members = self.source.members
        pairs = set()
        for c in range(self.source.n_children):
            for s in members.catchments_of(c).tolist():
                pairs.add((c, s))
        return pairs

    def _tied(self, child, school, dist, seat, seat_dist) -> np.ndarray:
        """Schools at exactly the seat's distance that come first by school id."""
        tied = dist == seat_dist[child]
        return tied & (self.id_rank[school] < self.id_rank[np.maximum(seat[child], 0)])

    def _ball(self, radius: np.ndarray):
        source = self.source
        schools = cKDTree(_unit_vectors(source.school_lon, source.school_lat))
        found = schools.query_ball_point(
            _unit_vectors(source.child_lon, source.child_lat), _chord(radius)
        )
        counts = np.fromiter((len(f) for f in found), dtype=np.int64, count=len(found))
        child = np.repeat(np.arange(source.n_children, dtype=np.int64), counts)
        school = (
            np.concatenate([np.asarray(f, dtype=np.int64) for f in found])
            if counts.sum()
            else np.zeros(0, dtype=np.int64)
        )
        dist = geodesic_m(
            source.child_lon[child],
            source.child_lat[child],
            source.school_lon[school],
            source.school_lat[school],
        )
        return child, school, np.asarray(dist, dtype=np.float64)

    def _far_catchments(self, seat: np.ndarray, seat_dist: np.ndarray):
        """Catchment schools beyond the maximum distance (on the list: group 1 is a right)."""
        source = self.source
        pairs = sorted(self.catchments)
        child = np.asarray([c for c, _ in pairs], dtype=np.int64)
        school = np.asarray([s for _, s in pairs], dtype=np.int64)
        dist = self.distance(child, school)
        before_seat = (
            (dist < seat_dist[child])
            | (school == seat[child])
            | self._tied(child, school, dist, seat, seat_dist)
        )
        keep = (dist > source.max_distance_m) & before_seat
        return child[keep], school[keep], dist[keep]

    def priorities(self) -> np.ndarray:
        """(group, category rank, distance) of every rebuilt pair, from the source's data."""
        source, rule = self.source, self.source.rule
        group = np.array(
            [1 if (c, s) in self.catchments else 2 for c, s in zip(
                self.child.tolist(), self.school.tolist(), strict=True
            )],
            dtype=np.float64,
        )  # fmt: skip
        city = np.full(source.n_children, rule.none_rank, dtype=np.int64)
        scoped: dict[tuple[int, int], int] = {}
        for c in range(source.n_children):
            for rank, school in source.members.categories_of(c):
                if school < 0:
                    city[c] = min(city[c], rank)
                else:
                    scoped[(c, school)] = min(scoped.get((c, school), rank), rank)
        category = city[self.child].astype(np.float64)
        for (c, s), rank in scoped.items():
            at = self.ptr[c] + np.flatnonzero(self.school[self.ptr[c] : self.ptr[c + 1]] == s)
            category[at] = np.minimum(category[at], rank)
        if not rule.in_group_1:
            category[group == 1] = rule.none_rank
        return np.column_stack([group, category, self.dist])

    def instance(self) -> Instance:
        source = self.source
        return Instance(
            school_ids=source.school_ids,
            capacity=np.asarray(source.capacity, dtype=np.int64),
            child_ids=source.child_ids,
            choice_ptr=self.ptr,
            choice_school=self.school,
            priority=self.priorities(),
            lottery=np.asarray(source.lottery, dtype=np.float64)[self.child],
            distance_m=self.dist,
            policy=Policy(
                mechanism="nearest", max_distance_m=source.max_distance_m, metric=source.metric
            ),
        )


def _road_flags(source: NearestSource) -> np.ndarray:
    """Children measured by road: the metric is by road and no fallback reason is given."""
    if source.road is None:
        return np.zeros(source.n_children, dtype=bool)
    return np.array([reason == "" for reason in source.road.fallback], dtype=bool)


def _road_index(source: NearestSource) -> tuple[np.ndarray, np.ndarray]:
    """(child * n_schools + school) keys, sorted, and their road metres."""
    road = source.road
    if road is None:
        return np.zeros(0, np.int64), np.zeros(0)
    counts = np.diff(road.ptr)
    child = np.repeat(np.arange(counts.size, dtype=np.int64), counts)
    keys = child * source.n_schools + np.asarray(road.school, np.int64)
    order = np.argsort(keys, kind="stable")
    return keys[order], np.asarray(road.metres, np.float64)[order]


def claimed_seats(source, result: Any):
    """The seats a result claims, read against the source's children and schools only (lists
    are rebuilt or published separately)."""
    probe = Instance(
        school_ids=source.school_ids,
        capacity=np.asarray(source.capacity, dtype=np.int64),
        child_ids=source.child_ids,
        choice_ptr=np.zeros(source.n_children + 1, dtype=np.int64),
        choice_school=np.zeros(0, dtype=np.int64),
        priority=np.zeros((0, 3)),
        lottery=np.zeros(0),
        distance_m=np.zeros(0),
    )
    return _read_claim(probe, result, _Collector(0))


def check_nearest(
    source: NearestSource,
    result: Result | Mapping[str, Any],
    *,
    rerun: Callable[[], Result | Mapping[str, Any]] | None = None,
    limit_per_kind: int = 20,
) -> list[Violation]:
    """Verify a nearest-first result against lists rebuilt from ``source`` (empty = OK)."""
    found = _Collector(limit_per_kind)
    claim = claimed_seats(source, result)
    seat = np.where(claim.outside, -1, claim.assigned)
    reference = _Reference(source, seat)
    instance = reference.instance()
    if isinstance(result, Result):
        _compare_lists(instance, reference.complete, result.instance, found)
    violations = check(
        instance,
        result,
        rerun=rerun,
        expected_input_sha256=source.sha256,
        limit_per_kind=limit_per_kind,
    )
    _check_final_pass(source, instance, claim.assigned, claim.outside, found, reference)
    return violations + found.result()


def _compare_lists(reference: Instance, complete: np.ndarray, solver: Instance, found) -> None:
    """The solver's lists agree with the rebuilt ones on their common prefix, and are
    complete wherever the rebuilt one is complete."""
    ref_len, own_len = reference.list_length, solver.list_length
    common = np.minimum(ref_len, own_len)
    owner = np.repeat(np.arange(reference.n_children), common)
    offset = np.arange(owner.size) - np.repeat(np.cumsum(common) - common, common)
    a = reference.choice_ptr[owner] + offset
    b = solver.choice_ptr[owner] + offset
    differ = (reference.choice_school[a] != solver.choice_school[b]) | (
        np.abs(reference.distance_m[a] - solver.distance_m[b]) > _DISTANCE_TOLERANCE_M
    )
    differ |= np.any(reference.priority[a, :2] != solver.priority[b, :2], axis=1)
    bad = np.zeros(reference.n_children, dtype=bool)
    bad[owner[differ]] = True
    bad |= own_len < ref_len
    bad |= complete & (own_len != ref_len)
    for c in np.flatnonzero(bad):
        cid = reference.child_ids[c]
        expected = [reference.school_ids[s] for s in reference.choices_of(c)]
        got = [solver.school_ids[s] for s in solver.choices_of(c)]
        found.add(
            "list_mismatch",
            f"child {cid}: the solver's list {got} differs from the list rebuilt from "
            f"coordinates, catchments and the maximum distance {expected}",
            cid,
        )


def _final_pass_turns(source: NearestSource, waiting: list[int]) -> list[int]:
    rule = source.rule
    city = np.full(source.n_children, rule.none_rank, dtype=np.int64)
    for c in waiting:
        for rank, school in source.members.categories_of(c):
            if school < 0:
                city[c] = min(city[c], rank)

    def turn(c: int) -> tuple:
        group = 1 if source.members.catchments_of(c).size else 2
        category = city[c] if (group == 2 or rule.in_group_1) else rule.none_rank
        return (group, category, float(source.lottery[c]), source.child_ids[c])

    return sorted(waiting, key=turn)


def _check_final_pass(
    source: NearestSource,
    reference: Instance,
    assigned: np.ndarray,
    outside: np.ndarray,
    found,
    ref: _Reference,
) -> None:
    on_list = np.zeros(source.n_children, dtype=bool)
    hit = reference.choice_school == assigned[reference.pair_child]
    on_list[reference.pair_child[hit]] = True
    for c in np.flatnonzero(outside & on_list):
        found.add(
            "final_pass_on_list",
            f"child {source.child_ids[c]} is reported as placed by the final pass at "
            f"{source.school_ids[assigned[c]]}, which is on its list",
            source.child_ids[c],
        )
    from_list = (assigned >= 0) & ~outside
    seats = np.asarray(source.capacity, dtype=np.int64) - np.bincount(
        assigned[from_list], minlength=source.n_schools
    )
    id_rank = _school_id_rank(source.school_ids)
    for c in _final_pass_turns(source, np.flatnonzero(~from_list).tolist()):
        open_schools = np.flatnonzero(seats > 0)
        expected = -1
        if ref.by_road[c]:  # by road among the child's table first (road.py)
            lo, hi = np.searchsorted(
                ref.road_keys, [c * source.n_schools, (c + 1) * source.n_schools]
            )
            table_school = ref.road_keys[lo:hi] % source.n_schools
            table_metres = ref.road_metres[lo:hi]
            free = seats[table_school] > 0
            if free.any():
                pick = np.lexsort((id_rank[table_school[free]], table_metres[free]))[0]
                expected = int(table_school[free][pick])
                seats[expected] -= 1
                open_schools = open_schools[:0]
        if expected < 0 and open_schools.size:
            dist = geodesic_m(
                np.full(open_schools.size, source.child_lon[c]),
                np.full(open_schools.size, source.child_lat[c]),
                source.school_lon[open_schools],
                source.school_lat[open_schools],
            )
            expected = int(open_schools[np.lexsort((id_rank[open_schools], dist))[0]])
            seats[expected] -= 1
        got = int(assigned[c])
        if got != expected:
            name = source.school_ids
            found.add(
                "final_pass_mismatch",
                f"child {source.child_ids[c]}: at its turn in the final pass the nearest school "
                f"with a free seat is {name[expected] if expected >= 0 else 'none'}, the result "
                f"gives {name[got] if got >= 0 else 'none'}",
                source.child_ids[c],
            )
