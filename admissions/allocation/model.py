"""Data containers of the allocation engine (pure Python + numpy, no Django).

An :class:`Instance` stores the children's ranked lists in CSR ("compressed sparse row")
form: the ranked schools of child ``c`` are the *pairs* ``choice_ptr[c] .. choice_ptr[c+1]-1``
in order of preference. Each pair carries the school index, the child's priority tuple at
that school (``priority[pair]``, lower is better, compared lexicographically), the
tie-break number (``lottery[pair]``, lower is better) and, when known, the distance in
metres (``distance_m[pair]``, NaN when unknown).

Priority tuples follow the HCMC convention ``(group, category rank, distance_m)``: group 1
means the child lives in the school's catchment; category ranks are configured per round
(data, not code). Tuples may have any length but all tuples of one instance have the same
length. ``Policy.distance_index`` tells which element is the distance (``None`` if none).

Schools may carry ``reserved`` seats per category. They are recorded, hashed and reported
but **not enforced** by the mechanisms: deferred acceptance only uses ``capacity``
(categories act through the priority tuple instead).

Exact ties (same priority tuple and same lottery at one school) are broken by child id in
code-point order, so that results never depend on the order of the input.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

MECHANISMS = ("da", "nearest")
#: How distances are measured: the straight line (WGS84 geodesic, the default) or by road
#: (walking / driving; the road metres are part of the input document).
STRAIGHT = "straight"
METRICS = (STRAIGHT, "walking", "driving")

#: Reason codes used in explanations (language-neutral; rendered by ``explanations.py``).
ADMITTED = "admitted"
FULL_WITH_BETTER_PRIORITY = "school_full_with_better_priority"
NO_SEATS = "school_has_no_seats"
NOT_REACHED = "not_reached"
REJECTED_OTHER = "rejected"

#: Reason codes for children the nearest-first final pass handled.
PLACED_BY_FINAL_PASS = "placed_by_final_pass_nearest_free_seat"
NO_FREE_SEAT_ANYWHERE = "no_school_with_a_free_seat"
NONE_WITHIN_MAX_AND_ALL_FULL = "no_school_within_max_distance_and_all_schools_full"
UNPLACED_LIST_EXHAUSTED = "all_ranked_schools_full"


def code_point_order(ids: Sequence[str]) -> np.ndarray:
    """Indices of ``ids`` in code-point order (stable: equal ids keep their order).

    Ids already in order (as the benchmark's are) are recognised by one comparison of
    neighbours; others are sorted by Python's ``sorted``, faster on shuffled ids than
    numpy's argsort of an object array (155,000 pseudonyms: 0.12 s against 0.17-0.22 s)."""
    n = len(ids)
    values = np.asarray(ids, dtype=object)
    if n < 2 or bool((values[1:] >= values[:-1]).all()):
        return np.arange(n, dtype=np.int64)
    return np.fromiter(sorted(range(n), key=ids.__getitem__), dtype=np.int64, count=n)


def code_point_rank(ids: Sequence[str]) -> np.ndarray:
    """Rank of each id in code-point order (int64, 0 = first)."""
    rank = np.empty(len(ids), dtype=np.int64)
    rank[code_point_order(ids)] = np.arange(len(ids), dtype=np.int64)
    return rank


@dataclass(frozen=True)
class Policy:
    """Round configuration.

    ``mechanism``: ``"da"`` (deferred acceptance on the given lists) or ``"nearest"``
    (HCMC nearest-first: lists = all schools within ``max_distance_m`` by distance, then a
    final pass to the nearest free seat). ``distance_index``: position of the distance in
    the priority tuples (``None`` when absent). ``priority_labels`` names the tuple
    elements for explanations. ``seed`` records how lotteries were drawn.
    """

    mechanism: str = "da"
    max_distance_m: float = 4000.0
    distance_index: int | None = 2
    priority_labels: tuple[str, ...] = ("group", "category", "distance_m")
    seed: int | None = None
    #: Category rank that means "no priority category" (explanations say so in words).
    no_category_rank: int = 99
    #: What the distances measure (``METRICS``); hashed with the input when not straight.
    metric: str = STRAIGHT

    def __post_init__(self) -> None:
        if self.mechanism not in MECHANISMS:
            raise ValueError(f"unknown mechanism {self.mechanism!r}; expected one of {MECHANISMS}")
        if self.metric not in METRICS:
            raise ValueError(f"unknown metric {self.metric!r}; expected one of {METRICS}")
        if not self.max_distance_m > 0:
            raise ValueError("max_distance_m must be positive")


@dataclass(frozen=True, eq=False)
class Instance:
    """An allocation instance in array form (see the module docstring for the layout).

    Build it with :func:`Instance.from_lists` (Python lists/dicts),
    :func:`admissions.allocation.instance_io.instance_from_dict` (validated JSON) or
    :func:`admissions.allocation.nearest.build_nearest_instance` (coordinates).
    """

    school_ids: tuple[str, ...]
    capacity: np.ndarray  # int64[S]
    child_ids: tuple[str, ...]
    choice_ptr: np.ndarray  # int64[C+1]
    choice_school: np.ndarray  # int64[N]
    priority: np.ndarray  # float64[N, P]
    lottery: np.ndarray  # float64[N]
    distance_m: np.ndarray  # float64[N], NaN = unknown
    policy: Policy = field(default_factory=Policy)
    lottery_per_school: bool = False
    reserved: tuple[Mapping[str, int] | None, ...] | None = None
    ward: tuple[str | None, ...] | None = None
    group: tuple[str | None, ...] | None = None
    #: Nearest-first only: True where the child's list is a prefix of all schools within
    #: the maximum distance (more schools exist within range).
    truncated: np.ndarray | None = None

    def __post_init__(self) -> None:
        n_children, n_schools = len(self.child_ids), len(self.school_ids)
        if self.capacity.shape != (n_schools,):
            raise ValueError("capacity must have one entry per school")
        if self.choice_ptr.shape != (n_children + 1,):
            raise ValueError("choice_ptr must have n_children + 1 entries")
        n_pairs = int(self.choice_ptr[-1]) if n_children else 0
        if self.choice_school.shape != (n_pairs,) or self.lottery.shape != (n_pairs,):
            raise ValueError("choice_school and lottery must have one entry per ranked pair")
        if self.priority.ndim != 2 or self.priority.shape[0] != n_pairs:
            raise ValueError("priority must be a (pairs, length) array")
        if self.distance_m.shape != (n_pairs,):
            raise ValueError("distance_m must have one entry per ranked pair")

    # -- sizes -----------------------------------------------------------------------
    @property
    def n_children(self) -> int:
        return len(self.child_ids)

    @property
    def n_schools(self) -> int:
        return len(self.school_ids)

    @property
    def n_pairs(self) -> int:
        return int(self.choice_school.shape[0])

    @property
    def priority_length(self) -> int:
        return int(self.priority.shape[1])

    # -- derived arrays (computed once) ------------------------------------------------
    @cached_property
    def list_length(self) -> np.ndarray:
        """Number of ranked schools of each child (int64[C])."""
        return np.diff(self.choice_ptr)

    @cached_property
    def pair_child(self) -> np.ndarray:
        """Child index of each pair (int64[N])."""
        return np.repeat(np.arange(self.n_children, dtype=np.int64), self.list_length)

    @cached_property
    def pair_rank(self) -> np.ndarray:
        """0-based position of each pair within its child's list (int64[N])."""
        return np.arange(self.n_pairs, dtype=np.int64) - self.choice_ptr[self.pair_child]

    @cached_property
    def child_id_order(self) -> np.ndarray:
        """Rank of each child id in code-point order (int64[C]); the last tie-break."""
        return code_point_rank(self.child_ids)

    @cached_property
    def child_tie_rank(self) -> np.ndarray | None:
        """Rank of each child by (lottery, child id) when every pair of a child carries the
        same lottery (one lottery per child), else None (lotteries per school)."""
        first = self.choice_ptr[:-1][self.list_length > 0]
        child_lottery = np.zeros(self.n_children)
        child_lottery[self.pair_child[first]] = self.lottery[first]
        if not np.array_equal(child_lottery[self.pair_child], self.lottery):
            return None
        order = np.lexsort((self.child_id_order, child_lottery))
        rank = np.empty(self.n_children, dtype=np.int64)
        rank[order] = np.arange(self.n_children, dtype=np.int64)
        return rank

    @cached_property
    def school_index(self) -> dict[str, int]:
        return {sid: i for i, sid in enumerate(self.school_ids)}

    @cached_property
    def child_index(self) -> dict[str, int]:
        return {cid: i for i, cid in enumerate(self.child_ids)}

    @cached_property
    def input_sha256(self) -> str:
        """Version 2 fingerprint of this instance's input (see ``hashing.py``)."""
        from admissions.allocation.hashing import instance_sha256

        return instance_sha256(self)

    def choices_of(self, child: int) -> np.ndarray:
        """School indices ranked by child ``child`` (index), best first."""
        return self.choice_school[self.choice_ptr[child] : self.choice_ptr[child + 1]]

    def with_policy(self, **changes: object) -> Instance:
        """Return a copy with a modified policy (arrays are shared, not copied)."""
        from dataclasses import replace

        return replace(self, policy=replace(self.policy, **changes))

    # -- construction from Python lists -----------------------------------------------
    @classmethod
    def from_lists(
        cls,
        schools: Sequence[tuple[str, int]],
        children: Sequence[tuple[str, Sequence[str], Mapping[str, Sequence[float]], object]],
        *,
        policy: Policy | None = None,
        ward: Sequence[str | None] | None = None,
        group: Sequence[str | None] | None = None,
    ) -> Instance:
        """Build an instance from ``[(school_id, capacity)]`` and
        ``[(child_id, choices, {school_id: priority tuple}, lottery)]``.

        ``lottery`` is a number (one per child) or a ``{school_id: number}`` mapping
        (per-school tie-break). No validation beyond shapes: use
        ``instance_io.instance_from_dict`` for untrusted input.
        """
        policy = policy or Policy()
        school_ids = tuple(str(s) for s, _ in schools)
        index = {sid: i for i, sid in enumerate(school_ids)}
        ptr = [0]
        choice_school: list[int] = []
        priority: list[Sequence[float]] = []
        lottery: list[float] = []
        per_school = False
        for _cid, choices, prio, lot in children:
            for sid in choices:
                choice_school.append(index[sid])
                priority.append(prio[sid])
                if isinstance(lot, Mapping):
                    per_school = True
                    lottery.append(float(lot[sid]))
                else:
                    lottery.append(float(lot))  # type: ignore[arg-type]
            ptr.append(len(choice_school))
        length = len(priority[0]) if priority else 1
        prio_arr = np.asarray(priority, dtype=np.float64).reshape(len(priority), length)
        return cls(
            school_ids=school_ids,
            capacity=np.asarray([int(c) for _, c in schools], dtype=np.int64),
            child_ids=tuple(str(c[0]) for c in children),
            choice_ptr=np.asarray(ptr, dtype=np.int64),
            choice_school=np.asarray(choice_school, dtype=np.int64),
            priority=prio_arr,
            lottery=np.asarray(lottery, dtype=np.float64),
            distance_m=distance_from_priority(prio_arr, policy.distance_index),
            policy=policy,
            lottery_per_school=per_school,
            ward=tuple(ward) if ward is not None else None,
            group=tuple(group) if group is not None else None,
        )


def distance_from_priority(priority: np.ndarray, distance_index: int | None) -> np.ndarray:
    """Distance column of a priority array, or NaN when the tuples carry no distance."""
    if distance_index is not None and priority.shape[1] > distance_index:
        return priority[:, distance_index].astype(np.float64, copy=True)
    return np.full(priority.shape[0], np.nan)


@dataclass(frozen=True)
class Cutoff:
    """Priority tuple and lottery of the worst (last) child a school admitted from its list."""

    priority: tuple[float, ...]
    lottery: float
    child_id: str


@dataclass(frozen=True)
class UnplacedChild:
    """A child the mechanism could not place (or placed outside its list), and why."""

    child_id: str
    reason: str
    message: str
    schools_within_max_distance: int | None = None


@dataclass(frozen=True, eq=False)
class Result:
    """Outcome of one allocation run.

    ``assignment[c]`` is the school index of child ``c`` or -1. ``outside_list[c]`` is True
    when the child was placed by the nearest-first final pass at a school that is not on
    its list (beyond the maximum distance). ``assigned_distance_m[c]`` is the distance to
    the assigned school when known (NaN otherwise).
    """

    instance: Instance
    mechanism: str
    assignment: np.ndarray  # int64[C]
    outside_list: np.ndarray  # bool[C]
    assigned_distance_m: np.ndarray  # float64[C]
    rounds: int = 0
    unplaced: tuple[UnplacedChild, ...] = ()
    stable: bool | None = None
    #: Hash of the user-facing input (differs from ``instance.input_sha256`` for the
    #: nearest mechanism, whose instance is derived from coordinates).
    source_sha256: str | None = None

    @cached_property
    def assigned_pair(self) -> np.ndarray:
        """Pair index of each child's assignment within its list, -1 if none (int64[C])."""
        inst = self.instance
        pair = np.full(inst.n_children, -1, dtype=np.int64)
        if inst.n_pairs:
            hit = inst.choice_school == self.assignment[inst.pair_child]
            pair[inst.pair_child[hit]] = np.flatnonzero(hit)
        pair[self.outside_list] = -1
        return pair

    @cached_property
    def cutoffs(self) -> dict[str, Cutoff]:
        """Cutoff of every school that admitted at least one child from its list.

        The cutoff is the priority tuple and lottery of the worst admitted child; children
        placed by the nearest-first final pass (outside their lists) do not count.
        """
        inst = self.instance
        pairs = self.assigned_pair[self.assigned_pair >= 0]
        if pairs.size == 0:
            return {}
        school = inst.choice_school[pairs]
        keys = [inst.child_id_order[inst.pair_child[pairs]], inst.lottery[pairs]]
        keys += [inst.priority[pairs, k] for k in range(inst.priority_length - 1, -1, -1)]
        order = np.lexsort([*keys, school])
        school_sorted = school[order]
        last = np.flatnonzero(np.r_[school_sorted[1:] != school_sorted[:-1], True])
        out: dict[str, Cutoff] = {}
        for pos in last:
            pair = pairs[order[pos]]
            out[inst.school_ids[int(school_sorted[pos])]] = Cutoff(
                priority=tuple(plain_number(v) for v in inst.priority[pair]),
                lottery=plain_number(inst.lottery[pair]),
                child_id=inst.child_ids[int(inst.pair_child[pair])],
            )
        return out

    @property
    def input_sha256(self) -> str:
        return self.source_sha256 or self.instance.input_sha256

    @cached_property
    def result_sha256(self) -> str:
        """SHA-256 of the canonical JSON of the assignment and cutoffs (``hashing.py``)."""
        from admissions.allocation.hashing import result_sha256

        return result_sha256(self.assignment_dict(), self.cutoffs_dict())

    def assignment_dict(self) -> dict[str, str | None]:
        """``{child_id: school_id or None}``."""
        ids = self.instance.school_ids
        return {
            cid: (ids[s] if s >= 0 else None)
            for cid, s in zip(self.instance.child_ids, self.assignment.tolist(), strict=True)
        }

    def cutoffs_dict(self) -> dict[str, dict[str, object]]:
        """``{school_id: {"priority": [...], "lottery": x}}`` (JSON-ready)."""
        return {
            sid: {"priority": list(c.priority), "lottery": c.lottery}
            for sid, c in self.cutoffs.items()
        }

    def to_json(self) -> dict[str, object]:
        """The RESULT document of the command-line contract."""
        data: dict[str, object] = {
            "mechanism": self.mechanism,
            "assignment": self.assignment_dict(),
            "cutoffs": self.cutoffs_dict(),
            "stable": self.stable,
            "input_sha256": self.input_sha256,
            "result_sha256": self.result_sha256,
        }
        if self.outside_list.any():
            ids = self.instance.child_ids
            data["placed_by_final_pass"] = [ids[c] for c in np.flatnonzero(self.outside_list)]
        if self.unplaced:
            data["unplaced"] = [
                {"child": u.child_id, "reason": u.reason, "message": u.message}
                for u in self.unplaced
            ]
        return data


def plain_number(value: float) -> int | float:
    """``640.0`` → ``640``; other floats unchanged. Used for JSON and hashing."""
    value = float(value)
    if value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value
