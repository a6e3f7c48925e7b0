"""Enumerations and fixed rules of the survey platform."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionKind(models.TextChoices):
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    RATING = "rating", _("Rating 1–5")
    FREE_TEXT = "free_text", _("Free text")


CHOICE_KINDS = frozenset({QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE})


class Audience(models.TextChoices):
    ANONYMOUS = "anonymous", _("Anonymous (one answer per device)")
    SIGNED_IN = "signed_in", _("Signed-in (one answer per account)")


RATING_MIN = 1
RATING_MAX = 5
# A rating of 4 ("satisfied") or 5 ("very satisfied") counts as satisfied, as in the national
# satisfaction index of public administration (SIPAS).
SATISFIED_MIN_RATING = 4
FREE_TEXT_MAX_LENGTH = 2000

# The survey of the online public services that a closed dossier links to; its overall rating
# question feeds the KPI dashboard.
SATISFACTION_SURVEY_CODE = "online-services-satisfaction"
OVERALL_QUESTION_KEY = "overall"

RATING_LABELS = {
    1: _("1 – Very dissatisfied"),
    2: _("2 – Dissatisfied"),
    3: _("3 – Neither satisfied nor dissatisfied"),
    4: _("4 – Satisfied"),
    5: _("5 – Very satisfied"),
}
