"""Surveys built by staff, and the answers to them.

An answer to an anonymous survey holds no link to an account: no user, no session, no address;
only a keyed hash of a random device token (one answer per device) — see docs/adr/0015.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .constants import RATING_MAX, RATING_MIN, Audience, QuestionKind


class Bilingual(models.Model):
    """Labels are typed in Vietnamese and English; English falls back to Vietnamese."""

    class Meta:
        abstract = True

    def localized(self, field: str) -> str:
        if (get_language() or "vi").startswith("en"):
            english = getattr(self, f"{field}_en")
            if english:
                return english
        return getattr(self, f"{field}_vi")


class Survey(Bilingual):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField(
        _("code"),
        max_length=60,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Stable key for surveys the portal itself uses; leave empty otherwise."),
    )
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    intro_vi = models.TextField(_("introduction (Vietnamese)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    audience = models.CharField(
        _("who may answer"), max_length=12, choices=Audience.choices, default=Audience.ANONYMOUS
    )
    is_published = models.BooleanField(_("published"), default=False)
    opens_at = models.DateTimeField(_("opens at"), default=timezone.now)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True) | Q(closes_at__gt=models.F("opens_at")),
                name="survey_closes_after_it_opens",
                violation_error_code="closes_before_opening",
                violation_error_message=_("A survey must close after it opens."),
            )
        ]

    def __str__(self):
        return self.title_vi

    @property
    def title(self) -> str:
        return self.localized("title")

    @property
    def intro(self) -> str:
        return self.localized("intro")

    def is_open_at(self, moment) -> bool:
        return (
            self.is_published
            and self.opens_at <= moment
            and (self.closes_at is None or moment < self.closes_at)
        )


class Question(Bilingual):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    text_vi = models.CharField(_("question (Vietnamese)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    help_vi = models.CharField(_("help (Vietnamese)"), max_length=300, blank=True)
    help_en = models.CharField(_("help (English)"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=True)
    key = models.SlugField(
        _("key"),
        max_length=40,
        blank=True,
        help_text=_("Stable key for questions the portal reads (e.g. 'overall')."),
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "key"],
                condition=~Q(key=""),
                name="question_key_unique",
                violation_error_message=_("Another question of this survey has this key."),
            )
        ]

    def __str__(self):
        return self.text_vi

    @property
    def text(self) -> str:
        return self.localized("text")

    @property
    def help(self) -> str:
        return self.localized("help")


class Option(Bilingual):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label_vi = models.CharField(_("option (Vietnamese)"), max_length=200)
    label_en = models.CharField(_("option (English)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["position", "id"]

    def __str__(self):
        return self.label_vi

    @property
    def label(self) -> str:
        return self.localized("label")


class Response(models.Model):
    """One person's (signed-in) or one device's (anonymous) answer to a survey, optionally about
    a subject (a dossier code): then at most one answer per subject."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    device_hash = models.CharField(max_length=64, blank=True)
    subject_ref = models.CharField(_("subject"), max_length=40, blank=True)
    language = models.CharField(max_length=8, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("answer sheet")
        verbose_name_plural = _("answer sheets")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(respondent__isnull=True) | Q(device_hash=""),
                name="response_account_or_device_never_both",
            ),
            models.UniqueConstraint(
                fields=["survey", "respondent", "subject_ref"],
                condition=Q(respondent__isnull=False),
                name="response_one_per_account",
            ),
            models.UniqueConstraint(
                fields=["survey", "device_hash", "subject_ref"],
                condition=~Q(device_hash=""),
                name="response_one_per_device",
            ),
            models.UniqueConstraint(
                fields=["survey", "subject_ref"],
                condition=~Q(subject_ref=""),
                name="response_one_per_subject",
            ),
        ]
        indexes = [models.Index(fields=["subject_ref"])]

    def __str__(self):
        return f"{self.survey_id}:{self.uuid}"


class Answer(models.Model):
    """One row per chosen option (a multiple choice gives several), or one rating, or one text."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    option = models.ForeignKey(
        Option, on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True)
                | Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX),
                name="answer_rating_in_range",
            ),
            models.UniqueConstraint(
                fields=["response", "question", "option"],
                condition=Q(option__isnull=False),
                name="answer_option_once",
            ),
            models.UniqueConstraint(
                fields=["response", "question"],
                condition=Q(option__isnull=True),
                name="answer_value_once",
            ),
        ]

    def __str__(self):
        return f"{self.response_id}:{self.question_id}"
