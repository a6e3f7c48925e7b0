"""Notifications at every status change (called from transaction.on_commit)."""

from __future__ import annotations

import logging

from django.utils import translation
from django.utils.translation import gettext as _

from notifications.channels import send_email, sms_backend

from ..models import Application, Notification

logger = logging.getLogger(__name__)


def application_notify_status(*, application_id: int, status: str) -> None:
    application = Application.objects.select_related("applicant").get(pk=application_id)
    if application.is_synthetic:
        return  # demo children have no family to notify
    with translation.override("vi"):
        label = str(dict(Application._meta.get_field("status").choices).get(status, status))
        subject = _("Application %(code)s: %(status)s") % {
            "code": application.tracking_code,
            "status": label,
        }
        body = _(
            "The grade-1 application %(code)s for %(child)s is now: %(status)s.%(note)s "
            "Details: /tuyen-sinh/ho-so/%(uuid)s/"
        ) % {
            "code": application.tracking_code,
            "child": application.child_full_name,
            "status": label,
            "note": f" {application.last_note}" if application.last_note else "",
            "uuid": application.uuid,
        }
    email = getattr(application.applicant, "email", "")
    if email:
        send_email(to=email, subject=subject, body=body)
        Notification.objects.create(
            application=application, channel="email", recipient=email, subject=subject, body=body
        )
    if application.guardian_phone:
        backend = sms_backend()
        name = backend.send(to=application.guardian_phone, body=subject)
        Notification.objects.create(
            application=application,
            channel="sms",
            recipient=application.guardian_phone,
            subject=subject,
            body=subject,
            backend=name,
        )
