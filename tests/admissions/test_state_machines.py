"""Rounds, allocation runs and offers change state only through their transition tables
(admissions/workflow.py) and one service under a row lock that writes the history (ADR 0020).

The expected tables are written out here as explicit cases, not derived from the code's table."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from admissions import workflow
from admissions.admin import AdmissionRoundAdmin, AllocationRunAdmin, OfferAdmin, RoundSchoolAdmin
from admissions.constants import OfferStatus, RoundStatus, RunStatus
from admissions.models import AllocationRun, Offer, RoundSchool, SeatChange, StateChange
from admissions.services import offer_accept, offer_decline, round_close
from admissions.services.seats import round_school_save
from admissions.services.states import offer_transition, run_transition
from portal.core.exceptions import Conflict, TransitionNotAllowed

from .services.scenario import Scenario

ROOT = Path(__file__).resolve().parents[2]

# (kind, from, to, actor) → allowed. Every case not listed is refused.
ALLOWED = {
    ("round", "open", "closed", "staff"),
    ("round", "open", "closed", "system"),
    ("round", "closed", "allocated", "system"),
    ("round", "allocated", "published", "system"),
    ("run", "queued", "running", "system"),
    ("run", "failed", "running", "system"),
    ("run", "running", "dry_run", "system"),
    ("run", "running", "failed", "system"),
    ("run", "dry_run", "reviewed", "staff"),
    ("run", "dry_run", "reviewed", "system"),
    ("run", "reviewed", "publishing", "staff"),
    ("run", "reviewed", "publishing", "system"),
    ("run", "publishing", "published", "system"),
    ("run", "publishing", "reviewed", "system"),
    ("offer", "pending", "accepted", "parent"),
    ("offer", "pending", "declined", "parent"),
    ("offer", "pending", "expired", "system"),
    ("offer", "pending", "withdrawn", "parent"),
    ("offer", "pending", "withdrawn", "system"),
    ("offer", "accepted", "withdrawn", "parent"),
    ("offer", "accepted", "withdrawn", "system"),
}
STATES = {
    "round": ["open", "closed", "allocated", "published"],
    "run": ["queued", "running", "failed", "dry_run", "reviewed", "publishing", "published"],
    "offer": ["pending", "accepted", "declined", "expired", "withdrawn"],
}
ACTORS = ["parent", "staff", "system"]


@pytest.mark.parametrize("kind", ["round", "run", "offer"])
def test_transition_table_is_exactly_the_expected_one(kind):
    for frm, to, actor in itertools.product(STATES[kind], STATES[kind], ACTORS):
        expected = (kind, frm, to, actor) in ALLOWED
        got = actor in workflow.allowed_state_actors(kind, frm, to)
        assert got == expected, (kind, frm, to, actor)


def test_published_and_final_states_have_no_way_out():
    assert not any(
        actor in workflow.allowed_state_actors("run", "published", to)
        for to in STATES["run"]
        for actor in ACTORS
    )
    for final in ("declined", "expired", "withdrawn"):
        assert all(not workflow.allowed_state_actors("offer", final, to) for to in STATES["offer"])


def test_no_service_sets_a_round_run_or_offer_status_by_hand():
    """Only states.py writes these statuses (and applications.py its own, through its table)."""
    offenders = []
    pattern = re.compile(
        r"(\b(run|admission_round|round|offer|old|current|seat|locked)\.status\s*=[^=])|"
        r"(\.update\([^)]*\bstatus=)"
    )
    for path in sorted((ROOT / "admissions" / "services").glob("*.py")):
        if path.name == "states.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if pattern.search(line) and "application" not in line:
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    # only the application transition service, which keeps its own table: locked.status = to
    assert [o.split(":")[0] for o in offenders] == ["applications.py"], offenders
    assert offenders[0].endswith("locked.status = to")


@pytest.fixture
def family(django_user_model):
    return django_user_model.objects.create_user("giadinh-trangthai")


def test_offer_moves_are_recorded_with_who_when_from_and_to(family):
    sc = Scenario()
    sc.school("A", seats=1)
    app = sc.child("a", ranked=["A"], priority={"A": (1, 99, 10.0, 0.1)}, status="offered",
                   offer_at="A", applicant=family)  # fmt: skip
    offer = sc.live("a")
    offer_accept(offer=offer, actor=family)
    change = StateChange.objects.get(kind="offer", object_id=offer.pk)
    assert (change.from_status, change.to_status, change.actor, change.actor_role) == (
        "pending", "accepted", family, "parent",
    )  # fmt: skip
    assert change.created_at is not None
    assert app.pk == offer.application_id


def test_a_move_outside_the_table_is_refused_and_leaves_no_trace(family):
    sc = Scenario()
    sc.school("A", seats=1)
    sc.child("a", ranked=["A"], priority={"A": (1, 99, 10.0, 0.1)}, status="offered",
             offer_at="A", applicant=family)  # fmt: skip
    offer = sc.live("a")
    with pytest.raises(TransitionNotAllowed):  # the system never accepts for a family
        offer_transition(offer=offer, to=OfferStatus.ACCEPTED, actor=None)
    offer_decline(offer=Offer.objects.get(pk=offer.pk), actor=family)
    with pytest.raises(Conflict):  # a declined offer cannot be accepted afterwards
        offer_accept(offer=Offer.objects.get(pk=offer.pk), actor=family)
    assert Offer.objects.get(pk=offer.pk).status == OfferStatus.DECLINED
    assert list(
        StateChange.objects.filter(kind="offer", object_id=offer.pk).values_list(
            "from_status", "to_status"
        )
    ) == [("pending", "declined")]


def test_run_moves_go_through_the_table(db):
    sc = Scenario()
    run = AllocationRun.objects.create(round=sc.round, mechanism="da", seed=1, stage="second")
    with pytest.raises(TransitionNotAllowed):
        run_transition(run=run, to=RunStatus.PUBLISHED)  # queued → published: never
    run_transition(run=run, to=RunStatus.RUNNING)
    assert AllocationRun.objects.get(pk=run.pk).status == RunStatus.RUNNING
    assert StateChange.objects.filter(kind="run", object_id=run.pk).get().to_status == "running"


def test_closing_a_round_is_recorded(admission_round, staff):
    closed = round_close(admission_round=admission_round, actor=staff)
    assert closed.status == RoundStatus.CLOSED and closed.lottery_seed is not None
    change = StateChange.objects.get(kind="round", object_id=admission_round.pk)
    assert (change.from_status, change.to_status, change.actor) == ("open", "closed", staff)


def test_admin_never_edits_a_status_or_the_lottery_seed():
    from django.contrib import admin

    round_admin = AdmissionRoundAdmin(admin.models.LogEntry, admin.site)
    assert {"status", "lottery_seed"} <= set(round_admin.readonly_fields)
    assert "status" in AllocationRunAdmin.readonly_fields
    assert "seed" in AllocationRunAdmin.readonly_fields
    assert "status" in OfferAdmin.readonly_fields
    assert not getattr(RoundSchoolAdmin, "list_editable", None)


def test_seats_change_only_while_the_window_is_open_and_each_change_is_recorded(
    admission_round, staff, rf
):
    from django.contrib import admin

    row = RoundSchool.objects.filter(round=admission_round).first()
    row.classes = 5
    round_school_save(round_school=row, actor=staff)
    change = SeatChange.objects.get(round_school=row)
    assert (change.classes_before, change.classes_after, change.actor) == (2, 5, staff)
    assert change.created_at is not None

    closed = round_close(admission_round=admission_round, actor=staff)
    row.refresh_from_db()
    row.classes = 9
    with pytest.raises(Conflict):
        round_school_save(round_school=row, actor=staff)
    assert RoundSchool.objects.get(pk=row.pk).classes == 5
    assert SeatChange.objects.filter(round_school=row).count() == 1
    model_admin = RoundSchoolAdmin(RoundSchool, admin.site)
    row.round = closed
    assert {"classes", "seats_override"} <= set(model_admin.get_readonly_fields(rf.get("/"), row))


def test_admin_form_refuses_seats_of_a_closed_round(admission_round, staff, admin_client):
    row = RoundSchool.objects.filter(round=admission_round).first()
    round_close(admission_round=admission_round, actor=staff)
    response = admin_client.post(
        f"/admin/admissions/roundschool/{row.pk}/change/",
        {"round": admission_round.pk, "school": row.school_id, "classes": 9,
         "seats_override": "", "is_demo_figure": ""},
    )  # fmt: skip
    assert response.status_code in (200, 302, 403)
    assert RoundSchool.objects.get(pk=row.pk).classes == 2
    assert not SeatChange.objects.filter(round_school=row).exists()
