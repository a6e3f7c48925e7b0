"""The admissions events the audit trail must hold (ADR 0019): status changes, allocation runs
and their publication, offers, ticket decisions and admin edits, chained and verifiable."""

import pytest
from django.core.management import call_command

from admissions.constants import RunStatus
from admissions.demo import generate_demo_round
from admissions.models import RoundSchool
from admissions.services import (
    allocation_run_create,
    allocation_run_execute,
    allocation_run_publish,
    allocation_run_review,
    application_create,
    application_submit,
    offer_decline,
    round_close,
)
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _since(seq):
    return list(AuditEntry.objects.filter(seq__gt=seq).order_by("seq"))


def _last_seq():
    last = AuditEntry.objects.order_by("-seq").first()
    return last.seq if last else 0


def test_run_publication_offers_and_status_changes_are_chained(django_user_model):
    demo = generate_demo_round(school_year=2032, children=60, seed=5)
    RoundSchool.objects.filter(round=demo.round).update(seats_override=2)
    committee = django_user_model.objects.create_user("hoidong-audit", is_staff=True)
    start = _last_seq()
    round_ = round_close(admission_round=demo.round, lottery_seed=42)
    run = allocation_run_create(admission_round=round_, mechanism="da", seed=42, actor=committee)
    allocation_run_execute(run=run)
    allocation_run_review(run=run, actor=committee)
    allocation_run_publish(run=run, actor=committee)
    run.refresh_from_db()
    assert run.status == RunStatus.PUBLISHED

    entries = _since(start)
    runs = [e for e in entries if e.action == "allocation.run"]
    assert [e.data["to"] for e in runs] == [
        RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.DRY_RUN, RunStatus.REVIEWED,
        RunStatus.PUBLISHING, RunStatus.PUBLISHED,
    ]  # fmt: skip
    assert {e.object_id for e in runs} == {str(run.uuid)}
    assert runs[-1].actor == "hoidong-audit" and runs[-1].actor_id == committee.pk
    # Publication writes its offers set-based: one entry names how many, bound to the result.
    (publication,) = [e for e in entries if e.action == "allocation.publication"]
    assert publication.object_id == str(run.uuid)
    assert publication.data["offers"] == run.offers.count() > 0
    assert publication.data["result_sha256"] == run.result_sha256

    offer = run.offers.select_related("application").first()
    family = django_user_model.objects.create_user("0912000111")
    offer.application.applicant = family
    offer.application.save(update_fields=["applicant"])
    before = _last_seq()
    offer_decline(offer=offer, actor=family)
    new = _since(before)
    assert ("offer.status", str(offer.uuid), {"from": "pending", "to": "declined"}) in [
        (e.action, e.object_id, e.data) for e in new
    ]
    assert ("application.status", str(offer.application.uuid)) in [
        (e.action, e.object_id) for e in new
    ]
    call_command("verify_audit_log")


@pytest.fixture
def application_submitted(admission_round, parent, make_input):
    application, _ = application_create(
        admission_round=admission_round, applicant=parent, data=make_input()
    )
    return application_submit(application=application, actor=parent, consent=True)


def test_a_parents_account_is_not_named(application_submitted):
    entry = AuditEntry.objects.filter(
        action="application.status",
        object_id=str(application_submitted.uuid),
        data__to="submitted",
    ).get()
    assert entry.data == {"from": "draft", "to": "submitted"}
    # The actor id is kept; the username (often a phone number) is not.
    assert (entry.actor, entry.actor_id) == ("citizen", application_submitted.applicant_id)


def test_admin_edits_are_recorded(client, django_user_model):
    admin = django_user_model.objects.create_superuser("quantri", password="pw-quantri-2026")
    target = django_user_model.objects.create_user("nguoi-dung", password="x")
    client.force_login(admin)
    start = _last_seq()
    response = client.post(
        f"/admin/auth/user/{target.pk}/change/",
        {
            "username": "nguoi-dung", "is_active": "on", "is_staff": "on",
            "date_joined_0": "01/12/2026", "date_joined_1": "08:00:00",
            "initial-date_joined_0": "01/12/2026", "initial-date_joined_1": "08:00:00",
            "profile-TOTAL_FORMS": "0", "profile-INITIAL_FORMS": "0",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    actions = [(e.action, e.actor) for e in _since(start)]
    assert ("permissions.change", "system") in actions  # the is_staff flag
    assert ("admin.change", "quantri") in actions
