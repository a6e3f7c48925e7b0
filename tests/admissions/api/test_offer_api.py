"""Parent API: answering an offer (accept / decline) and withdrawing an application. Only the
family's own offer or application; a refused call changes nothing; a declined or withdrawn
seat goes to the next child on the waiting list in the same transaction."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from admissions.constants import ApplicationStatus as S
from admissions.constants import OfferStatus
from admissions.models import Application, ApplicationStatusChange, Offer
from tests.admissions.services.scenario import Scenario


@pytest.fixture
def family(django_user_model):
    return django_user_model.objects.create_user("giadinh-api-offer")


@pytest.fixture
def scenario(db, family) -> Scenario:
    """'app' (the family's) holds an open offer at B; 'w' waits for B."""
    sc = Scenario()
    sc.school("B", seats=1)
    sc.child("app", ranked=["B"], priority={"B": (1, 99, 50.0, 0.5)}, status=S.OFFERED,
             offer_at="B", applicant=family)  # fmt: skip
    sc.child("w", ranked=["B"], priority={"B": (2, 99, 300.0, 0.4)})
    return sc


def api(user=None) -> APIClient:
    client = APIClient(headers={"accept-language": "en"})
    if user is not None:
        client.force_authenticate(user)
    return client


def snapshot(sc: Scenario) -> tuple:
    return (
        sorted(Application.objects.filter(round=sc.round).values_list("pk", "status")),
        sorted(Offer.objects.filter(run=sc.run).values_list("pk", "status", "school_id")),
        ApplicationStatusChange.objects.count(),
    )


def test_the_family_accepts_its_offer(scenario, family):
    offer = scenario.live("app")
    response = api(family).post(f"/api/v1/offers/{offer.uuid}/accept/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == OfferStatus.ACCEPTED
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED and offer.responded_at is not None
    app = Application.objects.get(pk=scenario.apps["app"].pk)
    assert app.status == S.ACCEPTED
    assert app.history.filter(from_status=S.OFFERED, to_status=S.ACCEPTED).count() == 1
    again = api(family).post(f"/api/v1/offers/{offer.uuid}/accept/")  # a double click
    assert again.status_code == 200 and again.json()["status"] == OfferStatus.ACCEPTED
    assert scenario.live_school("w") is None  # nobody else gets the seat


def test_the_family_declines_and_the_seat_goes_to_the_waiting_list(scenario, family):
    offer = scenario.live("app")
    response = api(family).post(f"/api/v1/offers/{offer.uuid}/decline/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == OfferStatus.DECLINED
    assert Application.objects.get(pk=scenario.apps["app"].pk).status == S.DECLINED
    assert scenario.live_school("w") == "B"
    assert Application.objects.get(pk=scenario.apps["w"].pk).status == S.OFFERED


def test_a_declined_offer_cannot_be_accepted(scenario, family):
    offer = scenario.live("app")
    api(family).post(f"/api/v1/offers/{offer.uuid}/decline/")
    before = snapshot(scenario)
    response = api(family).post(f"/api/v1/offers/{offer.uuid}/accept/")
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert snapshot(scenario) == before


@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_another_parent_or_an_anonymous_visitor_cannot_answer(scenario, other_parent, answer):
    offer = scenario.live("app")
    before = snapshot(scenario)
    stranger = api(other_parent).post(f"/api/v1/offers/{offer.uuid}/{answer}/")
    assert stranger.status_code == 404
    assert stranger["Content-Type"] == "application/problem+json"
    anonymous = api().post(f"/api/v1/offers/{offer.uuid}/{answer}/")
    assert anonymous.status_code in (401, 403)
    assert snapshot(scenario) == before


def test_the_family_withdraws_and_the_seat_goes_to_the_waiting_list(scenario, family):
    app = scenario.apps["app"]
    offer = scenario.live("app")
    response = api(family).post(f"/api/v1/applications/{app.uuid}/withdraw/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == S.WITHDRAWN
    offer.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN
    assert scenario.live_school("w") == "B"
    again = api(family).post(f"/api/v1/applications/{app.uuid}/withdraw/")
    assert again.status_code == 409  # withdrawn is final
    assert again["Content-Type"] == "application/problem+json"


def test_another_parent_or_an_anonymous_visitor_cannot_withdraw(scenario, other_parent):
    app = scenario.apps["app"]
    before = snapshot(scenario)
    assert api(other_parent).post(f"/api/v1/applications/{app.uuid}/withdraw/").status_code == 404
    assert api().post(f"/api/v1/applications/{app.uuid}/withdraw/").status_code in (401, 403)
    assert snapshot(scenario) == before
