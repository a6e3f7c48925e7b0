"""Enumerations of the admissions domain (readable lowercase values)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open for applications")
    CLOSED = "closed", _("Closed")
    ALLOCATED = "allocated", _("Allocated")
    PUBLISHED = "published", _("Results published")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    CORRECTION_REQUESTED = "correction_requested", _("Correction requested")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")
    OFFERED = "offered", _("Seat offered")
    WAITLISTED = "waitlisted", _("Waiting list")
    ACCEPTED = "accepted", _("Offer accepted")
    DECLINED = "declined", _("Offer declined")
    EXPIRED = "expired", _("Offer expired")
    ENROLLED = "enrolled", _("Enrolled")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class IntakeStatus(models.TextChoices):
    """A complete application handed in through the intake queue (services/intake.py)."""

    QUEUED = "queued", _("Received, being processed")
    ACCEPTED = "accepted", _("Application created")
    REFUSED = "refused", _("Refused")


TERMINAL_STATUSES = frozenset(
    {
        ApplicationStatus.REJECTED,
        ApplicationStatus.DECLINED,
        ApplicationStatus.EXPIRED,
        ApplicationStatus.ENROLLED,
        ApplicationStatus.WITHDRAWN,
    }
)
# The parent may edit the form in these states (while the window is open).
EDITABLE_STATUSES = frozenset({ApplicationStatus.DRAFT, ApplicationStatus.CORRECTION_REQUESTED})
# Applications the committee still has to decide on.
REVIEW_STATUSES = frozenset(
    {ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW, ApplicationStatus.RESUBMITTED}
)


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class ResidenceType(models.TextChoices):
    PERMANENT = "permanent", _("Permanent residence (thường trú)")
    TEMPORARY = "temporary", _("Temporary residence (tạm trú)")


class Relationship(models.TextChoices):
    FATHER = "father", _("Father")
    MOTHER = "mother", _("Mother")
    GUARDIAN = "guardian", _("Legal guardian")
    OTHER = "other", _("Other legal representative")


class LateEntryReason(models.TextChoices):
    """Circular 28/2020/TT-BGDĐT Art. 33: up to three years older than the prescribed age."""

    DISABILITY = "disability", _("Disability or developmental delay")
    DIFFICULT_AREA = "difficult_area", _("Lives in an especially difficult area")
    ETHNIC_MINORITY = "ethnic_minority", _("Ethnic minority child")
    ORPHAN = "orphan", _("Orphan without support")
    RETURNED_FROM_ABROAD = "returned_from_abroad", _("Returning from abroad")
    FOREIGNER = "foreigner", _("Child of foreigners working or studying in Viet Nam")


class EvidenceKind(models.TextChoices):
    RESIDENCE = "residence", _("Residence")
    PRIORITY = "priority", _("Priority category")
    LATE_ENTRY = "late_entry", _("Late entry")
    OTHER = "other", _("Other")


class Mechanism(models.TextChoices):
    DA = "da", _("Deferred acceptance on ranked choices")
    NEAREST = "nearest", _("Nearest school first")


class CategoryScope(models.TextChoices):
    CITY = "city", _("Every school (city-wide)")
    SCHOOL = "school", _("One school only (sibling, staff)")


class RunStage(models.TextChoices):
    MAIN = "main", _("Main round")
    SECOND = "second", _("Second round (children still unplaced)")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    FAILED = "failed", _("Failed")
    DRY_RUN = "dry_run", _("Dry run")
    REVIEWED = "reviewed", _("Reviewed")
    PUBLISHING = "publishing", _("Publishing")
    PUBLISHED = "published", _("Published")


class OfferStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Actor(models.TextChoices):
    PARENT = "parent", _("Parent")
    STAFF = "staff", _("Staff")
    SYSTEM = "system", _("System")


# An offer may only expire after this many reminders were sent (silence is never acceptance).
MIN_REMINDERS_BEFORE_EXPIRY = 2


# The steps an allocation run reports while it is computed (stored as these codes in
# AllocationRun.progress_message; pages show the label in the reader's language).
RUN_PROGRESS_STEPS = {
    "": _("Waiting for a worker"),
    "loading applications": _("Loading the applications"),
    "building ranked lists": _("Building the ranked lists"),
    "solving": _("Allocating the seats and checking the result"),
    "writing explanations": _("Writing each family's explanation"),
    "saving": _("Saving the result"),
    "done": _("Finished"),
    "publication queued": _("Publication is waiting for a worker"),
    "checking the input": _("Checking that the input has not changed"),
    "moving the children": _("Moving the children to their new status"),
    "creating the offers": _("Creating the offers"),
    "writing the history": _("Writing the history"),
    "writing the families' messages": _("Writing the families' messages"),
    "finishing": _("Finishing"),
    "publication failed": _("Publication failed"),
}

# The named timings of a run (AllocationRun.timings, seconds), in the order they happen.
RUN_TIMING_LABELS = {
    "load_s": _("Loading the applications"),
    "solve_and_check_s": _("Allocating and checking"),
    "explain_s": _("Writing the explanations"),
    "total_s": _("Total"),
}
