"""Procedure catalogue (versioned data), dossiers, their history, attachments and deadlines."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from portal.core.storage import private_storage  # migrations name it here

from .constants import Actor, Channel, DossierStatus, HolidayKind, ServiceLevel


class Procedure(models.Model):
    """A procedure's stable identity; what it asks and costs lives in its versions."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    is_active = models.BooleanField(_("offered"), default=True)
    handler_group = models.ForeignKey(
        "auth.Group",
        verbose_name=_("handling staff role"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Only members of this group (and superusers) handle its dossiers."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")

    def __str__(self):
        current = self.current_version
        return f"{self.code} — {current.name}" if current else self.code

    @property
    def current_version(self):
        return self.versions.order_by("-number").first()


class ProcedureVersion(models.Model):
    """What a procedure asks, costs and takes. Never edited once used: a change is a new
    version, and a dossier keeps the version it was submitted under."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    summary_vi = models.TextField(_("summary (Vietnamese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    legal_basis = models.TextField(_("legal basis"))
    steps = models.JSONField(
        _("steps"), default=list, blank=True, help_text='[{"vi": "…", "en": "…"}]'
    )
    required_documents = models.JSONField(
        _("required documents"),
        default=list,
        blank=True,
        help_text='[{"code": "hoc_ba", "vi": "…", "en": "…", "required": true}]',
    )
    form_schema = models.JSONField(_("form (JSON Schema)"), default=dict)
    fee_vnd = models.DecimalField(_("fee (VND)"), max_digits=12, decimal_places=0, default=0)
    fee_note_vi = models.CharField(_("fee note (Vietnamese)"), max_length=200, blank=True)
    fee_note_en = models.CharField(_("fee note (English)"), max_length=200, blank=True)
    deadline_working_days = models.PositiveSmallIntegerField(_("deadline (working days)"))
    deadline_rules = models.JSONField(
        _("deadline exceptions"),
        default=list,
        blank=True,
        help_text='[{"field": "from_abroad", "equals": true, "days": 10}]',
    )
    level = models.CharField(_("level"), max_length=10, choices=ServiceLevel.choices)
    partial_reason = models.TextField(_("why only partially online"), blank=True)
    result_template = models.CharField(_("result template"), max_length=40, blank=True)
    catalogue_revision = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["procedure", "-number"]
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"], name="procedure_version_unique"
            ),
            models.CheckConstraint(condition=Q(fee_vnd__gte=0), name="procedure_fee_not_negative"),
            models.CheckConstraint(
                condition=Q(level=ServiceLevel.FULL) | ~Q(partial_reason=""),
                name="partial_level_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.procedure.code} v{self.number}"

    def _localised(self, field: str) -> str:
        english = translation.get_language() == "en"
        return getattr(self, f"{field}_en") if english else getattr(self, f"{field}_vi")

    @property
    def name(self) -> str:
        return self._localised("name")

    @property
    def summary(self) -> str:
        return self._localised("summary")

    @property
    def fee_note(self) -> str:
        return self._localised("fee_note")

    @property
    def has_fee(self) -> bool:
        return self.fee_vnd > 0


class Dossier(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("dossier code"), max_length=40, unique=True, null=True, blank=True)
    procedure_version = models.ForeignKey(
        ProcedureVersion, on_delete=models.PROTECT, related_name="dossiers"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="dossiers"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    status = models.CharField(
        _("status"), max_length=25, choices=DossierStatus.choices, default=DossierStatus.DRAFT
    )
    form_data = models.JSONField(default=dict)
    contact_phone = models.CharField(_("contact phone"), max_length=10)
    fee_vnd = models.DecimalField(max_digits=12, decimal_places=0, default=0)
    paid_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    paused_on = models.DateField(null=True, blank=True)
    paused_working_days = models.PositiveSmallIntegerField(default=0)
    decided_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    last_note = models.TextField(blank=True)
    result_file = models.FileField(storage=private_storage, upload_to="results/%Y/%m/", blank=True)
    result_document_code = models.CharField(max_length=64, blank=True)
    receipt_document_code = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        permissions = [("handle_dossier", "Can receive and decide e-service dossiers")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=DossierStatus.DRAFT) | Q(code__isnull=False),
                name="dossier_submitted_has_code",
            ),
            models.CheckConstraint(
                condition=~Q(status=DossierStatus.RESULT_ISSUED) | ~Q(result_file=""),
                name="dossier_result_issued_has_file",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self):
        return self.code or str(self.uuid)

    @property
    def procedure(self) -> Procedure:
        return self.procedure_version.procedure


class DossierStatusChange(models.Model):
    """Append-only history: who moved the dossier, from where to where, and why."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=25, choices=DossierStatus.choices, blank=True)
    to_status = models.CharField(max_length=25, choices=DossierStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_role = models.CharField(max_length=10, choices=Actor.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("dossier status change")
        verbose_name_plural = _("dossier status changes")

    def __str__(self):
        return f"{self.dossier} {self.from_status} → {self.to_status}"


class DossierAttachment(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    document_code = models.CharField(_("document"), max_length=40)
    file = models.FileField(storage=private_storage, upload_to="dossiers/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


class DossierNotification(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="notifications")
    channel = models.CharField(max_length=10)
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    backend = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self):
        return f"{self.channel} {self.subject}"


class DailySequence(models.Model):
    """The 4-digit daily counter of Circular 01/2018 dossier codes, per receiving unit."""

    unit_code = models.CharField(max_length=40)
    day = models.DateField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit_code", "day"], name="daily_sequence_unique")
        ]

    def __str__(self):
        return f"{self.unit_code} {self.day}: {self.last_value}"


class CalendarAdjustment(models.Model):
    """Staff corrections on top of the public-holiday library: days the government added or
    moved (nghỉ bù) and the Saturdays worked in exchange."""

    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=HolidayKind.choices)
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("calendar adjustment")
        verbose_name_plural = _("calendar adjustments")

    def __str__(self):
        return f"{self.day:%d/%m/%Y} — {self.name}"


class DossierCorrection(models.Model):
    """A citizen's request to correct the data of one of their dossiers (Law 91/2025 Art. 14:
    the right to have one's data corrected), answered by the officer who handles the procedure.
    Written by `dossier_correction_open` and decided once by `dossier_correction_decide`."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CORRECTED = "corrected", _("Corrected")
        DISMISSED = "dismissed", _("Not corrected")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="corrections")
    reason = models.TextField(_("what is wrong"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decide_by = models.DateTimeField(_("decision deadline"))
    outcome_note = models.TextField(_("outcome"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decide_by", "pk"]
        verbose_name = _("dossier correction request")
        verbose_name_plural = _("dossier correction requests")
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(status="open"),
                name="one_open_correction_per_dossier",
            ),
            models.CheckConstraint(
                condition=Q(status="open", decided_at__isnull=True)
                | (~Q(status="open") & Q(decided_at__isnull=False)),
                name="correction_decided_iff_not_open",
            ),
        ]

    def __str__(self):
        return f"{self.dossier} — {self.get_status_display()}"
