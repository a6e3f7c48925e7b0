"""Reproducible tie-break numbers ("lottery"), lower is better.

Two schemes, both fully determined by a recorded seed:

* :func:`lottery_single` — one number per child, drawn with ``numpy.random.default_rng(seed)``
  in code-point order of the child ids (so the input order does not matter);
* :func:`lottery_per_school` — one number per (child, school): the first 8 bytes of
  ``sha256("{seed}:{child_id}:{school_id}")`` read as a big-endian integer, top 53 bits,
  divided by 2**53 → a float in [0, 1).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from admissions.allocation.model import code_point_order


def lottery_single(child_ids: Sequence[str], seed: int) -> np.ndarray:
    """One tie-break number in [0, 1) per child (float64, aligned with ``child_ids``)."""
    order = code_point_order(tuple(child_ids))
    draws = np.random.default_rng(seed).random(order.size)
    out = np.empty(order.size, dtype=np.float64)
    out[order] = draws
    return out


def lottery_disagreements(child_ids: Sequence[str], values, seed: int) -> list[str]:
    """Ids of the children whose lottery number is not the one :func:`lottery_single` draws
    from ``seed`` over these ids (NaN = no number given, not checked)."""
    values = np.asarray(values, dtype=np.float64)
    drawn = lottery_single(child_ids, seed)
    wrong = ~np.isnan(values) & (values != drawn)
    return [child_ids[i] for i in np.flatnonzero(wrong)]


def lottery_per_school(child_id: str, school_id: str, seed: int) -> float:
    """Deterministic tie-break number in [0, 1) for one (child, school) pair."""
    digest = hashlib.sha256(f"{seed}:{child_id}:{school_id}".encode()).digest()
    return (int.from_bytes(digest[:8], "big") >> 11) / float(1 << 53)


def lottery_per_school_many(
    child_ids: Sequence[str], school_ids: Sequence[str], seed: int
) -> np.ndarray:
    """:func:`lottery_per_school` for aligned sequences of child and school ids."""
    return np.fromiter(
        (lottery_per_school(c, s, seed) for c, s in zip(child_ids, school_ids, strict=True)),
        dtype=np.float64,
        count=len(child_ids),
    )
