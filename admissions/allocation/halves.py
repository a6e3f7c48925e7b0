"""Large numpy steps split in two halves that run on two threads (ADR 28).

Between two growths of the nearest-first lists the engine sorts, searches and scatters
hundreds of thousands of keys on one thread while the other core waits. numpy releases the
GIL inside these loops, so two independent halves run on both cores. Each function returns
exactly what its one-thread numpy counterpart returns; below :data:`SPLIT_MIN` entries it
is that counterpart (starting a thread would cost more than it saves).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

#: Entries from which a step is split (a thread costs ~0.1 ms; these steps ~50 ns/entry).
SPLIT_MIN = 200_000
#: Keys sampled to choose the pivot of :func:`argsort_in_halves`.
PIVOT_SAMPLE = 1025


def _both(first, second):
    with ThreadPoolExecutor(2) as pool:
        later = pool.submit(second)
        return first(), later.result()


def argsort_in_halves(keys: np.ndarray) -> np.ndarray:
    """An order that sorts ``keys`` (int64), as ``np.argsort(keys)``: the keys below a
    pivot and the others are sorted apart, and the two orders put end to end need no merge.
    Equal keys fall on the same side; their order among themselves is unspecified, as it is
    for ``np.argsort``."""
    if keys.size < SPLIT_MIN:
        return np.argsort(keys)
    sample = keys[:: max(1, keys.size // PIVOT_SAMPLE)]
    pivot = np.partition(sample, sample.size // 2)[sample.size // 2]
    below = keys < pivot
    low, high = np.flatnonzero(below), np.flatnonzero(~below)

    def part(index: np.ndarray):
        return lambda: index[np.argsort(keys[index])]

    return np.concatenate(_both(part(low), part(high)))


def searchsorted_in_halves(ordered: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``np.searchsorted(ordered, values)`` (left side), each half of ``values`` on a thread."""
    if values.size < SPLIT_MIN:
        return np.searchsorted(ordered, values)
    half = values.size // 2
    return np.concatenate(
        _both(
            lambda: np.searchsorted(ordered, values[:half]),
            lambda: np.searchsorted(ordered, values[half:]),
        )
    )


def rank_of_order(order: np.ndarray) -> np.ndarray:
    """The inverse permutation of ``order`` (``rank[order] = arange``), each half of the
    scatter on a thread (the halves write disjoint entries)."""
    rank = np.empty(order.size, dtype=np.int64)
    if order.size < SPLIT_MIN:
        rank[order] = np.arange(order.size, dtype=np.int64)
        return rank
    half = order.size // 2

    def scatter(start: int, stop: int):
        def run() -> None:
            rank[order[start:stop]] = np.arange(start, stop, dtype=np.int64)

        return run

    _both(scatter(0, half), scatter(half, order.size))
    return rank
