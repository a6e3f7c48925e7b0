"""The hash chain, pure: what is hashed and how. No ORM here, so a verifier can re-implement it.

entry_hash = SHA-256( previous hash (hex) + "\n" + canonical JSON of
    {"seq", "created_at" (UTC ISO 8601, microseconds), "action", "actor_id", "actor",
     "object_type", "object_id", "data"} )
The first entry's previous hash is 64 zeros.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
HASHED = (
    "prev_hash", "seq", "created_at", "action", "actor_id", "actor", "object_type", "object_id",
    "data",
)  # fmt: skip


def canonical(document: Any) -> bytes:
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode()


def timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def entry_hash(
    *,
    prev_hash: str,
    seq: int,
    created_at: dt.datetime,
    action: str,
    actor_id: int | None,
    actor: str,
    object_type: str,
    object_id: str,
    data: dict,
) -> str:
    body = {
        "seq": seq,
        "created_at": timestamp(created_at),
        "action": action,
        "actor_id": actor_id,
        "actor": actor,
        "object_type": object_type,
        "object_id": object_id,
        "data": data,
    }
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(body)).hexdigest()


@dataclass(frozen=True)
class Broken:
    seq: int
    pk: int
    reason: str  # "sequence" (a removed or reordered entry), "link" or "hash" (an edit)
    expected_seq: int = 0


def verify(entries) -> tuple[int, Broken | None]:
    """Walk entries in storage order (by primary key); return how many were checked and the
    first broken one. Edits break the entry's own hash, removals and reordering break the
    sequence and the link to the previous hash."""
    checked = 0
    prev_hash, expected_seq = GENESIS, 1
    for entry in entries:
        checked += 1
        if entry.seq != expected_seq:
            return checked, Broken(entry.seq, entry.pk, "sequence", expected_seq)
        if entry.prev_hash != prev_hash:
            return checked, Broken(entry.seq, entry.pk, "link")
        if entry_hash(**{name: getattr(entry, name) for name in HASHED}) != entry.hash:
            return checked, Broken(entry.seq, entry.pk, "hash")
        prev_hash, expected_seq = entry.hash, expected_seq + 1
    return checked, None


def canonical_roundtrip(data: dict) -> dict:
    """The details as they read back from the database (JSON types only), so the hash computed
    at write time is the one a verifier recomputes."""
    return json.loads(canonical(data))
