"""The public verification document of a nearest-first run: no home, no distance (ADR 26).

The full source (``nearest.py``) locates every home; it stays with the committee and the
auditors. The public document keeps what the rules compare and nothing that places a child:

* each child's pseudonym, lottery number, catchments and priority categories;
* ``list``: the part of the child's list the result depends on (the checker's
  :class:`~.checker_nearest._Reference`: every school up to its seat, or the whole list when
  it got no seat from it), nearest first, each as ``[school id, rank]`` where *rank* orders the
  children listing that school by distance (1 = nearest; equal distances share a rank);
* ``final_pass``: for a child placed by the final pass, the schools with a seat left after
  the lists in the child's order of nearness, up to the school it got.

Metres are never written: distances to several schools whose positions are public would
locate a home to the metre (trilateration). Ranks keep every comparison the rules make —
the order of a child's schools, the order of children at a school, the nearest free school
in the final pass — so :func:`check_nearest_public` re-checks capacities, priorities,
justified envy, wasted seats, a re-run of deferred acceptance on these lists, the final pass
and the lottery. What it cannot check is the distances themselves (that a list is nearest
first and within the maximum distance): auditors check those with the full input.

Document::

    {"format": "nearest-public", "version": 1, "input_sha256": "<hash of the full input>",
     "max_distance_m": 4000, "no_category_rank": 99, "categories_in_group_1": false,
     "metric": "straight", "seed": 2025,
     "schools": [{"id": "S1", "capacity": 35}, ...],
     "children": [{"id": "C1", "lottery": 0.41, "catchments": ["S1"],
                   "categories": [{"rank": 1}], "list": [["S1", 12], ["S2", 40]],
                   "final_pass": ["S7", "S9"]}, ...]}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from admissions.allocation.checker import Violation, _Collector, _read_claim, check
from admissions.allocation.checker_nearest import (
    _final_pass_turns,
    _Reference,
    _school_id_rank,
    claimed_seats,
)
from admissions.allocation.da import deferred_acceptance
from admissions.allocation.distances import geodesic_m
from admissions.allocation.errors import InstanceError, child_error
from admissions.allocation.instance_io import is_count, is_number
from admissions.allocation.model import Instance, Result
from admissions.allocation.nearest import NearestSource
from admissions.allocation.priorities import CategoryRule, ChildMemberships

FORMAT = "nearest-public"


def is_public_document(data: Any) -> bool:
    return isinstance(data, Mapping) and data.get("format") == FORMAT


# -- writing ------------------------------------------------------------------------------


def _dense_rank_per_school(school: np.ndarray, dist: np.ndarray) -> np.ndarray:
    """Rank of each pair's distance among the pairs of its school (1 = nearest, ties equal)."""
    rank = np.zeros(school.size, dtype=np.int64)
    if not school.size:
        return rank
    order = np.lexsort((dist, school))
    s, d = school[order], dist[order]
    first_of_school = np.r_[True, s[1:] != s[:-1]]
    new_value = first_of_school | np.r_[True, d[1:] != d[:-1]]
    dense = np.cumsum(new_value)
    start = np.maximum.accumulate(np.where(first_of_school, dense, 0))
    rank[order] = dense - start + 1
    return rank


def _final_pass_order(source: NearestSource, ref: _Reference, c: int, open_schools, id_rank):
    """The schools open after the lists in child ``c``'s order for the final pass: its road
    table first (by road metres) when it was routed, then the others by the geodesic."""
    first = np.zeros(0, dtype=np.int64)
    if ref.by_road[c]:
        lo, hi = np.searchsorted(ref.road_keys, [c * source.n_schools, (c + 1) * source.n_schools])
        table = ref.road_keys[lo:hi] % source.n_schools
        metres = ref.road_metres[lo:hi]
        is_open = np.isin(table, open_schools)
        table, metres = table[is_open], metres[is_open]
        first = table[np.lexsort((id_rank[table], metres))]
    rest = np.setdiff1d(open_schools, first)
    dist = geodesic_m(
        np.full(rest.size, source.child_lon[c]),
        np.full(rest.size, source.child_lat[c]),
        source.school_lon[rest],
        source.school_lat[rest],
    )
    return np.concatenate([first, rest[np.lexsort((id_rank[rest], np.asarray(dist)))]])


def public_document(
    source: NearestSource, result: Result | Mapping[str, Any], *, input_sha256: str | None = None
) -> dict[str, Any]:
    """The public verification document of ``result`` computed from ``source``."""
    claim = claimed_seats(source, result)
    seat = np.where(claim.outside, -1, claim.assigned)
    ref = _Reference(source, seat)
    rank = _dense_rank_per_school(ref.school, ref.dist)
    sids = source.school_ids
    id_rank = _school_id_rank(sids)
    from_list = (claim.assigned >= 0) & ~claim.outside
    left = np.asarray(source.capacity, np.int64) - np.bincount(
        claim.assigned[from_list], minlength=source.n_schools
    )
    open_schools = np.flatnonzero(left > 0)
    children = []
    for c, cid in enumerate(source.child_ids):
        entry: dict[str, Any] = {"id": cid, "lottery": float(source.lottery[c])}
        catchments = source.members.catchments_of(c).tolist()
        if catchments:
            entry["catchments"] = sorted(sids[s] for s in catchments)
        categories = source.members.categories_of(c)
        if categories:
            entry["categories"] = sorted(
                ({"rank": r} if s < 0 else {"rank": r, "school": sids[s]} for r, s in categories),
                key=lambda e: (e["rank"], e.get("school", "")),
            )
        lo, hi = ref.ptr[c], ref.ptr[c + 1]
        entry["list"] = [
            [sids[s], int(r)]
            for s, r in zip(ref.school[lo:hi].tolist(), rank[lo:hi].tolist(), strict=True)
        ]
        if claim.outside[c] and claim.assigned[c] >= 0:
            order = _final_pass_order(source, ref, c, open_schools, id_rank).tolist()
            got = int(claim.assigned[c])
            entry["final_pass"] = [sids[s] for s in order[: order.index(got) + 1]]
        children.append(entry)
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": 1,
        "input_sha256": input_sha256 or source.sha256,
        "max_distance_m": float(source.max_distance_m),
        "no_category_rank": int(source.rule.none_rank),
        "categories_in_group_1": bool(source.rule.in_group_1),
        "metric": source.metric,
        "schools": sorted(
            (
                {"id": sid, "capacity": int(cap)}
                for sid, cap in zip(sids, source.capacity.tolist(), strict=True)
            ),
            key=lambda s: s["id"],
        ),
        "children": sorted(children, key=lambda e: e["id"]),
    }
    if source.seed is not None:
        document["seed"] = int(source.seed)
    return document


# -- reading and checking -----------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class PublicSource:
    """A parsed public document, with the attributes the checker's shared helpers read."""

    child_ids: tuple[str, ...]
    school_ids: tuple[str, ...]
    capacity: np.ndarray
    lottery: np.ndarray
    members: ChildMemberships
    rule: CategoryRule
    max_distance_m: float
    metric: str
    input_sha256: str | None
    seed: int | None
    list_ptr: np.ndarray
    list_school: np.ndarray
    list_rank: np.ndarray
    final_pass: tuple[tuple[int, ...], ...] = field(default=())

    @property
    def n_children(self) -> int:
        return len(self.child_ids)

    @property
    def n_schools(self) -> int:
        return len(self.school_ids)


def _school_ids(cid: str, raw: Any, index: Mapping[str, int], what: str) -> list[int]:
    if not isinstance(raw, list):
        raise child_error(cid, f"{what} must be a list of school ids")
    out = []
    for value in raw:
        if not isinstance(value, str) or value not in index:
            raise child_error(cid, f'{what}: "{value}" is not a known school')
        out.append(index[value])
    return out


def _read_child(entry: Any, index: Mapping[str, int]):
    if not isinstance(entry, Mapping) or not isinstance(entry.get("id"), str):
        raise InstanceError("children", "every child needs a string id")
    cid = entry["id"]
    if not is_number(entry.get("lottery")):
        raise child_error(cid, "lottery must be a number")
    catchments = _school_ids(cid, entry.get("catchments", []), index, "catchments")
    categories = []
    for item in entry.get("categories", []):
        if not isinstance(item, Mapping) or not is_count(item.get("rank")):
            raise child_error(cid, "a category needs a whole-number rank")
        school = item.get("school")
        categories.append(
            (
                int(item["rank"]),
                -1 if school is None else _school_ids(cid, [school], index, "category")[0],
            )
        )
    pairs = entry.get("list", [])
    if not isinstance(pairs, list) or not all(
        isinstance(p, list) and len(p) == 2 and is_count(p[1]) for p in pairs
    ):
        raise child_error(cid, "list must hold [school id, rank] pairs")
    listed = _school_ids(cid, [p[0] for p in pairs], index, "list")
    if len(set(listed)) != len(listed):
        raise child_error(cid, "list names a school twice")
    final = _school_ids(cid, entry.get("final_pass", []), index, "final_pass")
    ranks = [int(p[1]) for p in pairs]
    return cid, float(entry["lottery"]), sorted(set(catchments)), categories, listed, ranks, final


def public_source_from_dict(data: Any) -> PublicSource:
    """Validate a public document (exit code 2 at the command line when malformed)."""
    if not is_public_document(data):
        raise InstanceError("instance", f'"format" must be "{FORMAT}"')
    if data.get("version") != 1:
        raise InstanceError("instance", "unknown version of the public document")
    raw_schools = data.get("schools")
    if not isinstance(raw_schools, list) or not all(
        isinstance(s, Mapping) and isinstance(s.get("id"), str) and is_count(s.get("capacity"))
        for s in raw_schools
    ):
        raise InstanceError("schools", "every school needs a string id and a whole capacity")
    school_ids = tuple(s["id"] for s in raw_schools)
    if len(set(school_ids)) != len(school_ids):
        raise InstanceError("schools", "a school id is repeated")
    index = {sid: i for i, sid in enumerate(school_ids)}
    raw_children = data.get("children")
    if not isinstance(raw_children, list):
        raise InstanceError("children", "must be a list")
    rows = [_read_child(entry, index) for entry in raw_children]
    child_ids = tuple(r[0] for r in rows)
    if len(set(child_ids)) != len(child_ids):
        raise InstanceError("children", "a child id is repeated")
    lengths = [len(r[4]) for r in rows]
    ptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(lengths, out=ptr[1:])
    seed = data.get("seed")
    return PublicSource(
        child_ids=child_ids,
        school_ids=school_ids,
        capacity=np.asarray([int(s["capacity"]) for s in raw_schools], dtype=np.int64),
        lottery=np.asarray([r[1] for r in rows], dtype=np.float64),
        members=ChildMemberships.from_lists([r[2] for r in rows], [r[3] for r in rows]),
        rule=CategoryRule(
            in_group_1=bool(data.get("categories_in_group_1", False)),
            none_rank=int(data.get("no_category_rank", CategoryRule().none_rank)),
        ),
        max_distance_m=float(data.get("max_distance_m", 0.0)),
        metric=str(data.get("metric", "straight")),
        input_sha256=data.get("input_sha256"),
        seed=int(seed) if is_count(seed) else None,
        list_ptr=ptr,
        list_school=np.asarray([s for r in rows for s in r[4]], dtype=np.int64),
        list_rank=np.asarray([k for r in rows for k in r[5]], dtype=np.float64),
        final_pass=tuple(tuple(r[6]) for r in rows),
    )


class _PublicReference:
    """The published lists in the shape :class:`_Reference` builds them from coordinates, so
    that the priorities and the instance are made by the same code (one rule, one place)."""

    priorities = _Reference.priorities
    instance = _Reference.instance

    def __init__(self, source: PublicSource) -> None:
        self.source = source
        self.ptr = source.list_ptr
        self.school = source.list_school
        self.child = np.repeat(np.arange(source.n_children, dtype=np.int64), np.diff(self.ptr))
        self.dist = source.list_rank  # the rank stands in for the metres (same order)
        self.catchments = {
            (c, s)
            for c in range(source.n_children)
            for s in source.members.catchments_of(c).tolist()
        }


def check_nearest_public(
    data: Mapping[str, Any] | PublicSource,
    result: Result | Mapping[str, Any],
    *,
    limit_per_kind: int = 20,
) -> list[Violation]:
    """Verify a nearest-first result against its public document (empty list = OK)."""
    source = data if isinstance(data, PublicSource) else public_source_from_dict(data)
    instance = _PublicReference(source).instance()
    violations = check(
        instance,
        result,
        expected_input_sha256=source.input_sha256,
        limit_per_kind=limit_per_kind,
        cutoff_distance=False,  # the cutoffs are in metres, the public lists in ranks
    )
    found = _Collector(limit_per_kind)
    claim = _read_claim(instance, result, _Collector(0))
    _replay_lists(instance, claim, found)
    _replay_final_pass(source, claim, found)
    return violations + found.result()


def _replay_lists(instance: Instance, claim, found: _Collector) -> None:
    """Deferred acceptance on the published lists gives every seat taken from a list (lists
    cut after the seat leave child-proposing DA's outcome unchanged)."""
    pair = deferred_acceptance(instance).assigned_pair
    again = np.where(pair >= 0, instance.choice_school[np.maximum(pair, 0)], -1)
    claimed = np.where(claim.outside, -1, claim.assigned)
    sids = instance.school_ids
    for c in np.flatnonzero(again != claimed):
        found.add(
            "rerun_mismatch",
            f"child {instance.child_ids[c]}: deferred acceptance on the published lists gives "
            f"{sids[again[c]] if again[c] >= 0 else 'no seat from its list'}, the result gives "
            f"{sids[claimed[c]] if claimed[c] >= 0 else 'no seat from its list'}",
            instance.child_ids[c],
        )


def _replay_final_pass(source: PublicSource, claim, found: _Collector) -> None:
    assigned, outside = claim.assigned, claim.outside
    from_list = (assigned >= 0) & ~outside
    seats = source.capacity - np.bincount(assigned[from_list], minlength=source.n_schools)
    name = source.school_ids
    for c in _final_pass_turns(source, np.flatnonzero(~from_list).tolist()):  # type: ignore[arg-type]
        order = [s for s in source.final_pass[c] if seats[s] > 0]
        expected = order[0] if order else -1
        got = int(assigned[c])
        if expected < 0 and (seats > 0).any():
            message = (
                f"child {source.child_ids[c]}: a school still had a free seat at its turn in "
                "the final pass, but its published order reaches none"
            )
        elif got != expected:
            message = (
                f"child {source.child_ids[c]}: at its turn in the final pass the nearest "
                f"school with a free seat is {name[expected] if expected >= 0 else 'none'}, "
                f"the result gives {name[got] if got >= 0 else 'none'}"
            )
        else:
            if expected >= 0:
                seats[expected] -= 1
            continue
        found.add("final_pass_mismatch", message, source.child_ids[c])
        if got >= 0:
            seats[got] -= 1
