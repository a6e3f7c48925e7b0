"""Issued, signed documents and the append-only history of their status."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.core.models import TimeStampedModel
from portal.core.storage import private_storage  # migrations name it here

from .constants import DocumentKind, DocumentStatus


class IssuedDocument(TimeStampedModel):
    code = models.CharField(_("document code"), max_length=24, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    reference = models.CharField(
        _("issuer's reference"),
        max_length=120,
        blank=True,
        help_text=_(
            "What the document was issued for (receipt number, dossier code…); one valid document "
            "per kind and reference, so a repeated request returns the same document."
        ),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="issued_documents",
    )
    language = models.CharField(_("language"), max_length=8, default="vi")
    file = models.FileField(_("signed file"), storage=private_storage, upload_to="documents/%Y/%m/")
    sha256 = models.CharField(_("SHA-256 of the signed file"), max_length=64, db_index=True)
    size_bytes = models.PositiveIntegerField(_("size (bytes)"))
    signer_name = models.CharField(_("signer"), max_length=200)
    signed_at = models.DateTimeField(_("signed at"))
    public_summary = models.JSONField(
        _("public summary"),
        default=list,
        blank=True,
        help_text=_(
            "[label, value] pairs shown on the public verification page; never more personal "
            "data than the document itself prints."
        ),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.VALID
    )
    status_reason = models.TextField(_("reason"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("status changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        help_text=_("The earlier document this one supersedes."),
    )

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-created_at"]
        permissions = [("revoke_issueddocument", _("Can revoke an issued document"))]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "reference"],
                condition=Q(status=DocumentStatus.VALID) & ~Q(reference=""),
                name="documents_one_valid_per_reference",
            ),
            models.CheckConstraint(
                condition=Q(status=DocumentStatus.VALID, status_changed_at__isnull=True)
                | (~Q(status=DocumentStatus.VALID) & Q(status_changed_at__isnull=False)),
                name="documents_status_change_time_iff_not_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"


class DocumentStatusChange(models.Model):
    """Append-only: every change of a document's status, who made it and why."""

    document = models.ForeignKey(
        IssuedDocument, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=16, choices=DocumentStatus.choices)
    to_status = models.CharField(max_length=16, choices=DocumentStatus.choices)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("document status change")
        verbose_name_plural = _("document status changes")

    def __str__(self) -> str:
        return f"{self.document_id}: {self.from_status} → {self.to_status}"
