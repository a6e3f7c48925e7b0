"""The application state machine: ONE transition table, pure data (no ORM).

`TRANSITIONS[(from, to)]` is the set of actors who may trigger that move. Everything else is
refused by `admissions.services.application_transition`, the only code that sets a status.
"""

from __future__ import annotations

from .constants import Actor
from .constants import ApplicationStatus as S

P, T, Y = Actor.PARENT, Actor.STAFF, Actor.SYSTEM

TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.DRAFT, S.SUBMITTED): frozenset({P}),
    (S.DRAFT, S.WITHDRAWN): frozenset({P}),
    (S.SUBMITTED, S.UNDER_REVIEW): frozenset({T}),
    (S.SUBMITTED, S.VERIFIED): frozenset({T}),
    (S.SUBMITTED, S.CORRECTION_REQUESTED): frozenset({T}),
    (S.SUBMITTED, S.REJECTED): frozenset({T}),
    (S.SUBMITTED, S.WITHDRAWN): frozenset({P}),
    (S.UNDER_REVIEW, S.VERIFIED): frozenset({T}),
    (S.UNDER_REVIEW, S.CORRECTION_REQUESTED): frozenset({T}),
    (S.UNDER_REVIEW, S.REJECTED): frozenset({T}),
    (S.UNDER_REVIEW, S.WITHDRAWN): frozenset({P}),
    (S.CORRECTION_REQUESTED, S.RESUBMITTED): frozenset({P}),
    (S.CORRECTION_REQUESTED, S.WITHDRAWN): frozenset({P}),
    (S.CORRECTION_REQUESTED, S.REJECTED): frozenset({T}),
    (S.RESUBMITTED, S.UNDER_REVIEW): frozenset({T}),
    (S.RESUBMITTED, S.VERIFIED): frozenset({T}),
    (S.RESUBMITTED, S.CORRECTION_REQUESTED): frozenset({T}),
    (S.RESUBMITTED, S.REJECTED): frozenset({T}),
    (S.RESUBMITTED, S.WITHDRAWN): frozenset({P}),
    # A data-correction ticket or an appeal can reopen a verified file before allocation.
    (S.VERIFIED, S.CORRECTION_REQUESTED): frozenset({T}),
    (S.VERIFIED, S.OFFERED): frozenset({Y}),
    (S.VERIFIED, S.WAITLISTED): frozenset({Y}),
    (S.VERIFIED, S.WITHDRAWN): frozenset({P}),
    # An upheld appeal against a rejection sends the file back to review.
    (S.REJECTED, S.UNDER_REVIEW): frozenset({T}),
    (S.WAITLISTED, S.OFFERED): frozenset({Y}),
    (S.WAITLISTED, S.WITHDRAWN): frozenset({P}),
    # A vacancy chain moves a child up to a better-ranked school: same status, new offer
    # (recorded in the history like any other move; see services/vacancies.py).
    (S.OFFERED, S.OFFERED): frozenset({Y}),
    (S.ACCEPTED, S.ACCEPTED): frozenset({Y}),
    (S.OFFERED, S.ACCEPTED): frozenset({P}),
    (S.OFFERED, S.DECLINED): frozenset({P}),
    (S.OFFERED, S.EXPIRED): frozenset({Y}),
    (S.OFFERED, S.WITHDRAWN): frozenset({P}),
    (S.ACCEPTED, S.ENROLLED): frozenset({T}),
    (S.ACCEPTED, S.WITHDRAWN): frozenset({P}),
}

# Moves that need a written reason (shown to the family).
NOTE_REQUIRED: frozenset[tuple[str, str]] = frozenset(
    {
        (S.SUBMITTED, S.CORRECTION_REQUESTED),
        (S.UNDER_REVIEW, S.CORRECTION_REQUESTED),
        (S.RESUBMITTED, S.CORRECTION_REQUESTED),
        (S.VERIFIED, S.CORRECTION_REQUESTED),
        (S.SUBMITTED, S.REJECTED),
        (S.UNDER_REVIEW, S.REJECTED),
        (S.RESUBMITTED, S.REJECTED),
        (S.CORRECTION_REQUESTED, S.REJECTED),
        (S.REJECTED, S.UNDER_REVIEW),
    }
)


def allowed_actors(from_status: str, to_status: str) -> frozenset[str]:
    return TRANSITIONS.get((str(from_status), str(to_status)), frozenset())


def can_transition(from_status: str, to_status: str, actor: str) -> bool:
    return str(actor) in allowed_actors(from_status, to_status)


def next_statuses(from_status: str, actor: str) -> list[str]:
    return [to for (frm, to), who in TRANSITIONS.items() if frm == from_status and actor in who]


def note_required(from_status: str, to_status: str) -> bool:
    return (str(from_status), str(to_status)) in NOTE_REQUIRED
