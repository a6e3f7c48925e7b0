"""Requests to correct a dossier's data (Law 91/2025 Art. 14): opened by the citizen who owns
the dossier, answered once by an officer who handles its procedure; the citizen is told the
outcome by e-mail and SMS like every other dossier message."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.exceptions import Conflict, InvalidInput, NotFound, TransitionNotAllowed

from ..constants import DossierStatus
from ..models import Dossier, DossierCorrection
from ..selectors import staff_can_handle
from .notify import dossier_notify_correction

REASON_MAX = 2000
DECISIONS = (DossierCorrection.Status.CORRECTED, DossierCorrection.Status.DISMISSED)


def dossier_correction_open(*, dossier: Dossier, reason: str, actor) -> DossierCorrection:
    """Someone else's dossier is 'not found'; a draft is corrected by editing it."""
    if dossier.applicant_id != actor.pk:
        raise NotFound(_("No such dossier."))
    if dossier.status == DossierStatus.DRAFT:
        raise TransitionNotAllowed(_("A draft is corrected by editing it."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Describe what is wrong."), field="reason")
    if len(reason) > REASON_MAX:
        raise InvalidInput(_("Keep the description under 2,000 characters."), field="reason")
    deadline = timezone.now() + dt.timedelta(days=settings.ESERVICES_CORRECTION_DECISION_DAYS)
    try:
        with transaction.atomic():
            return DossierCorrection.objects.create(
                dossier=dossier, reason=reason, opened_by=actor, decide_by=deadline
            )
    except IntegrityError as exc:
        raise Conflict(_("A correction request for this dossier is already open.")) from exc


@transaction.atomic
def dossier_correction_decide(
    *, correction: DossierCorrection, decision: str, note: str, actor
) -> DossierCorrection:
    correction = (
        DossierCorrection.objects.select_for_update(of=("self", "dossier"))
        .select_related("dossier__procedure_version__procedure")
        .get(pk=correction.pk)
    )
    if not staff_can_handle(user=actor, procedure=correction.dossier.procedure):
        raise NotFound(_("No such request."))
    if correction.status != DossierCorrection.Status.OPEN:
        raise Conflict(_("This request was already answered."), field="decision")
    if decision not in DECISIONS:
        raise InvalidInput(_("Unknown decision."), field="decision")
    note = (note or "").strip()
    if not note:
        raise InvalidInput(_("Write the outcome: the citizen will read it."), field="note")
    correction.status = decision
    correction.outcome_note = note[:REASON_MAX]
    correction.decided_by = actor
    correction.decided_at = timezone.now()
    correction.save(update_fields=["status", "outcome_note", "decided_by", "decided_at"])
    correction_id = correction.pk
    transaction.on_commit(lambda: dossier_notify_correction(correction_id=correction_id))
    return correction
