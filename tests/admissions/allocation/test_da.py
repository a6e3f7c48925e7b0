"""Deferred acceptance: stability, optimality, strategy-proofness, agreement with oracles."""

from __future__ import annotations

import itertools
import warnings
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from admissions.allocation import da as da_module
from admissions.allocation.checker import check
from admissions.allocation.da import (
    DAState,
    da_reference,
    deferred_acceptance,
    encode_pair_keys,
    with_blocks_replaced,
)
from admissions.allocation.mechanisms import solve
from admissions.allocation.model import Instance, code_point_order, code_point_rank
from tests.admissions.allocation.helpers import (
    brute_force_child_optimal,
    instances,
    is_stable,
    prefs_of,
    school_rank,
    with_list,
)

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def as_ids(instance: Instance, assignment: np.ndarray) -> dict[str, str | None]:
    return {
        cid: (instance.school_ids[s] if s >= 0 else None)
        for cid, s in zip(instance.child_ids, assignment.tolist(), strict=True)
    }


@FAST
@given(instances())
def test_da_is_stable_feasible_and_non_wasteful(instance):
    result = solve(instance)
    assignment = result.assignment_dict()
    assert is_stable(instance, assignment)
    counts = np.bincount(result.assignment[result.assignment >= 0], minlength=instance.n_schools)
    assert (counts <= instance.capacity).all()
    assert len(assignment) == instance.n_children  # one entry (at most one seat) per child
    assert check(instance, result) == []
    assert result.stable is True


@pytest.mark.parametrize("seed", range(6))
def test_blocks_replaced_equal_the_sorted_keys_of_the_spliced_set(seed):
    """Held keys with some schools' keys replaced by new sorted blocks (empty ones, and
    schools whose neighbours hold nothing) equal a sort of the new set; values aligned with
    the keys follow them."""
    rng = np.random.default_rng(seed)
    n_schools = 12
    school_start = np.r_[0, np.cumsum(rng.integers(0, 30, n_schools))]
    in_school = [np.arange(school_start[s], school_start[s + 1]) for s in range(n_schools)]
    held = np.sort(
        np.concatenate(
            [rng.choice(k, min(k.size, rng.integers(0, 5)), replace=False) for k in in_school]
        )
    ).astype(np.int64)
    touched = rng.choice(n_schools, 5, replace=False).tolist()
    blocks = {
        s: sorted(rng.choice(in_school[s], min(in_school[s].size, rng.integers(0, 6)),
                             replace=False).tolist())
        for s in touched
    }  # fmt: skip
    school_of_key = np.searchsorted(school_start, held, side="right") - 1
    kept = held[~np.isin(school_of_key, touched)]
    expected = np.sort(np.r_[kept, [k for b in blocks.values() for k in b]]).astype(np.int64)
    np.testing.assert_array_equal(with_blocks_replaced(held, school_start, blocks), expected)
    blocks_times_ten = {s: [10 * k for k in b] for s, b in blocks.items()}
    np.testing.assert_array_equal(
        with_blocks_replaced(held, school_start, blocks_times_ten, held * 10), expected * 10
    )


@FAST
@given(instances(max_children=40, max_schools=8))
def test_vectorised_da_matches_reference(instance):
    result = solve(instance)
    assert result.assignment.tolist() == da_reference(instance).tolist()


@FAST
@given(instances(max_children=30, max_schools=6))
def test_python_tail_gives_the_same_matching(instance):
    vectorised = deferred_acceptance(instance).assigned_pair
    saved = da_module.TAIL_PROPOSERS
    try:
        da_module.TAIL_PROPOSERS = 10**9  # everything in the Python tail
        tail_only = deferred_acceptance(instance).assigned_pair
        da_module.TAIL_PROPOSERS = 1  # never use the tail
        rounds_only = deferred_acceptance(instance).assigned_pair
    finally:
        da_module.TAIL_PROPOSERS = saved
    assert vectorised.tolist() == tail_only.tolist() == rounds_only.tolist()


@FAST
@given(
    st.lists(st.text(alphabet="aAbZ0đĐ\u1ec7\U0001f600", max_size=3), max_size=30),
    st.booleans(),
)
def test_code_point_order_is_a_stable_sort_of_the_ids(ids, in_order):
    """Ids in order or not, repeated or not: the stable order Python's own comparison of
    strings gives (code points), as the canonical documents and tie-breaks require."""
    ids = tuple(sorted(ids) if in_order else ids)
    expected = sorted(range(len(ids)), key=lambda i: (ids[i], i))
    assert code_point_order(ids).tolist() == expected
    rank = code_point_rank(ids)
    assert sorted(range(len(ids)), key=rank.__getitem__) == expected


def _reference_order(instance: Instance) -> list[int]:
    """Pairs sorted by (school, priority tuple, lottery, child id), the plain way."""
    inst = instance
    keys = [inst.child_id_order[inst.pair_child], inst.lottery]
    keys += [inst.priority[:, k] for k in range(inst.priority_length - 1, -1, -1)]
    return np.lexsort([*keys, inst.choice_school]).tolist()


@FAST
@given(st.one_of(instances(max_children=40), instances(max_children=40, ties=False)))
def test_pair_keys_follow_school_priority_lottery_and_id(instance):
    assert encode_pair_keys(instance).pair_of_key.tolist() == _reference_order(instance)


@FAST
@given(st.integers(0, 2**32 - 1), st.sampled_from([0.0, 1e-9, 1e-6, 1e-3, 1.0]))
def test_pair_keys_are_exact_where_distances_nearly_tie(seed, spread):
    """Distances a few ulps or micrometres apart share a quantised key: the order among
    them is still exact (distance, then lottery, then child id)."""
    rng = np.random.default_rng(seed)
    n_children, n_schools = 300, 4
    base = rng.choice([0.0, 1234.5, 3999.999], size=(n_children, n_schools))
    wiggle = rng.integers(-3, 4, size=base.shape) * spread
    distance = np.nextafter(base + wiggle, rng.choice([-np.inf, np.inf], size=base.shape))
    children = [
        (
            f"C{rng.integers(10**6)}-{c}",
            [f"S{s}" for s in range(n_schools)],
            {
                f"S{s}": [int(rng.integers(1, 3)), 99, float(distance[c, s])]
                for s in range(n_schools)
            },
            float(rng.choice([0.25, 0.5])),
        )
        for c in range(n_children)
    ]
    instance = Instance.from_lists([(f"S{s}", 5) for s in range(n_schools)], children)
    assert encode_pair_keys(instance).pair_of_key.tolist() == _reference_order(instance)


def _prefixes(instance: Instance, lengths: np.ndarray) -> Instance:
    """The instance with each child's list cut to its first ``lengths[c]`` schools."""
    ptr = np.zeros(instance.n_children + 1, dtype=np.int64)
    np.cumsum(lengths, out=ptr[1:])
    rows = np.concatenate(
        [np.arange(lo, lo + n) for lo, n in zip(instance.choice_ptr[:-1], lengths, strict=True)]
        or [np.zeros(0, dtype=np.int64)]
    ).astype(np.int64)
    return replace(
        instance,
        choice_ptr=ptr,
        choice_school=instance.choice_school[rows],
        priority=instance.priority[rows],
        lottery=instance.lottery[rows],
        distance_m=instance.distance_m[rows],
    )


@FAST
@given(instances(max_children=30, max_schools=6, max_list=6), st.randoms(use_true_random=False))
def test_da_resumed_on_longer_lists_equals_da_from_scratch(instance, rnd):
    """Nearest-first grows the lists of children rejected by their whole list and lets DA go
    on from where it stood (vectorised rounds, then the Python tail): same matching as DA run
    from scratch on the longer lists."""
    full = instance.list_length
    short = np.array([rnd.randint(0, int(n)) for n in full.tolist()], dtype=np.int64)
    before = _prefixes(instance, short)
    assigned = deferred_acceptance(before).assigned_pair
    grown = np.flatnonzero((assigned < 0) & (short < full))
    longer = short.copy()
    longer[grown] = full[grown]
    after = _prefixes(instance, longer)
    placed = assigned >= 0
    moved = np.where(placed, assigned + after.choice_ptr[:-1] - before.choice_ptr[:-1], -1)
    next_pair = np.where(placed, moved + 1, after.choice_ptr[1:])
    next_pair[grown] = after.choice_ptr[grown] + short[grown]
    start = DAState(moved, next_pair, grown)
    expected = deferred_acceptance(after).assigned_pair.tolist()
    assert deferred_acceptance(after, start=start).assigned_pair.tolist() == expected
    saved = da_module.TAIL_PROPOSERS
    try:
        da_module.TAIL_PROPOSERS = 1  # vectorised rounds only
        assert deferred_acceptance(after, start=start).assigned_pair.tolist() == expected
    finally:
        da_module.TAIL_PROPOSERS = saved


@settings(max_examples=60, deadline=None)
@given(instances(max_children=5, max_schools=3, max_list=3))
def test_da_is_the_child_optimal_stable_matching_by_enumeration(instance):
    assert solve(instance).assignment_dict() == brute_force_child_optimal(instance)


@FAST
@given(instances(max_children=20), st.integers(0, 2**32 - 1))
def test_result_hash_is_deterministic_and_order_independent(instance, seed):
    first = solve(instance)
    again = solve(instance)
    assert first.result_sha256 == again.result_sha256
    # Shuffle the children: same input hash, same result hash.
    perm = np.random.default_rng(seed).permutation(instance.n_children)
    schools = list(zip(instance.school_ids, instance.capacity.tolist(), strict=True))
    children = []
    for c in perm.tolist():
        pairs = range(instance.choice_ptr[c], instance.choice_ptr[c + 1])
        choices = [instance.school_ids[instance.choice_school[p]] for p in pairs]
        prio = {
            instance.school_ids[instance.choice_school[p]]: list(instance.priority[p])
            for p in pairs
        }
        lottery = float(instance.lottery[pairs[0]]) if len(pairs) else None
        children.append((instance.child_ids[c], choices, prio, lottery))
    if any(ch[3] is None for ch in children):
        return  # empty lists carry no lottery in this compact form
    shuffled = Instance.from_lists(schools, children)
    assert shuffled.input_sha256 == instance.input_sha256
    assert solve(shuffled).result_sha256 == first.result_sha256


@settings(max_examples=40, deadline=None)
@given(instances(max_children=5, max_schools=4, max_list=3))
def test_da_is_strategy_proof_for_children(instance):
    truth = solve(instance).assignment_dict()
    prefs = prefs_of(instance)
    for c, cid in enumerate(instance.child_ids):
        true_list = prefs[cid]

        def value(sid, true_list=true_list):
            return len(true_list) if sid is None else true_list.index(sid)

        honest = value(truth[cid])
        schools = instance.choices_of(c).tolist()
        for length in range(0, min(3, len(schools)) + 1):
            for report in itertools.permutations(schools, length):
                lied = solve(with_list(instance, c, list(report))).assignment_dict()[cid]
                assert value(lied) >= honest, (cid, report)


def _matching_library_assignment(instance: Instance) -> dict[str, str | None]:
    from matching.games import HospitalResident

    keys = school_rank(instance)
    prefs = prefs_of(instance)
    hospital_prefs = {sid: [] for sid in instance.school_ids}
    for cid, sid in keys:
        hospital_prefs[sid].append(cid)
    for sid, applicants in hospital_prefs.items():
        applicants.sort(key=lambda cid, sid=sid: keys[(cid, sid)])
    capacities = dict(zip(instance.school_ids, instance.capacity.tolist(), strict=True))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(prefs, hospital_prefs, capacities)
        matching = game.solve(optimal="resident")
    out: dict[str, str | None] = dict.fromkeys(instance.child_ids)
    for hospital, residents in matching.items():
        for resident in residents:
            out[resident.name] = hospital.name
    return out


@settings(max_examples=25, deadline=None)
@given(
    instances(
        max_children=60, max_schools=8, max_list=5, min_capacity=1, nonempty_lists=True, ties=False
    )
)
def test_da_matches_the_matching_library(instance):
    # ``matching`` is a dev dependency: a missing library is an error, never a skip.
    assert solve(instance).assignment_dict() == _matching_library_assignment(instance)


def test_cutoffs_are_the_worst_admitted_children():
    instance = Instance.from_lists(
        [("A", 2), ("B", 1), ("Z", 0)],
        [
            ("c1", ["A", "B"], {"A": [1, 0, 100.0], "B": [1, 0, 50.0]}, 0.1),
            ("c2", ["A"], {"A": [1, 0, 300.0]}, 0.2),
            ("c3", ["A", "B"], {"A": [2, 0, 10.0], "B": [2, 0, 10.0]}, 0.3),
            ("c4", ["Z"], {"Z": [1, 0, 1.0]}, 0.4),
        ],
    )
    result = solve(instance)
    assert result.assignment_dict() == {"c1": "A", "c2": "A", "c3": "B", "c4": None}
    assert result.cutoffs["A"].priority == (1, 0, 300)
    assert result.cutoffs["A"].lottery == 0.2
    assert result.cutoffs["B"].child_id == "c3"
    assert "Z" not in result.cutoffs  # admitted nobody: no cutoff
    doc = result.to_json()
    assert doc["cutoffs"]["A"] == {"priority": [1, 0, 300], "lottery": 0.2}
    assert doc["stable"] is True


def test_exact_ties_are_broken_by_child_id_not_input_order():
    prio = {"A": [1, 0, 5.0]}
    schools = [("A", 1)]
    forward = Instance.from_lists(schools, [("b", ["A"], prio, 0.5), ("a", ["A"], prio, 0.5)])
    backward = Instance.from_lists(schools, [("a", ["A"], prio, 0.5), ("b", ["A"], prio, 0.5)])
    assert solve(forward).assignment_dict()["a"] == "A"
    assert solve(backward).assignment_dict()["a"] == "A"
    assert solve(forward).result_sha256 == solve(backward).result_sha256


def test_partitioned_solve_in_processes_equals_serial():
    from hypothesis import find

    from admissions.allocation.mechanisms import solve_partitioned

    parts = [
        find(instances(max_children=30), lambda i, k=k: i.n_children >= 10 + k) for k in range(3)
    ]
    serial = solve_partitioned(parts, workers=1)
    parallel = solve_partitioned(parts, workers=2)
    assert [r.result_sha256 for r in serial] == [r.result_sha256 for r in parallel]
    assert all(r.stable for r in parallel)
