"""A small synthetic demo round on the real map data, allocated end to end through the services:
the engine's checker passes, every child has an explanation, publication creates offers, and
declines / expiries move the waiting list."""

import datetime as dt
import re

import numpy as np
import pytest

from admissions.allocation.distances import geodesic_m
from admissions.constants import ApplicationStatus, OfferStatus, RoundStatus, RunStatus
from admissions.demo import generate_demo_round
from admissions.exceptions import CheckFailed, RunNotReady
from admissions.models import AllocationRun, Application, Offer, Placement, RoundSchool
from admissions.selectors import applications_in_catchments
from admissions.services import (
    allocation_run_compare,
    allocation_run_create,
    allocation_run_execute,
    allocation_run_publish,
    allocation_run_review,
    offer_decline,
    offers_expire,
    offers_send_reminders,
    round_close,
)
from portal.core.exceptions import Conflict


@pytest.fixture
def demo(db):
    summary = generate_demo_round(school_year=2031, children=400, seed=7)
    RoundSchool.objects.filter(round=summary.round).update(classes=0)
    # Scarce seats so that there is competition and a waiting list.
    RoundSchool.objects.filter(round=summary.round).update(seats_override=5)
    return summary


def test_demo_children_are_synthetic_and_inside_the_city(demo):
    apps = Application.objects.filter(round=demo.round)
    assert apps.count() == demo.children >= 390
    assert not apps.filter(is_synthetic=False).exists()
    assert apps.first().child_full_name.startswith("Trẻ mẫu ")
    assert not apps.filter(ward__isnull=True).exists()
    assert apps.filter(status=ApplicationStatus.VERIFIED).count() == demo.children


def test_runs_need_a_closed_window(demo):
    with pytest.raises(Conflict):
        allocation_run_create(admission_round=demo.round, mechanism="da", seed=1)


def test_allocation_end_to_end(demo, django_user_model):
    committee = django_user_model.objects.create_user("hoidong", is_staff=True)
    round_ = round_close(admission_round=demo.round, lottery_seed=42)
    run = allocation_run_create(admission_round=round_, mechanism="da", seed=42, actor=committee)
    allocation_run_execute(run=run)
    run.refresh_from_db()
    assert run.status == RunStatus.DRY_RUN and run.progress == 100
    assert run.check_passed is True and run.violations == []
    assert len(run.input_sha256) == len(run.result_sha256) == 64
    stats = run.statistics
    seats = 5 * RoundSchool.objects.filter(round=round_).count()
    assert stats["children"] == demo.children
    assert stats["placed"] == min(seats, stats["placed"]) and stats["placed"] <= seats
    assert stats["unplaced"] == demo.children - stats["placed"] > 0
    assert stats["envy_pairs"] == 0

    placements = Placement.objects.filter(run=run).select_related("application", "school")
    assert placements.count() == demo.children
    for p in placements:
        assert p.explanation_vi and p.explanation_en
        assert p.explanation_vi != p.explanation_en
        assert "seed 42" in p.explanation_en
        # distances the way every page writes them ("2,37 km" / "2.37 km"), never "2370 m"
        assert not re.search(r"\d m\b", p.explanation_vi + p.explanation_en)
        if p.school_id is None:
            assert "waiting list" in p.explanation_en
        else:
            # stored distance = independent geodesic distance from the published pin
            # (rounded to 4 decimals, ADR 13) to the school
            a, s = p.application.residence_point, p.school.location
            lon, lat = round(a.x, 4), round(a.y, 4)
            expected = float(geodesic_m(np.array([lon]), np.array([lat]),
                                        np.array([s.x]), np.array([s.y]))[0])  # fmt: skip
            assert abs(p.distance_m - expected) < 0.1
            assert p.school_id in p.application.choices.values_list("school_id", flat=True)
    cutoffs_vi = [p.explanation_vi for p in placements if "ở khoảng cách đến" in p.explanation_vi]
    assert cutoffs_vi and all(re.search(r"khoảng cách đến \d+,\d\d km", t) for t in cutoffs_vi)
    assert any(re.search(r"up to \d+\.\d\d km away", p.explanation_en) for p in placements)
    # group 1 is exactly "pin inside the school's current catchment"
    pairs = applications_in_catchments(
        application_ids=[p.application_id for p in placements], school_year=2031
    )
    for p in placements.exclude(school=None):
        assert p.in_catchment == ((p.application_id, p.school_id) in pairs)

    # same seed, same result; another seed may differ but is recorded
    again = allocation_run_create(admission_round=round_, mechanism="da", seed=42)
    allocation_run_execute(run=again)
    assert again.result_sha256 == run.result_sha256
    nearest = allocation_run_create(admission_round=round_, mechanism="nearest", seed=42)
    allocation_run_execute(run=nearest)
    assert nearest.check_passed is True
    comparison = allocation_run_compare(a=run, b=nearest)
    rows = {key: rest for key, *rest in comparison["rows"]}
    assert rows["placed"][0] == stats["placed"]
    # First choices and envy mean the families' ranking in A, the distance list in B.
    assert rows["envy_pairs"][2:] == [
        "so với thứ tự nguyện vọng của gia đình",
        "so với danh sách theo khoảng cách (thứ 1 = trường gần nhất)",
    ]
    assert rows["placed"][2:] == ["", ""]

    # dry run → review → publish
    with pytest.raises(RunNotReady):
        allocation_run_publish(run=run, actor=committee)
    allocation_run_review(run=run, actor=committee)
    allocation_run_publish(run=run, actor=committee)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.PUBLISHED
    offered = Application.objects.filter(round=round_, status=ApplicationStatus.OFFERED)
    assert offered.count() == stats["placed"] == Offer.objects.filter(run=run).count()
    assert (
        Application.objects.filter(round=round_, status=ApplicationStatus.WAITLISTED).count()
        == stats["unplaced"]
    )

    # A decline frees the seat; the best child (engine order at that school) among those who
    # ranked it above their own placement moves in — waiting or holding a lower choice.
    offer = Offer.objects.filter(run=run).select_related("application").first()
    school = str(offer.school_id)

    def entry(p):
        return next((c for c in p.explanation["choices"] if c["school"] == school), None)

    eligible = [
        p
        for p in Placement.objects.filter(run=run).exclude(application=offer.application)
        if entry(p) and (p.choice_rank is None or entry(p)["rank"] < p.choice_rank)
    ]
    Application.objects.filter(pk=offer.application_id).update(applicant=committee)
    offer_decline(offer=offer, actor=committee)
    if eligible:

        def key(p):
            c = entry(p)
            return (c["group"], c["category_rank"], c["distance_m"], c["lottery"])

        best = min(eligible, key=key)
        moved = Offer.objects.get(application=best.application, school_id=offer.school_id)
        assert moved.status == OfferStatus.PENDING and moved.from_waitlist
        best.application.refresh_from_db()
        assert best.application.status == ApplicationStatus.OFFERED
    # Still one live offer per child and never more than the seats of a school.
    live = Offer.objects.filter(status__in=[OfferStatus.PENDING, OfferStatus.ACCEPTED])
    assert live.values("application").distinct().count() == live.count()
    per_school = {}
    for school_id in live.values_list("school_id", flat=True):
        per_school[school_id] = per_school.get(school_id, 0) + 1
    assert max(per_school.values()) <= 5


def test_a_failing_check_blocks_publication(demo):
    round_ = round_close(admission_round=demo.round, lottery_seed=1)
    run = allocation_run_create(admission_round=round_, mechanism="da", seed=1)
    allocation_run_execute(run=run)
    allocation_run_review(run=run, actor=None)
    AllocationRun.objects.filter(pk=run.pk).update(check_passed=False)
    run.refresh_from_db()
    with pytest.raises(CheckFailed):
        allocation_run_publish(run=run, actor=None)
    assert not Offer.objects.exists()
    assert not Application.objects.filter(status=ApplicationStatus.OFFERED).exists()


def test_offers_expire_only_after_two_reminders(demo):
    round_ = round_close(admission_round=demo.round, lottery_seed=3)
    run = allocation_run_create(admission_round=round_, mechanism="da", seed=3)
    allocation_run_execute(run=run)
    allocation_run_review(run=run, actor=None)
    allocation_run_publish(run=run, actor=None)
    pending = Offer.objects.filter(status=OfferStatus.PENDING).count()
    after_deadline = round_.offer_response_deadline + dt.timedelta(days=1)

    assert offers_expire(now=after_deadline) == 0  # silence is not acceptance, nor expiry yet
    assert offers_send_reminders(now=after_deadline) == pending
    assert offers_send_reminders(now=after_deadline) == 0  # at most one per day
    assert offers_expire(now=after_deadline) == 0  # only one reminder so far
    assert offers_send_reminders(now=after_deadline + dt.timedelta(days=1)) >= pending
    expired = offers_expire(now=after_deadline + dt.timedelta(days=1))
    # A seat freed by an expiry moves down the vacancy chain: a child with an open offer who
    # ranked that school higher moves up (old offer withdrawn, new offer with a new deadline).
    moved_up = Offer.objects.filter(status=OfferStatus.WITHDRAWN).count()
    assert expired + moved_up >= pending
    assert Offer.objects.filter(status=OfferStatus.EXPIRED, reminders_sent__lt=2).count() == 0
    assert Application.objects.filter(status=ApplicationStatus.EXPIRED).count() == expired


def test_second_round_places_children_still_unplaced(demo):
    round_ = round_close(admission_round=demo.round, lottery_seed=5)
    run = allocation_run_create(admission_round=round_, mechanism="da", seed=5)
    allocation_run_execute(run=run)
    allocation_run_review(run=run, actor=None)
    allocation_run_publish(run=run, actor=None)
    # More seats become available for the second round.
    RoundSchool.objects.filter(round=round_).update(seats_override=20)
    waitlisted = Application.objects.filter(status=ApplicationStatus.WAITLISTED).count()
    second = allocation_run_create(
        admission_round=round_, mechanism="nearest", seed=5, stage="second"
    )
    # The second stage follows the round's configured rule (here the families' rankings), not
    # always nearest-first (issue 12).
    assert second.mechanism == round_.mechanism == "da"
    allocation_run_execute(run=second)
    assert second.check_passed is True
    assert second.statistics["children"] == waitlisted
    taken = Offer.objects.filter(run=run).count()  # pending offers keep their seats
    assert (
        second.statistics["seats"] == 20 * RoundSchool.objects.filter(round=round_).count() - taken
    )
    allocation_run_review(run=second, actor=None)
    allocation_run_publish(run=second, actor=None)
    assert (
        Offer.objects.filter(run=second).count()
        == second.statistics["placed"]
        == waitlisted - Application.objects.filter(status=ApplicationStatus.WAITLISTED).count()
    )


def test_upheld_appeal_replaces_only_the_appellant_on_an_extra_seat(demo, django_user_model):
    from django.contrib.auth.models import Permission

    from admissions.models import Ticket
    from admissions.services import ticket_decide, ticket_open
    from gis.geometry import make_point

    family = django_user_model.objects.create_user("giadinh")
    committee = django_user_model.objects.create_user("hoidong2", is_staff=True)
    committee.user_permissions.add(Permission.objects.get(codename="review_application"))
    committee = django_user_model.objects.get(pk=committee.pk)
    round_ = round_close(admission_round=demo.round, lottery_seed=11)
    run = allocation_run_create(admission_round=round_, mechanism="da", seed=11)
    allocation_run_execute(run=run)
    allocation_run_review(run=run, actor=None)
    allocation_run_publish(run=run, actor=None)
    assert "cutoffs" in AllocationRun.objects.get(pk=run.pk).statistics

    appellant = Application.objects.filter(status=ApplicationStatus.WAITLISTED).first()
    first = appellant.ranked_choices[0].school
    # The file was corrected: the family actually lives 30 m from its first choice.
    Application.objects.filter(pk=appellant.pk).update(
        applicant=family,
        residence_point=make_point(lon=first.location.x + 0.0003, lat=first.location.y),
    )
    appellant.refresh_from_db()
    before = set(
        Offer.objects.exclude(application=appellant).values_list("pk", "status", "school_id")
    )
    ticket = ticket_open(application=appellant, kind=Ticket.Kind.APPEAL,
                         reason="Địa chỉ bị nhập sai", actor=family)  # fmt: skip
    ticket_decide(ticket=ticket, decision="upheld", note="Đã xác minh địa chỉ", actor=committee)

    appellant.refresh_from_db()
    assert appellant.status == ApplicationStatus.OFFERED
    offer = Offer.objects.get(application=appellant)
    assert offer.school_id == first.pk and offer.supernumerary
    after = set(
        Offer.objects.exclude(application=appellant).values_list("pk", "status", "school_id")
    )
    assert after == before  # nobody else moved
    notes = list(ticket.decisions.values_list("note", flat=True))
    assert any(first.name in n for n in notes)


def test_allocate_command(demo):
    import io

    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="--close"):
        call_command("allocate", round=2031, seed=42, verbosity=0)
    out = io.StringIO()
    call_command("allocate", round=2031, seed=42, close=True, stdout=out, verbosity=0)
    assert "check PASSED" in out.getvalue()
    run = AllocationRun.objects.get()
    assert run.seed == 42 and run.mechanism == "da" and run.status == RunStatus.DRY_RUN
    assert f"{run.statistics['placed']}/{demo.children} placed" in out.getvalue()


def _reviewed(round_, *, seed, stage="main", mechanism="da"):
    run = allocation_run_create(admission_round=round_, mechanism=mechanism, seed=seed, stage=stage)
    allocation_run_execute(run=run)
    allocation_run_review(run=run, actor=None)
    return AllocationRun.objects.get(pk=run.pk)


def test_publish_refuses_a_run_whose_applications_changed(demo, django_user_model):
    from admissions.models import ApplicationChoice
    from admissions.services import application_withdraw

    round_ = round_close(admission_round=demo.round, lottery_seed=13)
    run = _reviewed(round_, seed=13)
    # A family withdraws after the run was computed: the run is stale.
    family = django_user_model.objects.create_user("giadinh-rut")
    leaving = Application.objects.filter(round=round_, status=ApplicationStatus.VERIFIED).first()
    Application.objects.filter(pk=leaving.pk).update(applicant=family)
    leaving.refresh_from_db()
    application_withdraw(application=leaving, actor=family)
    with pytest.raises(Conflict, match="hãy chạy lại"):  # "run again"
        allocation_run_publish(run=run, actor=None)
    assert not Offer.objects.exists()
    assert AllocationRun.objects.get(pk=run.pk).status == RunStatus.REVIEWED

    # Same children, but a ranked list changed: also stale.
    fresh = _reviewed(round_, seed=13)
    choice = ApplicationChoice.objects.filter(
        application__round=round_, application__status=ApplicationStatus.VERIFIED
    ).first()
    other = (
        RoundSchool.objects.filter(round=round_)
        .exclude(
            school_id__in=ApplicationChoice.objects.filter(
                application=choice.application_id
            ).values("school_id")
        )
        .first()
    )
    ApplicationChoice.objects.filter(pk=choice.pk).update(school_id=other.school_id)
    with pytest.raises(Conflict):
        allocation_run_publish(run=fresh, actor=None)

    # A run computed on the current data publishes.
    allocation_run_publish(run=_reviewed(round_, seed=13), actor=None)
    assert Offer.objects.exists()


def test_second_stage_publish_rechecks_the_free_seats(demo):
    round_ = round_close(admission_round=demo.round, lottery_seed=5)
    allocation_run_publish(run=_reviewed(round_, seed=5), actor=None)
    RoundSchool.objects.filter(round=round_).update(seats_override=20)
    second = _reviewed(round_, seed=5, stage="second", mechanism="nearest")
    assert second.statistics["placed"] > 0
    # The seats shrink again before publication (e.g. a class closed): the run's input changed
    # (ADR 0020: the fingerprint covers the seats and names them).
    RoundSchool.objects.filter(round=round_).update(seats_override=5)
    with pytest.raises(Conflict, match="chỉ tiêu và số lớp"):
        allocation_run_publish(run=second, actor=None)
    assert not Offer.objects.filter(run=second).exists()


def test_a_file_verified_after_publication_joins_the_waiting_list(demo, staff):
    from admissions.constants import ApplicationStatus as S
    from admissions.services import application_transition

    late = Application.objects.filter(round=demo.round, status=S.VERIFIED).first()
    Application.objects.filter(pk=late.pk).update(status=S.UNDER_REVIEW)
    round_ = round_close(admission_round=demo.round, lottery_seed=9)
    allocation_run_publish(run=_reviewed(round_, seed=9), actor=None)

    late.refresh_from_db()
    application_transition(application=late, to=S.VERIFIED, actor=staff)

    late.refresh_from_db()
    moves = list(late.history.order_by("pk").values_list("from_status", "to_status", "actor"))
    assert moves[1:3] == [(S.UNDER_REVIEW, S.VERIFIED, staff.pk), (S.VERIFIED, S.WAITLISTED, None)]
    assert late.last_note
    # Its priority under the published policy is stored with the main run (ADR 0008) …
    placement = Placement.objects.get(run__stage="main", run__status="published", application=late)
    assert placement.explanation["late_verified"] is True and placement.school_id is None
    if late.status == S.OFFERED:  # … a ranked school still had a free seat: taken at once
        assert moves[3:] == [(S.WAITLISTED, S.OFFERED, None)]
    else:  # … otherwise it waits, and the second round sees it.
        assert late.status == S.WAITLISTED
        second = _reviewed(round_, seed=9, stage="second", mechanism="nearest")
        assert Placement.objects.filter(run=second, application=late).exists()


def test_verification_before_publication_stays_verified(demo, staff):
    from admissions.constants import ApplicationStatus as S
    from admissions.services import application_transition

    late = Application.objects.filter(round=demo.round, status=S.VERIFIED).first()
    Application.objects.filter(pk=late.pk).update(status=S.UNDER_REVIEW)
    late.refresh_from_db()
    application_transition(application=late, to=S.VERIFIED, actor=staff)
    assert Application.objects.get(pk=late.pk).status == S.VERIFIED


def test_a_published_run_is_never_executed_again(demo):
    round_ = round_close(admission_round=demo.round, lottery_seed=21)
    run = _reviewed(round_, seed=21)
    allocation_run_publish(run=run, actor=None)
    before = sorted(Placement.objects.filter(run=run).values_list("application_id", "school_id"))
    sha = AllocationRun.objects.get(pk=run.pk).result_sha256

    for status in (RunStatus.PUBLISHED, RunStatus.REVIEWED, RunStatus.DRY_RUN, RunStatus.RUNNING):
        AllocationRun.objects.filter(pk=run.pk).update(status=status)
        with pytest.raises(Conflict):
            allocation_run_execute(run=AllocationRun.objects.get(pk=run.pk))
        assert AllocationRun.objects.get(pk=run.pk).status == status
    AllocationRun.objects.filter(pk=run.pk).update(status=RunStatus.PUBLISHED)

    after = sorted(Placement.objects.filter(run=run).values_list("application_id", "school_id"))
    assert after == before
    assert AllocationRun.objects.get(pk=run.pk).result_sha256 == sha


def test_a_failed_run_can_be_retried(demo):
    round_ = round_close(admission_round=demo.round, lottery_seed=22)
    run = allocation_run_create(admission_round=round_, mechanism="da", seed=22)
    AllocationRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, error="boom")
    allocation_run_execute(run=AllocationRun.objects.get(pk=run.pk))
    run.refresh_from_db()
    assert run.status == RunStatus.DRY_RUN and run.error == ""


def test_the_lottery_seed_is_fixed_at_close_and_only_that_seed_can_be_published(demo):
    round_ = round_close(admission_round=demo.round)
    assert round_.lottery_seed is not None  # drawn before any result exists
    official = allocation_run_create(admission_round=round_, mechanism="da")
    assert official.seed == round_.lottery_seed

    simulation = allocation_run_create(
        admission_round=round_, mechanism="da", seed=round_.lottery_seed + 1
    )
    allocation_run_execute(run=simulation)
    allocation_run_review(run=simulation, actor=None)
    with pytest.raises(Conflict) as refused:
        allocation_run_publish(run=simulation, actor=None)
    assert refused.value.field == "seed"
    assert not Offer.objects.filter(application__round=round_).exists()

    allocation_run_execute(run=official)
    allocation_run_review(run=official, actor=None)
    allocation_run_publish(run=official, actor=None)
    assert Offer.objects.filter(application__round=round_).exists()
