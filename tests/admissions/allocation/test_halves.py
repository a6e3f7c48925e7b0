"""Two-thread numpy steps (halves.py) return what their one-thread counterparts return."""

from __future__ import annotations

import numpy as np
import pytest

from admissions.allocation import halves
from admissions.allocation.halves import (
    argsort_in_halves,
    rank_of_order,
    searchsorted_in_halves,
)


@pytest.fixture(params=[False, True], ids=["one thread", "split"])
def split(request, monkeypatch):
    """Small arrays, split or not (the threshold moved below their size)."""
    if request.param:
        monkeypatch.setattr(halves, "SPLIT_MIN", 2)
    return request.param


@pytest.mark.parametrize("values", ["distinct", "many equal", "all equal", "top bits"])
def test_argsort_sorts_like_numpy(split, values):
    rng = np.random.default_rng(7)
    keys = {
        "distinct": rng.permutation(5000).astype(np.int64) * 3 - 7000,
        "many equal": rng.integers(0, 12, 5000),
        "all equal": np.full(5000, 42, dtype=np.int64),
        "top bits": (rng.integers(0, 1000, 5000) << 53) | rng.integers(0, 1 << 53, 5000),
    }[values]
    order = argsort_in_halves(keys)
    assert np.array_equal(np.sort(order), np.arange(keys.size))  # a permutation
    assert np.array_equal(keys[order], np.sort(keys))


def test_searchsorted_finds_the_left_positions(split):
    rng = np.random.default_rng(8)
    ordered = np.sort(rng.integers(0, 500, 3000))
    values = np.sort(rng.integers(-5, 505, 4001))
    assert np.array_equal(searchsorted_in_halves(ordered, values), np.searchsorted(ordered, values))


def test_rank_inverts_the_order(split):
    order = np.random.default_rng(9).permutation(10_001)
    rank = rank_of_order(order)
    assert np.array_equal(rank[order], np.arange(order.size))
    assert np.array_equal(order[rank], np.arange(order.size))


def test_the_split_runs_on_two_threads(monkeypatch):
    """Above the threshold the halves go to a second thread (else nothing is gained)."""
    import threading

    seen = set()
    real_argsort = np.argsort

    def spying_argsort(keys, *args, **kwargs):
        seen.add(threading.get_ident())
        return real_argsort(keys, *args, **kwargs)

    monkeypatch.setattr(halves, "SPLIT_MIN", 2)
    monkeypatch.setattr(halves.np, "argsort", spying_argsort)
    keys = np.random.default_rng(10).integers(0, 1 << 40, 1000)
    assert np.array_equal(keys[argsort_in_halves(keys)], np.sort(keys))
    assert len(seen) == 2
