"""Minimum-total-distance plan (transportation problem) — for the planning simulator only.

The plan places as many children as possible on schools they ranked, then minimises the
total distance, ignoring priorities. It is **not** fair: its count of justified-envy pairs
(computed by the independent checker) is reported so that it can be shown beside DA's,
which is always 0.

Solved with OR-Tools ``SimpleMinCostFlow.solve_max_flow_with_min_cost``: every child is a
source of one unit, child → ranked school (capacity 1, cost = distance in decimetres), school →
sink (capacity = seats). The solver first finds the largest flow (most children placed) and
then the cheapest flow of that size, exactly what the plan asks for. (An earlier version added
a child → sink arc with a huge penalty instead; the penalty's size slowed the cost-scaling
algorithm down about threefold at 155,000 children.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from admissions.allocation.checker import count_envy_and_waste
from admissions.allocation.model import Instance

COST_SCALE = 10  # decimetres


@dataclass(frozen=True)
class Plan:
    """A min-total-distance assignment and its fairness figures."""

    assignment: np.ndarray  # int64[C], -1 = none
    placed: int
    total_distance_m: float
    justified_envy_pairs: int
    wasted_seat_pairs: int


def min_total_distance_plan(instance: Instance) -> Plan:
    """Solve the transportation problem on the instance's ranked lists (needs distances)."""
    inst = instance
    if inst.n_pairs and np.isnan(inst.distance_m).any():
        raise ValueError("the min-distance plan needs a distance for every ranked pair")
    n_children, n_schools = inst.n_children, inst.n_schools
    sink = n_children + n_schools
    cost = np.rint(inst.distance_m * COST_SCALE).astype(np.int64)
    start = np.concatenate([inst.pair_child, np.arange(n_schools, dtype=np.int64) + n_children])
    end = np.concatenate(
        [inst.choice_school + n_children, np.full(n_schools, sink, dtype=np.int64)]
    )
    capacity = np.concatenate(
        [np.ones(inst.n_pairs, dtype=np.int64), inst.capacity.astype(np.int64)]
    )
    unit_cost = np.concatenate([cost, np.zeros(n_schools, dtype=np.int64)])
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(start, end, capacity, unit_cost)
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[:n_children] = 1
    supplies[sink] = -n_children
    flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int64), supplies)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    used = flow.flows(arcs[: inst.n_pairs]) > 0
    assignment = np.full(n_children, -1, dtype=np.int64)
    assignment[inst.pair_child[used]] = inst.choice_school[used]
    envy, waste = count_envy_and_waste(inst, assignment)
    return Plan(
        assignment=assignment,
        placed=int(used.sum()),
        total_distance_m=float(inst.distance_m[used].sum()),
        justified_envy_pairs=envy,
        wasted_seat_pairs=waste,
    )
