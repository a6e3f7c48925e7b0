"""Nearest-first lists grown on demand, with DA resumed on them (ADR 12, 28, 29).

Each child's list starts with its few nearest schools: an exact prefix of the schools within
the maximum distance, nearest first (``SchoolLocator.within``). DA runs on these prefixes; a
child rejected by its whole prefix gets a longer one and proposes again from where it stopped,
while every other child keeps the seat it holds. DA's outcome does not depend on the order of
proposals and every earlier rejection stays justified, so once no unplaced child has a
truncated list the outcome is DA's on the complete lists.

What makes a round of growth cost only its new rows:

* **Rows are appended, never moved.** A grown list's new part (its *continuation*: the
  schools after the old prefix, then, once the list is complete, catchment schools beyond the
  maximum distance) is added after every row so far. A child's rows are in list order in the
  order they were added, and it proposes only within its newest part (it was rejected by
  everything before). The CSR instance is assembled once, at the end.
* **DA's pair keys are merged, not encoded again.** A pair's *coarse key* packs (school,
  group, category, distance quantised on a fixed scale) in one int64 and means the same in
  every round; the new pairs' keys are sorted and inserted among the old ones, and runs of
  equal coarse keys are put in exact order (distance, then lottery and child id).

**A small growth is finished in Python.** After at most ``PYTHON_ROUND_PROPOSERS`` lists grew
(the last rounds of a city: hundreds of children, then tens, then one), DA goes on one
proposal at a time on each school's held rows, compared by their exact priority tuple: the
keys of every pair, which a vectorised round needs, would cost more than the proposals.

**Published lists end at the placed school.** A child placed from its list is published with
the schools up to and including its seat: the schools it was refused, each with its metres,
and the one it got (the rule needs no school after it, and the independent checker rebuilds
exactly this prefix). A child without a seat from its list is published with every school
within the maximum distance (and its catchment schools beyond). The lists therefore do not
depend on how they were grown (initial length, growth factor).
"""

from __future__ import annotations

import bisect
from collections import deque
from typing import TYPE_CHECKING

import numpy as np

from admissions.allocation.da import (
    PairKeys,
    keys_of_order,
    propose_until_stable,
    ranges,
    with_blocks_replaced,
)
from admissions.allocation.halves import argsort_in_halves, searchsorted_in_halves
from admissions.allocation.model import Instance, Policy
from admissions.allocation.priorities import pair_priorities

if TYPE_CHECKING:
    from admissions.allocation.nearest import NearestSource

#: No geodesic on the WGS84 ellipsoid is longer than this (half a meridian is 20,003,931 m):
#: the fixed scale of the quantised distance in the coarse keys.
LONGEST_GEODESIC_M = 20_004_000.0
#: Below this many bits for the distance, coarse keys would leave too many pairs equal: the
#: keys are then encoded from scratch after each growth (exact either way).
MIN_DISTANCE_BITS = 24
#: Rows reserved per child in the columns of the lists (a city-scale run ends with about 9).
RESERVED_ROWS_PER_CHILD = 16


class _Buffer:
    """An append-only column (amortised growth: rows are never copied one round at a time).

    ``rows``: the room reserved at first. Pages the column never reaches are never touched,
    so a generous reserve costs address space, not memory, and saves the copies of growth."""

    def __init__(self, dtype, width: int = 0, rows: int = 1024) -> None:
        self.shape = (width,) if width else ()
        self.data = np.empty((max(1024, rows), *self.shape), dtype=dtype)
        self.size = 0

    def append(self, values: np.ndarray) -> None:
        end = self.size + len(values)
        if end > len(self.data):
            bigger = np.empty((max(end, 2 * len(self.data)), *self.shape), self.data.dtype)
            bigger[: self.size] = self.data[: self.size]
            self.data = bigger
        self.data[self.size : end] = values
        self.size = end

    @property
    def values(self) -> np.ndarray:
        return self.data[: self.size]


class _CoarseKeys:
    """Order of every pair by (school, group, category, distance, lottery, child id), kept
    up to date as pairs are added (see the module docstring)."""

    def __init__(self, source: NearestSource) -> None:
        members, rule = source.members, source.rule
        self.categories = np.unique(np.r_[members.category_rank, rule.none_rank]).astype(float)
        self.tie = source.child_tie_rank
        school_bits = max(1, (source.n_schools - 1).bit_length())
        category_bits = max(1, (self.categories.size - 1).bit_length())
        self.distance_bits = 63 - school_bits - 1 - category_bits
        self.shifts = (63 - school_bits, 63 - school_bits - 1, self.distance_bits)
        longest = LONGEST_GEODESIC_M
        if source.road is not None:  # road metres are input: they bound themselves
            longest = max(longest, source.road.limit_m, float(source.road.metres.max(initial=0)))
        self.longest = longest
        self.scale = ((1 << self.distance_bits) - 1) / longest
        self.in_use = self.distance_bits >= MIN_DISTANCE_BITS
        self.order = np.zeros(0, dtype=np.int64)
        self.sorted_coarse = np.zeros(0, dtype=np.int64)
        # The child of each pair in that order: inserted with it, where gathering it from
        # every pair after each growth would cost a random read per pair.
        self.child_in_order = np.zeros(0, dtype=np.int64)

    def coarse(self, school: np.ndarray, priority: np.ndarray) -> np.ndarray:
        group = priority[:, 0].astype(np.int64) - 1
        category = np.searchsorted(self.categories, priority[:, 1])
        distance = priority[:, 2]
        known = self.categories[np.minimum(category, self.categories.size - 1)] == priority[:, 1]
        if not (known.all() and np.isin(group, (0, 1)).all() and (distance <= self.longest).all()):
            raise ValueError("a priority outside the coarse key's range")
        quantised = (distance * self.scale).astype(np.int64)
        school_shift, group_shift, category_shift = self.shifts
        return (
            (school.astype(np.int64) << school_shift)
            | (group << group_shift)
            | (category.astype(np.int64) << category_shift)
            | quantised
        )

    def add(self, first_pair: int, school, priority, child, all_priority, all_child):
        """Insert pairs ``first_pair, first_pair + 1, ...`` (their schools, priorities and
        children); ``all_*``: the columns of every pair so far, for the exact order."""
        coarse = self.coarse(school, priority)
        sort = argsort_in_halves(coarse)  # equal coarse keys are put in exact order below
        new_pairs = first_pair + sort
        coarse = coarse[sort]
        at = searchsorted_in_halves(self.sorted_coarse, coarse)
        self.order, self.sorted_coarse, self.child_in_order = _inserted(
            at,
            (self.order, new_pairs),
            (self.sorted_coarse, coarse),
            (self.child_in_order, child[sort]),
        )
        self._exact_runs(all_priority, all_child)

    def school_in_order(self) -> np.ndarray:
        """The school of each pair in the order (the top bits of its coarse key)."""
        return self.sorted_coarse >> self.shifts[0]

    def _exact_runs(self, priority: np.ndarray, child: np.ndarray) -> None:
        """Runs of equal coarse keys in (distance, lottery, child id) order."""
        key = self.sorted_coarse
        same = key[1:] == key[:-1]
        if not same.any():
            return
        member = np.zeros(key.size, dtype=bool)
        member[1:] |= same
        member[:-1] |= same
        at = np.flatnonzero(member)
        run = np.cumsum(~np.r_[False, same][at])
        pairs = self.order[at]
        pairs = pairs[np.lexsort((self.tie[child[pairs]], priority[pairs, 2], run))]
        self.order[at] = pairs
        self.child_in_order[at] = child[pairs]


def _inserted(at: np.ndarray, *columns: tuple[np.ndarray, np.ndarray]) -> list[np.ndarray]:
    """Each (old, new) column with ``new[i]`` inserted before ``old[at[i]]`` (``at``
    ascending), as ``np.insert`` would, the positions worked out once for every column."""
    size = len(columns[0][0]) + at.size
    new_position = at + np.arange(at.size)
    is_old = np.ones(size, dtype=bool)
    is_old[new_position] = False
    merged = []
    for old, new in columns:
        column = np.empty(size, dtype=old.dtype)
        column[new_position] = new
        column[is_old] = old
        merged.append(column)
    return merged


def position_in_runs(values: np.ndarray) -> np.ndarray:
    """Position of each entry within its run of equal consecutive values."""
    if not values.size:
        return np.zeros(0, dtype=np.int64)
    start = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    return np.arange(values.size, dtype=np.int64) - np.repeat(
        start, np.diff(np.r_[start, values.size])
    )


class GrowingLists:
    """Every child's list as rows added round by round (see the module docstring)."""

    def __init__(self, source: NearestSource, initial_length: int) -> None:
        self.source = source
        n = source.n_children
        rows = n * RESERVED_ROWS_PER_CHILD
        self.child = _Buffer(np.int64, rows=rows)
        self.school = _Buffer(np.int64, rows=rows)
        self.dist = _Buffer(np.float64, rows=rows)
        self.priority = _Buffer(np.float64, 3, rows=rows)
        self.length = np.zeros(n, dtype=np.int64)  # rows so far, per child
        self.want = np.full(n, min(initial_length, source.n_schools), dtype=np.int64)
        self.truncated = np.zeros(n, dtype=bool)
        # The part of its list a child may still propose to: its newest rows.
        self.part_start = np.zeros(n, dtype=np.int64)
        self.part_end = np.zeros(n, dtype=np.int64)
        self.coarse = _CoarseKeys(source)
        # Pairs from this one on are not in the coarse order yet: they are merged in when DA
        # next needs every key (rounds of growth DA finishes in Python never need them).
        self.coarse_upto = 0
        # Projected once: a list that grows is queried again from the same home.
        self.child_xy = source.locator.project(source.child_lon, source.child_lat)
        everyone = np.arange(source.n_children, dtype=np.int64)
        self._add(everyone, *self._first_rows(everyone))

    @property
    def n_pairs(self) -> int:
        return self.child.size

    # -- rows ----------------------------------------------------------------------------
    def _first_rows(self, everyone: np.ndarray):
        source = self.source
        parts = []
        by_road = everyone[source.routed]
        if by_road.size:  # complete lists straight from the road table
            parts.append(self._road_lists(by_road))
        straight = everyone[~source.routed]
        if straight.size:
            parts.append(self._measured(straight, None))
        return self._with_far_catchments(everyone, parts)

    def grow(self, children: np.ndarray, factor: int) -> None:
        """Longer lists for ``children`` (ascending; rejected by their whole list, which is
        truncated): ``factor`` times as long, at most every school."""
        self.want[children] = np.minimum(self.want[children] * factor, self.source.n_schools)
        self._extend(children)

    def _extend(self, children: np.ndarray) -> None:
        """Measure the straight-line ``children``'s lists to their ``want`` length and add
        the new rows."""
        measured = self._measured(children, self._known(children))
        self._add(children, *self._with_far_catchments(children, [measured]))

    def _measured(self, children: np.ndarray, known):
        """(child, school, metres) of the new rows of straight-line ``children``: the schools
        after their current rows in the exact prefix of length ``want`` (nearest first)."""
        source = self.source
        rows = []
        for k in np.unique(self.want[children]).tolist():
            pick = self.want[children] == k
            group, old = children[pick], self.length[children[pick]]
            own = None
            if known is not None and old.max(initial=0) > 0:
                width = int(old.max())
                own = (known[0][pick, :width], known[1][pick, :width])
            found = source.locator.within(
                source.child_lon[group],
                source.child_lat[group],
                source.max_distance_m,
                int(k),
                known=own,
                xy=self.child_xy[group],
            )
            self.truncated[group] = found.maybe_more
            valid = found.school >= 0
            if (valid.sum(axis=1) < old).any() or (
                own is not None and not _starts_with(found.school, own[0], old)
            ):
                raise ListPrefixChanged
            # Valid slots come first in a row (sorted by distance): keep those after the old.
            column = np.arange(valid.shape[1])
            keep = valid & (column[None, :] >= old[:, None])
            rows.append(
                (
                    np.broadcast_to(group[:, None], keep.shape)[keep],
                    found.school[keep],
                    found.distance_m[keep],
                )
            )
        return tuple(np.concatenate(r) for r in zip(*rows, strict=True))

    def _known(self, children: np.ndarray):
        """The current rows of ``children`` as (n, m) school and metres arrays (-1 / inf
        padded): a list that grows starts with them, measured once."""
        length = self.length[children]
        width = int(length.max(initial=0))
        if width == 0:
            return None
        every_child = self.child.values
        mine = np.zeros(self.source.n_children, dtype=bool)
        mine[children] = True
        pairs = np.flatnonzero(mine[every_child])
        pairs = pairs[np.argsort(every_child[pairs], kind="stable")]  # per child, list order
        owner = every_child[pairs]
        row, col = np.searchsorted(children, owner), position_in_runs(owner)
        school = np.full((children.size, width), -1, dtype=np.int64)
        dist = np.full((children.size, width), np.inf)
        school[row, col] = self.school.values[pairs]
        dist[row, col] = self.dist.values[pairs]
        return school, dist

    def _road_lists(self, children: np.ndarray):
        """(child, school, road metres) of the table's schools within the maximum distance,
        nearest first (equal metres in school id order)."""
        source, road = self.source, self.source.road
        counts = np.diff(road.ptr)[children]
        child = np.repeat(children, counts)
        rows = ranges(road.ptr[children], counts)
        school, dist = road.school[rows], road.metres[rows]
        keep = dist <= source.max_distance_m
        child, school, dist = child[keep], school[keep], dist[keep]
        order = np.lexsort((source.school_tie_rank[school], dist, child))
        return child[order], school[order], dist[order]

    def _with_far_catchments(self, children: np.ndarray, parts):
        """The parts' rows of ``children``, child by child, each complete list followed by
        its catchment schools beyond the maximum distance (group 1 is a right at any
        distance), those by (distance, school id)."""
        source, members = self.source, self.source.members
        complete = children[~self.truncated[children]]
        counts = np.diff(members.catchment_ptr)[complete]
        far_child = np.repeat(complete, counts)
        far_school = members.catchment_school[ranges(members.catchment_ptr[complete], counts)]
        far_dist = np.asarray(source.pair_distance(far_child, far_school), dtype=np.float64)
        far = far_dist > source.max_distance_m
        far_child, far_school, far_dist = far_child[far], far_school[far], far_dist[far]
        far_order = np.lexsort((source.school_tie_rank[far_school], far_dist, far_child))
        child = np.concatenate([*(p[0] for p in parts), far_child[far_order]])
        school = np.concatenate([*(p[1] for p in parts), far_school[far_order]])
        dist = np.concatenate([*(p[2] for p in parts), far_dist[far_order]])
        beyond = np.zeros(child.size, dtype=np.int8)
        beyond[child.size - far_child.size :] = 1
        order = np.lexsort((beyond, child))  # stable: each part's order is kept
        return child[order], school[order], dist[order]

    def _add(self, children, child: np.ndarray, school: np.ndarray, dist: np.ndarray) -> None:
        """Append rows (child by child, each in list order): they become the part of the
        lists of ``children`` (ascending) that these may still propose to."""
        source = self.source
        first = self.n_pairs
        priority = pair_priorities(
            source.members, child, school, dist, source.n_schools, source.rule
        )
        self.child.append(child)
        self.school.append(school)
        self.dist.append(dist)
        self.priority.append(priority)
        counts = np.bincount(child, minlength=source.n_children)
        self.length += counts
        self.part_start[children] = first + np.searchsorted(child, children)
        self.part_end[children] = self.part_start[children] + counts[children]

    def _merge_coarse(self) -> None:
        """Put the pairs added since the last call in the coarse order."""
        first, coarse = self.coarse_upto, self.coarse
        self.coarse_upto = self.n_pairs
        if not coarse.in_use or first == self.n_pairs:
            return
        new = slice(first, self.n_pairs)
        priority, child = self.priority.values, self.child.values
        try:
            coarse.add(first, self.school.values[new], priority[new], child[new], priority, child)
        except ValueError:  # not expected (see _CoarseKeys.coarse): sort every pair instead
            coarse.in_use = False

    def keys(self) -> tuple[PairKeys, np.ndarray]:
        """DA's keys of every pair so far, and the child of each key."""
        self._merge_coarse()
        school, child = self.school.values, self.child.values
        n_schools = self.source.n_schools
        if self.coarse.in_use:
            coarse = self.coarse
            keys = keys_of_order(coarse.order, school, n_schools, coarse.school_in_order())
            return keys, coarse.child_in_order
        priority = self.priority.values
        tie = self.source.child_tie_rank[child]
        order = np.lexsort((tie, priority[:, 2], priority[:, 1], priority[:, 0], school))
        return keys_of_order(order, school, n_schools), child[order]

    def published_length(self, assigned_row: np.ndarray) -> np.ndarray:
        """Each child's published list length (its seat's position + 1 when it has a seat
        from its list, else every row): that of :meth:`instance`, without assembling it."""
        length = self.length.copy()
        placed = np.flatnonzero(assigned_row >= 0)
        rows = assigned_row[placed]
        # A child's rows lie in list order; its newest part starts at part_start.
        before = self.length[placed] - (self.part_end[placed] - self.part_start[placed])
        length[placed] = before + rows - self.part_start[placed] + 1
        return length

    # -- the instance --------------------------------------------------------------------
    def instance(self, assigned_pair: np.ndarray | None = None) -> Instance:
        """The CSR instance of the rows (each list ending at its child's seat, a row, when
        ``assigned_pair`` is given)."""
        source = self.source
        n = source.n_children
        order = np.argsort(self.child.values, kind="stable")  # per child, in list order
        child = self.child.values[order]
        ptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(self.length, out=ptr[1:])
        truncated = self.truncated.copy()
        if assigned_pair is not None:
            keep_length = self.published_length(assigned_pair)
            truncated |= keep_length < self.length
            kept = np.arange(order.size) - ptr[child] < keep_length[child]  # row's position
            order, child = order[kept], child[kept]
            np.cumsum(keep_length, out=ptr[1:])
        inst = Instance(
            school_ids=source.school_ids,
            capacity=source.capacity,
            child_ids=source.child_ids,
            choice_ptr=ptr,
            choice_school=self.school.values[order],
            priority=self.priority.values[order],
            lottery=source.lottery[child],
            distance_m=self.dist.values[order],
            policy=Policy(
                mechanism="nearest",
                max_distance_m=source.max_distance_m,
                seed=source.seed,
                no_category_rank=source.rule.none_rank,
                metric=source.metric,
            ),
            ward=source.ward,
            group=source.group,
            truncated=truncated,
        )
        # The source's id order and tie-break rank (cached properties, filled in ahead):
        # every pair carries its child's lottery.
        inst.__dict__["child_id_order"] = source.child_id_order
        inst.__dict__["child_tie_rank"] = source.child_tie_rank
        return inst


class ListPrefixChanged(Exception):
    """A longer list did not start with the shorter one (never expected: both are exact
    prefixes of the same order); the caller starts over on complete lists."""


def _starts_with(school: np.ndarray, known: np.ndarray, length: np.ndarray) -> bool:
    width = known.shape[1]
    head = school[:, :width]
    inside = np.arange(width)[None, :] < length[:, None]
    return bool(np.array_equal(head[inside], known[inside]))


def lists_and_da(source: NearestSource, initial_length: int, growth: int):
    """DA on lazily grown lists: (the lists, each child's seat as a row of them or -1, DA
    rounds). ``lists.instance(seat)`` assembles the published instance.

    After a growth of at most :data:`PYTHON_ROUND_PROPOSERS` lists, DA goes on in plain
    Python on the pairs' exact priorities (:func:`propose_in_python`): the keys of every
    pair, which a vectorised round needs, would cost more than the few proposals."""
    lists = GrowingLists(source, initial_length)
    n = source.n_children
    next_pair = lists.part_start.copy()
    assigned = np.full(n, -1, dtype=np.int64)
    proposers = np.flatnonzero(lists.part_start < lists.part_end)
    rounds, seats = 0, None
    while True:
        if seats is not None and proposers.size <= PYTHON_ROUND_PROPOSERS:
            rounds += propose_in_python(lists, seats, assigned, next_pair, proposers) > 0
        else:
            keys, child_of_key = lists.keys()
            # Seats held, in key order.
            held = (
                np.zeros(0, np.int64) if seats is None else held_keys(keys, seats.pairs_in_order())
            )
            held, made, _ = propose_until_stable(
                keys, child_of_key, source.capacity, held, next_pair, lists.part_end, proposers
            )
            rounds += made
            assigned = np.full(n, -1, dtype=np.int64)
            assigned[child_of_key[held]] = keys.pair_of_key[held]
            seats = HeldSeats(keys, held)
        grow = np.flatnonzero((assigned < 0) & lists.truncated)
        if not grow.size:
            return lists, assigned, rounds
        lists.grow(grow, _growth_factor(growth))
        next_pair = np.where(assigned >= 0, assigned, lists.part_end)
        next_pair[grow] = lists.part_start[grow]
        proposers = grow[lists.part_start[grow] < lists.part_end[grow]]


#: After a growth of at most this many lists, DA goes on in Python (see ``lists_and_da``).
PYTHON_ROUND_PROPOSERS = 1024


class HeldSeats:
    """Each school's held rows in priority order, for DA's rounds in Python: read from the
    sorted held keys of the last vectorised round when a school is first proposed to, then
    kept up to date by the rounds in Python."""

    def __init__(self, keys: PairKeys, held: np.ndarray) -> None:
        self.keys, self.held = keys, held
        self.rows: dict[int, list[int]] = {}

    def of(self, school: int) -> list[int]:
        found = self.rows.get(school)
        if found is None:
            lo, hi = np.searchsorted(self.held, self.keys.school_start[school : school + 2])
            found = self.rows[school] = self.keys.pair_of_key[self.held[lo:hi]].tolist()
        return found

    def pairs_in_order(self) -> np.ndarray:
        """Every held row in the order of the keys, the rounds in Python included."""
        pairs = self.keys.pair_of_key[self.held]
        if not self.rows:
            return pairs
        return with_blocks_replaced(self.held, self.keys.school_start, self.rows, pairs)


def held_keys(keys: PairKeys, pairs_in_order: np.ndarray) -> np.ndarray:
    """The sorted keys of held rows given in the order of an earlier round's keys. Pairs
    added since never reorder the pairs there were (each key is a rank in one fixed order
    of every pair), so the keys come out sorted; checked, and sorted if they were not."""
    held = keys.key[pairs_in_order]
    if not (held[1:] > held[:-1]).all():
        held.sort()
    return held


def propose_in_python(
    lists: GrowingLists,
    seats: HeldSeats,
    assigned: np.ndarray,
    next_pair: np.ndarray,
    proposers: np.ndarray,
) -> int:
    """DA's proposals one at a time from the state of ``lists_and_da`` (``assigned``: each
    child's held row or -1; ``next_pair``: the row it proposes to next, its held row while it
    holds one). A school's rows are compared by their exact priority (group, category,
    metres, then the lottery and id rank): the order of the pairs' keys, which pairs added
    since the last vectorised round do not have. Updates ``assigned``, ``next_pair`` and
    ``seats`` in place; returns the number of proposals."""
    source = lists.source
    school, child, priority = lists.school.values, lists.child.values, lists.priority.values
    tie, capacity, end = source.child_tie_rank, source.capacity, lists.part_end

    def rank(pair: int) -> tuple:
        return (*priority[pair].tolist(), int(tie[child[pair]]))

    queue = deque(proposers.tolist())
    proposals = 0
    while queue:
        c = queue.popleft()
        pair = int(next_pair[c])
        if pair >= end[c]:
            continue
        proposals += 1
        s = int(school[pair])
        held, cap = seats.of(s), int(capacity[s])
        if cap <= 0 or (len(held) >= cap and rank(pair) > rank(held[-1])):
            next_pair[c] = pair + 1
            queue.append(c)
            continue
        bisect.insort(held, pair, key=rank)
        assigned[c] = pair
        if len(held) > cap:
            out = held.pop()
            loser = int(child[out])
            assigned[loser] = -1
            next_pair[loser] = out + 1
            queue.append(loser)
    return proposals


def _growth_factor(growth: int) -> int:
    return max(2, int(growth))


def complete_lists(source: NearestSource, k: int | np.ndarray | None = None) -> Instance:
    """Lists of exactly ``k`` schools (int or per child; an exact prefix, ``truncated``
    where more follow), or complete lists when ``k`` is None."""
    n = source.n_children
    if k is None:
        lists = GrowingLists(source, 12)
        while lists.truncated.any():
            lists.grow(np.flatnonzero(lists.truncated), 8)
        return lists.instance()
    want = np.broadcast_to(np.asarray(k, dtype=np.int64), (n,))
    lists = GrowingLists(source, int(want.min(initial=0)))
    for length in np.unique(want).tolist():
        longer = np.flatnonzero((want == length) & (lists.want < length) & lists.truncated)
        if longer.size:
            lists.want[longer] = length
            lists._extend(longer)
    return lists.instance()
