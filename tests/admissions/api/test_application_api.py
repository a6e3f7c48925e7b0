"""Parent API: validation errors as problem+json naming the field, idempotent submit, and the
concurrent double submit against real PostgreSQL."""

from __future__ import annotations

import dataclasses
import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from admissions.constants import ApplicationStatus
from admissions.models import Application, ApplicationStatusChange
from tests.admissions.conftest import personal_id

URL = "/api/v1/applications/"


def payload(data, **extra) -> dict:
    body = dataclasses.asdict(data)
    body["child_dob"] = data.child_dob.isoformat()
    body.update(extra)
    return body


@pytest.fixture
def client(parent):
    api = APIClient(headers={"accept-language": "en"})
    api.force_authenticate(parent)
    return api


def problem(response, status=400) -> dict[str, list[str]]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    out: dict[str, list[str]] = {}
    for p in response.json().get("invalid_params", []):
        out.setdefault(p["name"], []).append(p["reason"])
    return out


def test_create_and_submit_returns_a_tracking_code(client, make_input):
    response = client.post(URL, payload(make_input(), submit=True), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["tracking_code"] == "ADM-2026-000001"
    assert body["status"] == ApplicationStatus.SUBMITTED
    assert body["ward_name"] == "Phường Bến Thành"
    assert [h["to_status"] for h in body["history"]] == ["submitted", "draft"]
    app = Application.objects.get(tracking_code="ADM-2026-000001")
    assert app.consent_version == "2026-01" and app.consented_by.profile.phone == "0912345678"
    assert app.guardian_phone == "0912345678"  # +84 normalised


def test_submitting_the_same_child_again_returns_the_existing_application(client, make_input):
    data = make_input()
    first = client.post(URL, payload(data, submit=True), format="json")
    again = client.post(URL, payload(data, submit=True), format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["tracking_code"] == first.json()["tracking_code"]
    assert Application.objects.count() == 1


def test_another_account_cannot_apply_for_the_same_child(client, other_parent, make_input):
    data = make_input()
    client.post(URL, payload(data), format="json")
    other = APIClient(headers={"accept-language": "en"})
    other.force_authenticate(other_parent)
    errors = problem(other.post(URL, payload(data), format="json"), status=409)
    assert "child_personal_id" in errors


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"child_personal_id": "07932000123"}, "child_personal_id", "12 digits"),
        ({"child_personal_id": "000320123456"}, "child_personal_id", "province code"),
        ({"child_personal_id": "079220123456"}, "child_personal_id", "gender"),
        ({"child_personal_id": "079319123456"}, "child_personal_id", "Digits 5–6"),
        ({"guardian_personal_id": "079315123456"}, "guardian_personal_id", "adult"),
        ({"guardian_phone": "0212345678"}, "guardian_phone", "mobile"),
        ({"lat": 21.0285, "lon": 105.8542}, "location", "outside Ho Chi Minh City"),
        ({"choices": []}, "choices", ""),
        ({"choices": [1, 1]}, "choices", ""),
        ({"priority_category": "vip"}, "priority_category", "Unknown"),
    ],
)
def test_validation_errors_name_the_field(client, make_input, overrides, field, fragment):
    # Full validation runs on submission (a draft may be partial).
    body = payload(make_input(), submit=True, **overrides)
    errors = problem(client.post(URL, body, format="json"))
    assert field in errors, errors
    assert any(fragment in reason for reason in errors[field]), errors
    assert Application.objects.count() == 0


def test_birth_year_rules(client, make_input):
    import datetime as dt

    young = make_input(child_dob=dt.date(2021, 1, 5),
                       child_personal_id=personal_id(year=2021, female=True, serial=1))  # fmt: skip
    errors = problem(client.post(URL, payload(young, submit=True), format="json"))
    assert "early entry" in errors["child_dob"][0]

    late = make_input(child_dob=dt.date(2018, 6, 1),
                      child_personal_id=personal_id(year=2018, female=True, serial=2))  # fmt: skip
    errors = problem(client.post(URL, payload(late, submit=True), format="json"))
    assert "late_entry_reason" in errors

    # With a reason, submission still needs the evidence (uploaded to a draft first).
    reason = {"late_entry_reason": "returned_from_abroad"}
    errors = problem(client.post(URL, payload(late, submit=True, **reason), format="json"))
    assert list(errors) == ["late_entry_evidence"]
    ok = client.post(URL, payload(late, **reason), format="json")
    assert ok.status_code == 201 and ok.json()["status"] == "draft"

    too_old = make_input(child_dob=dt.date(2016, 6, 1),
                         child_personal_id=personal_id(year=2016, female=True, serial=3),
                         late_entry_reason="disability")  # fmt: skip
    # More than three years late is not refused: it only needs its evidence like any late
    # entry, and submission opens a ticket for the education office (test_drafts).
    errors = problem(client.post(URL, payload(too_old, submit=True), format="json"))
    assert list(errors) == ["late_entry_evidence"]


def test_submit_requires_consent(client, make_input):
    errors = problem(client.post(URL, payload(make_input(consent=False), submit=True),
                                 format="json"))  # fmt: skip
    assert "consent" in errors
    draft = client.post(URL, payload(make_input(consent=False)), format="json")
    assert draft.status_code == 201 and draft.json()["status"] == "draft"
    uuid = draft.json()["uuid"]
    errors = problem(client.post(f"{URL}{uuid}/submit/", {"consent": False}, format="json"))
    assert "consent" in errors
    ok = client.post(f"{URL}{uuid}/submit/", {"consent": True}, format="json")
    assert ok.json()["status"] == "submitted"


def test_typed_ward_that_disagrees_with_the_pin_is_flagged(client, make_input):
    from gis.selectors import admin_unit_list

    other_ward = admin_unit_list().exclude(name="Phường Bến Thành").first()
    body = client.post(URL, payload(make_input(ward_code=other_ward.code)), format="json").json()
    assert body["ward_name"] == "Phường Bến Thành"
    assert body["ward_mismatch"] is True


def test_drafts_are_editable_until_submitted(client, make_input):
    data = make_input()
    uuid = client.post(URL, payload(data), format="json").json()["uuid"]
    edited = client.put(f"{URL}{uuid}/", payload(data, address_text="14 Lê Lợi"), format="json")
    assert edited.status_code == 200
    assert Application.objects.get(uuid=uuid).address_text == "14 Lê Lợi"
    client.post(f"{URL}{uuid}/submit/", {"consent": True}, format="json")
    refused = client.put(f"{URL}{uuid}/", payload(data, address_text="x"), format="json")
    assert refused.status_code == 409


def test_closed_window_refuses_new_applications(client, make_input, closed_window):
    response = client.post(URL, payload(make_input()), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "window_closed"


def test_anonymous_users_cannot_apply(make_input):
    assert APIClient().post(URL, payload(make_input()), format="json").status_code == 403


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("hcmc_data")
def test_two_simultaneous_submits_create_exactly_one_application(admission_round, parent,
                                                                 make_input):  # fmt: skip
    body = payload(make_input(), submit=True)
    barrier = threading.Barrier(2)
    results: list = []

    def submit():
        try:
            api = APIClient()
            api.force_authenticate(parent)
            barrier.wait()
            response = api.post(URL, body, format="json")
            results.append((response.status_code, response.json().get("tracking_code")))
        finally:
            connection.close()  # each thread has its own database connection

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(code for code, _ in results) == [200, 201]
    assert len({tracking for _, tracking in results}) == 1
    assert Application.objects.filter(round=admission_round).count() == 1
    app = Application.objects.get()
    assert list(
        ApplicationStatusChange.objects.filter(application=app).values_list("to_status", flat=True)
    ) == ["submitted", "draft"]


def test_messages_are_vietnamese_by_default(parent, make_input):
    api = APIClient()
    api.force_authenticate(parent)
    body = payload(make_input(lat=21.0285, lon=105.8542), submit=True)
    errors = problem(api.post(URL, body, format="json"))
    assert errors["location"] == [
        "Điểm đánh dấu nằm ngoài Thành phố Hồ Chí Minh, địa bàn của cổng thông tin này."
    ]
