"""Records that Law 91/2025 asks the portal to keep about personal data: consents given, staff
who opened a family's record, and records anonymised after the retention period."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.core.models import AppendOnlyModel


class SubjectType(models.TextChoices):
    APPLICATION = "application", _("Grade-1 application")
    DOSSIER = "dossier", _("Public-service dossier")
    EVIDENCE = "evidence", _("Evidence file")
    ATTACHMENT = "attachment", _("Dossier attachment")
    ALLOCATION_INPUT = "allocation_input", _("Allocation input with homes")


class ConsentRecord(AppendOnlyModel):
    """A consent (or acknowledged notice) given by a parent or citizen: who, when, which text."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consents"
    )
    subject_type = models.CharField(_("for"), max_length=20, choices=SubjectType.choices)
    subject_uuid = models.UUIDField(_("record"))
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    text_version = models.CharField(_("text version"), max_length=40)
    given_at = models.DateTimeField(_("given at"))

    class Meta:
        ordering = ["-given_at", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_uuid", "given_at"], name="consent_once"
            )
        ]


class AccessLogEntry(AppendOnlyModel):
    """A staff member opened a child's or citizen's record."""

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    subject_type = models.CharField(_("record type"), max_length=20, choices=SubjectType.choices)
    subject_uuid = models.UUIDField(_("record"))
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    viewed_at = models.DateTimeField(_("viewed at"), auto_now_add=True)

    class Meta:
        ordering = ["-viewed_at", "-pk"]
        verbose_name = _("staff access")
        verbose_name_plural = _("staff accesses")
        indexes = [models.Index(fields=["subject_type", "subject_uuid"])]


class Anonymisation(AppendOnlyModel):
    """A record whose personal data was removed after the retention period (idempotency)."""

    subject_type = models.CharField(max_length=20, choices=SubjectType.choices)
    subject_uuid = models.UUIDField()
    done_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subject_type", "subject_uuid"], name="anonymised_once")
        ]
