"""Entry points that run a mechanism and package a :class:`~.model.Result`."""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace

import numpy as np

from admissions.allocation.checker import count_envy_and_waste
from admissions.allocation.da import deferred_acceptance
from admissions.allocation.model import Instance, Result


def result_from_pairs(
    instance: Instance, assigned_pair: np.ndarray, *, mechanism: str, rounds: int = 0
) -> Result:
    """Wrap a per-child assigned pair array (-1 = none) into a :class:`Result`."""
    placed = assigned_pair >= 0
    safe = np.where(placed, assigned_pair, 0)
    if instance.n_pairs:
        assignment = np.where(placed, instance.choice_school[safe], -1)
        distance = np.where(placed, instance.distance_m[safe], np.nan)
    else:
        assignment = np.full(instance.n_children, -1, dtype=np.int64)
        distance = np.full(instance.n_children, np.nan)
    return Result(
        instance=instance,
        mechanism=mechanism,
        assignment=assignment.astype(np.int64),
        outside_list=np.zeros(instance.n_children, dtype=bool),
        assigned_distance_m=distance,
        rounds=rounds,
    )


def solve_da(instance: Instance, *, verify: bool = True) -> Result:
    """Child-proposing deferred acceptance on the instance's ranked lists.

    With ``verify`` the independent checker's envy/waste count sets ``Result.stable``
    (it is always True for a correct DA; use :func:`~.checker.check` before publishing).
    """
    outcome = deferred_acceptance(instance)
    result = result_from_pairs(
        instance, outcome.assigned_pair, mechanism="da", rounds=outcome.rounds
    )
    if verify:
        envy, waste = count_envy_and_waste(instance, result.assignment)
        result = replace(result, stable=envy == 0 and waste == 0)
    return result


def solve(instance, mechanism: str | None = None, *, verify: bool = True) -> Result:
    """Solve an instance.

    ``instance``: an :class:`Instance` (mechanism ``"da"``, the default) or a
    :class:`~.nearest.NearestSource` (mechanism ``"nearest"``: HCMC nearest-first with
    quotas and a final pass). ``mechanism`` defaults to the policy of the instance.
    """
    nearest = sys.modules.get("admissions.allocation.nearest")  # loaded iff sources exist
    if nearest is not None and isinstance(instance, nearest.NearestSource):
        if mechanism not in (None, "nearest"):
            raise ValueError("a NearestSource can only be solved with mechanism='nearest'")
        return nearest.solve_nearest(instance, verify=verify)
    mechanism = mechanism or instance.policy.mechanism
    if mechanism == "nearest":
        raise ValueError(
            "mechanism 'nearest' needs a NearestSource (coordinates); "
            "build one with nearest.NearestSource or nearest_source_from_dict"
        )
    if mechanism != "da":
        raise ValueError(f"unknown mechanism {mechanism!r}")
    return solve_da(instance, verify=verify)


def _solve_one(args: tuple[Instance, str | None, bool]) -> Result | tuple:
    """Worker: DA partitions send back only the small per-child arrays (not the instance)."""
    instance, mechanism, verify = args
    result = solve(instance, mechanism, verify=verify)
    if isinstance(instance, Instance) and result.mechanism == "da":
        return (result.assigned_pair, result.rounds, result.stable)
    return result


def _rebuild(instance: Instance, mechanism: str | None, returned: Result | tuple) -> Result:
    if isinstance(returned, Result):
        return returned
    assigned_pair, rounds, stable = returned
    result = result_from_pairs(instance, assigned_pair, mechanism="da", rounds=rounds)
    return replace(result, stable=stable)


def solve_partitioned(
    instances: Iterable[Instance],
    mechanism: str | None = None,
    *,
    verify: bool = True,
    workers: int | None = None,
) -> list[Result]:
    """Solve independent partitions (e.g. one per province), optionally in processes.

    ``workers`` ≤ 1 solves in this process; otherwise a ``ProcessPoolExecutor`` (forkserver
    start method, safe with threads) with that many workers is used; results keep the input
    order. On small machines the pickling cost can outweigh the gain: measure.
    """
    items: Sequence[Instance] = list(instances)
    if not workers or workers <= 1:
        return [solve(inst, mechanism, verify=verify) for inst in items]
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        returned = list(pool.map(_solve_one, [(i, mechanism, verify) for i in items]))
    return [_rebuild(i, mechanism, r) for i, r in zip(items, returned, strict=True)]
