"""Lists grown on demand (``nearest_lists.py``): merged pair keys, appended rows."""

from __future__ import annotations

import numpy as np
import pytest

from admissions.allocation.da import deferred_acceptance, encode_pair_keys
from admissions.allocation.nearest import build_nearest_instance, nearest_source
from admissions.allocation.nearest_lists import GrowingLists, HeldSeats, _CoarseKeys, held_keys


def small_source(n_children=40, n_schools=7, seed=0):
    rng = np.random.default_rng(seed)
    return nearest_source(
        [f"c{i:02d}" for i in range(n_children)],
        rng.uniform(106.66, 106.69, n_children),
        rng.uniform(10.76, 10.79, n_children),
        [f"s{i}" for i in range(n_schools)],
        rng.uniform(106.66, 106.69, n_schools),
        rng.uniform(10.76, 10.79, n_schools),
        np.full(n_schools, 3),
        lottery=np.round(rng.random(n_children), 1),  # equal lotteries: the child id decides
        categories=[[(1, None)] if i % 5 == 0 else [(2, "s1")] if i % 7 == 0 else [] for i in
                    range(n_children)],
        catchments=[["s0"] if i % 3 == 0 else [] for i in range(n_children)],
    )  # fmt: skip


@pytest.mark.parametrize("seed", range(8))
def test_merged_keys_order_pairs_as_a_plain_sort_does(seed):
    """Pairs added batch by batch, with exactly equal and next-to-equal distances (one ulp
    apart: the same coarse key), end in the order of a plain lexsort of (school, group,
    category, distance, lottery and child id)."""
    source = small_source(seed=seed)
    rng = np.random.default_rng(100 + seed)
    keys = _CoarseKeys(source)
    n = 600
    school = rng.integers(0, source.n_schools, n)
    child = rng.integers(0, source.n_children, n)
    base = rng.choice([120.0, 350.5, 1999.25, 4000.0], n)
    dist = np.where(rng.random(n) < 0.5, base, rng.uniform(0, 4000, n))
    nudged = rng.random(n) < 0.3
    dist[nudged] = np.nextafter(dist[nudged], np.inf)
    category = rng.choice([1, 2, 99], n)  # the source's categories
    priority = np.column_stack([rng.integers(1, 3, n), category, dist]).astype(float)
    bounds = np.sort(rng.choice(np.arange(1, n), 4, replace=False))
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, n], strict=True):
        keys.add(lo, school[lo:hi], priority[lo:hi], child[lo:hi], priority[:hi], child[:hi])
    tie = source.child_tie_rank[child]
    expected = np.lexsort((tie, priority[:, 2], priority[:, 1], priority[:, 0], school))
    # Pairs of one child at one school never occur twice in a list: compare on the sort keys.
    columns = np.column_stack([school, priority, tie])
    np.testing.assert_array_equal(columns[keys.order], columns[expected])
    np.testing.assert_array_equal(keys.child_in_order, child[keys.order])
    np.testing.assert_array_equal(keys.school_in_order(), school[keys.order])


def test_coarse_keys_refuse_a_priority_outside_their_range():
    keys = _CoarseKeys(small_source())
    with pytest.raises(ValueError, match="outside the coarse key"):
        keys.coarse(np.array([0]), np.array([[3.0, 99.0, 10.0]]))  # group 3 does not exist
    with pytest.raises(ValueError, match="outside the coarse key"):
        keys.coarse(np.array([0]), np.array([[1.0, 5.0, 10.0]]))  # nobody has category 5


def test_grown_lists_give_the_keys_and_the_da_of_the_complete_instance():
    """Lists grown one school at a time hold, at the end, the complete lists; their merged
    keys order the pairs as encoding the complete instance does, and DA agrees."""
    source = small_source(n_children=60, seed=4)
    lists = GrowingLists(source, 1)
    while lists.truncated.any():
        lists.grow(np.flatnonzero(lists.truncated), 2)
    grown = lists.instance()
    complete = build_nearest_instance(source)
    for name in ("choice_ptr", "choice_school", "priority", "distance_m"):
        np.testing.assert_array_equal(getattr(grown, name), getattr(complete, name))
    # Row r of the grown lists is the pair at CSR position csr[r] of the instance.
    order = np.argsort(lists.child.values, kind="stable")
    csr = np.empty_like(order)
    csr[order] = np.arange(order.size)
    merged, child_of_key = lists.keys()
    encoded = encode_pair_keys(complete)
    np.testing.assert_array_equal(csr[merged.pair_of_key], encoded.pair_of_key)
    np.testing.assert_array_equal(child_of_key, lists.child.values[merged.pair_of_key])
    np.testing.assert_array_equal(merged.school_of_key, lists.school.values[merged.pair_of_key])
    assert deferred_acceptance(complete).assigned_pair.tolist() == (
        deferred_acceptance(grown).assigned_pair.tolist()
    )


@pytest.mark.parametrize("coarse", [True, False])
def test_pairs_in_the_order_of_earlier_keys_keep_it_in_the_keys_after_a_growth(monkeypatch, coarse):
    """Held rows listed in the order of one round's keys have ascending keys after lists
    grew (every key is a rank in one fixed order of all pairs): the next round's held keys
    need no sort. Out of order, they are sorted."""
    import admissions.allocation.nearest_lists as nearest_lists

    if not coarse:
        monkeypatch.setattr(nearest_lists, "MIN_DISTANCE_BITS", 64)
    source = small_source(n_children=60, seed=6)
    lists = GrowingLists(source, 3)
    before, _ = lists.keys()
    assert before.key.size > 20
    rng = np.random.default_rng(6)
    held = np.sort(rng.choice(lists.n_pairs, lists.n_pairs // 2, replace=False))
    pairs_in_order = before.pair_of_key[held]  # rows in the order of their keys
    lists.grow(np.flatnonzero(lists.truncated), 3)
    after, _ = lists.keys()
    assert lists.n_pairs > before.key.size  # new pairs took ranks among the old ones
    expected = np.sort(after.key[pairs_in_order])
    assert not np.array_equal(expected, before.key[pairs_in_order])
    assert (np.diff(after.key[pairs_in_order]) > 0).all()  # in order as they come
    np.testing.assert_array_equal(held_keys(after, pairs_in_order), expected)
    shuffled = rng.permutation(pairs_in_order)
    np.testing.assert_array_equal(held_keys(after, shuffled), expected)


def test_held_rows_in_key_order_include_the_schools_a_python_round_changed():
    """After rounds in Python changed some schools' held rows, the held rows read in key
    order are those of the held set with each changed school's rows in their place."""
    source = small_source(n_children=60, seed=7)
    lists = GrowingLists(source, 3)
    keys, _ = lists.keys()
    rng = np.random.default_rng(7)
    held = np.sort(rng.choice(keys.key.size, keys.key.size // 3, replace=False))
    seats = HeldSeats(keys, held)
    np.testing.assert_array_equal(seats.pairs_in_order(), keys.pair_of_key[held])
    held_set = set(keys.pair_of_key[held].tolist())
    changed = [s for s in range(source.n_schools) if np.diff(keys.school_start)[s] > 1][:3]
    assert len(changed) == 3
    for s in changed:  # as a round in Python would: other rows of the school, in key order
        rows = seats.of(s)
        in_school = keys.pair_of_key[keys.school_start[s] : keys.school_start[s + 1]]
        held_set -= set(rows)
        rows[:] = sorted(rng.choice(in_school, 2, replace=False).tolist(), key=keys.key.item)
        held_set |= set(rows)
    expected = keys.pair_of_key[np.sort(keys.key[sorted(held_set)])]
    np.testing.assert_array_equal(seats.pairs_in_order(), expected)


def test_without_coarse_keys_every_pair_is_sorted_and_the_result_is_the_same(monkeypatch):
    """Too few bits for the distance (very many schools or categories): the pairs are
    sorted from scratch after each growth, with the same lists, seats and cutoffs."""
    import admissions.allocation.nearest_lists as nearest_lists
    from admissions.allocation.nearest import solve_nearest

    source = small_source(n_children=80, seed=5)
    merged = solve_nearest(source, initial_list_length=1)
    monkeypatch.setattr(nearest_lists, "MIN_DISTANCE_BITS", 64)
    assert not nearest_lists._CoarseKeys(source).in_use
    sorted_ = solve_nearest(source, initial_list_length=1)
    assert sorted_.assignment.tolist() == merged.assignment.tolist()
    assert sorted_.cutoffs == merged.cutoffs
    np.testing.assert_array_equal(sorted_.instance.choice_school, merged.instance.choice_school)
    assert sorted_.instance.list_length.max() > 1  # lists grew from their first school


@pytest.mark.parametrize(("initial", "growth"), [(1, 2), (2, 3), (4, 16)])
def test_published_lists_end_at_the_seat(initial, growth):
    """A seated child's published list is its list up to and including its seat, an
    unseated child's its whole list; the final pass reads the lengths before the instance is
    assembled (it is assembled meanwhile): both agree."""
    from admissions.allocation.nearest_lists import lists_and_da

    source = small_source(n_children=90, n_schools=6, seed=initial)
    lists, seat, _ = lists_and_da(source, initial, growth)
    assert (seat < 0).any() and (seat >= 0).any()
    assert (lists.part_start[seat >= 0] > 0).any()  # some seats lie in a grown part
    whole, inst = lists.instance(), lists.instance(seat)
    for c in range(source.n_children):
        full = whole.choices_of(c).tolist()
        cut = full.index(int(lists.school.values[seat[c]])) + 1 if seat[c] >= 0 else len(full)
        assert inst.choices_of(c).tolist() == full[:cut]
        assert inst.truncated[c] == (whole.truncated[c] or cut < len(full))
    np.testing.assert_array_equal(lists.published_length(seat), inst.list_length)
