"""The transition table as pure data."""

import itertools

from admissions import workflow
from admissions.constants import TERMINAL_STATUSES, Actor, ApplicationStatus

S = ApplicationStatus


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
