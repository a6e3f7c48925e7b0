"""Offers after publication: accept / decline, reminders, expiry, waiting-list moves.

Silence is never acceptance: an offer only expires after its deadline AND after at least
two reminders were sent (also a database constraint)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.exceptions import Conflict, NotFound

from ..constants import MIN_REMINDERS_BEFORE_EXPIRY, ApplicationStatus, OfferStatus, RunStatus
from ..models import Application, Notification, Offer, Placement
from ..notifications import sms_backend
from .applications import application_transition

REMINDER_INTERVAL = dt.timedelta(hours=24)


def _lock_offer(offer: Offer) -> Offer:
    return Offer.objects.select_for_update().select_related("application").get(pk=offer.pk)


@transaction.atomic
def offer_accept(*, offer: Offer, actor) -> Offer:
    offer = _lock_offer(offer)
    if offer.application.applicant_id != actor.pk:
        raise NotFound(_("No such offer."))
    if offer.status != OfferStatus.PENDING:
        raise Conflict(_("This offer is no longer open."), field="offer")
    if timezone.now() > offer.deadline and offer.reminders_sent >= MIN_REMINDERS_BEFORE_EXPIRY:
        raise Conflict(_("The deadline to answer has passed."), field="offer")
    application_transition(
        application=offer.application, to=ApplicationStatus.ACCEPTED, actor=actor
    )
    offer.status = OfferStatus.ACCEPTED
    offer.responded_at = timezone.now()
    offer.save(update_fields=["status", "responded_at", "updated_at"])
    return offer


@transaction.atomic
def offer_decline(*, offer: Offer, actor) -> Offer:
    offer = _lock_offer(offer)
    if offer.application.applicant_id != actor.pk:
        raise NotFound(_("No such offer."))
    if offer.status != OfferStatus.PENDING:
        raise Conflict(_("This offer is no longer open."), field="offer")
    application_transition(
        application=offer.application, to=ApplicationStatus.DECLINED, actor=actor
    )
    offer.status = OfferStatus.DECLINED
    offer.responded_at = timezone.now()
    offer.save(update_fields=["status", "responded_at", "updated_at"])
    waitlist_fill_seat(school_id=offer.school_id, round_id=offer.application.round_id)
    return offer


def _priority_at(placement: Placement, school_id: int) -> tuple | None:
    for entry in placement.explanation.get("choices", []):
        if entry["school"] == str(school_id):
            return (entry["group"], entry["category_rank"], entry["distance_m"], entry["lottery"])
    return None


@transaction.atomic
def waitlist_fill_seat(*, school_id: int, round_id: int) -> Offer | None:
    """A seat was freed: offer it to the waiting-list child who ranked the school and has the
    best priority there in the engine's order (group, category, distance, lottery)."""
    placements = Placement.objects.filter(
        run__round_id=round_id,
        run__status=RunStatus.PUBLISHED,
        application__status=ApplicationStatus.WAITLISTED,
    ).select_related("application", "run")
    best = None
    for placement in placements:
        key = _priority_at(placement, school_id)
        if key is not None and (
            best is None or (key, placement.application.tracking_code) < best[0]
        ):
            best = ((key, placement.application.tracking_code), placement)
    if best is None:
        return None
    placement = best[1]
    application = Application.objects.select_for_update().get(pk=placement.application_id)
    offer = Offer.objects.create(
        application=application,
        run=placement.run,
        school_id=school_id,
        deadline=max(
            application.round.offer_response_deadline, timezone.now() + dt.timedelta(days=3)
        ),
        from_waitlist=True,
    )
    application_transition(application=application, to=ApplicationStatus.OFFERED, actor=None)
    return offer


def offers_send_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind every family with an open offer (at most one reminder per interval)."""
    now = now or timezone.now()
    sent = 0
    due = Offer.objects.filter(status=OfferStatus.PENDING).select_related("application", "school")
    for offer in due:
        if offer.last_reminder_at and now - offer.last_reminder_at < REMINDER_INTERVAL:
            continue
        with transaction.atomic():
            locked = _lock_offer(offer)
            if locked.status != OfferStatus.PENDING:
                continue
            locked.reminders_sent += 1
            locked.last_reminder_at = now
            locked.save(update_fields=["reminders_sent", "last_reminder_at", "updated_at"])
            app = locked.application
            body = _(
                "Reminder %(n)s: a grade-1 seat at %(school)s is offered to %(child)s "
                "(%(code)s). Answer before %(deadline)s."
            ) % {
                "n": locked.reminders_sent,
                "school": offer.school.name,
                "child": app.child_full_name,
                "code": app.tracking_code,
                "deadline": timezone.localtime(locked.deadline).strftime("%d/%m/%Y %H:%M"),
            }
            if not app.is_synthetic:
                name = sms_backend().send(to=app.guardian_phone, body=body)
                Notification.objects.create(
                    application=app,
                    channel="sms",
                    recipient=app.guardian_phone,
                    body=body,
                    backend=name,
                )
            sent += 1
    return sent


def offers_expire(*, now: dt.datetime | None = None) -> int:
    """Expire open offers past their deadline that had at least two reminders; each freed
    seat moves to the waiting list."""
    now = now or timezone.now()
    expired = 0
    for offer in Offer.objects.filter(
        status=OfferStatus.PENDING,
        deadline__lt=now,
        reminders_sent__gte=MIN_REMINDERS_BEFORE_EXPIRY,
    ):
        with transaction.atomic():
            locked = _lock_offer(offer)
            if locked.status != OfferStatus.PENDING:
                continue
            locked.status = OfferStatus.EXPIRED
            locked.save(update_fields=["status", "updated_at"])
            application_transition(
                application=locked.application, to=ApplicationStatus.EXPIRED, actor=None
            )
            waitlist_fill_seat(school_id=locked.school_id, round_id=locked.application.round_id)
        expired += 1
    return expired
