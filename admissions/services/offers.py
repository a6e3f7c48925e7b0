"""Offers after publication: accept / decline, reminders, expiry; freed seats follow the
vacancy chain of `vacancies.py`.

Silence is never acceptance: an offer only expires after its deadline AND after at least
two reminders were sent (also a database constraint)."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.exceptions import Conflict, DomainError, NotFound

from ..constants import MIN_REMINDERS_BEFORE_EXPIRY, ApplicationStatus, OfferStatus
from ..models import Offer
from .applications import application_transition
from .notify import application_notify_text
from .states import offer_transition
from .vacancies import round_lock, waitlist_fill_seat

REMINDER_INTERVAL = dt.timedelta(hours=24)

logger = logging.getLogger(__name__)


def _lock_offer(offer: Offer) -> Offer:
    return (
        Offer.objects.select_for_update(of=("self", "application"))
        .select_related("application")
        .get(pk=offer.pk)
    )


def _lock_round_of(offer: Offer) -> None:
    round_id = Offer.objects.filter(pk=offer.pk).values_list("application__round_id", flat=True)
    if round_id:
        round_lock(round_id=round_id[0])


@transaction.atomic
def offer_accept(*, offer: Offer, actor) -> Offer:
    """Accept an open offer. Idempotent: accepting an offer this family already accepted
    (a double click, a retried request) returns it unchanged."""
    _lock_round_of(offer)  # lock order: round → offer → application
    offer = _lock_offer(offer)
    if offer.application.applicant_id != actor.pk:
        raise NotFound(_("No such offer."))
    if offer.status == OfferStatus.ACCEPTED:
        return offer
    if offer.status != OfferStatus.PENDING:
        raise Conflict(_("This offer is no longer open."), field="offer")
    if timezone.now() > offer.deadline and offer.reminders_sent >= MIN_REMINDERS_BEFORE_EXPIRY:
        raise Conflict(_("The deadline to answer has passed."), field="offer")
    application_transition(
        application=offer.application, to=ApplicationStatus.ACCEPTED, actor=actor
    )
    return offer_transition(
        offer=offer, to=OfferStatus.ACCEPTED, actor=actor, responded_at=timezone.now()
    )


@transaction.atomic
def offer_decline(*, offer: Offer, actor) -> Offer:
    """Decline; the freed seat moves down the vacancy chain in the same transaction."""
    _lock_round_of(offer)  # lock order: round → offer → application
    offer = _lock_offer(offer)
    if offer.application.applicant_id != actor.pk:
        raise NotFound(_("No such offer."))
    if offer.status != OfferStatus.PENDING:
        raise Conflict(_("This offer is no longer open."), field="offer")
    application_transition(
        application=offer.application, to=ApplicationStatus.DECLINED, actor=actor
    )
    offer_transition(offer=offer, to=OfferStatus.DECLINED, actor=actor, responded_at=timezone.now())
    waitlist_fill_seat(school_id=offer.school_id, round_id=offer.application.round_id)
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
            # Queued with the counter; the SMS leaves after commit from a background job,
            # never while the offer row is locked (and never for a rolled-back reminder).
            application_notify_text(application=app, body=body)
            sent += 1
    return sent


def offers_expire(*, now: dt.datetime | None = None) -> int:
    """Expire open offers past their deadline that had at least two reminders; each freed
    seat moves to the waiting list. One offer that cannot expire (a rule refuses it) is
    logged and skipped: it never stalls expiry for the rest of the city."""
    now = now or timezone.now()
    expired = 0
    for offer in Offer.objects.filter(
        status=OfferStatus.PENDING,
        deadline__lt=now,
        reminders_sent__gte=MIN_REMINDERS_BEFORE_EXPIRY,
    ).select_related("application"):
        try:
            with transaction.atomic():
                round_lock(round_id=offer.application.round_id)
                locked = _lock_offer(offer)
                if locked.status != OfferStatus.PENDING:
                    continue
                offer_transition(offer=locked, to=OfferStatus.EXPIRED)
                application_transition(
                    application=locked.application, to=ApplicationStatus.EXPIRED, actor=None
                )
                waitlist_fill_seat(school_id=locked.school_id, round_id=locked.application.round_id)
        except DomainError:
            logger.exception("offer %s could not expire; skipped", offer.pk)
            continue
        expired += 1
    return expired
