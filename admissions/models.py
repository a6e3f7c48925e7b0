"""Grade-1 admission rounds, applications (with append-only history), allocation runs, offers."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import F, Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from gis.constants import DistanceMetric, RoadFallbackReason
from portal.core.models import AppendOnlyModel, TimeStampedModel
from portal.core.storage import private_storage  # migrations name it here

from .constants import (
    Actor,
    ApplicationStatus,
    CategoryScope,
    EvidenceKind,
    Gender,
    IntakeStatus,
    LateEntryReason,
    Mechanism,
    OfferStatus,
    Relationship,
    ResidenceType,
    RoundStatus,
    RunStage,
    RunStatus,
)


class AdmissionRound(TimeStampedModel):
    """One grade-1 admission for school year Y–Y+1 (Y = first calendar year)."""

    school_year = models.PositiveSmallIntegerField(_("school year"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    opens_at = models.DateTimeField(_("applications open"))
    closes_at = models.DateTimeField(_("applications close"))
    offer_response_deadline = models.DateTimeField(_("offer response deadline"))
    class_size_norm = models.PositiveSmallIntegerField(_("class-size norm"), default=35)
    max_distance_m = models.PositiveIntegerField(_("legal maximum distance (m)"), default=4000)
    lottery_seed = models.BigIntegerField(
        _("lottery seed"),
        null=True,
        blank=True,
        help_text=_(
            "Fixed when the application window closes, before any result is visible. Only a run "
            "with this seed can be published; other seeds are simulations."
        ),
    )
    is_demo = models.BooleanField(
        _("demo round"), default=False, help_text=_("Synthetic children; not real people.")
    )
    mechanism = models.CharField(
        _("allocation rule"),
        max_length=10,
        choices=Mechanism.choices,
        default=Mechanism.DA,
        help_text=_(
            "The rule the Department's plan sets for the year: families rank schools only "
            "under deferred acceptance; nearest-first considers every school nearest first."
        ),
    )
    categories_in_group_1 = models.BooleanField(
        _("priority categories also order group 1"),
        default=False,
        help_text=_(
            "Off: priority categories order only children outside the school's catchment "
            "(group 2); inside it, distance decides. On: they order both groups."
        ),
    )
    distance_metric = models.CharField(
        _("distance for priority"),
        max_length=10,
        choices=DistanceMetric.choices,
        default=DistanceMetric.STRAIGHT,
        help_text=_(
            "How the distance between home and school is measured for priority: in a straight "
            "line, or by road (walking or driving). Only a run with the round's metric can be "
            "published; other metrics are simulations."
        ),
    )
    committee = models.ForeignKey(
        "auth.Group",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("admissions committee"),
        help_text=_(
            "The staff group that works on this round: only its members (and system "
            "administrators) see the round's map of households."
        ),
    )
    audit_key = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="Secret key of the children's pseudonyms in published data (ADR 13).",
    )

    class Meta:
        ordering = ["-school_year"]
        verbose_name = _("admission round")
        verbose_name_plural = _("admission rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="round_window_ordered"
            ),
            models.CheckConstraint(
                condition=Q(class_size_norm__gte=1), name="round_class_size_positive"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def birth_year(self) -> int:
        """Children born in Y−6 enter grade 1 in school year Y (age counted in years)."""
        return self.school_year - 6


class PriorityCategory(models.Model):
    """A priority category of a round (data, not code). Lower rank = higher priority."""

    round = models.ForeignKey(AdmissionRound, on_delete=models.CASCADE, related_name="categories")
    code = models.SlugField(_("code"), max_length=40)
    label_vi = models.CharField(_("Vietnamese label"), max_length=200)
    label_en = models.CharField(_("English label"), max_length=200)
    rank = models.PositiveSmallIntegerField(_("rank"))
    scope = models.CharField(
        _("where it counts"),
        max_length=10,
        choices=CategoryScope.choices,
        default=CategoryScope.CITY,
        help_text=_(
            "City-wide (children of martyrs, poor households…) counts at every school; one "
            "school (sibling, staff) counts only at the school named in the application."
        ),
    )
    requires_evidence = models.BooleanField(default=True)

    class Meta:
        ordering = ["round", "rank", "code"]
        verbose_name = _("priority category")
        verbose_name_plural = _("priority categories")
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="priority_category_code")
        ]

    def __str__(self):
        return f"{self.label_vi} ({self.rank})"

    def label(self, language: str) -> str:
        return self.label_en if language.startswith("en") else self.label_vi


# Applicants with no category rank after every configured category.
NO_CATEGORY_RANK = 99


class RoundSchool(models.Model):
    """Grade-1 seats of one school in one round: classes × norm, unless overridden."""

    round = models.ForeignKey(AdmissionRound, on_delete=models.CASCADE, related_name="schools")
    school = models.ForeignKey("geo.School", on_delete=models.PROTECT, related_name="+")
    classes = models.PositiveSmallIntegerField(_("grade-1 classes"), default=0)
    seats_override = models.PositiveIntegerField(_("seats (override)"), null=True, blank=True)
    is_demo_figure = models.BooleanField(
        _("demo figure"), default=False, help_text=_("Invented for a demo round, not official.")
    )

    class Meta:
        ordering = ["round", "school__name"]
        verbose_name = _("school seats")
        verbose_name_plural = _("school seats")
        constraints = [
            models.UniqueConstraint(fields=["round", "school"], name="round_school_unique")
        ]

    def __str__(self):
        return f"{self.school} {self.round.school_year}: {self.seats}"

    @property
    def seats(self) -> int:
        if self.seats_override is not None:
            return self.seats_override
        return self.classes * self.round.class_size_norm


class Application(TimeStampedModel):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Indexed by (round, status) below; the application table carries only the indexes its
    # queries use, so that publication's one UPDATE of a city's children stays cheap (ADR 0020).
    round = models.ForeignKey(
        AdmissionRound, on_delete=models.PROTECT, related_name="applications", db_index=False
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="admission_applications",
    )
    tracking_code = models.CharField(_("tracking code"), max_length=20, unique=True)
    status = models.CharField(
        _("status"),
        max_length=30,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    is_synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Generated demo child, not a real person.")
    )
    # Child
    child_full_name = models.CharField(_("child's full name"), max_length=200)
    child_dob = models.DateField(_("date of birth"), null=True, blank=True)
    child_gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    child_personal_id = models.CharField(_("child's personal ID"), max_length=12, blank=True)
    late_entry_reason = models.CharField(
        _("late-entry reason"), max_length=30, choices=LateEntryReason.choices, blank=True
    )
    # Guardian
    guardian_full_name = models.CharField(_("guardian's full name"), max_length=200, blank=True)
    guardian_personal_id = models.CharField(_("guardian's citizen ID"), max_length=12, blank=True)
    guardian_phone = models.CharField(_("guardian's mobile phone"), max_length=10, blank=True)
    guardian_relationship = models.CharField(
        _("relationship to the child"), max_length=20, choices=Relationship.choices, blank=True
    )
    # Residence
    address_text = models.CharField(_("address"), max_length=500, blank=True)
    residence_point = models.PointField(
        _("residence"), geography=True, srid=4326, null=True, blank=True, spatial_index=False
    )
    ward = models.ForeignKey(
        "geo.AdminUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ward (from the map pin)"),
    )
    ward_typed = models.ForeignKey(
        "geo.AdminUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
        verbose_name=_("ward (as typed)"),
    )
    ward_mismatch = models.BooleanField(_("typed ward disagrees with the pin"), default=False)
    residence_type = models.CharField(
        _("residence type"), max_length=20, choices=ResidenceType.choices, blank=True
    )
    priority_category = models.ForeignKey(
        PriorityCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    priority_school = models.ForeignKey(
        "geo.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("school of the priority (sibling's or parent's school)"),
    )
    # Consent (Law 91/2025/QH15: the parent consents for the child)
    consent_version = models.CharField(max_length=40, blank=True)
    consented_at = models.DateTimeField(null=True, blank=True)
    consented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    last_note = models.TextField(_("last message from the committee"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        permissions = [
            ("review_application", _("Can verify, reject and request corrections")),
            ("run_allocation", _("Can run, review and publish allocations")),
            ("view_school_applications", _("Can list the applications that chose their school")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "child_personal_id"],
                condition=~Q(status=ApplicationStatus.WITHDRAWN) & ~Q(child_personal_id=""),
                name="one_active_application_per_child_per_round",
            ),
            # Drafts may be partial (saved from a phone, finished later); from submission on,
            # the identity, birth date and residence pin must be there.
            models.CheckConstraint(
                condition=Q(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN])
                | (
                    Q(child_dob__isnull=False)
                    & ~Q(child_personal_id="")
                    & Q(residence_point__isnull=False)
                    & Q(ward__isnull=False)
                ),
                name="application_complete_unless_draft",
            ),
            models.CheckConstraint(
                condition=Q(status=ApplicationStatus.DRAFT)
                | Q(status=ApplicationStatus.WITHDRAWN)
                | Q(consented_at__isnull=False),
                name="application_submitted_has_consent",
            ),
        ]
        indexes = [
            models.Index(fields=["round", "status"]),
            # The round map's caches key on the round's latest change (docs/adr/0022).
            models.Index(fields=["round", "updated_at"], name="application_round_updated"),
        ]

    def __str__(self):
        return self.tracking_code

    @cached_property
    def ranked_choices(self):
        return list(self.choices.select_related("school").order_by("rank"))


class ApplicationIntake(models.Model):
    """A complete application received through the intake queue and not yet (or already)
    turned into an application by a worker (services/intake.py, docs/adr/0027). The payload
    is personal data: it is emptied once processed, whatever the outcome."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    round = models.ForeignKey(
        AdmissionRound, on_delete=models.CASCADE, related_name="intakes", db_index=False
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="application_intakes"
    )
    child_personal_id = models.CharField(_("child's personal ID"), max_length=12)
    payload = models.JSONField(_("application as received"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=IntakeStatus.choices, default=IntakeStatus.QUEUED
    )
    application = models.ForeignKey(
        "Application", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    errors = models.JSONField(_("reasons of a refusal"), default=dict, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("application intake")
        verbose_name_plural = _("application intakes")
        constraints = [
            # The same child twice in the queue (a double tap) is one intake.
            models.UniqueConstraint(
                fields=["round", "child_personal_id"],
                condition=Q(status=IntakeStatus.QUEUED),
                name="one_queued_intake_per_child_per_round",
            ),
        ]
        indexes = [
            models.Index(
                fields=["received_at"],
                condition=Q(status=IntakeStatus.QUEUED),
                name="intake_queued_by_arrival",
            ),
        ]

    def __str__(self):
        return str(self.uuid)


class ApplicationChoice(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="choices")
    rank = models.PositiveSmallIntegerField()
    school = models.ForeignKey("geo.School", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["application", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["application", "rank"], name="choice_rank_unique"),
            models.UniqueConstraint(fields=["application", "school"], name="choice_school_unique"),
            models.CheckConstraint(
                condition=Q(rank__gte=1) & Q(rank__lte=5), name="choice_rank_1_to_5"
            ),
        ]


class ApplicationStatusChange(AppendOnlyModel):
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="history")
    from_status = models.CharField(max_length=30, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField(max_length=30, choices=ApplicationStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_role = models.CharField(max_length=10, choices=Actor.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")


class Evidence(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=20, choices=EvidenceKind.choices)
    file = models.FileField(storage=private_storage, upload_to="evidence/%Y/%m/")
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
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")


class AllocationRun(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    round = models.ForeignKey(AdmissionRound, on_delete=models.PROTECT, related_name="runs")
    stage = models.CharField(max_length=10, choices=RunStage.choices, default=RunStage.MAIN)
    mechanism = models.CharField(max_length=10, choices=Mechanism.choices)
    distance_metric = models.CharField(
        max_length=10, choices=DistanceMetric.choices, default=DistanceMetric.STRAIGHT
    )
    seed = models.BigIntegerField()
    status = models.CharField(max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    progress_message = models.CharField(max_length=200, blank=True)
    policy = models.JSONField(default=dict)
    input_sha256 = models.CharField(max_length=64, blank=True)
    result_sha256 = models.CharField(max_length=64, blank=True)
    timings = models.JSONField(default=dict)
    statistics = models.JSONField(default=dict)
    check_passed = models.BooleanField(null=True)
    violations = models.JSONField(default=list)
    error = models.TextField(blank=True)
    # The complete anonymised input and the result, gzip of canonical JSON (ADR 13).
    input_document = models.BinaryField(null=True, editable=False)
    result_document = models.BinaryField(null=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("allocation run")
        verbose_name_plural = _("allocation runs")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "stage"],
                condition=Q(status=RunStatus.PUBLISHED),
                name="one_published_run_per_round_stage",
            ),
            models.CheckConstraint(
                condition=~Q(status=RunStatus.PUBLISHED) | Q(check_passed=True),
                name="published_run_passed_check",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="run_progress_percent"),
        ]

    def __str__(self):
        return f"{self.round.school_year} {self.mechanism} seed={self.seed} ({self.status})"


class Placement(models.Model):
    """One child's outcome in one run, with the data of its explanation."""

    run = models.ForeignKey(AllocationRun, on_delete=models.CASCADE, related_name="placements")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(
        "geo.School", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    choice_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    distance_m = models.FloatField(null=True, blank=True)
    # Why this child's distances are straight lines although the run measured by road ("" =
    # measured as the run says).
    distance_fallback = models.CharField(
        max_length=20, blank=True, choices=RoadFallbackReason.choices
    )
    in_catchment = models.BooleanField(default=False)
    lottery = models.FloatField()
    explanation_vi = models.TextField()
    explanation_en = models.TextField()
    explanation = models.JSONField(default=dict)

    class Meta:
        ordering = ["run", "school", "choice_rank"]
        constraints = [
            models.UniqueConstraint(fields=["run", "application"], name="placement_unique")
        ]

    def explanation_in(self, language: str | None) -> str:
        """The stored sentences in a page's language (Vietnamese unless English is asked): the
        text published with the run, never recomputed."""
        return self.explanation_en if (language or "vi").startswith("en") else self.explanation_vi


class Offer(TimeStampedModel):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="offers")
    run = models.ForeignKey(AllocationRun, on_delete=models.PROTECT, related_name="offers")
    school = models.ForeignKey("geo.School", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=20, choices=OfferStatus.choices, default=OfferStatus.PENDING
    )
    deadline = models.DateTimeField()
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminder_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    from_waitlist = models.BooleanField(default=False)
    supernumerary = models.BooleanField(
        default=False, help_text=_("Seat added above capacity after an upheld appeal.")
    )

    class Meta:
        verbose_name = _("seat offer")
        verbose_name_plural = _("seat offers")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status__in=["pending", "accepted"]),
                name="one_live_offer_per_application",
            ),
            models.CheckConstraint(
                condition=~Q(status="expired") | Q(reminders_sent__gte=2),
                name="offer_expires_only_after_two_reminders",
            ),
        ]


class StateChange(AppendOnlyModel):
    """History of the state machines of rounds, allocation runs and offers (append-only): who
    moved which record from which state to which, and when (ADR 0020)."""

    class Kind(models.TextChoices):
        ROUND = "round", _("Admission round")
        RUN = "run", _("Allocation run")
        OFFER = "offer", _("Offer")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.BigIntegerField()
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_role = models.CharField(max_length=10, choices=Actor.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        indexes = [models.Index(fields=["kind", "object_id"], name="state_change_object")]


class SeatChange(AppendOnlyModel):
    """Every change of a school's grade-1 classes or seats, with who and when (append-only).
    Seats change only while the round's window is open (ADR 0020)."""

    round_school = models.ForeignKey(RoundSchool, on_delete=models.CASCADE, related_name="changes")
    classes_before = models.PositiveSmallIntegerField(null=True, blank=True)
    classes_after = models.PositiveSmallIntegerField()
    seats_override_before = models.PositiveIntegerField(null=True, blank=True)
    seats_override_after = models.PositiveIntegerField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("seat change")
        verbose_name_plural = _("seat changes")


class Ticket(TimeStampedModel):
    """An appeal against a decision or a request to correct data, with a decision deadline."""

    class Kind(models.TextChoices):
        APPEAL = "appeal", _("Appeal")
        DATA_CORRECTION = "data_correction", _("Data correction")
        LATE_ENTRY = "late_entry", _("Late entry beyond three years (education office decides)")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="tickets")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.TextField(_("reason"))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    decide_by = models.DateTimeField(_("decision deadline"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["decide_by"]
        verbose_name = _("appeal or correction ticket")
        verbose_name_plural = _("appeals and correction tickets")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind"],
                condition=Q(status="open"),
                name="one_open_ticket_per_kind",
            )
        ]


class TicketDecision(AppendOnlyModel):
    """Decision log of a ticket (append-only)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="decisions")
    decision = models.CharField(max_length=20, choices=Ticket.Status.choices)
    note = models.TextField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
