"""The dossier state machine: ONE transition table, pure data (no ORM).

`TRANSITIONS[(from, to)]` is the set of actors who may trigger that move; everything else is
refused by `eservices.services.dossiers.dossier_transition`, the only code that sets a status.
`REQUIREMENTS` names what must hold before a move (checked by the same service).
"""

from __future__ import annotations

from portal.core.transitions import TransitionTable

from .constants import Actor
from .constants import DossierStatus as S

C, T, Y = Actor.CITIZEN, Actor.STAFF, Actor.SYSTEM

TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.DRAFT, S.SUBMITTED): frozenset({C}),
    (S.DRAFT, S.WITHDRAWN): frozenset({C}),
    # A procedure with a fee waits for the payment right after submission.
    (S.SUBMITTED, S.AWAITING_PAYMENT): frozenset({Y}),
    (S.SUBMITTED, S.RECEIVED): frozenset({T}),
    (S.SUBMITTED, S.REJECTED): frozenset({T}),
    (S.SUBMITTED, S.WITHDRAWN): frozenset({C}),
    (S.AWAITING_PAYMENT, S.RECEIVED): frozenset({T}),
    (S.AWAITING_PAYMENT, S.WITHDRAWN): frozenset({C}),
    (S.RECEIVED, S.IN_REVIEW): frozenset({T}),
    (S.RECEIVED, S.SUPPLEMENT_REQUESTED): frozenset({T}),
    (S.RECEIVED, S.WITHDRAWN): frozenset({C}),
    (S.IN_REVIEW, S.SUPPLEMENT_REQUESTED): frozenset({T}),
    (S.SUPPLEMENT_REQUESTED, S.IN_REVIEW): frozenset({C}),
    (S.SUPPLEMENT_REQUESTED, S.WITHDRAWN): frozenset({C}),
    (S.SUPPLEMENT_REQUESTED, S.REJECTED): frozenset({T}),
    (S.IN_REVIEW, S.APPROVED): frozenset({T}),
    (S.IN_REVIEW, S.REJECTED): frozenset({T}),
    (S.IN_REVIEW, S.WITHDRAWN): frozenset({C}),
    (S.APPROVED, S.RESULT_ISSUED): frozenset({T, Y}),
    (S.RESULT_ISSUED, S.CLOSED): frozenset({C, T, Y}),
    (S.REJECTED, S.CLOSED): frozenset({C, T, Y}),
}

# Moves that need a written reason (shown to the citizen).
NOTE_REQUIRED: frozenset[tuple[str, str]] = frozenset(
    {
        (S.SUBMITTED, S.REJECTED),
        (S.RECEIVED, S.SUPPLEMENT_REQUESTED),
        (S.IN_REVIEW, S.SUPPLEMENT_REQUESTED),
        (S.SUPPLEMENT_REQUESTED, S.REJECTED),
        (S.IN_REVIEW, S.REJECTED),
    }
)

PAID = "paid"
RESULT_STORED = "result_stored"
REQUIREMENTS: dict[tuple[str, str], str] = {
    (S.AWAITING_PAYMENT, S.RECEIVED): PAID,
    (S.APPROVED, S.RESULT_ISSUED): RESULT_STORED,
}


TABLE = TransitionTable(TRANSITIONS, note_required=NOTE_REQUIRED)
allowed_actors = TABLE.allowed_actors
can_transition = TABLE.can_transition
next_statuses = TABLE.next_statuses
note_required = TABLE.note_required


def requirement(from_status: str, to_status: str) -> str | None:
    return REQUIREMENTS.get((str(from_status), str(to_status)))
