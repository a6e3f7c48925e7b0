"""The intake queue (docs/adr/0027): a complete application answered 202 in the request after
the checks that need no database, created by a worker with the same service as the
synchronous endpoint, and a receipt the family polls."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from admissions.constants import ApplicationStatus, IntakeStatus
from admissions.models import Application, ApplicationIntake
from admissions.services import intake as intake_service
from admissions.services import intake_drain
from admissions.tasks import intake_drain as intake_drain_task
from gis.models import School
from tests.admissions.api.test_application_api import payload

URL = "/api/v1/applications/intake/"


def api_for(user) -> APIClient:
    api = APIClient(headers={"accept-language": "en"})
    api.force_authenticate(user)
    return api


@pytest.fixture
def client(parent):
    return api_for(parent)


def invalid_params(response) -> dict[str, list[str]]:
    assert response["Content-Type"] == "application/problem+json"
    out: dict[str, list[str]] = {}
    for p in response.json().get("invalid_params", []):
        out.setdefault(p["name"], []).append(p["reason"])
    return out


def test_received_now_created_by_the_worker(client, make_input, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as scheduled:
        response = client.post(URL, payload(make_input()), format="json")
    assert response.status_code == 202, response.content
    receipt = response.json()
    assert receipt["status"] == "queued"
    assert receipt["tracking_code"] is None and receipt["application"] is None
    assert response["Location"] == f"{URL}{receipt['uuid']}/"
    assert len(scheduled) == 1  # one drain, after the intake is committed
    assert not Application.objects.exists()

    assert intake_drain() == {"accepted": 1, "refused": 0, "failed": 0}

    polled = client.get(response["Location"])
    assert polled.status_code == 200
    body = polled.json()
    assert body["status"] == "accepted"
    assert body["tracking_code"] == "ADM-2026-000001"
    application = Application.objects.get()
    assert str(application.uuid) == body["application"]
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.ward.name == "Phường Bến Thành"  # the full check ran in the worker
    assert application.guardian_phone == "0912345678"
    intake = ApplicationIntake.objects.get()
    assert intake.payload == {} and intake.child_personal_id == ""  # no personal data kept


def test_the_request_itself_drains_when_there_is_no_broker(
    client, make_input, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, payload(make_input()), format="json")
    assert response.status_code == 202
    assert client.get(response["Location"]).json()["status"] == "accepted"


def test_a_burst_queues_one_drain(client, make_input, django_capture_on_commit_callbacks):
    cache.set(intake_service.DRAIN_SCHEDULED_KEY, 1, timeout=30)  # a drain is already queued
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            assert client.post(URL, payload(make_input()), format="json").status_code == 202
    assert ApplicationIntake.objects.filter(status=IntakeStatus.QUEUED).count() == 3
    assert intake_drain()["accepted"] == 3
    assert cache.get(intake_service.DRAIN_SCHEDULED_KEY) is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"child_dob": "2021-01-05"}, "child_dob"),  # too young for 2026
        ({"guardian_phone": "12345"}, "guardian_phone"),
        ({"consent": False}, "consent"),
        ({"choices": [1, 1]}, "choices"),
        ({"lat": None}, "location"),
        ({"child_personal_id": "079220000001"}, "child_personal_id"),  # a boy's ID, a girl
    ],
)
def test_what_the_input_says_by_itself_is_refused_at_once(client, make_input, change, field):
    response = client.post(URL, {**payload(make_input()), **change}, format="json")
    assert response.status_code == 400, response.content
    assert field in invalid_params(response)
    assert not ApplicationIntake.objects.exists()


def test_what_needs_the_database_is_refused_by_the_worker_with_its_reasons(
    client, admission_round, make_input
):
    not_in_round = School.objects.create(code="intake-1", name="Trường ngoài đợt", level="primary")
    response = client.post(URL, payload(make_input(choices=[not_in_round.pk])), format="json")
    assert response.status_code == 202
    assert intake_drain() == {"accepted": 0, "refused": 1, "failed": 0}
    body = client.get(response["Location"]).json()
    assert body["status"] == "refused"
    assert body["errors"] == {"choices": ["A chosen school takes no grade-1 pupils in this round."]}
    assert body["application"] is None
    assert not Application.objects.exists()


def test_the_same_child_twice_in_the_queue(client, other_parent, make_input):
    body = payload(make_input())
    first = client.post(URL, body, format="json")
    again = client.post(URL, body, format="json")
    assert (first.status_code, again.status_code) == (202, 200)
    assert first.json()["uuid"] == again.json()["uuid"]
    stranger = api_for(other_parent).post(URL, body, format="json")
    assert stranger.status_code == 409
    assert stranger["Content-Type"] == "application/problem+json"
    assert ApplicationIntake.objects.count() == 1


def test_a_double_tap_while_the_first_is_processed_is_queued_again(client, make_input, monkeypatch):
    body = payload(make_input())
    assert client.post(URL, body, format="json").status_code == 202
    insert = intake_service._insert_unless_queued
    calls = []

    def first_processed_meanwhile(fields):
        calls.append(fields["child_personal_id"])
        intake = insert(fields)
        if len(calls) == 1:
            assert intake is None  # the first is still queued when this INSERT runs
            assert intake_service.intake_process_next() == IntakeStatus.ACCEPTED
        return intake

    monkeypatch.setattr(intake_service, "_insert_unless_queued", first_processed_meanwhile)
    again = client.post(URL, body, format="json")
    assert again.status_code == 202, again.content  # queued again, not a 409 or a 500
    assert len(calls) == 2
    assert ApplicationIntake.objects.filter(status=IntakeStatus.QUEUED).count() == 1
    assert intake_drain()["accepted"] == 1  # the same child, the same account: its application
    receipt = client.get(again["Location"]).json()
    assert receipt["status"] == "accepted"
    assert receipt["application"] == str(Application.objects.get().uuid)


def test_a_workers_drain_yields_while_intakes_keep_arriving(
    client, make_input, monkeypatch, settings
):
    settings.ADMISSIONS_INTAKE_DRAIN_SHARE_PERCENT = 25
    settings.ADMISSIONS_INTAKE_BUSY_MS = 60_000
    cache.set(intake_service.DRAIN_SCHEDULED_KEY, 1, timeout=60)  # no drain in the requests
    for _ in range(2):
        client.post(URL, payload(make_input()), format="json")
    slept: list[float] = []
    monkeypatch.setattr(intake_service.time, "sleep", slept.append)

    assert intake_service.intake_drain_yield(spent_s=0.02) == pytest.approx(0.06)  # 25 % work
    slept.clear()
    assert intake_drain(yield_to_intake=True)["accepted"] == 2
    assert len(slept) == 1 and slept[0] > 0  # after the first; none left after the second

    for _ in range(2):
        client.post(URL, payload(make_input()), format="json")
    intake_drain_task.apply()  # the request's own drain (no broker) never sleeps
    assert len(slept) == 1

    for _ in range(2):
        client.post(URL, payload(make_input()), format="json")
    ApplicationIntake.objects.filter(status=IntakeStatus.QUEUED).update(
        received_at=timezone.now() - dt.timedelta(minutes=5)
    )
    assert intake_drain(yield_to_intake=True)["accepted"] == 2  # the burst is over
    assert len(slept) == 1
    settings.ADMISSIONS_INTAKE_DRAIN_SHARE_PERCENT = 100
    assert intake_service.intake_drain_yield(spent_s=0.02) == 0.0
    assert Application.objects.count() == 6


def test_a_receipt_is_its_owners_only(client, other_parent, make_input):
    location = client.post(URL, payload(make_input()), format="json")["Location"]
    assert api_for(other_parent).get(location).status_code == 404
    assert APIClient().get(location).status_code == 403
    assert APIClient().post(URL, payload(make_input()), format="json").status_code == 403


def test_the_window_is_judged_when_received_not_when_processed(client, admission_round, make_input):
    response = client.post(URL, payload(make_input()), format="json")
    assert response.status_code == 202
    received = ApplicationIntake.objects.get().received_at
    admission_round.closes_at = received + dt.timedelta(milliseconds=1)  # closes meanwhile
    admission_round.save(update_fields=["closes_at"])
    assert intake_drain()["accepted"] == 1
    assert timezone.now() > admission_round.closes_at
    late = client.post(URL, payload(make_input()), format="json")
    assert late.status_code == 409  # received after the close: refused at once
    assert ApplicationIntake.objects.count() == 1


def test_an_intake_that_fails_does_not_hold_up_the_others(client, make_input, monkeypatch):
    broken, fine = make_input(), make_input()
    client.post(URL, payload(broken), format="json")
    client.post(URL, payload(fine), format="json")
    create = intake_service.application_create

    def flaky(**kwargs):
        if kwargs["data"].child_personal_id == broken.child_personal_id:
            raise RuntimeError("a bug, not the family's fault")
        return create(**kwargs)

    monkeypatch.setattr(intake_service, "application_create", flaky)
    assert intake_drain() == {"accepted": 1, "refused": 0, "failed": 1}
    still = ApplicationIntake.objects.get(status=IntakeStatus.QUEUED)
    assert still.child_personal_id == broken.child_personal_id  # kept for the next drain
    monkeypatch.setattr(intake_service, "application_create", create)
    assert intake_drain()["accepted"] == 1
    assert Application.objects.count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("hcmc_data")
def test_two_drains_at_once_create_each_application_once(admission_round, parent, make_input):
    client = api_for(parent)
    cache.set(intake_service.DRAIN_SCHEDULED_KEY, 1, timeout=60)  # no drain in the requests
    for _ in range(6):
        assert client.post(URL, payload(make_input()), format="json").status_code == 202
    assert ApplicationIntake.objects.filter(status=IntakeStatus.QUEUED).count() == 6
    barrier = threading.Barrier(2)
    results: list[dict] = []

    def drain():
        try:
            barrier.wait()
            results.append(intake_drain())
        finally:
            connection.close()

    threads = [threading.Thread(target=drain) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r["accepted"] for r in results) == 6
    assert Application.objects.count() == 6
    assert not ApplicationIntake.objects.filter(status=IntakeStatus.QUEUED).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("hcmc_data")
def test_intakes_are_received_while_the_worker_holds_its_transaction(
    admission_round, parent, make_input, monkeypatch
):
    """The worker locks the intake it processes, not the round and the account every next
    intake refers to. Before: FOR UPDATE over the join locked all three, and each family's
    INSERT waited for the worker's commit (a low-priority process on the opening morning)."""
    client = api_for(parent)
    cache.set(intake_service.DRAIN_SCHEDULED_KEY, 1, timeout=60)  # no drain in the requests
    assert client.post(URL, payload(make_input()), format="json").status_code == 202
    inside, release = threading.Event(), threading.Event()
    real_create = intake_service.application_create

    def create_then_hold(**kwargs):
        created = real_create(**kwargs)
        inside.set()
        release.wait(timeout=30)  # the worker's transaction stays open meanwhile
        return created

    monkeypatch.setattr(intake_service, "application_create", create_then_hold)
    outcomes: list[str | None] = []

    def process():
        try:
            outcomes.append(intake_service.intake_process_next())
        finally:
            connection.close()

    worker = threading.Thread(target=process)
    worker.start()
    try:
        assert inside.wait(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        response = client.post(URL, payload(make_input()), format="json")
    finally:
        release.set()
        worker.join()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert response.status_code == 202, response.content
    assert outcomes == [IntakeStatus.ACCEPTED]
    assert list(ApplicationIntake.objects.values_list("status", flat=True).order_by("pk")) == [
        IntakeStatus.ACCEPTED,
        IntakeStatus.QUEUED,
    ]


@pytest.fixture
def remembered_rounds(settings):
    from admissions import selectors

    settings.ADMISSIONS_INTAKE_ROUND_READ_MS = 60_000
    selectors._recent_rounds.clear()
    yield
    selectors._recent_rounds.clear()


@pytest.mark.usefixtures("remembered_rounds")
def test_a_round_closed_meanwhile_refuses_the_intakes_it_was_remembered_for(
    client, admission_round, make_input
):
    """The request reads its round at most once a second per process; the worker reads it
    again, so an intake let in by the remembered round of a round closed by hand is refused
    with the window's reason."""
    cache.set(intake_service.DRAIN_SCHEDULED_KEY, 1, timeout=60)  # no drain in the requests
    assert client.post(URL, payload(make_input()), format="json").status_code == 202
    assert intake_drain()["accepted"] == 1
    admission_round.status = "closed"  # by hand, as the committee may (no transition service)
    admission_round.save(update_fields=["status"])
    with CaptureQueriesContext(connection) as queries:
        late = client.post(URL, payload(make_input()), format="json")
    tables = {t for q in queries.captured_queries for t in re.findall(r'"(\w+)"', q["sql"])}
    assert "admissions_admissionround" not in tables  # the remembered round
    assert late.status_code == 202, late.json()
    assert intake_drain() == {"accepted": 0, "refused": 1, "failed": 0}
    refused = ApplicationIntake.objects.get(status=IntakeStatus.REFUSED)
    assert refused.errors == {
        "non_field_errors": ["The application window of this round is closed."]
    }
    assert Application.objects.count() == 1
