"""The issued-document state machine: one transition table, pure data (no ORM).

A document is issued valid; staff may revoke it (with a reason) or a new issue may supersede it.
Both are final: a revoked or superseded document never becomes valid again.
"""

from __future__ import annotations

from portal.core.transitions import TransitionTable

from .constants import DocumentStatus as S

TRANSITIONS: frozenset[tuple[str, str]] = frozenset(
    {
        (S.VALID, S.REVOKED),
        (S.VALID, S.SUPERSEDED),
    }
)
FINAL_STATUSES = frozenset({S.REVOKED, S.SUPERSEDED})


TABLE = TransitionTable.without_actors(TRANSITIONS)
can_transition = TABLE.has_move
