"""Appeals and data-correction tickets: opened by the family, decided by the committee within
a deadline, every decision in an append-only log. An upheld ticket reopens the file through
the one transition service (rejected → under review, verified → correction requested)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.exceptions import Conflict, InvalidInput, NotFound, TransitionNotAllowed

from ..constants import ApplicationStatus as S
from ..models import Application, Ticket, TicketDecision
from .applications import actor_roles, application_transition

APPEALABLE = {S.REJECTED, S.WAITLISTED, S.OFFERED}
CORRECTABLE = {S.SUBMITTED, S.UNDER_REVIEW, S.RESUBMITTED, S.VERIFIED, S.WAITLISTED, S.OFFERED}
# Families open appeals and data corrections; late-entry tickets are opened by the system.
FAMILY_TICKETS = {Ticket.Kind.APPEAL, Ticket.Kind.DATA_CORRECTION}
# What an upheld ticket does to the application (when the table allows it).
REOPEN = {S.REJECTED: S.UNDER_REVIEW, S.VERIFIED: S.CORRECTION_REQUESTED}


def ticket_open(*, application: Application, kind: str, reason: str, actor) -> Ticket:
    if application.applicant_id != actor.pk:
        raise NotFound(_("No such application."))
    if kind not in FAMILY_TICKETS:
        raise InvalidInput(_("Unknown request."), field="kind")
    allowed = APPEALABLE if kind == Ticket.Kind.APPEAL else CORRECTABLE
    if application.status not in allowed:
        raise TransitionNotAllowed(_("This request is not possible in the current status."))
    if not reason.strip():
        raise InvalidInput(_("Give a reason: it is shown to the family."), field="reason")
    try:
        with transaction.atomic():
            return Ticket.objects.create(
                application=application,
                kind=kind,
                reason=reason.strip(),
                opened_by=actor,
                decide_by=timezone.now()
                + dt.timedelta(days=settings.ADMISSIONS_TICKET_DECISION_DAYS),
            )
    except IntegrityError as exc:
        raise Conflict(_("A request of this kind is already open."), field="kind") from exc


@transaction.atomic
def ticket_decide(*, ticket: Ticket, decision: str, note: str, actor) -> Ticket:
    ticket = (
        Ticket.objects.select_for_update(of=("self", "application"))
        .select_related("application")
        .get(pk=ticket.pk)
    )
    if "staff" not in actor_roles(ticket.application, actor):
        raise TransitionNotAllowed(_("Only the committee decides."))
    if ticket.status != Ticket.Status.OPEN:
        raise Conflict(_("This request was already decided."), field="status")
    if decision not in (Ticket.Status.UPHELD, Ticket.Status.DISMISSED):
        raise InvalidInput(_("Unknown decision."), field="decision")
    if not note.strip():
        raise InvalidInput(_("Give a reason: it is shown to the family."), field="note")
    ticket.status = decision
    ticket.save(update_fields=["status", "updated_at"])
    TicketDecision.objects.create(ticket=ticket, decision=decision, note=note.strip(), actor=actor)
    target = REOPEN.get(ticket.application.status)
    if decision == Ticket.Status.UPHELD and target:
        application_transition(application=ticket.application, to=target, actor=actor, note=note)
    elif decision == Ticket.Status.UPHELD and ticket.kind == Ticket.Kind.APPEAL:
        from .appeals import appeal_replace

        offer = appeal_replace(application=ticket.application, actor=actor)
        TicketDecision.objects.create(
            ticket=ticket,
            decision=decision,
            note=(
                _("Re-placed on an extra seat at %(school)s.") % {"school": offer.school.name}
                if offer
                else _("The corrected priority does not win a better seat.")
            ),
            actor=actor,
        )
    return ticket


def tickets_overdue(*, now: dt.datetime | None = None):
    return Ticket.objects.filter(status=Ticket.Status.OPEN, decide_by__lt=now or timezone.now())
