"""Notifications at every status change (called from transaction.on_commit)."""

from __future__ import annotations

import logging

from notifications.channels import send_email, sms_backend

from ..constants import ApplicationStatus, OfferStatus
from ..models import Application, Notification, Offer
from ..notification_text import status_message

logger = logging.getLogger(__name__)


def application_notify_status(*, application_id: int, status: str) -> None:
    application = Application.objects.select_related("applicant").get(pk=application_id)
    if application.is_synthetic:
        return  # demo children have no family to notify
    offer = (
        Offer.objects.filter(application=application, status=OfferStatus.PENDING)
        .select_related("school")
        .first()
        if status == ApplicationStatus.OFFERED
        else None
    )
    message = status_message(application=application, status=status, offer=offer)
    subject, body = message.subject, message.body
    email = getattr(application.applicant, "email", "")
    if email:
        send_email(to=email, subject=subject, body=body)
        Notification.objects.create(
            application=application, channel="email", recipient=email, subject=subject, body=body
        )
    if application.guardian_phone:
        backend = sms_backend()
        name = backend.send(to=application.guardian_phone, body=message.sms)
        Notification.objects.create(
            application=application,
            channel="sms",
            recipient=application.guardian_phone,
            subject=subject,
            body=message.sms,
            backend=name,
        )
