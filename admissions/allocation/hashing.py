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
     ["metric": "walking" | "driving",]
     "schools": [{"capacity": n, "id": ..., ["reserved": {category: n}]}, ...]}

``metric`` says what the distances in the priority tuples measure; it is absent for the
straight line (so hashes of earlier instances are unchanged) and present otherwise.

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
    """The canonical (JSON-ready) document of a DA instance, children and schools by id.

    Reference implementation; hashing uses the equivalent :func:`instance_canonical_json`.
    """
    school_ids = instance.school_ids
    schools = instance_document_schools(instance)

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
    document: dict[str, Any] = {"schools": schools, "children": children}
    if instance.policy.metric != "straight":
        document["metric"] = instance.policy.metric
    return document


def instance_sha256(instance: Instance) -> str:
    """SHA-256 of the canonical JSON of a DA instance (fast writer, same bytes)."""
    return hashlib.sha256(instance_canonical_json(instance)).hexdigest()


def _number_tokens(values: np.ndarray) -> list[str]:
    """Canonical JSON tokens of a float array (integral values written as integers)."""
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        return []
    if not np.isfinite(values).all():
        raise ValueError("non-finite number in instance")
    integral = (values == np.floor(values)) & (np.abs(values) < 2**53)
    if integral.all():
        return json.dumps(values.astype(np.int64).tolist(), separators=(",", ":"))[1:-1].split(",")
    tokens = json.dumps(values.tolist(), separators=(",", ":"))[1:-1].split(",")
    for i in np.flatnonzero(integral).tolist():
        tokens[i] = str(int(values[i]))
    return tokens


def instance_canonical_json(instance: Instance) -> bytes:
    """Canonical JSON bytes of :func:`instance_document`, written without building it.

    Equal to ``canonical_json(instance_document(instance))`` (tested) but several times
    faster on large instances.
    """
    quote = json.encoder.encode_basestring  # type: ignore[attr-defined]
    inst = instance
    sid_json = [quote(sid) for sid in inst.school_ids]
    school_doc = {"schools": instance_document_schools(inst)}
    schools_txt = canonical_json(school_doc).decode("utf-8")[len('{"schools":') : -1]

    columns = [_number_tokens(inst.priority[:, k]) for k in range(inst.priority_length)]
    pair_school = inst.choice_school.tolist()
    pair_sid = [sid_json[s] for s in pair_school]
    fragments = [
        f"{sid}:[{','.join(values)}]" for sid, *values in zip(pair_sid, *columns, strict=True)
    ]
    if inst.lottery_per_school:
        lottery = _number_tokens(inst.lottery)
    else:  # one number per child: format it once, at the child's first pair
        first = inst.choice_ptr[:-1][inst.list_length > 0]
        lottery = [""] * inst.n_pairs
        for pair, token in zip(first.tolist(), _number_tokens(inst.lottery[first]), strict=True):
            lottery[pair] = token
    sid_rank = np.empty(inst.n_schools, dtype=np.int64)
    sid_rank[np.argsort(np.asarray(inst.school_ids, dtype=object), kind="stable")] = np.arange(
        inst.n_schools
    )
    by_id = np.lexsort((sid_rank[inst.choice_school], inst.pair_child)).tolist()
    ptr = inst.choice_ptr.tolist()
    ward, group = inst.ward, inst.group
    parts = []
    for c in np.argsort(inst.child_id_order).tolist():
        lo, hi = ptr[c], ptr[c + 1]
        text = ['{"choices":[', ",".join(pair_sid[lo:hi]), "]"]
        if group is not None and group[c] is not None:
            text.append(f',"group":{quote(group[c])}')
        text.append(f',"id":{quote(inst.child_ids[c])},"lottery":')
        if inst.lottery_per_school:
            text.append("{" + ",".join(f"{pair_sid[k]}:{lottery[k]}" for k in by_id[lo:hi]) + "}")
        else:
            text.append(lottery[lo] if hi > lo else "null")
        text.append(',"priority":{' + ",".join(fragments[k] for k in by_id[lo:hi]) + "}")
        if ward is not None and ward[c] is not None:
            text.append(f',"ward":{quote(ward[c])}')
        text.append("}")
        parts.append("".join(text))
    metric = "" if inst.policy.metric == "straight" else f',"metric":{quote(inst.policy.metric)}'
    return (
        '{"children":[' + ",".join(parts) + "]" + metric + ',"schools":' + schools_txt + "}"
    ).encode()


def instance_document_schools(instance: Instance) -> list[dict[str, Any]]:
    """School entries of the canonical document, sorted by id."""
    schools = []
    for i, sid in enumerate(instance.school_ids):
        entry: dict[str, Any] = {"id": sid, "capacity": int(instance.capacity[i])}
        if instance.reserved is not None and instance.reserved[i]:
            entry["reserved"] = dict(instance.reserved[i])
        schools.append(entry)
    schools.sort(key=lambda s: s["id"])
    return schools


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
