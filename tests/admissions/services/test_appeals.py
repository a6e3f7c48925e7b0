"""Upheld appeals after publication (services/appeals.py) and robust expiry (services/offers.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from admissions.constants import ApplicationStatus as S
from admissions.constants import OfferStatus
from admissions.models import Application, ApplicationStatusChange, Offer, Ticket
from admissions.services import offer_accept, offers_expire, ticket_decide, ticket_open

from .scenario import Scenario


@pytest.fixture
def family(django_user_model):
    return django_user_model.objects.create_user("giadinh-khieunai")


def _appeal_scenario(family) -> Scenario:
    """'app' holds an offer at B, its second choice; A (its first) is full. 'w' waits for B."""
    sc = Scenario()
    sc.school("A", seats=1)
    sc.school("B", seats=1)
    sc.child("x", ranked=["A"], priority={"A": (1, 99, 10.0, 0.1)}, status=S.ACCEPTED,
             offer_at="A", offer_status=OfferStatus.ACCEPTED)  # fmt: skip
    sc.child("app", ranked=["A", "B"],
             priority={"A": (2, 99, 900.0, 0.5), "B": (1, 99, 50.0, 0.5)},
             status=S.OFFERED, offer_at="B", applicant=family)  # fmt: skip
    sc.child("w", ranked=["B"], priority={"B": (2, 99, 300.0, 0.4)})
    return sc


def test_appeal_opened_while_offered_family_accepts_then_appeal_upheld(
    family, staff, django_capture_on_commit_callbacks
):
    sc = _appeal_scenario(family)
    app = sc.apps["app"]
    ticket = ticket_open(application=app, kind=Ticket.Kind.APPEAL,
                         reason="Địa chỉ bị nhập sai", actor=family)  # fmt: skip
    offer_accept(offer=sc.live("app"), actor=family)
    assert Application.objects.get(pk=app.pk).status == S.ACCEPTED

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ticket_decide(ticket=ticket, decision="upheld", note="Đã xác minh", actor=staff)

    app.refresh_from_db()
    assert app.status == S.ACCEPTED
    new = sc.live("app")
    # The acceptance carries over to the better school, on an extra seat.
    assert sc.live_school("app") == "A"
    assert new.status == OfferStatus.ACCEPTED and new.responded_at is not None
    assert new.supernumerary
    assert Offer.objects.filter(application=app, status=OfferStatus.WITHDRAWN).count() == 1
    # The move is in the history (system actor, note) and the family is notified.
    change = ApplicationStatusChange.objects.filter(application=app).order_by("-pk").first()
    assert (change.from_status, change.to_status, change.actor_id) == (S.ACCEPTED, S.ACCEPTED, None)
    assert change.note
    assert callbacks
    # The seat at B left behind moves down the vacancy chain.
    assert sc.live_school("w") == "B"
    assert sc.live_school("x") == "A"  # nobody else moved

    # Expiry later never trips over this application.
    Offer.objects.filter(application__round=sc.round, status=OfferStatus.PENDING).update(
        reminders_sent=2
    )
    offers_expire(now=timezone.now() + dt.timedelta(days=60))
    assert Application.objects.get(pk=app.pk).status == S.ACCEPTED


def test_upheld_appeal_of_an_offered_child_writes_history_and_keeps_the_offer_open(
    family, staff, django_capture_on_commit_callbacks
):
    sc = _appeal_scenario(family)
    app = sc.apps["app"]
    ticket = ticket_open(application=app, kind=Ticket.Kind.APPEAL,
                         reason="Địa chỉ bị nhập sai", actor=family)  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ticket_decide(ticket=ticket, decision="upheld", note="Đã xác minh", actor=staff)

    app.refresh_from_db()
    assert app.status == S.OFFERED
    new = sc.live("app")
    assert sc.live_school("app") == "A" and new.status == OfferStatus.PENDING
    change = ApplicationStatusChange.objects.filter(application=app).order_by("-pk").first()
    assert (change.from_status, change.to_status) == (S.OFFERED, S.OFFERED)
    assert "Trường A" in change.note
    assert callbacks
    # The family can still answer the new offer.
    offer_accept(offer=new, actor=family)
    assert Application.objects.get(pk=app.pk).status == S.ACCEPTED


def test_expiry_continues_past_a_bad_offer(db):
    sc = Scenario()
    sc.school("A", seats=1)
    sc.school("B", seats=1)
    # An inconsistent row (accepted application with an open offer) must not stall the city.
    sc.child("bad", ranked=["A"], priority={"A": (1, 99, 10.0, 0.1)}, status=S.ACCEPTED,
             offer_at="A")  # fmt: skip
    sc.child("good", ranked=["B"], priority={"B": (1, 99, 10.0, 0.1)}, status=S.OFFERED,
             offer_at="B")  # fmt: skip
    Offer.objects.filter(application__round=sc.round).update(reminders_sent=2)
    # the bad offer comes first in the loop
    Offer.objects.filter(application=sc.apps["bad"]).update(deadline=timezone.now())

    assert offers_expire(now=timezone.now() + dt.timedelta(days=60)) == 1

    assert Application.objects.get(pk=sc.apps["good"].pk).status == S.EXPIRED
    assert sc.live("good") is None
    assert Application.objects.get(pk=sc.apps["bad"].pk).status == S.ACCEPTED
    assert sc.live("bad").status == OfferStatus.PENDING  # rolled back, left for a human
