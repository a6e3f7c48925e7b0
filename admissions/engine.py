"""Thin adapter between the portal and the pure allocation engine (`admissions.allocation`).

The engine knows nothing about Django; this module turns arrays prepared by the services into
an engine `Instance`, solves it, runs the engine's independent checker and computes the
statistics and explanation data the portal stores. Where the engine does not (yet) offer a
piece, the fallback here is marked as such.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from admissions.allocation.checker import check, count_envy_and_waste
from admissions.allocation.distances import pair_distances
from admissions.allocation.engine import solve_da
from admissions.allocation.explain import Explainer, render_explanation
from admissions.allocation.lottery import lottery_single
from admissions.allocation.model import Instance, Policy, Result
from admissions.allocation.nearest import nearest_source, solve_nearest


@dataclass
class ChildArrays:
    ids: list[str]  # tracking codes (stable, unique)
    lon: np.ndarray
    lat: np.ndarray
    category_rank: np.ndarray  # int per child
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
    catchment_pairs: np.ndarray,
    seed: int,
    mechanism: str,
    max_distance_m: float,
) -> Instance:
    """Priority at each ranked school = (group, category rank, distance in metres); group 1
    when the residence lies in that school's catchment (`catchment_pairs[pair]`), else 2.
    Ties are broken by one lottery number per child drawn from `seed`."""
    n = len(children.ids)
    pair_child = np.repeat(np.arange(n, dtype=np.int64), np.diff(children.choice_ptr))
    distance = pair_distances(
        children.lon, children.lat, pair_child, children.choice_school, schools.lon, schools.lat
    )
    distance = np.round(distance, 1)
    group = np.where(catchment_pairs, 1.0, 2.0)
    priority = np.column_stack(
        [group, children.category_rank[pair_child].astype(np.float64), distance]
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
        ),
    )


def solve_nearest_and_check(
    children: ChildArrays,
    schools: SchoolArrays,
    *,
    catchment: np.ndarray,
    seed: int,
    max_distance_m: float,
) -> tuple[Result, list]:
    """The engine's HCMC nearest-first mechanism (lists = schools within the legal distance,
    DA with (group, category, distance) priorities, then a final pass to the nearest free
    seat). `catchment[c]` is the index of the school whose catchment holds the child's pin
    (-1 for none). Checked by the engine's checker against the source document's hash."""
    source = nearest_source(
        children.ids,
        children.lon,
        children.lat,
        schools.ids,
        schools.lon,
        schools.lat,
        schools.capacity,
        seed=seed,
        catchment=catchment.astype(np.int64),
        category=children.category_rank,
        max_distance_m=max_distance_m,
    )
    result = solve_nearest(source)
    violations = check(
        result.instance,
        result,
        expected_input_sha256=result.input_sha256,
        rerun=lambda: solve_nearest(source, verify=False),
    )
    return result, violations


def explanations(result: Result, school_names: dict[str, str]):
    """(Vietnamese, English) sentences of every child from the engine's renderer."""
    explainer = Explainer(result)
    for child_id in result.instance.child_ids:
        expl = explainer.explain(child_id)
        yield (
            render_explanation(expl, "vi", school_names),
            render_explanation(expl, "en", school_names),
        )


def solve_and_check(instance: Instance) -> tuple[Result, list]:
    """Solve with deferred acceptance and run the engine's independent checker (with an
    independent re-run for the result hash)."""
    result = solve_da(instance)
    violations = check(instance, result, rerun=lambda: solve_da(instance, verify=False))
    return result, violations


def statistics(result: Result) -> dict:
    inst = result.instance
    assigned = result.assignment
    placed = assigned >= 0
    rank = np.full(inst.n_children, -1, dtype=np.int64)
    pair = result.assigned_pair
    rank[pair >= 0] = inst.pair_rank[pair[pair >= 0]]
    distances = result.assigned_distance_m[placed & np.isfinite(result.assigned_distance_m)]
    envy, waste = count_envy_and_waste(inst, assigned, result.outside_list)
    group = np.full(inst.n_children, 0)
    group[pair >= 0] = inst.priority[pair[pair >= 0], 0].astype(int)
    cutoff_distance = {}
    for sid, cutoff in result.cutoffs.items():
        cutoff_distance[sid] = float(cutoff.priority[2])
    n = inst.n_children
    return {
        "children": n,
        "schools": inst.n_schools,
        "seats": int(inst.capacity.sum()),
        "placed": int(placed.sum()),
        "unplaced": int((~placed).sum()),
        "placed_first_choice": int((rank == 0).sum()),
        "placed_top3": int(((rank >= 0) & (rank < 3)).sum()),
        "share_first_choice": round(float((rank == 0).sum()) / n, 4) if n else 0.0,
        "in_catchment": int((group == 1).sum()),
        "distance_mean_m": round(float(distances.mean()), 1) if distances.size else None,
        "distance_median_m": round(float(np.median(distances)), 1) if distances.size else None,
        "distance_p95_m": round(float(np.percentile(distances, 95)), 1) if distances.size else None,
        "envy_pairs": int(envy),
        "wasted_seat_pairs": int(waste),
        "cutoff_distance_m": cutoff_distance,
    }
