"""200 accept/decline answers at once on the last seats of a school, through the API on real
threads and PostgreSQL connections: never more seats taken than exist, nobody holds two seats,
and each family's two clashing answers resolve to exactly one."""

from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from admissions.constants import ApplicationStatus as S
from admissions.constants import OfferStatus
from admissions.models import Offer

from ..admissions.services.scenario import Scenario
from .world import run_in_threads

pytestmark = pytest.mark.django_db(transaction=True)

SEATS = 100  # every seat of school A is offered: these are the last seats
WAITING = 60  # waitlisted families ranked A, ready to take freed seats
THREADS = 20
PRIORITY = (1, 99, 100.0, 0.5)


def test_200_concurrent_answers_never_overfill_the_last_seats():
    sc = Scenario()
    school = sc.school("A", seats=SEATS)
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"rel-offer-{i}") for i in range(SEATS + WAITING)
    )
    for i in range(SEATS):
        sc.child(f"o{i}", ranked=["A"], priority={"A": PRIORITY}, status=S.OFFERED,
                 offer_at="A", applicant=users[i])  # fmt: skip
    for i in range(WAITING):
        sc.child(f"w{i}", ranked=["A"], priority={"A": (2, 99, 500.0 + i, 0.5)},
                 applicant=users[SEATS + i])  # fmt: skip
    offers = list(Offer.objects.filter(school=school).order_by("pk"))
    assert len(offers) == SEATS

    clients = {}
    for offer in offers:
        client = Client()
        client.force_login(users[[sc.apps[f"o{i}"].pk for i in range(SEATS)].index(
            offer.application_id)])  # fmt: skip
        clients[offer.pk] = client

    def answer(offer, verb):
        def job():
            response = clients[offer.pk].post(f"/api/v1/offers/{offer.uuid}/{verb}/")
            return offer.pk, verb, response.status_code

        return job

    # Every family sends "accept" and "decline" at the same moment: 200 operations. The first
    # half of the families send accept first, the others decline first.
    jobs = []
    for n, offer in enumerate(offers):
        pair = [answer(offer, "accept"), answer(offer, "decline")]
        jobs += pair if n % 2 else pair[::-1]
    results = run_in_threads(jobs, threads=THREADS)

    assert [r for r in results if isinstance(r, Exception)] == []
    assert Counter(status for *_, status in results).keys() <= {200, 409}
    per_offer: dict[int, dict[str, int]] = {}
    for offer_pk, verb, status in results:
        per_offer.setdefault(offer_pk, {})[verb] = status
    declined = 0
    for offer in offers:
        offer.refresh_from_db()
        answers = per_offer[offer.pk]
        # Exactly one of the family's two answers won, and the offer records that one.
        assert sorted(answers.values()) == [200, 409], answers
        winner = next(verb for verb, status in answers.items() if status == 200)
        assert offer.status == {"accept": OfferStatus.ACCEPTED,
                                "decline": OfferStatus.DECLINED}[winner]  # fmt: skip
        declined += winner == "decline"

    live = Offer.objects.filter(school=school, status__in=["pending", "accepted"])
    # Never more seats than exist; each freed seat went to exactly one waiting family.
    assert live.count() == SEATS - declined + min(declined, WAITING) <= SEATS
    assert live.values("application").distinct().count() == live.count()
    taken_by_waiting = Offer.objects.filter(
        school=school, application__in=[sc.apps[f"w{i}"] for i in range(WAITING)]
    )
    assert taken_by_waiting.count() == min(declined, WAITING)
    # The freed seats followed priority: the best-placed waiting families got them.
    winners = sorted(o.application_id for o in taken_by_waiting)
    assert winners == sorted(sc.apps[f"w{i}"].pk for i in range(min(declined, WAITING)))
