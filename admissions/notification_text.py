"""What the family reads in an e-mail or SMS about the application (issue #8): always in
Vietnamese, with an absolute link built from the configured site address (``SITE_URL``), and
for a seat offer the school and the deadline to answer. Only text: sending is
``services.notify``'s business."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .constants import ApplicationStatus
from .models import Application, Offer


@dataclass(frozen=True)
class StatusMessage:
    subject: str
    body: str  # the e-mail
    sms: str  # one short text with the link


def application_url(application: Application) -> str:
    """The absolute address of the family's status page (never a bare path)."""
    return status_url(application.uuid)


def status_url(uuid) -> str:
    path = reverse("admissions:status", kwargs={"uuid": uuid})
    return settings.SITE_URL.rstrip("/") + path


def offer_deadline_text(deadline) -> str:
    return timezone.localtime(deadline).strftime("%d/%m/%Y %H:%M")


def status_message(
    *, application: Application, status: str, offer: Offer | None = None
) -> StatusMessage:
    """The message for `application` having reached `status` (Vietnamese). `offer` is the
    open offer when the status is "offered"."""
    return message_text(
        code=application.tracking_code,
        child=application.child_full_name,
        status=status,
        note=application.last_note,
        url=application_url(application),
        school=offer.school.name if offer is not None else None,
        deadline=offer_deadline_text(offer.deadline) if offer is not None else None,
    )


def message_text(
    *,
    code: str,
    child: str,
    status: str,
    note: str,
    url: str,
    school: str | None = None,
    deadline: str | None = None,
) -> StatusMessage:
    """The texts from plain values, so that publication can fill them in SQL for a whole
    round (`services.notify.status_message_sql`)."""
    with translation.override("vi"):
        label = str(ApplicationStatus(status).label) if status in ApplicationStatus else status
        subject = _("Application %(code)s: %(status)s") % {"code": code, "status": label}
        if status == ApplicationStatus.OFFERED and school is not None:
            values = {
                "code": code,
                "child": child,
                "school": school,
                "deadline": deadline,
                "url": url,
            }
            subject = _("Application %(code)s: a seat is offered at %(school)s") % values
            body = (
                _(
                    "A grade-1 seat at %(school)s is offered to %(child)s (application %(code)s). "
                    "Please accept or decline it before %(deadline)s on %(url)s"
                )
                % values
            )
            sms = (
                _(
                    "%(school)s offers %(child)s (%(code)s) a grade-1 seat. Answer before "
                    "%(deadline)s: %(url)s"
                )
                % values
            )
            return StatusMessage(subject=subject, body=body, sms=sms)
        body = _(
            "The grade-1 application %(code)s for %(child)s is now: %(status)s.%(note)s "
            "Details: %(url)s"
        ) % {
            "code": code,
            "child": child,
            "status": label,
            "note": f" {note}" if note else "",
            "url": url,
        }
        sms = f"{subject}. {url}"
    return StatusMessage(subject=subject, body=body, sms=sms)
