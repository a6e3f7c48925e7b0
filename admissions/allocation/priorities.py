"""A school's priority over a child, one rule for both mechanisms (ADR 12).

Priority tuple at school *s* (lower is better, compared lexicographically)::

    (group, category rank, distance in metres)

* **group** — 1 when the child's home lies in *s*'s catchment (a child may lie in several
  overlapping catchments: group 1 at each of them), 2 otherwise; no catchment → group 2
  everywhere.
* **category rank** — the best (lowest) rank among the child's priority categories that
  count at *s*: a *city-wide* category (children of martyrs, poor households…) counts at
  every school, a *scoped* one (sibling at the school, child of its staff) only at its own
  school. Whether categories order group 1 as well as group 2 is round data
  (``CategoryRule.in_group_1``); where they do not count the rank is ``none_rank``.
* **distance** — metres from the home to *s* (ties then go to the lottery, then child id).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Rank of "no priority category" (after every configured category).
NO_CATEGORY_RANK = 99


@dataclass(frozen=True)
class CategoryRule:
    """Where categories count: group 2 only (the default, HCMC 2025–2026 plan) or both."""

    in_group_1: bool = False
    none_rank: int = NO_CATEGORY_RANK


@dataclass(frozen=True)
class ChildMemberships:
    """Per-child catchments and categories in CSR form (``ptr`` has one entry per child + 1).

    ``catchment_school``: school indices whose catchment holds the home.
    ``category_rank`` / ``category_school``: one entry per category of the child; the
    school index is -1 for a city-wide category.
    """

    catchment_ptr: np.ndarray
    catchment_school: np.ndarray
    category_ptr: np.ndarray
    category_rank: np.ndarray
    category_school: np.ndarray

    @classmethod
    def from_lists(
        cls,
        catchments: list[list[int]],
        categories: list[list[tuple[int, int]]],
    ) -> ChildMemberships:
        """``catchments[c]`` = school indices; ``categories[c]`` = (rank, school or -1)."""
        c_ptr = np.zeros(len(catchments) + 1, dtype=np.int64)
        np.cumsum([len(x) for x in catchments], out=c_ptr[1:])
        k_ptr = np.zeros(len(categories) + 1, dtype=np.int64)
        np.cumsum([len(x) for x in categories], out=k_ptr[1:])
        flat = [pair for items in categories for pair in items]
        return cls(
            catchment_ptr=c_ptr,
            catchment_school=np.asarray([s for x in catchments for s in x], dtype=np.int64),
            category_ptr=k_ptr,
            category_rank=np.asarray([r for r, _ in flat], dtype=np.int64),
            category_school=np.asarray([s for _, s in flat], dtype=np.int64),
        )

    @property
    def n_children(self) -> int:
        return int(self.catchment_ptr.size - 1)

    def catchments_of(self, child: int) -> np.ndarray:
        return self.catchment_school[self.catchment_ptr[child] : self.catchment_ptr[child + 1]]

    def categories_of(self, child: int) -> list[tuple[int, int]]:
        lo, hi = self.category_ptr[child], self.category_ptr[child + 1]
        ranks, schools = self.category_rank[lo:hi].tolist(), self.category_school[lo:hi].tolist()
        return list(zip(ranks, schools, strict=True))

    def has_catchment(self) -> np.ndarray:
        """True for children whose home lies in at least one catchment (bool[C])."""
        return np.diff(self.catchment_ptr) > 0

    def city_rank(self, none_rank: int) -> np.ndarray:
        """Best city-wide category rank of each child (``none_rank`` if none)."""
        best = np.full(self.n_children, none_rank, dtype=np.int64)
        owner = np.repeat(np.arange(self.n_children), np.diff(self.category_ptr))
        city = self.category_school < 0
        np.minimum.at(best, owner[city], self.category_rank[city])
        return best


def _pair_keys(child: np.ndarray, school: np.ndarray, n_schools: int) -> np.ndarray:
    return child.astype(np.int64) * max(1, n_schools) + school.astype(np.int64)


def pair_groups(
    members: ChildMemberships, pair_child: np.ndarray, pair_school: np.ndarray, n_schools: int
) -> np.ndarray:
    """Group (1 or 2) of each (child, school) pair."""
    owner = np.repeat(np.arange(members.n_children), np.diff(members.catchment_ptr))
    inside = np.isin(
        _pair_keys(pair_child, pair_school, n_schools),
        _pair_keys(owner, members.catchment_school, n_schools),
    )
    return np.where(inside, 1, 2).astype(np.int64)


def pair_category_ranks(
    members: ChildMemberships,
    pair_child: np.ndarray,
    pair_school: np.ndarray,
    group: np.ndarray,
    n_schools: int,
    rule: CategoryRule,
) -> np.ndarray:
    """Category rank of each pair under ``rule`` (see the module docstring)."""
    rank = members.city_rank(rule.none_rank)[pair_child]
    owner = np.repeat(np.arange(members.n_children), np.diff(members.category_ptr))
    scoped = members.category_school >= 0
    if scoped.any():
        keys = _pair_keys(owner[scoped], members.category_school[scoped], n_schools)
        ranks = members.category_rank[scoped]
        order = np.lexsort((ranks, keys))  # per key, best rank first
        keys, ranks = keys[order], ranks[order]
        first = np.r_[True, keys[1:] != keys[:-1]]
        keys, ranks = keys[first], ranks[first]
        wanted = _pair_keys(pair_child, pair_school, n_schools)
        at = np.clip(np.searchsorted(keys, wanted), 0, keys.size - 1)
        hit = keys[at] == wanted
        rank = np.where(hit, np.minimum(rank, ranks[at]), rank)
    if not rule.in_group_1:
        rank = np.where(group == 1, rule.none_rank, rank)
    return rank.astype(np.int64)


def pair_priorities(
    members: ChildMemberships,
    pair_child: np.ndarray,
    pair_school: np.ndarray,
    distance_m: np.ndarray,
    n_schools: int,
    rule: CategoryRule,
) -> np.ndarray:
    """(pairs, 3) float array of (group, category rank, distance m)."""
    group = pair_groups(members, pair_child, pair_school, n_schools)
    category = pair_category_ranks(members, pair_child, pair_school, group, n_schools, rule)
    priority = np.empty((np.size(pair_child), 3))  # filled a column at a time: no temporary
    priority[:, 0], priority[:, 1], priority[:, 2] = group, category, distance_m
    return priority


def service_order_keys(
    members: ChildMemberships, rule: CategoryRule
) -> tuple[np.ndarray, np.ndarray]:
    """(group, category) of each child for the final pass's order of service (ADR 12).

    Group 1 when the home lies in some catchment; the category is the best city-wide rank
    when categories count in that group (scoped categories belong to one school and do not
    order the city-wide final pass).
    """
    group = np.where(members.has_catchment(), 1, 2)
    category = members.city_rank(rule.none_rank)
    if not rule.in_group_1:
        category = np.where(group == 1, rule.none_rank, category)
    return group, category
