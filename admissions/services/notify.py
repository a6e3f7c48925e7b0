"""Messages to the family at every status change, through the shared delivery log.

The messages are written to `notifications.Delivery` (queued) in the same transaction as the
change they report and sent by background jobs after the commit (ADR 0020): a provider that
fails is retried, then logged as failed with its reason, and never stops the other families'
messages nor the change itself. Their text comes from `admissions.notification_text` (absolute
links, the school and the deadline of an offer; issue #8); publication writes the messages of a
whole round in one set-based statement from the same texts (`status_message_sql`)."""

from __future__ import annotations

import uuid as uuid_module

from notifications.models import Channel
from notifications.services import delivery_queue

from ..constants import ApplicationStatus, OfferStatus
from ..models import Application, Offer
from ..notification_text import StatusMessage, message_text, status_message, status_url

SUBJECT_REF = "admissions.application:%s"

# Markers replaced by PostgreSQL format() arguments in `status_message_sql`.
_MARKS = {"code": "\x001\x00", "child": "\x002\x00", "school": "\x004\x00"}
_UUID_MARK = uuid_module.UUID(int=0)


def status_message_sql(*, status: str, deadline: str | None = None) -> StatusMessage:
    """The same texts as PostgreSQL `format()` strings: %1$s = tracking code, %2$s = child's
    name, %3$s = application UUID, %4$s = the offered school's name. `deadline` (the same for
    every offer of a publication) is written in as text."""
    url = status_url(_UUID_MARK).replace(str(_UUID_MARK), "\x003\x00")
    text = message_text(
        status=status,
        note="",
        url=url,
        deadline=deadline,
        **{k: v for k, v in _MARKS.items() if k != "school"},
        school=_MARKS["school"] if status == ApplicationStatus.OFFERED else None,
    )

    def to_format(value: str) -> str:
        value = value.replace("%", "%%")
        for i in (1, 2, 3, 4):
            value = value.replace(f"\x00{i}\x00", f"%{i}$s")
        return value

    return StatusMessage(
        subject=to_format(text.subject), body=to_format(text.body), sms=to_format(text.sms)
    )


def application_notify_status(*, application: Application, status: str, batch: str = "") -> None:
    """Queue the e-mail and the SMS of a status change (sent after commit)."""
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
    ref = SUBJECT_REF % application.pk
    email = getattr(application.applicant, "email", "") if application.applicant_id else ""
    if email:
        delivery_queue(
            channel=Channel.EMAIL, recipient=email, subject=message.subject, body=message.body,
            batch=batch, subject_ref=ref,
        )  # fmt: skip
    if application.guardian_phone:
        delivery_queue(
            channel=Channel.SMS, recipient=application.guardian_phone, subject=message.subject,
            body=message.sms, batch=batch, subject_ref=ref,
        )  # fmt: skip


def application_notify_text(*, application: Application, body: str, batch: str = "") -> None:
    """Queue an SMS with a given text (offer reminders)."""
    if application.is_synthetic or not application.guardian_phone:
        return
    delivery_queue(
        channel=Channel.SMS, recipient=application.guardian_phone, body=body, batch=batch,
        subject_ref=SUBJECT_REF % application.pk,
    )  # fmt: skip
