"""The family withdraws an application (before or after an offer)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ..constants import ApplicationStatus, OfferStatus
from ..models import Offer
from .applications import application_transition
from .states import offer_transition
from .vacancies import round_lock, waitlist_fill_seat


@transaction.atomic
def application_withdraw(*, application, actor):
    """The family withdraws. An open or accepted (not yet enrolled) seat is withdrawn with the
    application and moves down the vacancy chain in the same transaction."""
    round_lock(round_id=application.round_id)  # lock order: round → offer → application
    seat = (
        Offer.objects.select_for_update()
        .filter(application=application, status__in=[OfferStatus.PENDING, OfferStatus.ACCEPTED])
        .first()
    )
    application = application_transition(
        application=application, to=ApplicationStatus.WITHDRAWN, actor=actor
    )
    if seat is not None:
        offer_transition(
            offer=seat, to=OfferStatus.WITHDRAWN, actor=actor, responded_at=timezone.now()
        )
        waitlist_fill_seat(school_id=seat.school_id, round_id=application.round_id)
    return application
