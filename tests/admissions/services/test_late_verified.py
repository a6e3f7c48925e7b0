"""A child verified after publication gets a priority under the published run's policy and
takes part in the vacancy chains (ADR 0008)."""

from __future__ import annotations

from admissions.constants import ApplicationStatus as S
from admissions.models import Application, Placement
from admissions.services import application_transition, offer_decline
from admissions.services.vacancies import LATE_LOTTERY, vacancy_candidates

from .scenario import Scenario


def test_a_late_verified_child_takes_a_freed_seat(django_user_model, staff):
    family = django_user_model.objects.create_user("giadinh-muon")
    sc = Scenario()
    sc.school("A", seats=1)
    sc.child("dec", ranked=["A"], priority={"A": (2, 99, 10.0, 0.1)}, status=S.OFFERED,
             offer_at="A", applicant=family)  # fmt: skip
    late = sc.child("late", ranked=["A"], priority={"A": (2, 99, 0.0, 0.0)}, status=S.UNDER_REVIEW)
    Placement.objects.filter(application=late).delete()  # was not in the published run

    application_transition(application=late, to=S.VERIFIED, actor=staff)
    assert Application.objects.get(pk=late.pk).status == S.WAITLISTED
    placement = Placement.objects.get(application=late, run=sc.run)
    assert placement.school_id is None and placement.explanation["late_verified"] is True
    entry = placement.explanation["choices"][0]
    assert (entry["school"], entry["group"], entry["lottery"]) == (
        str(sc.schools["A"].pk), 2, LATE_LOTTERY,
    )  # fmt: skip
    candidates = vacancy_candidates(round_id=sc.round.pk, school_id=sc.schools["A"].pk)
    assert [a for _key, a in candidates] == [late.pk]

    offer_decline(offer=sc.live("dec"), actor=family)
    assert sc.live_school("late") == "A"
    assert Application.objects.get(pk=late.pk).status == S.OFFERED


def test_a_late_verified_child_takes_a_seat_already_free(staff):
    sc = Scenario()
    sc.school("A", seats=2)
    sc.child("x", ranked=["A"], priority={"A": (2, 99, 10.0, 0.1)}, status=S.OFFERED,
             offer_at="A")  # fmt: skip
    late = sc.child("late", ranked=["A"], priority={"A": (2, 99, 0.0, 0.0)}, status=S.SUBMITTED)
    Placement.objects.filter(application=late).delete()
    application_transition(application=late, to=S.VERIFIED, actor=staff)
    assert sc.live_school("late") == "A"
