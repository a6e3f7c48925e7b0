"""Enumerations of the e-services domain (readable lowercase values)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DossierStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    RECEIVED = "received", _("Received")
    IN_REVIEW = "in_review", _("In review")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RESULT_ISSUED = "result_issued", _("Result issued")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


TERMINAL_STATUSES = frozenset({DossierStatus.CLOSED, DossierStatus.WITHDRAWN})
# The citizen may change the form and the attachments in these states.
CITIZEN_EDITABLE = frozenset({DossierStatus.DRAFT, DossierStatus.SUPPLEMENT_REQUESTED})
# The processing clock runs in these states (it pauses while a supplement is requested).
CLOCK_RUNNING = frozenset({DossierStatus.RECEIVED, DossierStatus.IN_REVIEW})
# Decided: the deadline was met or missed at the decision.
DECIDED = frozenset(
    {
        DossierStatus.APPROVED,
        DossierStatus.REJECTED,
        DossierStatus.RESULT_ISSUED,
        DossierStatus.CLOSED,
    }
)


class Actor(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    STAFF = "staff", _("Staff")
    SYSTEM = "system", _("System")


class ServiceLevel(models.TextChoices):
    FULL = "full", _("Full-process online")
    PARTIAL = "partial", _("Partially online")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    COUNTER = "counter", _("At the counter")


class HolidayKind(models.TextChoices):
    DAY_OFF = "day_off", _("Day off (added)")
    NOT_A_DAY_OFF = "not_a_day_off", _("Not a day off (removed from the calendar)")
    WORKING_SATURDAY = "working_saturday", _("Working Saturday (compensation)")
