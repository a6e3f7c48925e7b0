"""A second application for a child ID that already has one: refused without becoming an oracle.

Typing someone else's child ID must not let a stranger map which children applied. The answer
names no application, the family on record is told someone tried, and an account that hits
duplicates `DUPLICATE_PROBES.limit` times in a day may set no new child ID for the rest of
that day (docs/adr/0018). A real family that typed a wrong digit corrects it; the other
parent of the same child calls the committee, which the message says."""

from __future__ import annotations

import logging

from django.utils import translation
from django.utils.translation import gettext as _

from notifications.channels import SmsDeliveryError, sms_backend
from portal.core.exceptions import TooManyAttempts
from portal.core.ratelimit import Limit, limit_hit, limit_reached

from ..constants import ApplicationStatus
from ..exceptions import DuplicateApplication
from ..models import Application

logger = logging.getLogger(__name__)

DUPLICATE_PROBES = Limit("child-id-duplicates", 3, 24 * 3600)


def duplicate_probes_guard(*, applicant) -> None:
    """Refuse any new child ID from an account that spent its duplicate allowance."""
    if limit_reached(DUPLICATE_PROBES, str(applicant.pk)):
        raise TooManyAttempts(
            _("Too many refused personal IDs from this account today. Try again tomorrow or "
              "contact the admissions committee."),
            field="child_personal_id",
        )  # fmt: skip


def duplicate_refuse(*, round_id: int, child_personal_id: str, applicant) -> DuplicateApplication:
    """Count the probe, tell the family on record, and return the error to raise."""
    limit_hit(DUPLICATE_PROBES, str(applicant.pk))
    existing = (
        Application.objects.filter(round_id=round_id, child_personal_id=child_personal_id)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .exclude(applicant_id=applicant.pk)
        .first()
    )
    if existing is not None and existing.guardian_phone:
        with translation.override("vi"):
            body = _(
                "Someone tried to apply for your child (application %(code)s) with the same "
                "personal ID. If it was not your family, contact the admissions committee."
            ) % {"code": existing.tracking_code}
        try:
            sms_backend().send(to=existing.guardian_phone, body=body)
        except SmsDeliveryError:
            logger.warning("could not tell the family of %s about a duplicate", existing.pk)
    return DuplicateApplication(
        _("This personal ID cannot be used for a new application. If the child is yours, "
          "contact the admissions committee with the birth certificate."),
        field="child_personal_id",
    )  # fmt: skip
