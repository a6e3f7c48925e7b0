"""Freed seats move in the engine's order, with vacancy chains (services/vacancies.py)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from admissions.constants import ApplicationStatus as S
from admissions.constants import OfferStatus
from admissions.models import (
    Application,
    ApplicationStatusChange,
    Offer,
    Placement,
)
from admissions.services import offer_decline, waitlist_fill_seat
from admissions.services.vacancies import _priority_key, vacancy_candidates
from notifications.models import Delivery

from .scenario import Scenario

BAD = (2, 99, 3000.0, 0.99)


@pytest.fixture
def family(django_user_model):
    return django_user_model.objects.create_user("giadinh-chuoi")


def _chain(family) -> Scenario:
    """A declines school A. B (accepted at B, ranked A first) is A's best candidate; E (offer
    at E, ranked A, B, E) is B's best; G (waiting) is E's only one. D has the best priority at
    A but ranked A *below* its own seat at C; F ranked B but loses to E there."""
    sc = Scenario()
    for name in ("A", "B", "C", "E"):
        sc.school(name, seats=1)
    sc.child("dec", ranked=["A"], priority={"A": (1, 99, 10.0, 0.1)}, status=S.OFFERED,
             offer_at="A", applicant=family)  # fmt: skip
    sc.child("b", ranked=["A", "B"], priority={"A": (2, 99, 500.0, 0.5), "B": (1, 99, 80.0, 0.5)},
             status=S.ACCEPTED, offer_at="B", offer_status=OfferStatus.ACCEPTED)  # fmt: skip
    sc.child("d", ranked=["C", "A"], priority={"C": (1, 99, 30.0, 0.3), "A": (1, 99, 50.0, 0.3)},
             status=S.OFFERED, offer_at="C")  # fmt: skip
    sc.child("e", ranked=["A", "B", "E"],
             priority={"A": (2, 99, 900.0, 0.2), "B": (2, 99, 100.0, 0.2), "E": (1, 99, 5.0, 0.2)},
             status=S.OFFERED, offer_at="E")  # fmt: skip
    sc.child("f", ranked=["B"], priority={"B": (2, 99, 200.0, 0.1)})
    sc.child("g", ranked=["E"], priority={"E": BAD})
    return sc


def test_a_decline_starts_a_chain_in_priority_order(family, django_capture_on_commit_callbacks):
    sc = _chain(family)
    with django_capture_on_commit_callbacks(execute=True):
        offer_decline(offer=sc.live("dec"), actor=family)

    # b moves A (its 1st) from B; e moves to B (its 2nd) from E; g takes E: a chain of 3.
    assert sc.live_school("b") == "A"
    assert sc.live_school("e") == "B"
    assert sc.live_school("g") == "E"
    # d had the best priority at A but ranked A below its own seat: it stays.
    assert sc.live_school("d") == "C"
    # f ranked B but had a worse priority there than e.
    assert sc.live_school("f") is None
    assert Application.objects.get(pk=sc.apps["f"].pk).status == S.WAITLISTED
    # nobody holds two seats, no school is over capacity
    live = Offer.objects.filter(application__round=sc.round, status__in=["pending", "accepted"])
    assert sorted(live.values_list("school__name", flat=True)) == [
        "Trường A", "Trường B", "Trường C", "Trường E"
    ]  # fmt: skip
    assert live.count() == live.values("application").distinct().count() == 4

    # The decliner is out and was not offered A again although it had the best priority there.
    dec = Application.objects.get(pk=sc.apps["dec"].pk)
    assert dec.status == S.DECLINED
    assert list(Offer.objects.filter(application=dec).values_list("status", flat=True)) == [
        "declined"
    ]
    # b's acceptance carries over; the old seats were withdrawn, not deleted.
    b_new = sc.live("b")
    assert b_new.status == OfferStatus.ACCEPTED and b_new.from_waitlist
    assert Application.objects.get(pk=sc.apps["b"].pk).status == S.ACCEPTED
    assert Offer.objects.filter(application=sc.apps["b"], status="withdrawn").count() == 1
    assert sc.live("e").status == OfferStatus.PENDING
    assert Application.objects.get(pk=sc.apps["g"].pk).status == S.OFFERED

    # Every move is in the history and the family was told (after commit).
    for name, frm, to in (("b", "accepted", "accepted"), ("e", "offered", "offered"),
                          ("g", "waitlisted", "offered")):  # fmt: skip
        change = ApplicationStatusChange.objects.filter(application=sc.apps[name]).first()
        assert (change.from_status, change.to_status, change.actor_role) == (frm, to, "system")
        assert "Trường" in change.note
        assert Delivery.objects.filter(
            subject_ref=f"admissions.application:{sc.apps[name].pk}", channel="sms", status="sent"
        ).exists()
    assert (
        "nguyện vọng 1"
        in ApplicationStatusChange.objects.filter(application=sc.apps["b"]).first().note
    )


def test_nobody_moves_to_a_school_ranked_lower(family):
    sc = Scenario()
    sc.school("A", seats=1)
    sc.school("B", seats=1)
    sc.child("dec", ranked=["A"], priority={"A": BAD}, status=S.OFFERED, offer_at="A",
             applicant=family)  # fmt: skip
    # x holds its first choice B and ranked A second with a perfect priority there.
    sc.child("x", ranked=["B", "A"], priority={"B": BAD, "A": (1, 1, 1.0, 0.0)},
             status=S.OFFERED, offer_at="B")  # fmt: skip
    sc.child("y", ranked=["A"], priority={"A": BAD})
    offer_decline(offer=sc.live("dec"), actor=family)
    assert sc.live_school("x") == "B"
    assert sc.live_school("y") == "A"


def test_priority_order_is_group_category_distance_lottery(family):
    sc = Scenario()
    sc.school("A", seats=1)
    sc.child("dec", ranked=["A"], priority={"A": BAD}, status=S.OFFERED, offer_at="A",
             applicant=family)  # fmt: skip
    sc.child("far_in_catchment", ranked=["A"], priority={"A": (1, 99, 3900.0, 0.9)})
    sc.child("near_outside", ranked=["A"], priority={"A": (2, 1, 10.0, 0.0)})
    sc.child("same_but_lottery", ranked=["A"], priority={"A": (1, 99, 3900.0, 0.1)})
    sc.child("category", ranked=["A"], priority={"A": (1, 3, 3950.0, 0.5)})
    found = vacancy_candidates(round_id=sc.round.pk, school_id=sc.schools["A"].pk)
    order = [a for _, a in found]
    names = {v.pk: k for k, v in sc.apps.items()}
    assert [names[a] for a in order] == [
        "category", "same_but_lottery", "far_in_catchment", "near_outside"
    ]  # fmt: skip
    offer_decline(offer=sc.live("dec"), actor=family)
    assert sc.live_school("category") == "A"


def test_a_refused_school_is_never_offered_again_and_full_schools_are_not_overfilled(db):
    sc = Scenario()
    sc.school("A", seats=1)
    # h once declined A (kept here as waiting to prove the rule does not rest on the status).
    h = sc.child("h", ranked=["A"], priority={"A": (1, 1, 1.0, 0.0)})
    Offer.objects.create(application=h, run=sc.run, school=sc.schools["A"], status="declined",
                         deadline=sc.round.offer_response_deadline)  # fmt: skip
    sc.child("k", ranked=["A"], priority={"A": BAD})
    made = waitlist_fill_seat(school_id=sc.schools["A"].pk, round_id=sc.round.pk)
    assert [o.application_id for o in made] == [sc.apps["k"].pk]
    assert sc.live("h") is None
    # A is now full: another call hands out nothing.
    sc.child("m", ranked=["A"], priority={"A": (1, 1, 0.5, 0.0)})
    assert waitlist_fill_seat(school_id=sc.schools["A"].pk, round_id=sc.round.pk) == []


def _justified_envy(sc: Scenario) -> list[tuple[str, str, str]]:
    """(envious, school, holder) triples among the remaining children, using the stored
    priorities — the checker's notion of justified envy — plus free seats someone wants."""
    out = []
    for name, school in sc.schools.items():
        holders = Offer.objects.filter(school=school, status__in=["pending", "accepted"])
        candidates = vacancy_candidates(round_id=sc.round.pk, school_id=school.pk)
        free = sc.round.schools.get(school=school).seats - holders.count()
        if candidates and free > 0:
            out.append(("free seat", name, ""))
        for key, app_id in candidates:
            for holder in holders:
                expl = Placement.objects.get(application_id=holder.application_id).explanation
                if key[:4] < _priority_key(expl, school.pk):
                    out.append((str(app_id), name, str(holder.application_id)))
    return out


def test_no_justified_envy_after_the_chain(family):
    sc = _chain(family)
    assert _justified_envy(sc) == []
    offer_decline(offer=sc.live("dec"), actor=family)
    assert _justified_envy(sc) == []


def _declines_at_once(offers, actors):
    barrier = threading.Barrier(len(offers))
    errors = []

    def decline(offer, actor):
        try:
            barrier.wait(timeout=10)
            offer_decline(offer=offer, actor=actor)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    pairs = zip(offers, actors, strict=True)
    threads = [threading.Thread(target=decline, args=pair) for pair in pairs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_declines_never_give_one_seat_twice(django_user_model):
    p1 = django_user_model.objects.create_user("ph1")
    p2 = django_user_model.objects.create_user("ph2")
    sc = Scenario()
    sc.school("A", seats=1)
    sc.school("B", seats=1)
    sc.child("d1", ranked=["A"], priority={"A": BAD}, status=S.OFFERED, offer_at="A",
             applicant=p1)  # fmt: skip
    sc.child("d2", ranked=["B"], priority={"B": BAD}, status=S.OFFERED, offer_at="B",
             applicant=p2)  # fmt: skip
    # w is the best candidate at both schools and prefers A; v is second at both.
    sc.child("w", ranked=["A", "B"], priority={"A": (1, 99, 1.0, 0.1), "B": (1, 99, 1.0, 0.1)})
    sc.child("v", ranked=["A", "B"], priority={"A": (1, 99, 2.0, 0.1), "B": (1, 99, 2.0, 0.1)})
    sc.child("u", ranked=["A", "B"], priority={"A": (1, 99, 3.0, 0.1), "B": (1, 99, 3.0, 0.1)})

    errors = _declines_at_once([sc.live("d1"), sc.live("d2")], [p1, p2])
    assert errors == []
    # Whatever the order, the end state is the stable one: w at A, v at B, u waiting.
    assert sc.live_school("w") == "A"
    assert sc.live_school("v") == "B"
    assert sc.live_school("u") is None
    live = Offer.objects.filter(status__in=["pending", "accepted"])
    assert live.count() == 2
    assert live.filter(school=sc.schools["A"]).count() == 1
    assert live.filter(school=sc.schools["B"]).count() == 1
    assert Application.objects.filter(status=S.DECLINED).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_declines_at_one_school(django_user_model):
    p1 = django_user_model.objects.create_user("ph3")
    p2 = django_user_model.objects.create_user("ph4")
    sc = Scenario()
    sc.school("A", seats=2)
    sc.child("d1", ranked=["A"], priority={"A": BAD}, status=S.OFFERED, offer_at="A",
             applicant=p1)  # fmt: skip
    sc.child("d2", ranked=["A"], priority={"A": BAD}, status=S.OFFERED, offer_at="A",
             applicant=p2)  # fmt: skip
    for i, name in enumerate(("w1", "w2", "w3")):
        sc.child(name, ranked=["A"], priority={"A": (1, 99, 10.0 * (i + 1), 0.5)})
    errors = _declines_at_once([sc.live("d1"), sc.live("d2")], [p1, p2])
    assert errors == []
    assert [sc.live_school(n) for n in ("w1", "w2", "w3")] == ["A", "A", None]
    assert Offer.objects.filter(school=sc.schools["A"], status="pending").count() == 2


def test_withdrawing_an_accepted_application_frees_its_seat_into_the_chain(family):
    from admissions.services import application_withdraw

    sc = Scenario()
    sc.school("A", seats=1)
    sc.child("leaver", ranked=["A"], priority={"A": (1, 99, 10.0, 0.1)}, status=S.ACCEPTED,
             offer_at="A", offer_status=OfferStatus.ACCEPTED, applicant=family)  # fmt: skip
    sc.child("next", ranked=["A"], priority={"A": (1, 99, 400.0, 0.4)})
    sc.child("later", ranked=["A"], priority={"A": (2, 99, 90.0, 0.2)})

    application_withdraw(application=sc.apps["leaver"], actor=family)

    leaver = Application.objects.get(pk=sc.apps["leaver"].pk)
    assert leaver.status == S.WITHDRAWN
    assert list(Offer.objects.filter(application=leaver).values_list("status", flat=True)) == [
        "withdrawn"
    ]
    assert sc.live_school("next") == "A"  # group 1 beats group 2 although farther
    assert sc.live_school("later") is None
    assert Application.objects.get(pk=sc.apps["next"].pk).status == S.OFFERED
