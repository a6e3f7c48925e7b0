"""Canonical JSON and SHA-256 fingerprints of instances and results.

Canonical form (used for both hashes):

* ``json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` encoded
  as UTF-8 — sorted keys, no whitespace;
* numbers: integral values are written as integers (``640.0`` → ``640``), other floats
  with Python's shortest round-trip representation; NaN/inf never occur (validated);
* lists of schools and of children are sorted by id (input order does not matter).

``input_sha256`` (DA instances) hashes::

    {"children": [{"choices": [...], "id": ..., "lottery": x | {school: x},
                   "priority": {school: [...]}, ["ward": ..., "group": ...]}, ...],
     "schools": [{"capacity": n, "id": ..., ["reserved": {category: n}]}, ...]}

Nearest-first sources hash their own canonical document (see ``nearest.py``).

``result_sha256`` hashes ``{"assignment": {child: school | null}, "cutoffs": {school:
{"lottery": x, "priority": [...]}}}``.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from admissions.allocation.model import Instance


def canonical_json(obj: Any) -> bytes:
    """Canonical UTF-8 JSON bytes of ``obj`` (sorted keys, no whitespace)."""
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def sha256_of(obj: Any) -> str:
    """Hex SHA-256 of the canonical JSON of ``obj``."""
    return hashlib.sha256(canonical_json(obj)).hexdigest()


def plain_list(values: np.ndarray) -> list[int | float]:
    """Array → list of Python numbers with integral values as ``int``."""
    return [int(v) if v.is_integer() else v for v in np.asarray(values, float).ravel().tolist()]


def instance_document(instance: Instance) -> dict[str, Any]:
    """The canonical (JSON-ready) document of a DA instance, children and schools by id."""
    school_ids = instance.school_ids
    schools = []
    for i, sid in enumerate(school_ids):
        entry: dict[str, Any] = {"id": sid, "capacity": int(instance.capacity[i])}
        if instance.reserved is not None and instance.reserved[i]:
            entry["reserved"] = dict(instance.reserved[i])
        schools.append(entry)
    schools.sort(key=lambda s: s["id"])

    ptr = instance.choice_ptr.tolist()
    school_of_pair = [school_ids[s] for s in instance.choice_school.tolist()]
    length = instance.priority_length
    flat = plain_list(instance.priority)
    lottery = plain_list(instance.lottery)
    children = []
    for c, cid in enumerate(instance.child_ids):
        lo, hi = ptr[c], ptr[c + 1]
        choices = school_of_pair[lo:hi]
        prio = {
            sid: flat[(lo + k) * length : (lo + k + 1) * length] for k, sid in enumerate(choices)
        }
        entry = {"id": cid, "choices": choices, "priority": prio}
        if instance.lottery_per_school:
            entry["lottery"] = dict(zip(choices, lottery[lo:hi], strict=True))
        else:
            entry["lottery"] = lottery[lo] if hi > lo else None
        if instance.ward is not None and instance.ward[c] is not None:
            entry["ward"] = instance.ward[c]
        if instance.group is not None and instance.group[c] is not None:
            entry["group"] = instance.group[c]
        children.append(entry)
    children.sort(key=lambda ch: ch["id"])
    return {"schools": schools, "children": children}


def instance_sha256(instance: Instance) -> str:
    """SHA-256 of the canonical JSON of a DA instance."""
    return sha256_of(instance_document(instance))


def result_sha256(assignment: dict[str, str | None], cutoffs: dict[str, dict[str, Any]]) -> str:
    """SHA-256 of the canonical JSON of an assignment and its cutoffs."""
    normal_cutoffs = {
        sid: {
            "priority": [_plain(v) for v in c["priority"]],
            "lottery": _plain(c["lottery"]),
        }
        for sid, c in cutoffs.items()
    }
    return sha256_of({"assignment": assignment, "cutoffs": normal_cutoffs})


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
