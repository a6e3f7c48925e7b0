"""The transition table as pure data."""

import itertools

from admissions import workflow
from admissions.constants import TERMINAL_STATUSES, Actor, ApplicationStatus

S = ApplicationStatus


#: The application table written out by hand (from, to, who), independently of
#: ``workflow.TRANSITIONS``: a move added, removed or given to another actor fails here.
EXPECTED_MOVES = """
draft                -> submitted            parent
draft                -> withdrawn            parent
submitted            -> under_review         staff
submitted            -> verified             staff
submitted            -> correction_requested staff
submitted            -> rejected             staff
submitted            -> withdrawn            parent
under_review         -> verified             staff
under_review         -> correction_requested staff
under_review         -> rejected             staff
under_review         -> withdrawn            parent
correction_requested -> resubmitted          parent
correction_requested -> withdrawn            parent
correction_requested -> rejected             staff
resubmitted          -> under_review         staff
resubmitted          -> verified             staff
resubmitted          -> correction_requested staff
resubmitted          -> rejected             staff
resubmitted          -> withdrawn            parent
verified             -> correction_requested staff
verified             -> offered              system
verified             -> waitlisted           system
verified             -> withdrawn            parent
rejected             -> under_review         staff
waitlisted           -> offered              system
waitlisted           -> withdrawn            parent
offered              -> offered              system
offered              -> accepted             parent
offered              -> declined             parent
offered              -> expired              system
offered              -> withdrawn            parent
accepted             -> accepted             system
accepted             -> enrolled             staff
accepted             -> withdrawn            parent
"""
STATES = [
    "draft", "submitted", "under_review", "correction_requested", "resubmitted", "verified",
    "rejected", "offered", "waitlisted", "accepted", "declined", "expired", "enrolled",
    "withdrawn",
]  # fmt: skip
ACTORS = ("parent", "staff", "system")


def expected_moves() -> set[tuple[str, str, str]]:
    moves = set()
    for line in EXPECTED_MOVES.strip().splitlines():
        frm, arrow, to, who = line.split()
        assert arrow == "->"
        moves.add((frm, to, who))
    return moves


def test_the_transition_table_is_exactly_the_one_written_out():
    allowed = {
        (frm, to, who)
        for frm, to, who in itertools.product(STATES, STATES, ACTORS)
        if workflow.can_transition(frm, to, who)
    }
    assert allowed == expected_moves()
    assert len(allowed) == 34


def test_every_move_not_written_out_is_refused():
    expected = expected_moves()
    for frm, to, who in itertools.product(STATES, STATES, ACTORS):
        assert workflow.can_transition(frm, to, who) == ((frm, to, who) in expected), (
            frm,
            to,
            who,
        )
    assert workflow.next_statuses("offered", "parent") == ["accepted", "declined", "withdrawn"]
    assert workflow.next_statuses("enrolled", "staff") == []
    assert workflow.next_statuses("declined", "parent") == []


def test_every_state_is_reachable_from_draft():
    reachable, frontier = {S.DRAFT}, [S.DRAFT]
    while frontier:
        state = frontier.pop()
        for (frm, to), _who in workflow.TRANSITIONS.items():
            if frm == state and to not in reachable:
                reachable.add(to)
                frontier.append(to)
    assert reachable == set(S.values)


def test_terminal_states_have_no_way_out_except_appeal_of_a_rejection():
    exits = {frm for frm, _ in workflow.TRANSITIONS}
    assert exits & set(TERMINAL_STATUSES) == {S.REJECTED}
    assert workflow.next_statuses(S.REJECTED, Actor.STAFF) == [S.UNDER_REVIEW]


def test_only_the_system_places_children_and_expires_offers():
    for to in (S.OFFERED, S.WAITLISTED, S.EXPIRED):
        for frm in S.values:
            actors = workflow.allowed_actors(frm, to)
            assert actors <= {Actor.SYSTEM}, (frm, to, actors)


def test_parents_never_verify_and_staff_never_accept_offers():
    for frm, to in itertools.product(S.values, S.values):
        if to in {S.VERIFIED, S.REJECTED, S.CORRECTION_REQUESTED, S.ENROLLED}:
            assert not workflow.can_transition(frm, to, Actor.PARENT)
        if to in {S.ACCEPTED, S.DECLINED, S.SUBMITTED, S.RESUBMITTED, S.WITHDRAWN}:
            assert not workflow.can_transition(frm, to, Actor.STAFF)


def test_rejections_and_correction_requests_need_a_reason():
    for frm, to in workflow.TRANSITIONS:
        if to in {S.REJECTED, S.CORRECTION_REQUESTED}:
            assert workflow.note_required(frm, to), (frm, to)
    assert not workflow.note_required(S.SUBMITTED, S.VERIFIED)


def test_correction_loop():
    assert workflow.can_transition(S.UNDER_REVIEW, S.CORRECTION_REQUESTED, Actor.STAFF)
    assert workflow.can_transition(S.CORRECTION_REQUESTED, S.RESUBMITTED, Actor.PARENT)
    assert workflow.can_transition(S.RESUBMITTED, S.CORRECTION_REQUESTED, Actor.STAFF)
    assert workflow.can_transition(S.RESUBMITTED, S.VERIFIED, Actor.STAFF)
