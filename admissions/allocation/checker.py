"""Independent fairness checker: a separate code path that never calls the DA code.

:func:`check` verifies any claimed result (a :class:`~admissions.allocation.model.Result`
or a RESULT JSON document) against an instance and returns a list of
:class:`Violation` — empty means OK. A non-empty list must block publication.

Checks (vectorised with numpy, from the raw instance arrays):

* ``unknown_child`` / ``unknown_school`` / ``missing_child`` — the assignment must name
  every child of the instance exactly once and only known schools;
* ``double_seat`` — a child listed twice in the assignment;
* ``not_on_list`` — a child assigned to a school it did not rank (unless it was placed by
  the nearest-first final pass, ``placed_by_final_pass``);
* ``over_capacity`` — a school with more children than seats;
* ``justified_envy`` — a child prefers a school that admitted (from its list) a child the
  school ranks below it (by priority tuple, then lottery; exact ties are not envy);
* ``wasted_seat`` — a school with a free seat that some child ranks above its assignment
  (children placed by the nearest-first final pass do not fill list seats: that pass runs
  after the lists);
* ``cutoff_mismatch`` — a declared cutoff is not the worst admitted child's priority;
* ``input_hash_mismatch`` / ``result_hash_mismatch`` / ``rerun_mismatch`` — declared hashes
  do not match the instance, the declared assignment, or an independent re-run;
* ``declared_unstable`` — the result itself says ``"stable": false``.

Children placed by the final pass count as *unplaced with respect to their lists*: every
school on their list must be full of children with better priority.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from admissions.allocation.hashing import result_sha256
from admissions.allocation.model import Instance, Result, plain_number


@dataclass(frozen=True)
class Violation:
    """One failed check with a readable message."""

    kind: str
    message: str
    child_id: str | None = None
    school_id: str | None = None

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


@dataclass
class _Claim:
    assigned: np.ndarray  # int64[C], -1 = none
    outside: np.ndarray  # bool[C]
    cutoffs: Mapping[str, Any] | None
    input_sha256: str | None
    result_sha256: str | None
    stable: Any
    assignment_for_hash: dict[str, str | None] | None


class _Collector:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.items: list[Violation] = []
        self.extra: dict[str, int] = {}
        self.count: dict[str, int] = {}

    def add(self, kind: str, message: str, child: str | None = None, school: str | None = None):
        self.count[kind] = self.count.get(kind, 0) + 1
        if self.count[kind] <= self.limit:
            self.items.append(Violation(kind, message, child, school))
        else:
            self.extra[kind] = self.extra.get(kind, 0) + 1

    def add_each(self, kind: str, items: np.ndarray, describe: Callable[[Any], tuple]) -> None:
        """Count all ``items``; build messages (``describe`` → add() args) for the first few."""
        room = max(0, self.limit - self.count.get(kind, 0))
        for item in items[:room]:
            self.add(kind, *describe(item))
        rest = max(0, len(items) - room)
        if rest:
            self.count[kind] = self.count.get(kind, 0) + rest
            self.extra[kind] = self.extra.get(kind, 0) + rest

    def result(self) -> list[Violation]:
        out = list(self.items)
        for kind, n in self.extra.items():
            out.append(Violation(kind, f"... and {n} more {kind} violations"))
        return out


def check(
    instance: Instance,
    result: Result | Mapping[str, Any],
    *,
    rerun: Callable[[], Result | Mapping[str, Any]] | None = None,
    expected_input_sha256: str | None = None,
    limit_per_kind: int = 20,
    cutoff_distance: bool = True,
) -> list[Violation]:
    """Verify a result; return the violations (empty list = OK, publication allowed).

    ``rerun`` (optional) re-solves the instance independently; its ``result_sha256``
    must equal this result's. ``expected_input_sha256`` defaults to the instance's own
    hash (pass the source hash for nearest-first results built from coordinates).
    ``cutoff_distance=False`` compares declared cutoffs without their distance (the public
    nearest-first document ranks distances instead of giving metres, ``public.py``).
    """
    found = _Collector(limit_per_kind)
    claim = _read_claim(instance, result, found)
    _check_structure_and_fairness(instance, claim, found, cutoff_distance=cutoff_distance)
    _check_hashes(instance, result, claim, found, rerun, expected_input_sha256)
    if claim.stable is False:
        found.add("declared_unstable", 'the result declares "stable": false')
    return found.result()


def count_envy_and_waste(
    instance: Instance, assignment: np.ndarray, outside: np.ndarray | None = None
) -> tuple[int, int]:
    """Number of justified-envy (child, school) pairs and of wasted-seat (child, school)
    pairs of an assignment given as school indices (-1 = none)."""
    outside = np.zeros(instance.n_children, bool) if outside is None else outside
    claim = _Claim(np.asarray(assignment, np.int64), outside, None, None, None, None, None)
    found = _Collector(0)
    _check_structure_and_fairness(instance, claim, found)
    return found.count.get("justified_envy", 0), found.count.get("wasted_seat", 0)


# -- reading the claim ------------------------------------------------------------------


def _read_claim(instance: Instance, result: Any, found: _Collector) -> _Claim:
    if isinstance(result, Result):
        return _Claim(
            assigned=np.asarray(result.assignment, dtype=np.int64).copy(),
            outside=np.asarray(result.outside_list, dtype=bool).copy(),
            cutoffs=result.cutoffs_dict(),
            input_sha256=result.input_sha256,
            result_sha256=result.result_sha256,
            stable=result.stable,
            assignment_for_hash=None,
        )
    if not isinstance(result, Mapping) or "assignment" not in result:
        found.add("malformed_result", 'the result has no "assignment" object')
        return _Claim(
            np.full(instance.n_children, -1),
            np.zeros(instance.n_children, bool),
            None,
            None,
            None,
            None,
            None,
        )
    raw = result["assignment"]
    pairs = getattr(raw, "pairs", None) or (raw.items() if isinstance(raw, Mapping) else raw)
    assigned = np.full(instance.n_children, -1, dtype=np.int64)
    seen = np.zeros(instance.n_children, dtype=bool)
    child_index, school_index = instance.child_index, instance.school_index
    for_hash: dict[str, str | None] = {}
    for child_id, school_id in pairs:
        for_hash[child_id] = school_id
        c = child_index.get(child_id)
        if c is None:
            found.add("unknown_child", f"child {child_id} is not in the instance", child_id)
            continue
        if seen[c]:
            found.add("double_seat", f"child {child_id} is assigned more than once", child_id)
            continue
        seen[c] = True
        if school_id is None:
            continue
        s = school_index.get(school_id)
        if s is None:
            found.add(
                "unknown_school",
                f"child {child_id} is assigned to unknown school {school_id}",
                child_id,
                str(school_id),
            )
            continue
        assigned[c] = s
    for c in np.flatnonzero(~seen):
        cid = instance.child_ids[c]
        found.add("missing_child", f"child {cid} is missing from the assignment", cid)
    outside = np.zeros(instance.n_children, dtype=bool)
    for child_id in result.get("placed_by_final_pass", []) or []:
        c = child_index.get(child_id)
        if c is not None:
            outside[c] = True
    return _Claim(
        assigned=assigned,
        outside=outside,
        cutoffs=result.get("cutoffs"),
        input_sha256=result.get("input_sha256"),
        result_sha256=result.get("result_sha256"),
        stable=result.get("stable"),
        assignment_for_hash=for_hash,
    )


# -- the fairness core --------------------------------------------------------------------


def _below_worst(
    instance: Instance, pairs: np.ndarray, school: np.ndarray, worst: np.ndarray
) -> np.ndarray:
    """The ``pairs`` (ascending) whose (priority..., lottery) is lexicographically below
    ``worst`` of their ``school``. Column by column, only on the pairs still tied: most are
    settled by the first columns, and no (pairs × columns) copy is made."""
    below = []
    for k in range(instance.priority_length + 1):
        column = instance.priority[:, k] if k < instance.priority_length else instance.lottery
        x, y = column[pairs], worst[school, k]
        below.append(pairs[x < y])
        tied = x == y
        pairs, school = pairs[tied], school[tied]
    return np.sort(np.concatenate(below))


def worst_admitted(instance: Instance, pairs: np.ndarray, school: np.ndarray) -> np.ndarray:
    """Each school's pair among ``pairs`` (of ``school``) with the lexicographically greatest
    (priority..., lottery), the last of equal ones; -1 for a school without any. Column by
    column, among the pairs still level with the greatest so far: no sort of the pairs. NaN
    (no validated input has one) is greater than any number, as in a sort."""
    n_schools = instance.n_schools
    columns = [instance.priority[:, k] for k in range(instance.priority_length)]
    for column in [*columns, instance.lottery]:
        value = column[pairs]
        nan = np.isnan(value)
        if nan.any():
            level = _level_with_greatest(n_schools, school, nan.astype(np.float64))
            pairs, school, value = pairs[level], school[level], np.where(nan, 0.0, value)[level]
        level = _level_with_greatest(n_schools, school, value)
        pairs, school = pairs[level], school[level]
    worst = np.full(n_schools, -1, dtype=np.int64)
    np.maximum.at(worst, school, pairs)
    return worst


def _level_with_greatest(n_schools: int, school: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Where ``value`` equals the greatest value of its school."""
    greatest = np.full(n_schools, -np.inf)
    np.maximum.at(greatest, school, value)
    return value == greatest[school]


def _list_heads(start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Indices ``start[c] .. start[c] + length[c] - 1`` of every row ``c``, concatenated."""
    offset = np.repeat(start - (np.cumsum(length) - length), length)
    return offset + np.arange(offset.size, dtype=np.int64)


def _pair_keys(instance: Instance, pairs: np.ndarray) -> np.ndarray:
    """(priority..., lottery) rows of the given pairs."""
    return np.column_stack([instance.priority[pairs], instance.lottery[pairs]])


def _check_structure_and_fairness(
    instance: Instance, claim: _Claim, found: _Collector, *, cutoff_distance: bool = True
) -> None:
    n_children, n_schools = instance.n_children, instance.n_schools
    ptr = np.asarray(instance.choice_ptr, dtype=np.int64)
    lengths = ptr[1:] - ptr[:-1]
    owner = np.repeat(np.arange(n_children, dtype=np.int64), lengths)
    school = np.asarray(instance.choice_school, dtype=np.int64)
    assigned, outside = claim.assigned, claim.outside
    ids, sids = instance.child_ids, instance.school_ids

    # Capacity.
    seated = assigned >= 0
    count = np.bincount(assigned[seated], minlength=n_schools)
    for s in np.flatnonzero(count > instance.capacity):
        found.add(
            "over_capacity",
            f"school {sids[s]} has {count[s]} children for {instance.capacity[s]} seats",
            school=sids[s],
        )

    # Position of each assignment within the child's list (list length = unplaced).
    listed_seat = seated & ~outside
    hit = school == assigned[owner]
    hit &= listed_seat[owner]
    seat_pair = np.flatnonzero(hit)
    seat_position = lengths.copy()
    seat_position[owner[seat_pair]] = seat_pair - ptr[owner[seat_pair]]
    on_list = np.zeros(n_children, dtype=bool)
    on_list[owner[hit]] = True
    for c in np.flatnonzero(listed_seat & ~on_list):
        found.add(
            "not_on_list",
            f"child {ids[c]} is assigned to {sids[assigned[c]]}, which is not on its list",
            ids[c],
            sids[assigned[c]],
        )

    # Worst admitted (from lists) per school: lexicographic max of (priority, lottery).
    admitted = np.flatnonzero(hit)
    width = instance.priority_length + 1
    worst = np.full((n_schools, width), np.nan)
    worst_child = np.full(n_schools, -1, dtype=np.int64)
    worst_pair = worst_admitted(instance, admitted, school[admitted])
    has_worst = np.flatnonzero(worst_pair >= 0)
    worst[has_worst] = _pair_keys(instance, worst_pair[has_worst])
    worst_child[has_worst] = owner[worst_pair[has_worst]]

    # Every school a child ranks above its assignment must be full of better children. The
    # nearest-first final pass runs after the lists: its children do not fill list seats.
    listed_count = np.bincount(school[hit], minlength=n_schools)
    wanted = _list_heads(ptr[:-1], seat_position)
    wanted_school = school[wanted]
    has_free = listed_count[wanted_school] < instance.capacity[wanted_school]

    def waste(pair: int) -> tuple:
        c, s = owner[pair], school[pair]
        return (
            f"school {sids[s]} had a free seat ({listed_count[s]}/{instance.capacity[s]} "
            "from the lists) but "
            f"child {ids[c]} ranks it {pair - ptr[c] + 1} and got "
            f"{_seat_label(instance, c, assigned, outside)}",
            ids[c],
            sids[s],
        )

    found.add_each("wasted_seat", wanted[has_free], waste)
    full = wanted[~has_free & (worst_child[wanted_school] >= 0)]
    envy = _below_worst(instance, full, school[full], worst)

    def justified_envy(pair: int) -> tuple:
        c, s = owner[pair], school[pair]
        priority = _fmt(_pair_keys(instance, np.array([pair]))[0])
        return (
            f"child {ids[c]} (priority {priority}) ranks {sids[s]} "
            f"{pair - ptr[c] + 1} and got {_seat_label(instance, c, assigned, outside)}, "
            f"but {sids[s]} admitted {ids[worst_child[s]]} with worse priority "
            f"{_fmt(worst[s])}",
            ids[c],
            sids[s],
        )

    found.add_each("justified_envy", envy, justified_envy)

    _check_cutoffs(instance, claim, worst, found, cutoff_distance=cutoff_distance)


def _seat_label(instance: Instance, c: int, assigned: np.ndarray, outside: np.ndarray) -> str:
    if assigned[c] < 0:
        return "no seat"
    label = instance.school_ids[assigned[c]]
    return f"{label} (final pass)" if outside[c] else label


def _fmt(values: np.ndarray) -> str:
    *prio, lottery = (plain_number(v) for v in values)
    return f"{list(prio)}, lottery {lottery}"


def _check_cutoffs(
    instance: Instance,
    claim: _Claim,
    worst: np.ndarray,
    found: _Collector,
    *,
    cutoff_distance: bool = True,
) -> None:
    if claim.cutoffs is None:
        return
    declared = claim.cutoffs
    skip = instance.policy.distance_index if not cutoff_distance else None
    for s, sid in enumerate(instance.school_ids):
        actual = worst[s]
        entry = declared.get(sid)
        if np.isnan(actual[0]):
            if entry is not None:
                found.add(
                    "cutoff_mismatch",
                    f"school {sid} declares a cutoff but admitted nobody from its list",
                    school=sid,
                )
            continue
        if entry is None:
            found.add(
                "cutoff_mismatch",
                f"school {sid} admitted children but declares no cutoff",
                school=sid,
            )
            continue
        try:
            claimed = [*entry["priority"], entry["lottery"]]
            same = len(claimed) == actual.size and all(
                float(a) == float(b)
                for k, (a, b) in enumerate(zip(claimed, actual, strict=True))
                if k != skip
            )
        except (KeyError, TypeError, ValueError):
            same = False
        if not same:
            found.add(
                "cutoff_mismatch",
                f"school {sid} declares cutoff {entry} but its worst "
                f"admitted child has {_fmt(actual)}",
                school=sid,
            )


def _check_hashes(
    instance: Instance,
    result: Any,
    claim: _Claim,
    found: _Collector,
    rerun: Callable[[], Any] | None,
    expected_input_sha256: str | None,
) -> None:
    expected_input = expected_input_sha256
    if expected_input is None and not (isinstance(result, Result) and result.source_sha256):
        expected_input = instance.input_sha256
    known = claim.input_sha256 is not None and expected_input is not None
    if known and claim.input_sha256 != expected_input and expected_input_sha256 is None:
        # Results written before input hash version 2 carry the version 1 hash (ADR 25).
        from admissions.allocation.hashing import instance_sha256_v1

        if claim.input_sha256 == instance_sha256_v1(instance):
            expected_input = claim.input_sha256
    if known and claim.input_sha256 != expected_input:
        found.add(
            "input_hash_mismatch",
            f"result was computed for input {claim.input_sha256}, this instance is "
            f"{expected_input}",
        )
    if claim.assignment_for_hash is not None and claim.result_sha256 is not None:
        recomputed = result_sha256(claim.assignment_for_hash, dict(claim.cutoffs or {}))
        if recomputed != claim.result_sha256:
            found.add(
                "result_hash_mismatch",
                f"declared result_sha256 {claim.result_sha256} "
                f"but the assignment and cutoffs hash to {recomputed}",
            )
    if rerun is not None:
        again = rerun()
        again_hash = again.result_sha256 if isinstance(again, Result) else again["result_sha256"]
        own = claim.result_sha256
        if own is None and claim.assignment_for_hash is not None:
            own = result_sha256(claim.assignment_for_hash, dict(claim.cutoffs or {}))
        if own != again_hash:
            found.add(
                "rerun_mismatch",
                f"a re-run produced result_sha256 {again_hash}, this result has {own}",
            )
