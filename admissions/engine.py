"""Thin adapter between the portal and the pure allocation engine (`admissions.allocation`).

The engine knows nothing about Django; this module turns arrays prepared by the services into
an engine `Instance`, solves it, runs the engine's independent checker and computes the
statistics and explanation data the portal stores. Where the engine does not (yet) offer a
piece, the fallback here is marked as such.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from admissions.allocation.checker import check
from admissions.allocation.checker_nearest import check_nearest
from admissions.allocation.distances import pair_distances
from admissions.allocation.explanations import Explainer, render_explanation
from admissions.allocation.lottery import lottery_single
from admissions.allocation.mechanisms import solve_da
from admissions.allocation.model import Instance, Policy, Result
from admissions.allocation.nearest import NearestSource, solve_nearest
from admissions.allocation.priorities import CategoryRule, ChildMemberships, pair_priorities
from admissions.allocation.road import STRAIGHT, RoadDistances


@dataclass
class ChildArrays:
    ids: list[str]  # engine ids of the children (stable, unique)
    lon: np.ndarray
    lat: np.ndarray
    members: ChildMemberships  # catchments (all that hold the home) and priority categories
    choice_ptr: np.ndarray  # CSR over ranked schools (indices into SchoolArrays)
    choice_school: np.ndarray


@dataclass
class SchoolArrays:
    ids: list[str]  # str(school pk)
    capacity: np.ndarray
    lon: np.ndarray
    lat: np.ndarray


def build_instance(
    children: ChildArrays,
    schools: SchoolArrays,
    *,
    rule: CategoryRule,
    seed: int,
    max_distance_m: float,
    metric: str = STRAIGHT,
    road: RoadDistances | None = None,
) -> Instance:
    """Deferred acceptance on the families' rankings. Priority at each ranked school =
    (group, category rank, distance in metres) by the one rule of `priorities.py` (group 1 at
    every school whose catchment holds the home; scoped categories only at their school).
    Ties are broken by one lottery number per child drawn from `seed`. With a road metric the
    distance is the road metres of ``road`` (children with a fallback reason: the straight
    line); the metric is part of the instance and of its hash."""
    n = len(children.ids)
    pair_child = np.repeat(np.arange(n, dtype=np.int64), np.diff(children.choice_ptr))
    distance = pair_distances(
        children.lon, children.lat, pair_child, children.choice_school, schools.lon, schools.lat
    )
    if road is not None:
        by_road = road.lookup(pair_child, children.choice_school)
        routed = road.routed[pair_child] & ~np.isnan(by_road)
        distance = np.where(routed, by_road, distance)
    distance = np.round(distance, 1)
    priority = pair_priorities(
        children.members, pair_child, children.choice_school, distance, len(schools.ids), rule
    )
    lottery = lottery_single(children.ids, seed)[pair_child]
    return Instance(
        school_ids=tuple(schools.ids),
        capacity=schools.capacity.astype(np.int64),
        child_ids=tuple(children.ids),
        choice_ptr=children.choice_ptr.astype(np.int64),
        choice_school=children.choice_school.astype(np.int64),
        priority=priority,
        lottery=lottery.astype(np.float64),
        distance_m=distance.astype(np.float64),
        policy=Policy(
            mechanism="da",
            max_distance_m=float(max_distance_m),
            distance_index=2,
            priority_labels=("group", "category", "distance_m"),
            seed=seed,
            no_category_rank=rule.none_rank,
            metric=metric,
        ),
    )


def road_distances(
    n_children: int, table, *, limit_m: float, network: str = "", pairs=None
) -> RoadDistances:
    """The engine's road distances from the GIS table (flat child/school/road_m arrays and a
    reason per child, ``gis.routing.RoadTable``), metres rounded to 0.1 m as published.

    ``pairs`` (DA: the ranked choices): a child routed but with one of these pairs missing
    from the table (a ranked school beyond the routing limit) falls back to the straight line
    as a whole, with the reason ``unreachable`` — distances of one child are never mixed."""
    reason = [str(r) for r in np.asarray(table.reason).tolist()]
    metres = np.round(np.asarray(table.road_m, dtype=np.float64), 1)
    road = RoadDistances.from_pairs(
        n_children, table.child, table.school, metres, reason, limit_m=limit_m, network=network
    )
    if pairs is None:
        return road
    missing = np.isnan(road.lookup(*pairs)) & road.routed[pairs[0]]
    if not missing.any():
        return road
    for c in np.unique(np.asarray(pairs[0])[missing]).tolist():
        reason[c] = "unreachable"
    return RoadDistances.from_pairs(
        n_children, table.child, table.school, metres, reason, limit_m=limit_m, network=network
    )


def nearest_source_of(
    children: ChildArrays,
    schools: SchoolArrays,
    *,
    rule: CategoryRule,
    seed: int,
    max_distance_m: float,
    metric: str = STRAIGHT,
    road: RoadDistances | None = None,
) -> NearestSource:
    """The nearest-first source document of a run (what is hashed, published and re-run)."""
    ids = tuple(children.ids)
    return NearestSource(
        child_ids=ids,
        child_lon=np.asarray(children.lon, dtype=np.float64),
        child_lat=np.asarray(children.lat, dtype=np.float64),
        school_ids=tuple(schools.ids),
        school_lon=np.asarray(schools.lon, dtype=np.float64),
        school_lat=np.asarray(schools.lat, dtype=np.float64),
        capacity=np.asarray(schools.capacity, dtype=np.int64),
        lottery=lottery_single(ids, seed),
        members=children.members,
        max_distance_m=float(max_distance_m),
        rule=rule,
        seed=seed,
        metric=metric,
        road=road,
    )


def solve_nearest_and_check(source: NearestSource) -> tuple[Result, list]:
    """The engine's HCMC nearest-first mechanism (lists = schools within the legal distance
    and the catchment schools, DA with (group, category, distance) priorities, then the exact
    final pass), verified by the independent nearest-first checker (lists rebuilt from the
    coordinates, final pass replayed, re-run hash)."""
    result = solve_nearest(source)
    violations = check_nearest(source, result, rerun=lambda: solve_nearest(source, verify=False))
    return result, violations


def explanations(
    result: Result, school_names: dict[str, str], categories: list[tuple[int, str, str]]
):
    """(Vietnamese, English) sentences of every child from the engine's renderer; categories
    are (rank, Vietnamese name, English name) so sentences name them, never show a rank."""
    explainer = Explainer(result)
    names_vi = {rank: vi for rank, vi, _ in categories}
    names_en = {rank: en for rank, _, en in categories}
    for child_id in result.instance.child_ids:
        expl = explainer.explain(child_id)
        yield (
            render_explanation(expl, "vi", school_names, names_vi),
            render_explanation(expl, "en", school_names, names_en),
        )


def solve_and_check(instance: Instance) -> tuple[Result, list]:
    """Solve with deferred acceptance and run the engine's independent checker (with an
    independent re-run for the result hash)."""
    result = solve_da(instance)
    violations = check(instance, result, rerun=lambda: solve_da(instance, verify=False))
    return result, violations
