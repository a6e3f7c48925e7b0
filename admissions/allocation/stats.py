"""Summary statistics of a result: :func:`compute_stats` (overall, by ward and by group when
provided) and :func:`run_statistics` (the figures the portal stores with a run).

Distance = metres from the child to its assigned school (``Result.assigned_distance_m``:
the distance element of the priority tuple, or the geodesic distance for nearest-first and
final-pass placements). Only placed children with a known distance count.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from admissions.allocation.checker import count_envy_and_waste
from admissions.allocation.model import Result


def _summary(assigned_rank: np.ndarray, distance: np.ndarray, outside: np.ndarray) -> dict:
    n = int(assigned_rank.size)
    placed = assigned_rank >= 0
    known = distance[placed & ~np.isnan(distance)]
    dist: dict[str, float | None] = {"mean": None, "median": None, "p95": None, "max": None}
    if known.size:
        dist = {
            "mean": round(float(known.mean()), 1),
            "median": round(float(np.median(known)), 1),
            "p95": round(float(np.percentile(known, 95)), 1),
            "max": round(float(known.max()), 1),
        }
    first = int((assigned_rank == 0).sum())
    top3 = int(((assigned_rank >= 0) & (assigned_rank < 3)).sum())
    n_placed = int(placed.sum())
    return {
        "children": n,
        "placed": n_placed,
        "unplaced": n - n_placed,
        "first_choice": first,
        "top3": top3,
        "placed_by_final_pass": int(outside.sum()),
        "share_first_choice": round(first / n, 4) if n else None,
        "share_top3": round(top3 / n, 4) if n else None,
        "share_unplaced": round((n - n_placed) / n, 4) if n else None,
        "distance_m": dist,
    }


def compute_stats(result: Result) -> dict[str, Any]:
    """Counts (placed at 1st choice / within top 3 / unplaced / final pass) and distance
    mean, median, p95 and max — overall and, when children carry them, by ward and group.

    Children placed by the final pass count as placed but not at any ranked choice.
    """
    inst = result.instance
    pair = result.assigned_pair
    rank = np.where(pair >= 0, pair - inst.choice_ptr[:-1], -1)
    rank = np.where(result.outside_list, np.iinfo(np.int64).max, rank)
    rank = np.where(result.assignment >= 0, rank, -1)
    distance = result.assigned_distance_m
    out: dict[str, Any] = _summary(rank, distance, result.outside_list)
    for name, labels in (("by_ward", inst.ward), ("by_group", inst.group)):
        if labels is None:
            continue
        keys = np.asarray(["" if v is None else v for v in labels], dtype=object)
        values, inverse = np.unique(keys, return_inverse=True)
        out[name] = {
            str(v): _summary(
                rank[inverse == i], distance[inverse == i], result.outside_list[inverse == i]
            )
            for i, v in enumerate(values)
        }
    return out


def run_statistics(result: Result) -> dict[str, Any]:
    """Figures stored with a portal run: placements, first choice / top 3, children in
    catchment, distance mean / median / p95, envy and wasted-seat pairs (0 for a correct run)
    and each school's cutoff distance."""
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
