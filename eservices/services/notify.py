"""The citizen hears of every change of their dossier, by e-mail and SMS (the shared
`notifications` module; e-services never import admissions)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from notifications.channels import send_email, sms_backend
from surveys.services import satisfaction_survey_link

from ..constants import Channel, DossierStatus
from ..models import Dossier, DossierCorrection, DossierNotification

logger = logging.getLogger(__name__)


def _status_label(status: str) -> str:
    if status == "paid":
        return _("Fee paid")
    return str(DossierStatus(status).label)


def dossier_message(dossier: Dossier, status: str) -> tuple[str, str]:
    """(subject, body) in Vietnamese: the code, the new status, the reason, and the link."""
    with translation.override("vi"):
        label = _status_label(status)
        subject = _("Dossier %(code)s: %(status)s") % {"code": dossier.code, "status": label}
        link = _dossier_link(dossier)
        note = f" {dossier.last_note}" if dossier.last_note and status != "paid" else ""
        if status == DossierStatus.CLOSED:
            survey = satisfaction_survey_link(subject_ref=dossier.code, user=dossier.applicant)
            note += " " + _("Please rate the online service: %(link)s") % {
                "link": settings.SITE_URL.rstrip("/") + survey
            }
        body = _("Your dossier %(code)s (%(procedure)s) is now: %(status)s.%(note)s "
                 "Details: %(link)s") % {
            "code": dossier.code, "procedure": dossier.procedure_version.name_vi,
            "status": label, "note": note, "link": link,
        }  # fmt: skip
    return subject, body


def _dossier_link(dossier: Dossier) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "eservices:dossier", kwargs={"uuid": dossier.uuid}
    )


def _send(dossier: Dossier, subject: str, body: str) -> None:
    """E-mail (online dossiers) and SMS to the contact phone, each logged on the dossier."""
    # A counter dossier's recorded applicant is the officer: the citizen is told by SMS only.
    email = dossier.applicant.email if dossier.channel == Channel.ONLINE else ""
    if email:
        send_email(to=email, subject=subject, body=body)
        DossierNotification.objects.create(dossier=dossier, channel="email", recipient=email,
                                           subject=subject, body=body)  # fmt: skip
    if dossier.contact_phone:
        sms = f"{subject}. {_dossier_link(dossier)}"
        backend_name = sms_backend().send(to=dossier.contact_phone, body=sms)
        DossierNotification.objects.create(dossier=dossier, channel="sms",
                                           recipient=dossier.contact_phone, subject=subject,
                                           body=sms, backend=backend_name)  # fmt: skip


def dossier_notify_status(*, dossier_id: int, status: str) -> None:
    dossier = Dossier.objects.select_related("applicant", "procedure_version").get(pk=dossier_id)
    if status == DossierStatus.DRAFT:
        return
    subject, body = dossier_message(dossier, status)
    _send(dossier, subject, body)


def correction_message(correction: DossierCorrection) -> tuple[str, str]:
    """(subject, body) in Vietnamese: the dossier, the outcome and the officer's note."""
    dossier = correction.dossier
    with translation.override("vi"):
        outcome = str(correction.get_status_display())
        subject = _("Dossier %(code)s: answer to your correction request") % {"code": dossier.code}
        body = _("Your request to correct dossier %(code)s: %(outcome)s. %(note)s "
                 "Details: %(link)s") % {
            "code": dossier.code, "outcome": outcome, "note": correction.outcome_note,
            "link": _dossier_link(dossier),
        }  # fmt: skip
    return subject, body


def dossier_notify_correction(*, correction_id: int) -> None:
    correction = DossierCorrection.objects.select_related(
        "dossier__applicant", "dossier__procedure_version"
    ).get(pk=correction_id)
    subject, body = correction_message(correction)
    _send(correction.dossier, subject, body)
