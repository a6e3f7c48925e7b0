"""The state machines of admissions: one transition table each, pure data (no ORM).

`TRANSITIONS[(from, to)]` is the set of actors who may trigger that move for an application;
`ROUND_TRANSITIONS`, `RUN_TRANSITIONS` and `OFFER_TRANSITIONS` do the same for admission rounds,
allocation runs and offers (ADR 0020). Everything else is refused by
`admissions.services.application_transition` and `admissions.services.states.state_transition`,
the only code that sets a status.
"""

from __future__ import annotations

from portal.core.transitions import TransitionTable

from .constants import Actor, IntakeStatus
from .constants import ApplicationStatus as S
from .constants import OfferStatus as O
from .constants import RoundStatus as R
from .constants import RunStatus as U

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


TABLE = TransitionTable(TRANSITIONS, note_required=NOTE_REQUIRED)
allowed_actors = TABLE.allowed_actors
can_transition = TABLE.can_transition
next_statuses = TABLE.next_statuses
note_required = TABLE.note_required


# Admission rounds: the committee closes the window (fixing the lottery seed); the first
# computed main run marks the round allocated; the publication job publishes it.
ROUND_TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (R.OPEN, R.CLOSED): frozenset({T, Y}),
    (R.CLOSED, R.ALLOCATED): frozenset({Y}),
    (R.ALLOCATED, R.PUBLISHED): frozenset({Y}),
}

# Allocation runs: computed by a worker (queued → running → dry run, or failed and retried),
# reviewed by the committee, published by a background job (publishing → published, or back
# to reviewed when the job fails: nothing of it was committed).
RUN_TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (U.QUEUED, U.RUNNING): frozenset({Y}),
    (U.FAILED, U.RUNNING): frozenset({Y}),
    (U.RUNNING, U.DRY_RUN): frozenset({Y}),
    (U.RUNNING, U.FAILED): frozenset({Y}),
    # The committee reviews and publishes from its pages (permission checked there); scripts
    # and management commands act as the system.
    (U.DRY_RUN, U.REVIEWED): frozenset({T, Y}),
    (U.REVIEWED, U.PUBLISHING): frozenset({T, Y}),
    (U.PUBLISHING, U.PUBLISHED): frozenset({Y}),
    (U.PUBLISHING, U.REVIEWED): frozenset({Y}),
}

# Offers: the family answers; the system expires an unanswered offer (after two reminders)
# and withdraws a seat when the child moves up a vacancy chain or after an upheld appeal; the
# family's withdrawal of the application withdraws its seat too.
OFFER_TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (O.PENDING, O.ACCEPTED): frozenset({P}),
    (O.PENDING, O.DECLINED): frozenset({P}),
    (O.PENDING, O.EXPIRED): frozenset({Y}),
    (O.PENDING, O.WITHDRAWN): frozenset({P, Y}),
    (O.ACCEPTED, O.WITHDRAWN): frozenset({P, Y}),
}

# The intake queue: a received application is processed once, into an application or a
# refusal with its reasons; nothing moves after that.
INTAKE_TABLE = TransitionTable.without_actors(
    [(IntakeStatus.QUEUED, IntakeStatus.ACCEPTED), (IntakeStatus.QUEUED, IntakeStatus.REFUSED)]
)

TABLES: dict[str, TransitionTable] = {
    "round": TransitionTable(ROUND_TRANSITIONS),
    "run": TransitionTable(RUN_TRANSITIONS),
    "offer": TransitionTable(OFFER_TRANSITIONS),
}


def allowed_state_actors(kind: str, from_status: str, to_status: str) -> frozenset[str]:
    return TABLES[kind].allowed_actors(from_status, to_status)
