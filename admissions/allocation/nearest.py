"""HCMC "nearest school first, within its quota, overflow to the next nearest".

Mechanism ``"nearest"``:

1. Each child's list = every school within ``max_distance_m`` (4000 m by default), nearest
   first (exact WGS84 geodesic distance).
2. Priority of a school over children = (group, category rank, distance m) then lottery;
   group 1 = the school is the child's catchment school (by default: its nearest school),
   group 2 otherwise. Deferred acceptance with these lists and priorities.
3. Final pass: every child still unplaced, in lottery order (lower first, then child id),
   gets the nearest school that still has a free seat, at any distance.
4. Children who still cannot be placed are reported with a reason
   (``no_school_with_a_free_seat`` or
   ``no_school_within_max_distance_and_all_schools_full``).

Implementation note: lists are built lazily. DA first runs on a prefix of each list (the
``k`` nearest schools); only children rejected by their whole prefix get a longer one and
DA is re-run. Because DA's outcome does not depend on proposal order, once no unplaced child
has a truncated list the result equals DA on the complete lists.

Source document (``python -m admissions.allocation solve --mechanism nearest``)::

    {"max_distance_m": 4000, "seed": 2025,
     "schools": [{"id": "S1", "capacity": 35, "lon": 106.70, "lat": 10.78}, ...],
     "children": [{"id": "C1", "lon": 106.69, "lat": 10.77, "lottery": 0.41,
                   "catchment": "S1", "category": 0, "ward": "...", "group": "..."}, ...]}

``catchment`` (optional; default: the nearest school) and ``category`` (optional rank,
default 0, lower is better) are per child; ``lottery`` may be omitted when ``seed`` is given.
The input hash of a nearest-first run is the SHA-256 of this document's canonical JSON.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from admissions.allocation.da import deferred_acceptance
from admissions.allocation.distances import SchoolLocator
from admissions.allocation.errors import InstanceError, child_error, school_error
from admissions.allocation.hashing import plain_list, sha256_of
from admissions.allocation.instance_io import is_count, is_number, validate_schools
from admissions.allocation.lottery import lottery_single
from admissions.allocation.model import (
    NO_FREE_SEAT_ANYWHERE,
    NONE_WITHIN_MAX_AND_ALL_FULL,
    PLACED_BY_FINAL_PASS,
    Instance,
    Policy,
    Result,
    UnplacedChild,
)

DEFAULT_MAX_DISTANCE_M = 4000.0
INITIAL_LIST_LENGTH = 16


@dataclass(frozen=True, eq=False)
class NearestSource:
    """Coordinates and attributes from which nearest-first instances are derived.

    ``catchment[c]``: school index of the child's catchment school, -1 for none; ``None``
    means "the nearest school". ``category[c]``: category rank (lower is better).
    """

    child_ids: tuple[str, ...]
    child_lon: np.ndarray
    child_lat: np.ndarray
    school_ids: tuple[str, ...]
    school_lon: np.ndarray
    school_lat: np.ndarray
    capacity: np.ndarray
    lottery: np.ndarray
    catchment: np.ndarray | None = None
    category: np.ndarray | None = None
    max_distance_m: float = DEFAULT_MAX_DISTANCE_M
    ward: tuple[str | None, ...] | None = None
    group: tuple[str | None, ...] | None = None
    seed: int | None = None

    @property
    def n_children(self) -> int:
        return len(self.child_ids)

    @cached_property
    def locator(self) -> SchoolLocator:
        return SchoolLocator(self.school_lon, self.school_lat)

    @cached_property
    def catchment_index(self) -> np.ndarray:
        """Catchment school of each child (explicit, else its nearest school)."""
        if self.catchment is not None:
            return np.asarray(self.catchment, dtype=np.int64)
        return self.locator.nearest(self.child_lon, self.child_lat, 1).school[:, 0]

    @cached_property
    def category_rank(self) -> np.ndarray:
        if self.category is None:
            return np.zeros(self.n_children)
        return np.asarray(self.category, dtype=np.float64)

    def document(self) -> dict[str, Any]:
        """Canonical JSON document (the source format of the module docstring)."""
        schools = [
            {"id": sid, "capacity": int(cap), "lon": lon, "lat": lat}
            for sid, cap, lon, lat in zip(
                self.school_ids,
                self.capacity.tolist(),
                plain_list(self.school_lon),
                plain_list(self.school_lat),
                strict=True,
            )
        ]
        children = []
        lon, lat, lot = (
            plain_list(self.child_lon),
            plain_list(self.child_lat),
            plain_list(self.lottery),
        )
        for c, cid in enumerate(self.child_ids):
            entry: dict[str, Any] = {"id": cid, "lon": lon[c], "lat": lat[c], "lottery": lot[c]}
            if self.catchment is not None and self.catchment[c] >= 0:
                entry["catchment"] = self.school_ids[int(self.catchment[c])]
            if self.category is not None:
                entry["category"] = int(self.category[c])
            if self.ward is not None and self.ward[c] is not None:
                entry["ward"] = self.ward[c]
            if self.group is not None and self.group[c] is not None:
                entry["group"] = self.group[c]
            children.append(entry)
        schools.sort(key=lambda s: s["id"])
        children.sort(key=lambda c: c["id"])
        return {
            "max_distance_m": plain_list(np.array([self.max_distance_m]))[0],
            "schools": schools,
            "children": children,
        }

    @cached_property
    def sha256(self) -> str:
        return sha256_of(self.document())


def nearest_source(
    child_ids: Sequence[str],
    child_lon,
    child_lat,
    school_ids: Sequence[str],
    school_lon,
    school_lat,
    capacity,
    *,
    lottery=None,
    seed: int | None = None,
    catchment: Sequence[str | None] | np.ndarray | None = None,
    category=None,
    max_distance_m: float = DEFAULT_MAX_DISTANCE_M,
    ward: Sequence[str | None] | None = None,
    group: Sequence[str | None] | None = None,
) -> NearestSource:
    """Build a :class:`NearestSource` from arrays (the function the portal calls).

    ``catchment``: per child a school id (or None), or an int array of school indices;
    ``None`` = the nearest school. ``lottery``: per child numbers, else drawn from ``seed``.
    """
    child_ids = tuple(str(c) for c in child_ids)
    school_ids = tuple(str(s) for s in school_ids)
    if lottery is None:
        if seed is None:
            raise ValueError("give either lottery numbers or a seed")
        lottery = lottery_single(child_ids, seed)
    if catchment is not None and not isinstance(catchment, np.ndarray):
        index = {sid: i for i, sid in enumerate(school_ids)}
        catchment = np.asarray([-1 if s is None else index[str(s)] for s in catchment], np.int64)
    return NearestSource(
        child_ids=child_ids,
        child_lon=np.asarray(child_lon, dtype=np.float64),
        child_lat=np.asarray(child_lat, dtype=np.float64),
        school_ids=school_ids,
        school_lon=np.asarray(school_lon, dtype=np.float64),
        school_lat=np.asarray(school_lat, dtype=np.float64),
        capacity=np.asarray(capacity, dtype=np.int64),
        lottery=np.asarray(lottery, dtype=np.float64),
        catchment=catchment,
        category=None if category is None else np.asarray(category, dtype=np.int64),
        max_distance_m=float(max_distance_m),
        ward=None if ward is None else tuple(ward),
        group=None if group is None else tuple(group),
        seed=seed,
    )


def _coordinate(entry: Mapping[str, Any], subject: InstanceError) -> tuple[float, float]:
    lon, lat = entry.get("lon"), entry.get("lat")
    if not (is_number(lon) and is_number(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise InstanceError(subject.subject, "lon/lat must be numbers (WGS84 degrees)")
    return float(lon), float(lat)


def nearest_source_from_dict(data: Any) -> NearestSource:
    """Validate a nearest-first source document and build a :class:`NearestSource`."""
    if not isinstance(data, Mapping):
        raise InstanceError("instance", "must be a JSON object")
    raw_schools = data.get("schools")
    raw_children = data.get("children")
    if not isinstance(raw_schools, list) or not isinstance(raw_children, list):
        raise InstanceError("instance", '"schools" and "children" must be lists')
    school_ids, capacity, _ = validate_schools(raw_schools)
    school_xy = [
        _coordinate(e, school_error(sid, ""))
        for sid, e in zip(school_ids, raw_schools, strict=True)
    ]
    index = {sid: i for i, sid in enumerate(school_ids)}
    max_distance = data.get("max_distance_m", DEFAULT_MAX_DISTANCE_M)
    if not is_number(max_distance) or max_distance <= 0:
        raise InstanceError("instance", "max_distance_m must be a positive number")
    seed = data.get("seed")
    if seed is not None and not is_count(seed):
        raise InstanceError("instance", "seed must be a non-negative integer")
    ids: list[str] = []
    seen: set[str] = set()
    xy, lottery, catchment, category, ward, group = [], [], [], [], [], []
    for pos, entry in enumerate(raw_children):
        if not isinstance(entry, Mapping) or not isinstance(entry.get("id"), str | int):
            raise InstanceError(f"child #{pos + 1}", "must be an object with an id")
        cid = str(entry["id"])
        if cid in seen:
            raise child_error(cid, "duplicate child id")
        seen.add(cid)
        xy.append(_coordinate(entry, child_error(cid, "")))
        lot = entry.get("lottery")
        if lot is None and seed is not None:
            lot = float("nan")
        elif not is_number(lot):
            raise child_error(cid, f"lottery must be a number, got {lot!r}")
        lottery.append(float(lot))
        home = entry.get("catchment")
        if home is not None and str(home) not in index:
            raise child_error(cid, f'catchment "{home}" is not a known school')
        catchment.append(-1 if home is None else index[str(home)])
        cat = entry.get("category", 0)
        if not is_count(cat):
            raise child_error(cid, "category must be a non-negative integer")
        category.append(int(cat))
        ward.append(None if entry.get("ward") is None else str(entry["ward"]))
        group.append(None if entry.get("group") is None else str(entry["group"]))
        ids.append(cid)
    lot_arr = np.asarray(lottery, dtype=np.float64)
    if np.isnan(lot_arr).any():
        drawn = lottery_single(ids, int(seed))  # type: ignore[arg-type]
        lot_arr = np.where(np.isnan(lot_arr), drawn, lot_arr)
    has_catchment = any(c >= 0 for c in catchment)
    child_xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    school_xy_arr = np.asarray(school_xy, dtype=np.float64).reshape(-1, 2)
    return NearestSource(
        child_ids=tuple(ids),
        child_lon=child_xy[:, 0],
        child_lat=child_xy[:, 1],
        school_ids=school_ids,
        school_lon=school_xy_arr[:, 0],
        school_lat=school_xy_arr[:, 1],
        capacity=capacity,
        lottery=lot_arr,
        catchment=np.asarray(catchment, dtype=np.int64) if has_catchment else None,
        category=np.asarray(category, dtype=np.int64) if any(category) else None,
        max_distance_m=float(max_distance),
        ward=tuple(ward) if any(w is not None for w in ward) else None,
        group=tuple(group) if any(g is not None for g in group) else None,
        seed=None if seed is None else int(seed),
    )


def build_nearest_instance(source: NearestSource, k: int | np.ndarray | None = None) -> Instance:
    """Derive the DA instance of the nearest-first rule.

    ``k``: list length per child (int or int array): lists are the exact prefix of the
    schools within ``max_distance_m``, nearest first; ``Instance.truncated`` marks lists
    that may continue. ``None`` builds complete lists (lengthening until none is truncated).
    """
    n = source.n_children
    if k is None:
        want = np.full(n, INITIAL_LIST_LENGTH * 2, dtype=np.int64)
        while True:
            inst = _build_with_lengths(source, want)
            more = inst.truncated
            if more is None or not more.any():
                return inst
            want[more] *= 8
    want = np.broadcast_to(np.asarray(k, dtype=np.int64), (n,)).copy()
    return _build_with_lengths(source, want)


class _ListCache:
    """Candidate lists per child, re-queried only for children whose length grows."""

    def __init__(self, source: NearestSource) -> None:
        self.source = source
        self.child = np.zeros(0, dtype=np.int64)
        self.school = np.zeros(0, dtype=np.int64)
        self.dist = np.zeros(0)
        self.truncated = np.zeros(source.n_children, dtype=bool)

    def update(self, members: np.ndarray, want: np.ndarray) -> None:
        """(Re)build the lists of ``members`` with lengths ``want[members]``."""
        source = self.source
        n_schools = len(source.school_ids)
        parts_child, parts_school, parts_dist = [], [], []
        for k in np.unique(want[members]):
            group = members[want[members] == k]
            found = source.locator.within(
                source.child_lon[group], source.child_lat[group], source.max_distance_m, int(k)
            )
            valid = found.school >= 0
            parts_child.append(np.broadcast_to(group[:, None], valid.shape)[valid])
            parts_school.append(found.school[valid])
            parts_dist.append(found.distance_m[valid])
            self.truncated[group] = found.maybe_more & (k < n_schools)
        if self.child.size:
            keep = ~np.isin(self.child, members)
            parts_child.insert(0, self.child[keep])
            parts_school.insert(0, self.school[keep])
            parts_dist.insert(0, self.dist[keep])
        child = np.concatenate(parts_child)
        order = np.argsort(child, kind="stable")  # rows are already sorted by distance
        self.child = child[order]
        self.school = np.concatenate(parts_school)[order].astype(np.int64)
        self.dist = np.concatenate(parts_dist)[order].astype(np.float64)

    def instance(self) -> Instance:
        source = self.source
        child, school, dist = self.child, self.school, self.dist
        ptr = np.zeros(source.n_children + 1, dtype=np.int64)
        np.cumsum(np.bincount(child, minlength=source.n_children), out=ptr[1:])
        group = np.where(source.catchment_index[child] == school, 1.0, 2.0)
        priority = np.column_stack([group, source.category_rank[child], dist])
        return Instance(
            school_ids=source.school_ids,
            capacity=source.capacity,
            child_ids=source.child_ids,
            choice_ptr=ptr,
            choice_school=school,
            priority=priority,
            lottery=source.lottery[child],
            distance_m=dist,
            policy=Policy(
                mechanism="nearest", max_distance_m=source.max_distance_m, seed=source.seed
            ),
            ward=source.ward,
            group=source.group,
            truncated=self.truncated.copy(),
        )


def _build_with_lengths(source: NearestSource, want: np.ndarray) -> Instance:
    cache = _ListCache(source)
    cache.update(np.arange(source.n_children), np.minimum(want, len(source.school_ids)))
    return cache.instance()


def solve_nearest(
    source: NearestSource, *, initial_list_length: int = INITIAL_LIST_LENGTH, verify: bool = True
) -> Result:
    """Run the nearest-first mechanism (lazy lists + DA + final pass); see module docs."""
    from admissions.allocation.checker import count_envy_and_waste

    n_schools = len(source.school_ids)
    want = np.full(source.n_children, min(initial_list_length, n_schools), dtype=np.int64)
    cache = _ListCache(source)
    cache.update(np.arange(source.n_children), want)
    rounds = 0
    while True:
        inst = cache.instance()
        outcome = deferred_acceptance(inst)
        rounds += outcome.rounds
        grow = np.flatnonzero((outcome.assigned_pair < 0) & inst.truncated)
        if not grow.size:
            break
        want[grow] = np.minimum(want[grow] * 8, n_schools)
        cache.update(grow, want)

    placed = outcome.assigned_pair >= 0
    safe = np.where(placed, outcome.assigned_pair, 0)
    assignment = np.where(placed, inst.choice_school[safe] if inst.n_pairs else -1, -1)
    distance = np.where(placed, inst.distance_m[safe] if inst.n_pairs else np.nan, np.nan)
    assignment = assignment.astype(np.int64)
    outside = np.zeros(source.n_children, dtype=bool)
    unplaced = final_pass(source, inst, assignment, distance, outside)
    stable = None
    if verify:
        envy, waste = count_envy_and_waste(inst, assignment, outside)
        stable = envy == 0 and waste == 0
    return Result(
        instance=inst,
        mechanism="nearest",
        assignment=assignment,
        outside_list=outside,
        assigned_distance_m=distance,
        rounds=rounds,
        unplaced=tuple(unplaced),
        stable=stable,
        source_sha256=source.sha256,
    )


def final_pass(
    source: NearestSource,
    inst: Instance,
    assignment: np.ndarray,
    distance: np.ndarray,
    outside: np.ndarray,
) -> list[UnplacedChild]:
    """Give unplaced children (lottery order) the nearest school with a free seat.

    Updates ``assignment``, ``distance`` and ``outside`` in place; returns the report of
    children placed this way and of children who still have no seat.
    """
    seats = source.capacity - np.bincount(
        assignment[assignment >= 0], minlength=len(source.school_ids)
    )
    waiting = np.flatnonzero(assignment < 0)
    waiting = waiting[np.lexsort((inst.child_id_order[waiting], source.lottery[waiting]))]
    report: dict[int, UnplacedChild] = {}
    limit = source.max_distance_m
    while waiting.size and (seats > 0).any():
        open_schools = np.flatnonzero(seats > 0)
        locator = SchoolLocator(source.school_lon[open_schools], source.school_lat[open_schools])
        k = min(8, open_schools.size)
        near = locator.nearest(source.child_lon[waiting], source.child_lat[waiting], k)
        left: list[int] = []
        for row, child in enumerate(waiting.tolist()):
            for col in range(k):
                local = near.school[row, col]
                school = int(open_schools[local]) if local >= 0 else -1
                if school >= 0 and seats[school] > 0:
                    seats[school] -= 1
                    assignment[child] = school
                    distance[child] = near.distance_m[row, col]
                    outside[child] = True
                    report[child] = UnplacedChild(
                        source.child_ids[child],
                        PLACED_BY_FINAL_PASS,
                        f"no school within {limit:.0f} m had a free seat; placed at the nearest "
                        f"school with a free seat, {source.school_ids[school]} "
                        f"({near.distance_m[row, col]:.0f} m)",
                        int(inst.list_length[child]),
                    )
                    break
            else:
                left.append(child)
        waiting = np.asarray(left, dtype=np.int64)
    for child in waiting.tolist():
        within = int(inst.list_length[child])
        if within == 0:
            reason = NONE_WITHIN_MAX_AND_ALL_FULL
            message = f"no school within {limit:.0f} m and all schools are full"
        else:
            reason = NO_FREE_SEAT_ANYWHERE
            message = (
                f"all {within} schools within {limit:.0f} m are full and no school has a free seat"
            )
        report[child] = UnplacedChild(source.child_ids[child], reason, message, within)
    return [report[c] for c in sorted(report)]
