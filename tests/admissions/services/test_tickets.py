"""Appeals and data-correction tickets: deadline, decision log, reopening through the table."""

import pytest
from django.utils import timezone

from admissions.constants import ApplicationStatus as S
from admissions.models import Application, Ticket, TicketDecision
from admissions.services import (
    application_create,
    application_transition,
    ticket_decide,
    ticket_open,
    tickets_overdue,
)
from portal.core.exceptions import Conflict, InvalidInput, TransitionNotAllowed


@pytest.fixture
def submitted(admission_round, parent, make_input):
    app, _ = application_create(
        admission_round=admission_round, applicant=parent, data=make_input(), submit=True
    )
    return app


def test_an_upheld_appeal_sends_a_rejected_file_back_to_review(submitted, parent, staff):
    application_transition(application=submitted, to=S.REJECTED, actor=staff, note="Sai tuổi")
    with pytest.raises(InvalidInput):
        ticket_open(application=submitted, kind="appeal", reason=" ", actor=parent)
    ticket = ticket_open(application=submitted, kind="appeal", reason="Giấy khai sinh đúng",
                         actor=parent)  # fmt: skip
    assert ticket.decide_by > timezone.now()
    with pytest.raises(Conflict):
        ticket_open(application=submitted, kind="appeal", reason="lần hai", actor=parent)
    with pytest.raises(TransitionNotAllowed):
        ticket_decide(ticket=ticket, decision="upheld", note="ok", actor=parent)
    ticket_decide(ticket=ticket, decision="upheld", note="Đã kiểm tra bản gốc", actor=staff)
    submitted.refresh_from_db()
    assert submitted.status == S.UNDER_REVIEW
    assert submitted.history.first().note == "Đã kiểm tra bản gốc"
    assert list(TicketDecision.objects.values_list("decision", flat=True)) == ["upheld"]
    with pytest.raises(Conflict):
        ticket_decide(ticket=ticket, decision="dismissed", note="x", actor=staff)


def test_an_upheld_data_correction_reopens_a_verified_file(submitted, parent, staff):
    application_transition(application=submitted, to=S.VERIFIED, actor=staff)
    ticket = ticket_open(application=submitted, kind="data_correction",
                         reason="Sai số nhà", actor=parent)  # fmt: skip
    ticket_decide(ticket=ticket, decision="upheld", note="Mời sửa địa chỉ", actor=staff)
    assert Application.objects.get(pk=submitted.pk).status == S.CORRECTION_REQUESTED


def test_a_dismissed_ticket_changes_nothing_and_overdue_tickets_are_listed(
    submitted, parent, staff
):
    application_transition(application=submitted, to=S.REJECTED, actor=staff, note="Sai tuổi")
    ticket = ticket_open(application=submitted, kind="appeal", reason="...", actor=parent)
    assert not tickets_overdue().exists()
    Ticket.objects.filter(pk=ticket.pk).update(decide_by=timezone.now())
    assert list(tickets_overdue()) == [ticket]
    ticket_decide(ticket=ticket, decision="dismissed", note="Không có căn cứ", actor=staff)
    assert Application.objects.get(pk=submitted.pk).status == S.REJECTED


def test_appeals_are_not_possible_on_drafts(admission_round, parent, make_input):
    draft, _ = application_create(
        admission_round=admission_round, applicant=parent, data=make_input()
    )
    with pytest.raises(TransitionNotAllowed):
        ticket_open(application=draft, kind="appeal", reason="x", actor=parent)
