"""Distances by road in a nearest-first source (pure; the portal computes the metres).

When a round measures distance by road (``metric`` ``"walking"`` or ``"driving"``), the
source document carries, for each child whose home could be routed, the road metres to the
schools that matter (every school within the maximum distance by road, the child's nearest
schools by road, its catchment schools), all within the routing limit ``road_limit_m``. A
child whose home could not be routed carries ``road_fallback`` (the reason) and is measured
in a straight line, like every child of a straight-line round. The document is therefore
complete: the solver and the independent checker never need the road network.

The rule, for a routed child ``c`` and a school ``s``:

* distance = the table's road metres; a school absent from the table is farther than the
  routing limit by road (a catchment school counts at ``road_limit_m``);
* the list = the table's schools within ``max_distance_m``, nearest by road first, then the
  catchment schools beyond it;
* the final pass = the nearest school by road with a free seat among the table's schools,
  else (none of them has a seat) the nearest school with a free seat in a straight line.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

STRAIGHT = "straight"
ROAD_METRICS = ("walking", "driving")


@dataclass(frozen=True, eq=False)
class RoadDistances:
    """Road metres per child (CSR over children: ``ptr``, ``school``, ``metres``), the
    fallback reason per child ("" = routed) and the routing limit in metres."""

    ptr: np.ndarray
    school: np.ndarray
    metres: np.ndarray
    fallback: tuple[str, ...]
    limit_m: float
    network: str = ""

    @classmethod
    def from_pairs(
        cls, n_children: int, child, school, metres, fallback, *, limit_m: float, network=""
    ) -> RoadDistances:
        child = np.asarray(child, dtype=np.int64)
        school = np.asarray(school, dtype=np.int64)
        metres = np.asarray(metres, dtype=np.float64)
        fallback = tuple(str(f) for f in fallback)
        if len(fallback) != n_children:
            raise ValueError("one fallback reason (or '') per child")
        routed = np.array([not f for f in fallback], dtype=bool)
        keep = routed[child] if child.size else np.zeros(0, bool)
        child, school, metres = child[keep], school[keep], metres[keep]
        order = np.lexsort((school, child))
        ptr = np.zeros(n_children + 1, dtype=np.int64)
        np.cumsum(np.bincount(child, minlength=n_children), out=ptr[1:])
        return cls(ptr, school[order], metres[order], fallback, float(limit_m), str(network))

    @cached_property
    def routed(self) -> np.ndarray:
        return np.array([not f for f in self.fallback], dtype=bool)

    @cached_property
    def child(self) -> np.ndarray:
        return np.repeat(np.arange(self.ptr.size - 1, dtype=np.int64), np.diff(self.ptr))

    @cached_property
    def _keys(self) -> np.ndarray:
        # school indices fit easily in 2**20; rows are sorted by (child, school)
        return self.child * 2**20 + self.school

    def lookup(self, child, school) -> np.ndarray:
        """Road metres of (child, school) pairs; NaN where the table has none."""
        child = np.asarray(child, dtype=np.int64)
        school = np.asarray(school, dtype=np.int64)
        keys = child * 2**20 + school
        at = np.searchsorted(self._keys, keys)
        found = at < self._keys.size
        found[found] = self._keys[at[found]] == keys[found]
        out = np.full(keys.shape, np.nan)
        out[found] = self.metres[at[found]]
        return out

    def of(self, child: int) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = int(self.ptr[child]), int(self.ptr[child + 1])
        return self.school[lo:hi], self.metres[lo:hi]
