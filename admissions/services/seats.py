"""Seats and classes of a school in a round: changed only while the application window is
open, each change recorded with who and when (`SeatChange`, ADR 0020)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from portal.core.exceptions import Conflict

from ..constants import RoundStatus
from ..models import AdmissionRound, RoundSchool, SeatChange


def seats_editable(admission_round: AdmissionRound) -> bool:
    return admission_round.status == RoundStatus.OPEN


@transaction.atomic
def round_school_save(*, round_school: RoundSchool, actor) -> RoundSchool:
    """Save a school's classes / seat override (new or changed) and record the change."""
    admission_round = AdmissionRound.objects.select_for_update(no_key=True).get(
        pk=round_school.round_id
    )
    if not seats_editable(admission_round):
        raise Conflict(
            _("Seats and classes can only change while the application window is open."),
            field="classes",
        )
    before = (
        RoundSchool.objects.select_for_update()
        .filter(pk=round_school.pk)
        .values("classes", "seats_override")
        .first()
        if round_school.pk
        else None
    )
    round_school.save()
    after = {"classes": round_school.classes, "seats_override": round_school.seats_override}
    if before != after:
        SeatChange.objects.create(
            round_school=round_school,
            classes_before=before["classes"] if before else None,
            classes_after=round_school.classes,
            seats_override_before=before["seats_override"] if before else None,
            seats_override_after=round_school.seats_override,
            actor=actor,
        )
    return round_school
