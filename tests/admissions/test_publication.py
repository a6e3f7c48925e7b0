"""Publication: refused when any input of the run changed (naming it), a background job with
set-based writes, history, one e-mail and one SMS per family in the delivery log (ADR 0020)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import translation

from admissions.constants import RoundStatus, RunStatus
from admissions.demo import generate_demo_round
from admissions.models import (
    AdmissionRound,
    AllocationRun,
    Application,
    ApplicationStatusChange,
    Offer,
    Placement,
    RoundSchool,
    StateChange,
)
from admissions.services import (
    allocation_run_create,
    allocation_run_execute,
    allocation_run_publish,
    allocation_run_review,
    round_close,
)
from admissions.services.publication import (
    allocation_run_publish_job,
    allocation_run_publish_request,
    publication_batch,
)
from notifications.channels import SmsDeliveryError, register_sms_backend
from notifications.models import Delivery
from notifications.selectors import delivery_counts
from portal.core.exceptions import Conflict

BLOCKED = "0987000222"


@register_sms_backend("test-publication-blocked")
class BlockedOneSmsBackend:
    def send(self, *, to: str, body: str) -> str:
        if to == BLOCKED:
            raise SmsDeliveryError("SMS gateway refused the message (HTTP 400): blocked number")
        return "test:ok"


@pytest.fixture
def reviewed(db):
    summary = generate_demo_round(school_year=2034, children=150, seed=3)
    RoundSchool.objects.filter(round=summary.round).update(classes=0, seats_override=2)
    round_ = round_close(admission_round=summary.round, lottery_seed=77)
    run = allocation_run_create(admission_round=round_, mechanism="da", seed=77)
    allocation_run_execute(run=run)
    allocation_run_review(run=run, actor=None)
    run.refresh_from_db()
    return run


def _refusal(run, change_sql: str, params) -> str:
    """Apply one change, try to publish, undo the change; returns the refusal (English)."""
    sid = transaction.savepoint_create()
    with connection.cursor() as cursor:
        cursor.execute(change_sql, params)
    try:
        with translation.override("en"), pytest.raises(Conflict) as refused:
            allocation_run_publish(run=run, actor=None)
    finally:
        transaction.savepoint_rollback(sid)
    assert AllocationRun.objects.get(pk=run.pk).status == RunStatus.REVIEWED
    return refused.value.message


def test_publication_refuses_a_run_whose_input_changed_and_names_it(reviewed):
    run = reviewed
    school_id = Placement.objects.filter(run=run, school__isnull=False).first().school_id
    # Seats edited in the admin after the run (the admin had them list_editable).
    seats = _refusal(
        run,
        "UPDATE admissions_roundschool SET seats_override = 40 "
        "WHERE round_id = %s AND school_id = %s",
        [run.round_id, school_id],
    )
    assert "seats and classes" in seats and "catchments" not in seats
    # A catchment redrawn.
    catchment = _refusal(
        run,
        "UPDATE geo_catchment SET geom = ST_Multi(ST_Translate(geom, 0.001, 0)) "
        "WHERE school_id = %s AND school_year = 2034 AND is_current",
        [school_id],
    )
    assert "catchments" in catchment and "seats" not in catchment
    # A school moved.
    moved = _refusal(
        run,
        "UPDATE geo_school SET location = ST_Translate(location::geometry, 0.001, 0)::geography "
        "WHERE id = %s",
        [school_id],
    )
    assert "school positions" in moved and "catchments" not in moved
    # A priority category re-ranked.
    priorities = _refusal(
        run,
        "UPDATE admissions_prioritycategory SET rank = rank + 10 WHERE round_id = %s",
        [run.round_id],
    )
    assert "priority categories" in priorities
    # Unchanged: it publishes.
    published = allocation_run_publish(run=run, actor=None)
    assert published.status == RunStatus.PUBLISHED


def test_vietnamese_refusal_names_the_input(reviewed):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE admissions_roundschool SET classes = classes + 1 WHERE round_id = %s",
            [reviewed.round_id],
        )
    with translation.override("vi"), pytest.raises(Conflict, match="chỉ tiêu và số lớp"):
        allocation_run_publish(run=reviewed, actor=None)


def test_publication_writes_offers_history_and_messages_in_bulk(
    reviewed, django_user_model, settings, django_capture_on_commit_callbacks
):
    run = reviewed
    settings.ADMISSIONS_SMS_BACKEND = "test-publication-blocked"
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    family = django_user_model.objects.create_user("giadinh-cong-bo", email="gd@example.com")
    real = list(Application.objects.filter(round=run.round).order_by("pk")[:3])
    for app, phone in zip(real, ["0912000011", BLOCKED, "0912000033"], strict=True):
        Application.objects.filter(pk=app.pk).update(
            is_synthetic=False, applicant=family, guardian_phone=phone
        )
    committee = django_user_model.objects.create_user("hoidong-cong-bo", is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        allocation_run_publish(run=run, actor=committee)

    run.refresh_from_db()
    assert (run.status, run.published_by, run.progress) == (RunStatus.PUBLISHED, committee, 100)
    assert AdmissionRound.objects.get(pk=run.round_id).status == RoundStatus.PUBLISHED
    placed = dict(Placement.objects.filter(run=run).values_list("application_id", "school_id"))
    offers = dict(Offer.objects.filter(run=run).values_list("application_id", "school_id"))
    assert offers == {a: s for a, s in placed.items() if s is not None}
    statuses = dict(Application.objects.filter(round=run.round).values_list("pk", "status"))
    for app_id, school_id in placed.items():
        assert statuses[app_id] == ("offered" if school_id else "waitlisted")
    assert StateChange.objects.filter(kind="offer", to_status="pending").count() == len(offers)
    assert ApplicationStatusChange.objects.filter(
        application__round=run.round, from_status="verified", actor_role="system"
    ).count() == len(placed)
    run_history = list(
        StateChange.objects.filter(kind="run", object_id=run.pk).values_list(
            "from_status", "to_status", "actor"
        )
    )
    assert run_history[-2:] == [("reviewed", "publishing", committee.pk),
                                ("publishing", "published", None)]  # fmt: skip
    # One e-mail and one SMS per real family; the blocked number failed alone.
    batch = publication_batch(run)
    assert delivery_counts(batch=batch) == {"queued": 0, "sent": 5, "failed": 1}
    failed = Delivery.objects.get(batch=batch, status="failed")
    assert failed.recipient == BLOCKED and "blocked number" in failed.error
    email = Delivery.objects.get(batch=batch, channel="email", recipient="gd@example.com",
                                 subject_ref=f"admissions.application:{real[0].pk}")  # fmt: skip
    assert real[0].tracking_code in email.subject and str(real[0].uuid) in email.body


def test_the_committee_sees_the_counts_and_resends_the_failed(
    reviewed, django_user_model, settings, client, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import Permission

    run = reviewed
    settings.ADMISSIONS_SMS_BACKEND = "test-publication-blocked"
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 1
    app = Application.objects.filter(round=run.round).first()
    Application.objects.filter(pk=app.pk).update(is_synthetic=False, guardian_phone=BLOCKED)
    committee = django_user_model.objects.create_user("hoidong-gui-lai", is_staff=True)
    committee.user_permissions.add(
        *Permission.objects.filter(codename__in=["run_allocation", "view_all_records"])
    )
    client.force_login(committee)
    url = reverse("admissions:staff-run", kwargs={"uuid": run.uuid})
    page = client.get(url).content.decode()
    assert 'id="publish-dialog"' in page  # the confirmation explains it cannot be undone
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "publish"})
    page = client.get(url).content.decode()
    assert 'id="deliveries-failed">1<' in page and 'id="resend-failed"' in page
    settings.ADMISSIONS_SMS_BACKEND = "locmem"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "resend"})
    assert delivery_counts(batch=publication_batch(run)) == {"queued": 0, "sent": 1, "failed": 0}


def test_the_job_is_idempotent_and_a_failed_job_returns_the_run_to_review(reviewed):
    run = allocation_run_publish_request(run=reviewed, actor=None)
    assert run.status == RunStatus.PUBLISHING
    # Seats edited between the click and the job: the job refuses, nothing is written.
    RoundSchool.objects.filter(round=run.round).update(seats_override=3)
    with translation.override("en"):
        failed = allocation_run_publish_job(run_id=run.pk)
    assert failed.status == RunStatus.REVIEWED and "seats and classes" in failed.error
    assert not Offer.objects.filter(run=run).exists()
    RoundSchool.objects.filter(round=run.round).update(seats_override=2)
    allocation_run_publish_request(run=run, actor=None)
    done = allocation_run_publish_job(run_id=run.pk)
    again = allocation_run_publish_job(run_id=run.pk)  # a duplicate job does nothing
    assert done.status == again.status == RunStatus.PUBLISHED
    assert (
        Offer.objects.filter(run=run).count()
        == Placement.objects.filter(run=run, school__isnull=False).count()
    )


def test_progress_is_visible_while_publishing(reviewed, client, django_user_model):
    from django.contrib.auth.models import Permission

    committee = django_user_model.objects.create_user("hoidong-tien-do", is_staff=True)
    committee.user_permissions.add(
        *Permission.objects.filter(codename__in=["run_allocation", "view_all_records"])
    )
    client.force_login(committee)
    allocation_run_publish_request(run=reviewed, actor=committee)
    page = client.get(reverse("admissions:staff-run", kwargs={"uuid": reviewed.uuid}))
    assert 'id="run-progress"' in page.content.decode()
    data = client.get(
        reverse("admissions:staff-run-progress", kwargs={"uuid": reviewed.uuid})
    ).json()
    assert data["status"] == "publishing" and data["progress"] == 0
