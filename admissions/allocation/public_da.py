"""The public verification document of a deferred-acceptance run: no metres (ADR 26).

A DA input has no homes, but its priority tuples ``(group, category rank, distance_m)`` carry
each child's distance to every school it chose; the schools' positions are public, so three
distances locate a home to the metre (trilateration). The public document replaces every
distance by the child's *rank by distance among the children who chose that school*
(1 = nearest; equal distances share a rank), computed over all of the school's pairs. DA only
ever compares two children's tuples at one school, so the ranks keep every comparison the
rules make: :func:`check_da_public` checks capacities, justified envy and wasted seats on the
published priorities, re-runs deferred acceptance on them and compares every seat, and the
command line checks the lottery against the seed. Cutoffs in the result are in metres and are
compared without their distance. What the file cannot show is the distances themselves:
auditors check those with the complete input (staff-only), a family on its result page.

Document (the DA instance document of ``instance_io.py``, plus a header)::

    {"format": "da-public", "version": 1, "input_sha256": "<hash of the full input>",
     "seed": 2025, "metric": "walking", "distance_index": 2,
     "schools": [{"id": "S1", "capacity": 35}, ...],
     "children": [{"id": "C1", "choices": ["S1", "S2"],
                   "priority": {"S1": [1, 99, 12], "S2": [2, 99, 40]}, "lottery": 0.41}, ...]}

Ward and group labels (statistics only) are left out; the road network's name too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from admissions.allocation.checker import Violation, _Collector, _read_claim, check
from admissions.allocation.errors import InstanceError
from admissions.allocation.hashing import instance_document
from admissions.allocation.instance_io import instance_from_dict
from admissions.allocation.mechanisms import solve_da
from admissions.allocation.model import Instance, Result
from admissions.allocation.public import _dense_rank_per_school

FORMAT = "da-public"
_HEADER = ("format", "version", "input_sha256")


def is_da_public_document(data: Any) -> bool:
    return isinstance(data, Mapping) and data.get("format") == FORMAT


def ranked_instance(instance: Instance) -> Instance:
    """``instance`` with each distance replaced by the child's dense rank by distance among
    the children who chose the school (unchanged when the tuples carry no distance)."""
    k = instance.policy.distance_index
    if k is None or instance.priority_length <= k or not instance.n_pairs:
        return instance
    priority = instance.priority.copy()
    priority[:, k] = _dense_rank_per_school(instance.choice_school, priority[:, k])
    return replace(
        instance, priority=priority, distance_m=priority[:, k].copy(), ward=None, group=None
    )


def public_da_document(
    input_document: Mapping[str, Any], *, input_sha256: str | None = None
) -> dict[str, Any]:
    """The public document of a DA run from its complete input document (the one stored
    with the run). ``input_sha256`` defaults to the complete input's own hash."""
    instance = instance_from_dict(input_document)
    document = instance_document(ranked_instance(instance))
    for child in document["children"]:
        child.pop("ward", None)
        child.pop("group", None)
    document.update(
        format=FORMAT,
        version=1,
        input_sha256=input_sha256 or instance.input_sha256,
        distance_index=instance.policy.distance_index,
        metric=instance.policy.metric,
    )
    if instance.policy.seed is not None:
        document["seed"] = int(instance.policy.seed)
    return document


def da_public_instance(data: Any) -> tuple[Instance, str]:
    """Validate a public DA document → the instance of its published priorities and the
    complete input's hash (exit code 2 at the command line when malformed)."""
    if not is_da_public_document(data):
        raise InstanceError("instance", f'"format" must be "{FORMAT}"')
    if data.get("version") != 1:
        raise InstanceError("instance", "unknown version of the public document")
    input_sha256 = data.get("input_sha256")
    if not isinstance(input_sha256, str) or not input_sha256:
        raise InstanceError("instance", "input_sha256 must name the complete input's hash")
    body = {key: value for key, value in data.items() if key not in _HEADER}
    return instance_from_dict(body), input_sha256


def check_da_public(
    data: Mapping[str, Any] | tuple[Instance, str],
    result: Result | Mapping[str, Any],
    *,
    limit_per_kind: int = 20,
) -> list[Violation]:
    """Verify a DA result against its public document (empty list = OK). The lottery against
    the seed is checked by the command line, as for every input."""
    instance, input_sha256 = data if isinstance(data, tuple) else da_public_instance(data)
    violations = check(
        instance,
        result,
        expected_input_sha256=input_sha256,
        limit_per_kind=limit_per_kind,
        cutoff_distance=False,  # the cutoffs are in metres, the published tuples in ranks
    )
    found = _Collector(limit_per_kind)
    claim = _read_claim(instance, result, _Collector(0))
    again = solve_da(instance, verify=False).assignment
    sids = instance.school_ids
    for c in np.flatnonzero(again != claim.assigned):
        found.add(
            "rerun_mismatch",
            f"child {instance.child_ids[c]}: deferred acceptance on the published priorities "
            f"gives {sids[again[c]] if again[c] >= 0 else 'no seat'}, the result gives "
            f"{sids[claim.assigned[c]] if claim.assigned[c] >= 0 else 'no seat'}",
            instance.child_ids[c],
        )
    return violations + found.result()
