"""The payment state machine: ONE transition table, pure data (no ORM).

`TRANSITIONS[(from, to)]` is the set of actors who may make that move; everything else is
refused by `payments.services._transition`, the only code that sets a status. Provider messages
(IPN, querydr, statement lines) can only move a pending payment; a settled payment moves only
through the refund service; failed, cancelled, expired and refunded never move again.
"""

from __future__ import annotations

from portal.core.transitions import TransitionTable

from .constants import Actor
from .constants import PaymentStatus as S

PROVIDER, SYSTEM, REFUND = Actor.PROVIDER, Actor.SYSTEM, Actor.REFUND

TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.PENDING, S.PAID): frozenset({PROVIDER}),
    (S.PENDING, S.FAILED): frozenset({PROVIDER}),
    (S.PENDING, S.CANCELLED): frozenset({PROVIDER, SYSTEM}),
    (S.PENDING, S.EXPIRED): frozenset({SYSTEM}),
    (S.PAID, S.PARTIALLY_REFUNDED): frozenset({REFUND}),
    (S.PAID, S.REFUNDED): frozenset({REFUND}),
    (S.PARTIALLY_REFUNDED, S.PARTIALLY_REFUNDED): frozenset({REFUND}),
    (S.PARTIALLY_REFUNDED, S.REFUNDED): frozenset({REFUND}),
}


TABLE = TransitionTable(TRANSITIONS)
can_transition = TABLE.can_transition
next_statuses = TABLE.next_statuses
