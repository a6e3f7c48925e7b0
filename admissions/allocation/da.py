"""Child-proposing deferred acceptance (DA): the child-optimal stable matching.

Fast path (:func:`deferred_acceptance`), vectorised with numpy:

1. *Encode.* All (child, school) pairs are sorted once by (school, priority tuple, lottery,
   child id). A pair's position in that order is its **key**: keys of one school form a
   contiguous range and a lower key means higher priority at that school.
2. *Rounds.* Every child without a tentative seat proposes to its next school at once.
   The sorted new keys are inserted into the sorted array of held keys; since the keys are
   grouped by school, each school that received some keeps its ``capacity[s]`` first keys
   and the rest are rejected. Rejected children advance one step in their list. The loop
   ends when nobody proposes. Proposals that cannot beat a full school's worst held key are
   rejected before the insertion.
3. *Tail.* When few proposers remain (long rejection chains), the remaining proposals are
   processed one at a time in plain Python on per-school sorted lists (same result: DA's
   outcome does not depend on the order of proposals).

DA can also resume from a :class:`DAState` (lists that grew for children rejected by their
whole list): :func:`propose_until_stable` runs the rounds from any such state, which is how
nearest-first goes on after its lists grow (``nearest_lists.py``).

:func:`da_reference` is a deliberately simple pure-Python DA used by the tests.
"""

from __future__ import annotations

import bisect
import itertools
from collections import deque
from dataclasses import dataclass

import numpy as np

from admissions.allocation.halves import rank_of_order
from admissions.allocation.model import Instance

#: Below this many proposers per round the tail is finished in plain Python.
TAIL_PROPOSERS = 64


@dataclass(frozen=True)
class DAOutcome:
    """Raw DA outcome: the assigned pair of each child (-1 = unplaced) and the round count."""

    assigned_pair: np.ndarray  # int64[C]
    rounds: int
    tail_proposals: int


@dataclass(frozen=True)
class PairKeys:
    """Per-pair priority keys: ``key[pair]`` orders pairs by (school, priority)."""

    key: np.ndarray  # int64[N]: position of each pair in the sorted order
    pair_of_key: np.ndarray  # int64[N]: inverse permutation
    school_of_key: np.ndarray  # int64[N]
    school_start: np.ndarray  # int64[S+1]: key range of each school


def encode_pair_keys(instance: Instance) -> PairKeys:
    """Sort all pairs by (school, priority tuple, lottery, child id) and number them.

    Every sort column is replaced by its rank and, when they fit in 63 bits, packed into
    one int64 (see :func:`_packed_order`) so that a single sort does the work of a lexsort.
    """
    inst = instance
    order = _packed_order(inst)
    if order is None:
        sort_keys = [inst.child_id_order[inst.pair_child], inst.lottery]
        sort_keys += [inst.priority[:, k] for k in range(inst.priority_length - 1, -1, -1)]
        sort_keys.append(inst.choice_school)
        order = np.lexsort(sort_keys)
    return keys_of_order(order, inst.choice_school, inst.n_schools)


def keys_of_order(
    order: np.ndarray,
    school_of_pair: np.ndarray,
    n_schools: int,
    school_of_key: np.ndarray | None = None,
) -> PairKeys:
    """DA's pair keys from the pairs' order by (school, priority, lottery, child id)
    (``school_of_key``: the school of each pair in that order, when the caller has it)."""
    key = rank_of_order(order)
    if school_of_key is None:
        school_of_key = school_of_pair[order]
    # The order is by school first: each school's keys start where its number would go.
    school_start = np.searchsorted(school_of_key, np.arange(n_schools + 1, dtype=np.int64))
    return PairKeys(key, order, school_of_key, school_start)


def dense_rank(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Dense 0-based ranks of ``values`` (equal values share a rank) and the rank count."""
    if values.size == 0:
        return np.zeros(0, dtype=np.int64), 1
    low, high = values.min(), values.max()
    if np.all(values == np.round(values)) and high - low < 1 << 16:
        return (values - low).astype(np.int64), int(high - low) + 1
    order = np.argsort(values)  # equal values get one rank whatever their order: no need for stable
    ordered = values[order]
    new = np.empty(values.size, dtype=np.int64)
    new[0] = 0
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    ranks = np.empty(values.size, dtype=np.int64)
    ranks[order] = np.cumsum(new)
    return ranks, int(ranks[order[-1]]) + 1


def _tie_rank(inst: Instance) -> tuple[np.ndarray, int]:
    """Rank of (lottery, child id) per pair; unique per child when lotteries are per child."""
    child_rank = inst.child_tie_rank
    if child_rank is not None:
        return child_rank[inst.pair_child], inst.n_children
    order = np.lexsort((inst.child_id_order[inst.pair_child], inst.lottery))
    rank = np.empty(inst.n_pairs, dtype=np.int64)
    rank[order] = np.arange(inst.n_pairs, dtype=np.int64)
    return rank, inst.n_pairs


def _packed_order(inst: Instance) -> np.ndarray | None:
    """Order of the pairs by one packed int64 key, or None when it needs > 63 bits.

    The pair index rides in the low bits, so a plain sort (much faster than an argsort)
    yields the order. When a priority column is not a small integer (a distance), it is
    quantised (order-preserving, coarser), nothing after it is packed, and pairs left
    equal are put in exact order afterwards (:func:`_exact_within_equal_keys`)."""
    index_bits = max(1, (inst.n_pairs - 1).bit_length())
    columns = [(inst.choice_school, inst.n_schools)]
    coarse = None  # the first priority column that is not a small integer
    for k in range(inst.priority_length):
        column = np.ascontiguousarray(inst.priority[:, k])
        ranked = _small_int_rank(column)
        if ranked is None:
            coarse = k
            break
        columns.append(ranked)
    tie = _tie_rank(inst)
    if coarse is None:
        columns.append(tie)
    widths = [max(1, int(count - 1).bit_length()) for _, count in columns]
    room = 63 - index_bits - sum(widths)
    if coarse is not None:
        bits = min(room, 32)
        quantised = _quantised(column, bits)
        if bits < 16 or quantised is None:
            return _packed_argsort(inst, tie)
        columns.append((quantised, 1 << bits))
        widths.append(bits)
    elif room < 0:
        return _packed_argsort(inst, tie)
    packed = np.zeros(inst.n_pairs, dtype=np.int64)
    for (values, _), width in zip(columns, widths, strict=True):
        packed <<= width
        packed |= values
    packed <<= index_bits
    packed |= np.arange(inst.n_pairs, dtype=np.int64)
    packed.sort()
    order = packed & ((1 << index_bits) - 1)
    if coarse is not None:
        order = _exact_within_equal_keys(inst, order, packed >> index_bits, coarse, tie[0])
    return order


def _packed_argsort(inst: Instance, tie: tuple[np.ndarray, int]) -> np.ndarray | None:
    """Argsort of one packed key of dense ranks, or None when it needs > 63 bits."""
    columns = [(inst.choice_school, inst.n_schools)]
    columns += [dense_rank(inst.priority[:, k]) for k in range(inst.priority_length)]
    columns.append(tie)
    widths = [max(1, int(count - 1).bit_length()) for _, count in columns]
    if sum(widths) > 63:
        return None
    packed = np.zeros(inst.n_pairs, dtype=np.int64)
    for (values, _), width in zip(columns, widths, strict=True):
        packed <<= width
        packed |= values
    return np.argsort(packed)


def _small_int_rank(values: np.ndarray) -> tuple[np.ndarray, int] | None:
    """Dense ranks of integral values spanning fewer than 2**16 (a lookup table, no
    sort) or of a constant column, or None for other values."""
    if values.size == 0:
        return np.zeros(0, dtype=np.int64), 1
    low, high = values.min(), values.max()
    if low == high:  # e.g. one group for everyone
        return np.zeros(values.size, dtype=np.int64), 1
    if not (high - low < 1 << 16):
        return None
    head = values[:1024]  # distances: settled at a glance, without rounding them all
    if not np.array_equal(head, np.round(head)):
        return None
    exact = values - low
    offset = exact.astype(np.int64)
    if not np.array_equal(offset, exact):  # a fraction somewhere: not integral
        return None
    table = np.cumsum(np.bincount(offset) > 0) - 1
    return table[offset], int(table[-1]) + 1


def _quantised(values: np.ndarray, bits: int) -> np.ndarray | None:
    """``values`` mapped to integers below ``2**bits``, order-preserving (equal values
    stay equal; values very close may become equal); None if not finite."""
    if bits <= 0:
        return None
    low, high = values.min(), values.max()
    if not (np.isfinite(low) and np.isfinite(high)):
        return None
    top = (1 << bits) - 1
    scale = top / (high - low) if high > low else 0.0
    quantised = ((values - low) * scale).astype(np.int64)  # >= 0: truncation is floor
    return np.minimum(quantised, top, out=quantised)


def _exact_within_equal_keys(
    inst: Instance, order: np.ndarray, key: np.ndarray, coarse: int, tie: np.ndarray
) -> np.ndarray:
    """Sort the runs of equal (sorted) keys by the exact priority columns from ``coarse``
    on, then the tie-break rank: the order :func:`encode_pair_keys` promises."""
    same = key[1:] == key[:-1]
    if not same.any():
        return order
    member = np.zeros(key.size, dtype=bool)
    member[1:] |= same
    member[:-1] |= same
    at = np.flatnonzero(member)
    run = np.cumsum(~np.r_[False, same][at])
    pairs = order[at]
    sort_keys = [tie[pairs]]
    sort_keys += [inst.priority[pairs, k] for k in range(inst.priority_length - 1, coarse - 1, -1)]
    order[at] = pairs[np.lexsort([*sort_keys, run])]
    return order


@dataclass(frozen=True)
class DAState:
    """Where an interrupted DA stands: the tentatively held pair of each child (-1 = none),
    the pair each child proposes to next once it is free (after its held pair for a held
    child), and the children still to propose.

    Resuming DA from a state reached on shorter lists (each child's list a prefix of its new
    one, the same priorities) gives the outcome of DA on the new lists: DA's outcome does not
    depend on the order of proposals, and every rejection made so far stays justified."""

    assigned_pair: np.ndarray  # int64[C]
    next_pair: np.ndarray  # int64[C]
    proposers: np.ndarray  # int64[k]


def deferred_acceptance(
    instance: Instance, keys: PairKeys | None = None, *, start: DAState | None = None
) -> DAOutcome:
    """Child-proposing DA on the instance's ranked lists (vectorised rounds), from scratch
    or resumed from ``start``."""
    inst = instance
    keys = keys or encode_pair_keys(inst)
    child_of_key = inst.pair_child[keys.pair_of_key]
    end_pair = inst.choice_ptr[1:]
    if start is None:
        next_pair = inst.choice_ptr[:-1].copy()
        held = np.empty(0, dtype=np.int64)
        proposers = np.flatnonzero(next_pair < end_pair)
    else:
        placed = start.assigned_pair >= 0
        # in the rounds a held child's pointer stays on its held pair
        next_pair = np.where(placed, start.assigned_pair, start.next_pair)
        held = np.sort(keys.key[start.assigned_pair[placed]])
        proposers = start.proposers[next_pair[start.proposers] < end_pair[start.proposers]]
    held, rounds, tail = propose_until_stable(
        keys, child_of_key, inst.capacity, held, next_pair, end_pair, proposers
    )
    assigned = np.full(inst.n_children, -1, dtype=np.int64)
    assigned[child_of_key[held]] = keys.pair_of_key[held]
    return DAOutcome(assigned, rounds, tail)


def propose_until_stable(
    keys: PairKeys,
    child_of_key: np.ndarray,
    capacity: np.ndarray,
    held: np.ndarray,
    next_pair: np.ndarray,
    end_pair: np.ndarray,
    proposers: np.ndarray,
) -> tuple[np.ndarray, int, int]:
    """DA's rounds from a given state: ``held`` (sorted keys of the pairs schools hold),
    each child's ``next_pair`` (its held pair while it holds one) and ``end_pair`` (end of
    the contiguous part of its list it may still propose to), ``proposers`` (children
    without a seat). Returns (held keys, rounds, proposals made in the Python tail);
    ``next_pair`` is advanced in place."""
    big = np.int64(np.iinfo(np.int64).max)
    worst_held = np.full(capacity.size, big)  # key of the worst held child if school full
    worst_held[capacity <= 0] = -1
    if held.size:
        seated = np.bincount(keys.school_of_key[held], minlength=capacity.size)
        full = np.flatnonzero((seated >= capacity) & (capacity > 0))
        worst_held[full] = held[np.searchsorted(held, keys.school_start[full + 1]) - 1]
    rounds = 0
    while proposers.size and proposers.size >= TAIL_PROPOSERS:
        rounds += 1
        new = keys.key[next_pair[proposers]]
        school = keys.school_of_key[new]
        beaten = new > worst_held[school]
        rejected = [proposers[beaten]]
        new = np.sort(new[~beaten])
        if new.size:
            # Insert the new keys (their schools' ranges stay contiguous) and cut each
            # school that received some back to its capacity: only those ranges change.
            merged = np.insert(held, np.searchsorted(held, new), new)
            touched = np.unique(keys.school_of_key[new])
            lo = np.searchsorted(merged, keys.school_start[touched])
            count = np.searchsorted(merged, keys.school_start[touched + 1]) - lo
            cap = capacity[touched]
            full = (count >= cap) & (cap > 0)
            worst_held[touched[full]] = merged[lo[full] + cap[full] - 1]
            over = np.flatnonzero(count > cap)
            drop = ranges(lo[over] + cap[over], count[over] - cap[over])
            rejected.append(child_of_key[merged[drop]])
            held = np.delete(merged, drop)
        out = np.concatenate(rejected)
        next_pair[out] += 1
        proposers = out[next_pair[out] < end_pair[out]]

    tail = 0
    if proposers.size:
        held, tail = _finish_in_python(
            keys, child_of_key, capacity, held, next_pair, end_pair, proposers
        )
        rounds += 1
    return held, rounds, tail


def ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(start, start + length)`` for each pair."""
    offsets = np.arange(int(lengths.sum()), dtype=np.int64)
    return np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + offsets


def _finish_in_python(
    keys: PairKeys,
    child_of_key: np.ndarray,
    capacity: np.ndarray,
    held: np.ndarray,
    next_pair: np.ndarray,
    end_pair: np.ndarray,
    proposers: np.ndarray,
) -> tuple[np.ndarray, int]:
    """Process the last few proposals one by one on lazily built per-school lists."""
    key_of_pair = keys.key
    school_of_key = keys.school_of_key
    school_start = keys.school_start
    lists: dict[int, list[int]] = {}

    def held_list(school: int) -> list[int]:
        found = lists.get(school)
        if found is None:
            lo, hi = np.searchsorted(held, school_start[school : school + 2])
            found = lists[school] = held[lo:hi].tolist()
        return found

    pointer: dict[int, int] = {}  # current/next pair of children touched in the tail
    queue = deque(int(c) for c in proposers)
    proposals = 0
    while queue:
        child = queue.popleft()
        pair = pointer.get(child, int(next_pair[child]))
        if pair >= end_pair[child]:
            continue
        proposals += 1
        key = int(key_of_pair[pair])
        school = int(school_of_key[key])
        bucket = held_list(school)
        cap = int(capacity[school])
        if len(bucket) >= cap and (cap == 0 or key > bucket[-1]):
            loser = child
        else:
            bisect.insort(bucket, key)
            loser = int(child_of_key[bucket.pop()]) if len(bucket) > cap else -1
        if loser >= 0:
            pointer[loser] = pointer.get(loser, int(next_pair[loser])) + 1
            queue.append(loser)

    if lists:
        held = with_blocks_replaced(held, school_start, lists)
    return held, proposals


def with_blocks_replaced(
    held: np.ndarray,
    school_start: np.ndarray,
    blocks: dict[int, list[int]],
    values: np.ndarray | None = None,
) -> np.ndarray:
    """``values`` (aligned with ``held``, the sorted keys of the held pairs; by default
    ``held`` itself) with each school's entries replaced by its ``blocks`` entry, in order.
    A school's keys are one contiguous range of the key space, so each new block goes where
    the old one was: a merge, not a sort of every held key."""
    touched = np.array(sorted(blocks), dtype=np.int64)
    lo = np.searchsorted(held, school_start[touched])
    hi = np.searchsorted(held, school_start[touched + 1])
    keep = np.ones(held.size, dtype=bool)
    for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
        keep[a:b] = False
    rest = held[keep]
    new = [blocks[s] for s in touched.tolist()]
    at = np.repeat(np.searchsorted(rest, school_start[touched]), [len(b) for b in new])
    if values is not None:
        rest = values[keep]
    # np.insert keeps values aimed at the same place in their given order: school order.
    spliced = np.fromiter(itertools.chain.from_iterable(new), rest.dtype)
    return np.insert(rest, at, spliced)


def da_reference(instance: Instance) -> np.ndarray:
    """Textbook child-proposing DA in plain Python; returns the school index of each child.

    Priorities compare as (priority tuple, lottery, child id). Slow; for tests only.
    """
    inst = instance
    prefs = [inst.choices_of(c).tolist() for c in range(inst.n_children)]
    rank: dict[tuple[int, int], tuple] = {}
    for pair in range(inst.n_pairs):
        child = int(inst.pair_child[pair])
        school = int(inst.choice_school[pair])
        rank[(child, school)] = (
            tuple(inst.priority[pair].tolist()),
            float(inst.lottery[pair]),
            inst.child_ids[child],
        )
    next_index = [0] * inst.n_children
    held: dict[int, list[int]] = {s: [] for s in range(inst.n_schools)}
    free = deque(range(inst.n_children))
    while free:
        child = free.popleft()
        if next_index[child] >= len(prefs[child]):
            continue
        school = prefs[child][next_index[child]]
        next_index[child] += 1
        held[school].append(child)
        if len(held[school]) > inst.capacity[school]:
            worst = max(held[school], key=lambda c, s=school: rank[(c, s)])
            held[school].remove(worst)
            free.append(worst)
    assignment = np.full(inst.n_children, -1, dtype=np.int64)
    for school, children in held.items():
        for child in children:
            assignment[child] = school
    return assignment
