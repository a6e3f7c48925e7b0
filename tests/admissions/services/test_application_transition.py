"""application_transition over every (from, to) pair and every actor, plus refusals."""

import itertools

import pytest
from django.core import mail
from django.utils import timezone

from admissions import workflow
from admissions.constants import Actor, ApplicationStatus
from admissions.models import Application, ApplicationStatusChange
from admissions.services import application_create, application_transition
from notifications.channels import LocmemSmsBackend
from notifications.models import Delivery
from portal.core.exceptions import InvalidInput, TransitionNotAllowed

S = ApplicationStatus
PAIRS = list(itertools.product(S.values, S.values))


@pytest.fixture
def application(admission_round, parent, make_input):
    app, created = application_create(
        admission_round=admission_round, applicant=parent, data=make_input()
    )
    assert created and app.status == S.DRAFT
    # Consent is recorded on submission; states after a submission need it (DB constraint).
    Application.objects.filter(pk=app.pk).update(consented_at=timezone.now(), consent_version="t")
    return app


def _actor(role, parent, staff):
    return {Actor.PARENT: parent, Actor.STAFF: staff, Actor.SYSTEM: None}[role]


@pytest.mark.parametrize(("frm", "to"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_every_pair_for_every_actor(frm, to, application, parent, staff):
    for role in (Actor.PARENT, Actor.STAFF, Actor.SYSTEM):
        Application.objects.filter(pk=application.pk).update(status=frm)
        before = ApplicationStatusChange.objects.filter(application=application).count()
        allowed = workflow.can_transition(frm, to, role)
        note = "Lý do: thiếu minh chứng" if workflow.note_required(frm, to) else ""
        if allowed:
            result = application_transition(
                application=application, to=to, actor=_actor(role, parent, staff), note=note
            )
            assert result.status == to
            assert Application.objects.get(pk=application.pk).status == to
            row = ApplicationStatusChange.objects.filter(application=application).first()
            assert (row.from_status, row.to_status, row.actor_role) == (frm, to, role)
            assert row.note == note
        else:
            with pytest.raises(TransitionNotAllowed):
                application_transition(
                    application=application, to=to, actor=_actor(role, parent, staff), note=note
                )
            assert Application.objects.get(pk=application.pk).status == frm
            assert ApplicationStatusChange.objects.filter(application=application).count() == before


def test_a_stranger_cannot_move_someone_elses_application(application, other_parent):
    with pytest.raises(TransitionNotAllowed):
        application_transition(application=application, to=S.WITHDRAWN, actor=other_parent)


def test_staff_without_the_permission_is_refused(application, django_user_model):
    clerk = django_user_model.objects.create_user("clerk", is_staff=True)
    Application.objects.filter(pk=application.pk).update(status=S.SUBMITTED)
    with pytest.raises(TransitionNotAllowed):
        application_transition(application=application, to=S.VERIFIED, actor=clerk)


def test_a_rejection_needs_a_reason(application, staff):
    Application.objects.filter(pk=application.pk).update(status=S.UNDER_REVIEW)
    with pytest.raises(InvalidInput) as exc:
        application_transition(application=application, to=S.REJECTED, actor=staff, note=" ")
    assert exc.value.field == "note"
    assert Application.objects.get(pk=application.pk).status == S.UNDER_REVIEW


def test_history_rows_are_append_only(application):
    row = ApplicationStatusChange.objects.filter(application=application).first()
    row.note = "edited"
    with pytest.raises(ValueError, match="append-only"):
        row.save()
    with pytest.raises(ValueError, match="append-only"):
        row.delete()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("hcmc_data")
def test_each_change_notifies_by_email_and_sms_after_commit(
    admission_round, parent, staff, make_input, settings
):
    settings.ADMISSIONS_SMS_BACKEND = "locmem"
    LocmemSmsBackend.outbox.clear()
    mail.outbox.clear()
    app, _ = application_create(
        admission_round=admission_round, applicant=parent, data=make_input(), submit=True
    )
    application_transition(application=app, to=S.CORRECTION_REQUESTED, actor=staff,
                           note="Ảnh minh chứng bị mờ")  # fmt: skip
    assert [m.to for m in mail.outbox] == [["lan@example.com"]] * 2
    assert app.tracking_code in mail.outbox[-1].subject
    assert "Ảnh minh chứng bị mờ" in mail.outbox[-1].body
    assert [m["to"] for m in LocmemSmsBackend.outbox] == ["0912345678"] * 2
    deliveries = Delivery.objects.filter(subject_ref=f"admissions.application:{app.pk}")
    assert sorted(deliveries.values_list("channel", "status")) == [
        ("email", "sent"), ("email", "sent"), ("sms", "sent"), ("sms", "sent"),
    ]  # fmt: skip


def test_submitting_without_consent_is_impossible_even_in_the_database(application):
    from django.db import IntegrityError, transaction

    Application.objects.filter(pk=application.pk).update(consented_at=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=application.pk).update(status=S.SUBMITTED)
