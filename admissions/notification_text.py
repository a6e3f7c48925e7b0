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
    path = reverse("admissions:status", kwargs={"uuid": application.uuid})
    return settings.SITE_URL.rstrip("/") + path


def _deadline(offer: Offer) -> str:
    return timezone.localtime(offer.deadline).strftime("%d/%m/%Y %H:%M")


def status_message(
    *, application: Application, status: str, offer: Offer | None = None
) -> StatusMessage:
    """The message for `application` having reached `status` (Vietnamese). `offer` is the
    open offer when the status is "offered"."""
    url = application_url(application)
    with translation.override("vi"):
        label = str(ApplicationStatus(status).label) if status in ApplicationStatus else status
        subject = _("Application %(code)s: %(status)s") % {
            "code": application.tracking_code,
            "status": label,
        }
        note = f" {application.last_note}" if application.last_note else ""
        if status == ApplicationStatus.OFFERED and offer is not None:
            values = {
                "code": application.tracking_code,
                "child": application.child_full_name,
                "school": offer.school.name,
                "deadline": _deadline(offer),
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
            "code": application.tracking_code,
            "child": application.child_full_name,
            "status": label,
            "note": note,
            "url": url,
        }
        sms = f"{subject}. {url}"
    return StatusMessage(subject=subject, body=body, sms=sms)
