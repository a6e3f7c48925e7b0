"""Load and validate instances from JSON documents.

DA instance document (the command-line contract)::

    {"schools": [{"id": "S1", "capacity": 35, "reserved": {"disability": 2}}, ...],
     "children": [{"id": "C1", "choices": ["S1", "S2"],
                   "priority": {"S1": [1, 0, 640.5], "S2": [2, 0, 910.0]},
                   "lottery": 0.4123, "ward": "P. Ben Nghe", "group": "..."}, ...],
     "seed": 2025}

* ``capacity``: non-negative integer; ``reserved`` (optional): seats per category, recorded
  but not enforced (see ``model.py``).
* ``choices``: distinct known school ids, best first (may be empty).
* ``priority``: one numeric tuple per ranked school, lower is better; all tuples of an
  instance have the same length. Entries for unranked schools are ignored.
* ``lottery``: a number (one per child) or ``{school_id: number}`` (one per ranked school).
  When absent and the document has an integer ``seed``, it is drawn with
  :func:`admissions.allocation.lottery.lottery_single`.
* ``ward`` / ``group``: optional labels used only for statistics.
* ``distance_index`` (optional, default 2): position of the distance in the tuples, or null.
* ``metric`` (optional, default ``"straight"``): what the distances measure (``"walking"``,
  ``"driving"``: road metres computed by the portal); part of the input hash when given.

Any problem raises :class:`~admissions.allocation.errors.InstanceError` naming the child or
school, e.g. ``child C7: choice "S9" is not a known school``.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import msgspec
import numpy as np

from admissions.allocation.errors import InstanceError, child_error, school_error
from admissions.allocation.lottery import lottery_single
from admissions.allocation.model import (
    METRICS,
    STRAIGHT,
    Instance,
    Policy,
    distance_from_priority,
)
from admissions.allocation.runtime import cyclic_gc_paused


def is_number(value: Any) -> bool:
    """True for finite ints/floats (booleans are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value)


def is_count(value: Any) -> bool:
    """True for non-negative integers (``35`` or ``35.0``)."""
    return is_number(value) and float(value).is_integer() and value >= 0


def read_json(path: str | Path) -> Any:
    """Read a JSON file; syntax errors become an ``InstanceError`` about the file."""
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except json.JSONDecodeError as exc:
        raise InstanceError(
            f"file {path}", f"invalid JSON ({exc.msg} at line {exc.lineno})"
        ) from None
    except OSError as exc:
        raise InstanceError(f"file {path}", f"cannot be read ({exc.strerror})") from None


def _label(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value)


def _require_list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    if not isinstance(value, list):
        raise InstanceError("instance", f'"{key}" must be a list')
    return value


def _entry_id(entry: Any, kind: str, position: int) -> str:
    if not isinstance(entry, Mapping):
        raise InstanceError(f"{kind} #{position + 1}", "must be an object")
    ident = entry.get("id")
    if isinstance(ident, bool) or not isinstance(ident, str | int) or ident == "":
        raise InstanceError(f"{kind} #{position + 1}", "id must be a non-empty string")
    return str(ident)


def validate_schools(raw: list[Any]) -> tuple[tuple[str, ...], np.ndarray, tuple]:
    """Validate the school entries → ids, capacities, reserved seats."""
    ids: list[str] = []
    seen: set[str] = set()
    capacity: list[int] = []
    reserved: list[dict[str, int] | None] = []
    for pos, entry in enumerate(raw):
        sid = _entry_id(entry, "school", pos)
        if sid in seen:
            raise school_error(sid, "duplicate school id")
        seen.add(sid)
        cap = entry.get("capacity")
        if not is_count(cap):
            raise school_error(sid, f"capacity must be a non-negative integer, got {_label(cap)}")
        res = entry.get("reserved")
        if res is not None:
            if not isinstance(res, Mapping) or not all(is_count(v) for v in res.values()):
                raise school_error(sid, "reserved must map categories to non-negative integers")
            if sum(res.values()) > cap:
                raise school_error(sid, "reserved seats exceed capacity")
            res = {str(k): int(v) for k, v in res.items()}
        ids.append(sid)
        capacity.append(int(cap))
        reserved.append(res or None)
    return tuple(ids), np.asarray(capacity, dtype=np.int64), tuple(reserved)


def _validate_priority(cid: str, sid: str, value: Any, length: int | None) -> list[float]:
    if not isinstance(value, list) or not value or not all(is_number(v) for v in value):
        raise child_error(cid, f'priority for school "{sid}" must be a non-empty list of numbers')
    if length is not None and len(value) != length:
        raise child_error(
            cid, f'priority for school "{sid}" has length {len(value)}, expected {length}'
        )
    return [float(v) for v in value]


def instance_from_dict(data: Any, *, policy: Policy | None = None) -> Instance:
    """Validate a DA instance document and build an :class:`Instance`."""
    if not isinstance(data, Mapping):
        raise InstanceError("instance", "must be a JSON object")
    school_ids, capacity, reserved = validate_schools(_require_list(data, "schools"))
    index = {sid: i for i, sid in enumerate(school_ids)}
    raw_children = _require_list(data, "children")
    seed = data.get("seed")
    if seed is not None and not (is_count(seed)):
        raise InstanceError("instance", "seed must be a non-negative integer")
    if policy is None:
        distance_index = data.get("distance_index", 2)
        if distance_index is not None and not is_count(distance_index):
            raise InstanceError("instance", "distance_index must be a non-negative integer")
        policy = Policy(
            distance_index=None if distance_index is None else int(distance_index),
            seed=None if seed is None else int(seed),
            metric=read_metric(data),
        )

    child_ids: list[str] = []
    seen: set[str] = set()
    ptr = [0]
    choice_school: list[int] = []
    priority: list[list[float]] = []
    lottery: list[float | None] = []
    per_school = False
    ward: list[str | None] = []
    group: list[str | None] = []
    length: int | None = None
    for pos, entry in enumerate(raw_children):
        cid = _entry_id(entry, "child", pos)
        if cid in seen:
            raise child_error(cid, "duplicate child id")
        seen.add(cid)
        choices = entry.get("choices", [])
        if not isinstance(choices, list):
            raise child_error(cid, "choices must be a list of school ids")
        prio = entry.get("priority", {})
        if not isinstance(prio, Mapping):
            raise child_error(cid, "priority must map school ids to lists of numbers")
        lot = entry.get("lottery")
        if isinstance(lot, Mapping):
            per_school = True
        elif lot is None and seed is not None:
            lot = None  # drawn below from the seed
        elif not is_number(lot):
            raise child_error(cid, f"lottery must be a number, got {_label(lot)}")
        ranked: set[str] = set()
        for choice in choices:
            if not isinstance(choice, str | int) or isinstance(choice, bool):
                raise child_error(cid, f"choice {_label(choice)} is not a school id")
            sid = str(choice)
            if sid not in index:
                raise child_error(cid, f'choice "{sid}" is not a known school')
            if sid in ranked:
                raise child_error(cid, f'school "{sid}" appears twice in choices')
            ranked.add(sid)
            if sid not in prio:
                raise child_error(cid, f'missing priority for school "{sid}"')
            values = _validate_priority(cid, sid, prio[sid], length)
            length = len(values)
            if isinstance(lot, Mapping):
                if not is_number(lot.get(sid)):
                    raise child_error(cid, f'lottery for school "{sid}" must be a number')
                lottery.append(float(lot[sid]))
            else:
                lottery.append(None if lot is None else float(lot))
            choice_school.append(index[sid])
            priority.append(values)
        for key, sink in (("ward", ward), ("group", group)):
            label = entry.get(key)
            if label is not None and not isinstance(label, str | int):
                raise child_error(cid, f"{key} must be a string")
            sink.append(None if label is None else str(label))
        child_ids.append(cid)
        ptr.append(len(choice_school))

    ptr_arr = np.asarray(ptr, dtype=np.int64)
    lot_arr = np.asarray([np.nan if v is None else v for v in lottery], dtype=np.float64)
    if seed is not None and np.isnan(lot_arr).any():
        drawn = lottery_single(child_ids, int(seed))
        pair_child = np.repeat(np.arange(len(child_ids)), np.diff(ptr_arr))
        missing = np.isnan(lot_arr)
        lot_arr[missing] = drawn[pair_child[missing]]
    prio_arr = np.asarray(priority, dtype=np.float64).reshape(len(priority), length or 1)
    return _assemble(
        (school_ids, capacity, reserved),
        child_ids,
        (ptr_arr, np.asarray(choice_school, dtype=np.int64), prio_arr, lot_arr, per_school),
        policy,
        ward,
        group,
    )


def _assemble(schools, child_ids, pairs, policy: Policy, ward, group) -> Instance:
    """The validated pieces → an :class:`Instance` (labels and reserved seats only if any)."""
    school_ids, capacity, reserved = schools
    ptr, choice_school, priority, lottery, per_school = pairs
    return Instance(
        school_ids=school_ids,
        capacity=capacity,
        child_ids=tuple(child_ids),
        choice_ptr=ptr,
        choice_school=choice_school,
        priority=priority,
        lottery=lottery,
        distance_m=distance_from_priority(priority, policy.distance_index),
        policy=policy,
        lottery_per_school=per_school,
        reserved=reserved if any(r for r in reserved) else None,
        ward=tuple(ward) if any(w is not None for w in ward) else None,
        group=tuple(group) if any(g is not None for g in group) else None,
    )


def read_metric(data: Mapping[str, Any]) -> str:
    """The document's distance metric (absent = the straight line)."""
    metric = data.get("metric", STRAIGHT)
    if metric not in METRICS:
        raise InstanceError("instance", f"metric must be one of {', '.join(METRICS)}")
    return str(metric)


def is_nearest_document(data: Any) -> bool:
    """True when a document describes a nearest-first source (children with coordinates)."""
    if not isinstance(data, Mapping):
        return False
    children = data.get("children")
    return (
        isinstance(children, list)
        and bool(children)
        and isinstance(children[0], Mapping)
        and "lon" in children[0]
        and "choices" not in children[0]
    )


def instance_to_dict(instance: Instance) -> dict[str, Any]:
    """JSON document of an instance (the canonical document of ``hashing.py``)."""
    from admissions.allocation.hashing import instance_document

    doc = instance_document(instance)
    if instance.policy.distance_index != 2:
        doc["distance_index"] = instance.policy.distance_index
    return doc


# -- fast path: typed decoding (msgspec) + vectorised checks ------------------------------
#
# A valid document is decoded by msgspec straight into typed objects and checked with numpy;
# anything the fast path cannot vouch for (a type msgspec refuses, an int where an id string
# is expected, a failed check) is handed to :func:`instance_from_dict`, which finds the first
# problem in document order and names it (``child C7: choice "S9" is not a known school``).
# The fast path therefore never decides what an error says, only that there is none.


class _FastChild(msgspec.Struct):
    id: str
    choices: list[str] | msgspec.UnsetType = msgspec.UNSET
    priority: dict[str, list[float]] = {}
    lottery: float | dict[str, float] | None = None
    ward: str | None = None
    group: str | None = None
    lon: Any = msgspec.UNSET


class _FastDocument(msgspec.Struct):
    schools: list[dict[str, Any]]
    children: list[_FastChild]
    seed: Any = None
    distance_index: Any = 2


_FAST_DECODER = msgspec.json.Decoder(_FastDocument)


class _NotFast(Exception):
    """The fast path declines; the validating path decides."""


def instance_from_json(data: bytes, *, policy: Policy | None = None) -> Instance:
    """Decode and validate a DA instance document given as JSON bytes.

    Same result and same errors as ``instance_from_dict(json.loads(data))``, several times
    faster on large valid documents (typed decoding, array checks).
    """
    try:
        with cyclic_gc_paused():
            return _instance_from_fast(_FAST_DECODER.decode(data), policy)
    except (msgspec.ValidationError, msgspec.DecodeError, _NotFast):
        pass
    try:
        raw = json.loads(data)
    except json.JSONDecodeError as exc:
        raise InstanceError("instance", f"invalid JSON ({exc.msg} at line {exc.lineno})") from None
    except UnicodeDecodeError:
        raise InstanceError("instance", "invalid JSON (not UTF-8 text)") from None
    if is_nearest_document(raw):
        raise InstanceError(
            "instance", "children have coordinates but no choices; use --mechanism nearest"
        )
    return instance_from_dict(raw, policy=policy)


def read_instance(path: str | Path, *, policy: Policy | None = None) -> Instance:
    """Read a DA instance file (fast path, see :func:`instance_from_json`)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise InstanceError(f"file {path}", f"cannot be read ({exc.strerror})") from None
    try:
        return instance_from_json(data, policy=policy)
    except InstanceError as exc:
        if exc.subject == "instance" and exc.problem.startswith("invalid JSON"):
            raise InstanceError(f"file {path}", exc.problem) from None
        raise


def _instance_from_fast(doc: _FastDocument, policy: Policy | None) -> Instance:
    children = doc.children
    if children and children[0].lon is not msgspec.UNSET and children[0].choices is msgspec.UNSET:
        raise _NotFast  # a nearest-first source: the validating path says so
    school_ids, capacity, reserved = validate_schools(doc.schools)  # 1,000s: plain checks
    seed = doc.seed
    if seed is not None and not is_count(seed):
        raise _NotFast
    if policy is None:
        distance_index = doc.distance_index
        if distance_index is not None and not is_count(distance_index):
            raise _NotFast
        policy = Policy(
            distance_index=None if distance_index is None else int(distance_index),
            seed=None if seed is None else int(seed),
        )
    index = {sid: i for i, sid in enumerate(school_ids)}
    n = len(children)
    child_ids = [c.id for c in children]
    if "" in child_ids or len(set(child_ids)) != n:
        raise _NotFast
    choices = [[] if c.choices is msgspec.UNSET else c.choices for c in children]
    lengths = np.fromiter(map(len, choices), dtype=np.int64, count=n)
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=ptr[1:])
    n_pairs = int(ptr[-1])
    flat = list(itertools.chain.from_iterable(choices))
    try:  # map() over a bound method runs in C: no Python frame per pair
        school = np.fromiter(map(index.__getitem__, flat), dtype=np.int64, count=n_pairs)
    except KeyError:
        raise _NotFast from None  # unknown school
    pair_child = np.repeat(np.arange(n, dtype=np.int64), lengths)
    if n_pairs:
        pair_key = np.sort(pair_child * len(school_ids) + school)
        if (pair_key[1:] == pair_key[:-1]).any():
            raise _NotFast  # a school twice in one list
    prio_of = np.empty(n, dtype=object)
    prio_of[:] = [c.priority for c in children]
    try:
        values = list(map(dict.__getitem__, np.repeat(prio_of, lengths).tolist(), flat))
    except KeyError:
        raise _NotFast from None  # missing priority
    if n_pairs:
        length = len(values[0])
        sizes = np.fromiter(map(len, values), dtype=np.int64, count=n_pairs)
        if length == 0 or (sizes != length).any():
            raise _NotFast  # empty tuples or tuples of different lengths
        priority = np.fromiter(
            itertools.chain.from_iterable(values), dtype=np.float64, count=n_pairs * length
        ).reshape(n_pairs, length)
        if not np.isfinite(priority).all():
            raise _NotFast
    else:
        priority = np.zeros((0, 1), dtype=np.float64)
    lotteries = [c.lottery for c in children]
    per_school = any(isinstance(v, dict) for v in lotteries)
    if per_school:
        flat_lottery = [
            (v.get(s) if isinstance(v, dict) else v)
            for v, ranked in zip(lotteries, choices, strict=True)
            for s in ranked
        ]
        scalar = [v for v in lotteries if not isinstance(v, dict)]
        if None in flat_lottery or (None in scalar and seed is None):
            raise _NotFast  # a missing number (the validating path names the child)
        lottery = np.asarray(flat_lottery, dtype=np.float64)
        if not np.isfinite(lottery).all():
            raise _NotFast
    else:
        child_lottery = np.asarray(
            [np.nan if v is None else v for v in lotteries], dtype=np.float64
        )
        missing = np.isnan(child_lottery)
        if np.isinf(child_lottery).any() or (missing.any() and seed is None):
            raise _NotFast
        if missing.any():
            child_lottery[missing] = lottery_single(child_ids, int(seed))[missing]
        lottery = child_lottery[pair_child]
    ward = [c.ward for c in children]
    group = [c.group for c in children]
    pairs = (ptr, school, priority, lottery, per_school)
    return _assemble((school_ids, capacity, reserved), child_ids, pairs, policy, ward, group)
