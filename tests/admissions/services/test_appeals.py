"""Upheld appeals after publication (services/appeals.py) and robust expiry (services/offers.py)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from admissions.constants import ApplicationStatus as S
from admissions.constants import OfferStatus
from admissions.models import Application, ApplicationStatusChange, Offer, Ticket
from admissions.services import offer_accept, offers_expire, ticket_decide, ticket_open
from admissions.services.appeals import appeal_replace
from portal.core.exceptions import Conflict, NotFound

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


def _lock_order(queries) -> list[str]:
    """Tables in the order their rows are first locked (FROM clause of each FOR UPDATE)."""
    order: list[str] = []
    for q in queries:
        sql = q["sql"]
        if "FOR UPDATE" not in sql and "FOR NO KEY UPDATE" not in sql:
            continue
        table = re.search(r'FROM "(\w+)"', sql).group(1)
        if table not in order:
            order.append(table)
    return order


ROUND, OFFER, APP = "admissions_admissionround", "admissions_offer", "admissions_application"


def test_offer_accept_and_appeal_replace_lock_round_then_offer_then_application(family, staff):
    sc = _appeal_scenario(family)
    with CaptureQueriesContext(connection) as accept:
        offer_accept(offer=sc.live("app"), actor=family)
    assert _lock_order(accept.captured_queries)[:2] == [ROUND, OFFER]

    app = Application.objects.get(pk=sc.apps["app"].pk)
    with CaptureQueriesContext(connection) as appeal:
        appeal_replace(application=app, actor=staff)
    assert _lock_order(appeal.captured_queries)[:3] == [ROUND, OFFER, APP]


def test_accepting_an_accepted_offer_again_returns_it(family, other_parent):
    sc = _appeal_scenario(family)
    offer = sc.live("app")
    first = offer_accept(offer=offer, actor=family)
    again = offer_accept(offer=offer, actor=family)  # a double click: no 409
    assert again.pk == first.pk and again.status == OfferStatus.ACCEPTED
    assert again.responded_at == first.responded_at
    assert (
        ApplicationStatusChange.objects.filter(
            application=sc.apps["app"], to_status=S.ACCEPTED
        ).count()
        == 1
    )
    with pytest.raises(NotFound):
        offer_accept(offer=offer, actor=other_parent)  # still only the family's own offer
    Offer.objects.filter(pk=offer.pk).update(status=OfferStatus.WITHDRAWN)
    with pytest.raises(Conflict):  # any other closed offer is still refused
        offer_accept(offer=offer, actor=family)


def test_reminder_sms_leaves_only_after_the_counter_is_committed(
    db, monkeypatch, django_capture_on_commit_callbacks
):
    import notifications.services
    from admissions.services import offers_send_reminders
    from notifications.models import Delivery

    sent = []

    class Backend:
        def send(self, *, to, body):
            sent.append((to, body))
            return "fake"

    monkeypatch.setattr(notifications.services, "sms_backend", Backend)
    sc = Scenario()
    sc.school("A", seats=1)
    sc.child("a", ranked=["A"], priority={"A": (1, 99, 10.0, 0.1)}, status=S.OFFERED,
             offer_at="A")  # fmt: skip

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert offers_send_reminders() == 1
        assert sent == []  # nothing leaves inside the lock: the message is only queued
        assert Delivery.objects.get(channel="sms").status == "queued"
    assert sc.live("a").reminders_sent == 1
    for callback in callbacks:
        callback()
    assert len(sent) == 1 and "Trường A" in sent[0][1]
    ref = f"admissions.application:{sc.apps['a'].pk}"
    assert Delivery.objects.filter(subject_ref=ref, channel="sms", status="sent").count() == 1
