"""Typing another family's child ID reveals no application, tells the family on record, and an
account that keeps trying is stopped for the day: afterwards a free ID and a taken one get the
same answer."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from admissions.models import Application
from tests.admissions.api.test_application_api import URL, payload
from tests.admissions.conftest import personal_id


@pytest.fixture
def stranger(other_parent):
    api = APIClient(headers={"accept-language": "en"})
    api.force_authenticate(other_parent)
    return api


@pytest.fixture
def applied(parent, make_input):
    api = APIClient()
    api.force_authenticate(parent)
    data = make_input()
    assert api.post(URL, payload(data, submit=True), format="json").status_code == 201
    return data


def test_a_taken_child_id_names_no_application_and_the_family_is_told(
    stranger, applied, make_input, sms_outbox
):
    data = make_input(child_personal_id=applied.child_personal_id, guardian_phone="0987654321")
    response = stranger.post(URL, payload(data), format="json")
    assert response.status_code == 409
    body = response.content.decode()
    assert "ADM-2026" not in body and applied.child_full_name not in body
    assert "already" not in body
    assert response.json()["invalid_params"][0]["name"] == "child_personal_id"
    assert sms_outbox[-1]["to"] == "0912345678"
    assert "ADM-2026-000001" in sms_outbox[-1]["body"]


def test_after_three_refused_ids_a_free_id_gets_the_same_refusal_as_a_taken_one(
    stranger, applied, make_input
):
    taken = applied.child_personal_id
    for _ in range(3):
        assert stranger.post(URL, payload(make_input(child_personal_id=taken)), format="json"
                             ).status_code == 409  # fmt: skip
    free = personal_id(year=2020, female=True, serial=999001)
    answers = [
        stranger.post(URL, payload(make_input(child_personal_id=child_id)), format="json")
        for child_id in (free, taken)
    ]
    assert [a.status_code for a in answers] == [429, 429]
    assert answers[0].json()["detail"] == answers[1].json()["detail"]
    assert not Application.objects.filter(child_personal_id=free).exists()


def test_the_same_family_sending_twice_still_gets_its_own_application(parent, applied):
    api = APIClient()
    api.force_authenticate(parent)
    again = api.post(URL, payload(applied, submit=True), format="json")
    assert again.status_code == 200 and again.json()["tracking_code"] == "ADM-2026-000001"
