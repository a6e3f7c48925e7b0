"""Canonical forms and SHA-256 fingerprints of instances and results.

``input_sha256`` of a DA instance — version 2 (ADR 25; ADR 13 for its use)
-------------------------------------------------------------------------------
SHA-256 over a stream of sections, each written as ``name`` (ASCII) + ``b"\\0"`` + the
length of ``payload`` as an unsigned 64-bit little-endian integer + ``payload``. Children
and schools are sorted by id in code-point order (input order does not matter); integers
are int64 little-endian, numbers IEEE-754 float64 little-endian with ``-0.0`` written as
``0.0`` (so ``640`` and ``640.0`` are the same number, as in the JSON input); JSON payloads
are canonical JSON (below). In this order:

1. ``admissions.instance`` — canonical JSON ``{"version": 2, "priority_length": P,
   "lottery_per_school": bool}``;
2. ``schools`` — canonical JSON ``[[id, capacity, {category: seats} or null], ...]``;
3. ``children`` — canonical JSON list of child ids;
4. ``list_length`` — int64 per child: how many schools it ranked;
5. ``choice`` — int64 per ranked pair (children in id order, each list best first): the
   position of the school in the sorted school list;
6. ``priority`` — float64, P per ranked pair, in the same order;
7. ``lottery`` — float64 per ranked pair (per-school lotteries) or per child (NaN
   ``0x7ff8000000000000`` for a child without a ranked school);
8. ``labels`` (only when some child has a ward or group) — canonical JSON
   ``{"group": [...], "ward": [...]}``, one entry per child, null when absent.

The arrays are hashed as they are in memory (no number formatting), which is what makes it
fast: 155,000 children in well under a second, where formatting 775,000 floats as JSON
(version 1) took seconds. :func:`instance_sha256_v1` still computes version 1 so that
results exported before the change can be verified (the checker accepts either).

Canonical JSON (version 1 of the instance hash; results; nearest-first sources)
--------------------------------------------------------------------------------
* ``json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` encoded
  as UTF-8 — sorted keys, no whitespace;
* numbers: integral values are written as integers (``640.0`` → ``640``), other floats
  with Python's shortest round-trip representation; NaN/inf never occur (validated);
* lists of schools and of children are sorted by id (input order does not matter).

Version 1 of ``input_sha256`` hashed the canonical JSON of::

    {"children": [{"choices": [...], "id": ..., "lottery": x | {school: x},
                   "priority": {school: [...]}, ["ward": ..., "group": ...]}, ...],
     ["metric": "walking" | "driving",]
     "schools": [{"capacity": n, "id": ..., ["reserved": {category: n}]}, ...]}

``metric`` says what the distances in the priority tuples measure; it is absent for the
straight line (so hashes of earlier instances are unchanged) and present otherwise.

Nearest-first sources hash their own canonical JSON document (see ``nearest.py``): the
hash of a published nearest-first input is the SHA-256 of the file itself.

``result_sha256`` hashes ``{"assignment": {child: school | null}, "cutoffs": {school:
{"lottery": x, "priority": [...]}}}``.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

import msgspec
import numpy as np

from admissions.allocation.model import code_point_order, code_point_rank

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


INSTANCE_HASH_VERSION = 2


def instance_sha256(instance: Instance) -> str:
    """``input_sha256`` of a DA instance, version 2 (binary sections; module docstring)."""
    digest = hashlib.sha256()
    for name, payload in instance_hash_sections(instance):
        digest.update(name.encode("ascii") + b"\0")
        digest.update(len(payload).to_bytes(8, "little"))
        digest.update(payload)
    return digest.hexdigest()


def _float_bytes(values: np.ndarray) -> bytes:
    normal = np.asarray(values, dtype=np.float64) + 0.0  # + 0.0 turns -0.0 into 0.0
    # (a sum is finite only if every term is; the element-wise test runs only if it is not)
    if normal.size and not np.isfinite(normal.sum()) and not np.isfinite(normal).all():
        raise ValueError("non-finite number in instance")
    return normal.astype("<f8", copy=False).tobytes()


def instance_hash_sections(instance: Instance) -> list[tuple[str, bytes]]:
    """The sections hashed by :func:`instance_sha256`, in order (see the module docstring)."""
    inst = instance
    meta = {
        "version": INSTANCE_HASH_VERSION,
        "priority_length": inst.priority_length,
        "lottery_per_school": bool(inst.lottery_per_school),
    }
    if inst.policy.metric != "straight":  # by road: part of the input (absent for straight)
        meta["metric"] = inst.policy.metric
    school_order = code_point_order(inst.school_ids)
    position = np.empty(inst.n_schools, dtype=np.int64)
    position[school_order] = np.arange(inst.n_schools, dtype=np.int64)
    reserved = inst.reserved
    schools = [
        [
            inst.school_ids[s],
            int(inst.capacity[s]),
            dict(reserved[s]) if reserved is not None and reserved[s] else None,
        ]
        for s in school_order.tolist()
    ]
    child_order = np.argsort(inst.child_id_order)  # child indices in id order
    in_order = bool((child_order == np.arange(inst.n_children)).all())
    lengths = inst.list_length[child_order]
    starts = inst.choice_ptr[:-1][child_order]
    if in_order:  # children already sorted by id: the pairs are too
        pair = np.arange(inst.n_pairs, dtype=np.int64)
        child_ids = list(inst.child_ids)
    else:  # pairs of the children in id order, each child's pairs in preference order
        pair = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(
            int(lengths.sum()), dtype=np.int64
        )
        child_ids = [inst.child_ids[c] for c in child_order.tolist()]
    priority = inst.priority if in_order else inst.priority[pair]
    if inst.lottery_per_school:
        lottery = inst.lottery if in_order else inst.lottery[pair]
    else:
        lottery = np.full(inst.n_children, np.nan)
        ranked = lengths > 0
        lottery[ranked] = inst.lottery[starts[ranked]]
        if not np.isfinite(lottery[ranked]).all():
            raise ValueError("non-finite number in instance")
        lottery = (lottery + 0.0).astype("<f8").tobytes()
    sections = [
        ("admissions.instance", canonical_json(meta)),
        ("schools", canonical_json(schools)),
        ("children", canonical_json(child_ids)),
        ("list_length", lengths.astype("<i8").tobytes()),
        (
            "choice",
            position[inst.choice_school if in_order else inst.choice_school[pair]]
            .astype("<i8")
            .tobytes(),
        ),
        ("priority", _float_bytes(priority)),
        ("lottery", lottery if isinstance(lottery, bytes) else _float_bytes(lottery)),
    ]
    labels = {}
    for key, values in (("group", inst.group), ("ward", inst.ward)):
        if values is not None and any(v is not None for v in values):
            labels[key] = [values[c] for c in child_order.tolist()]
    if labels:
        for key in ("group", "ward"):
            labels.setdefault(key, [None] * inst.n_children)
        sections.append(("labels", canonical_json(labels)))
    return sections


def instance_sha256_v1(instance: Instance) -> str:
    """Version 1 of ``input_sha256``: SHA-256 of the instance's canonical JSON (slow at city
    scale; kept to verify results exported before version 2)."""
    return hashlib.sha256(instance_canonical_json(instance)).hexdigest()


def number_tokens(values: np.ndarray) -> list[str]:
    """Canonical JSON tokens of a float array (integral values written as integers)."""
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        return []
    if not np.isfinite(values).all():
        raise ValueError("non-finite number in instance")
    integral = (values == np.floor(values)) & (np.abs(values) < 2**53)
    if integral.all():
        return json.dumps(values.astype(np.int64).tolist(), separators=(",", ":"))[1:-1].split(",")
    # msgspec writes the same shortest round-trip digits as ``repr`` several times faster,
    # but without an exponent below 1e-4 and above 1e16, where ``repr`` has one: those
    # few numbers are written by ``repr`` (equality with json.dumps is tested).
    tokens = _JSON.encode(values.tolist()).decode()[1:-1].split(",")
    magnitude = np.abs(values)
    exponent = (magnitude < 1e-4) | (magnitude >= 1e16)
    for i in np.flatnonzero(exponent & ~integral).tolist():
        tokens[i] = repr(float(values[i]))
    for i in np.flatnonzero(integral).tolist():
        tokens[i] = str(int(values[i]))
    return tokens


_JSON = msgspec.json.Encoder()


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

    columns = [number_tokens(inst.priority[:, k]) for k in range(inst.priority_length)]
    pair_school = inst.choice_school.tolist()
    pair_sid = [sid_json[s] for s in pair_school]
    fragments = [
        f"{sid}:[{','.join(values)}]" for sid, *values in zip(pair_sid, *columns, strict=True)
    ]
    if inst.lottery_per_school:
        lottery = number_tokens(inst.lottery)
    else:  # one number per child: format it once, at the child's first pair
        first = inst.choice_ptr[:-1][inst.list_length > 0]
        lottery = [""] * inst.n_pairs
        for pair, token in zip(first.tolist(), number_tokens(inst.lottery[first]), strict=True):
            lottery[pair] = token
    sid_rank = code_point_rank(inst.school_ids)
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
