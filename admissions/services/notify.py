"""Messages to the family at every status change, through the shared delivery log.

The messages are written to `notifications.Delivery` (queued) in the same transaction as the
change they report and sent by background jobs after the commit (ADR 0020): a provider that
fails is retried, then logged as failed with its reason, and never stops the other families'
messages nor the change itself. Publication writes the messages of a whole round in one
set-based statement from the same templates (`status_message_sql`)."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from notifications.models import Channel
from notifications.services import delivery_queue

from ..models import Application

SUBJECT_REF = "admissions.application:%s"


def _label(status: str) -> str:
    return str(dict(Application._meta.get_field("status").choices).get(status, status))


def status_message(*, code: str, child: str, status: str, note: str, uuid) -> tuple[str, str]:
    """(subject, body) of the message of a status change, in Vietnamese."""
    with translation.override("vi"):
        label = _label(status)
        subject = _("Application %(code)s: %(status)s") % {"code": code, "status": label}
        body = _(
            "The grade-1 application %(code)s for %(child)s is now: %(status)s.%(note)s "
            "Details: /tuyen-sinh/ho-so/%(uuid)s/"
        ) % {
            "code": code,
            "child": child,
            "status": label,
            "note": f" {note}" if note else "",
            "uuid": uuid,
        }
    return subject, body


def status_message_sql(*, status: str) -> tuple[str, str]:
    """The same (subject, body) as PostgreSQL `format()` strings: %1$s = tracking code,
    %2$s = child's name, %3$s = application UUID."""
    marks = {"code": "\x00" + "1\x00", "child": "\x00" + "2\x00", "uuid": "\x00" + "3\x00"}
    subject, body = status_message(status=status, note="", **marks)

    def to_format(text: str) -> str:
        text = text.replace("%", "%%")
        for i in (1, 2, 3):
            text = text.replace(f"\x00{i}\x00", f"%{i}$s")
        return text

    return to_format(subject), to_format(body)


def application_notify_status(*, application: Application, status: str, batch: str = "") -> None:
    """Queue the e-mail and the SMS of a status change (sent after commit)."""
    if application.is_synthetic:
        return  # demo children have no family to notify
    subject, body = status_message(
        code=application.tracking_code,
        child=application.child_full_name,
        status=status,
        note=application.last_note,
        uuid=application.uuid,
    )
    ref = SUBJECT_REF % application.pk
    email = getattr(application.applicant, "email", "") if application.applicant_id else ""
    if email:
        delivery_queue(
            channel=Channel.EMAIL, recipient=email, subject=subject, body=body, batch=batch,
            subject_ref=ref,
        )  # fmt: skip
    if application.guardian_phone:
        delivery_queue(
            channel=Channel.SMS, recipient=application.guardian_phone, subject=subject,
            body=subject, batch=batch, subject_ref=ref,
        )  # fmt: skip


def application_notify_text(*, application: Application, body: str, batch: str = "") -> None:
    """Queue an SMS with a given text (offer reminders)."""
    if application.is_synthetic or not application.guardian_phone:
        return
    delivery_queue(
        channel=Channel.SMS, recipient=application.guardian_phone, body=body, batch=batch,
        subject_ref=SUBJECT_REF % application.pk,
    )  # fmt: skip
