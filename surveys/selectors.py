"""Reads of surveys and their answers."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from .constants import OVERALL_QUESTION_KEY, SATISFACTION_SURVEY_CODE, QuestionKind
from .models import Answer, Option, Question, Response, Survey
from .results import AnswerCounts, QuestionSpec


def survey_get_published(*, uuid) -> Survey:
    return get_object_or_404(Survey, uuid=uuid, is_published=True)


def survey_get(*, uuid) -> Survey:
    return get_object_or_404(Survey, uuid=uuid)


def survey_get_by_code(*, code: str) -> Survey | None:
    return Survey.objects.filter(code=code).first()


def survey_list_for_staff() -> QuerySet[Survey]:
    return Survey.objects.annotate(response_count=Count("responses"))


def survey_questions(*, survey: Survey) -> list[Question]:
    return list(
        survey.questions.prefetch_related(
            Prefetch("options", queryset=Option.objects.order_by("position", "id"))
        )
    )


def response_exists(
    *, survey: Survey, respondent=None, device_hash: str = "", subject_ref: str = ""
) -> bool:
    responses = Response.objects.filter(survey=survey)
    if subject_ref:
        return responses.filter(subject_ref=subject_ref).exists()
    if respondent is not None:
        return responses.filter(respondent=respondent, subject_ref="").exists()
    return responses.filter(device_hash=device_hash, subject_ref="").exists()


def question_specs(*, questions: list[Question]) -> list[QuestionSpec]:
    return [
        QuestionSpec(
            id=q.pk,
            kind=q.kind,
            text=q.text,
            required=q.required,
            options=tuple((o.pk, o.label) for o in q.options.all()),
        )
        for q in questions
    ]


def survey_answer_counts(*, survey: Survey, text_limit: int = 500) -> AnswerCounts:
    answers = Answer.objects.filter(response__survey=survey)
    answered = dict(
        answers.values_list("question_id").annotate(n=Count("response_id", distinct=True))
    )
    options = {
        (q, o): n
        for q, o, n in answers.filter(option__isnull=False)
        .values_list("question_id", "option_id")
        .annotate(n=Count("id"))
    }
    ratings = {
        (q, r): n
        for q, r, n in answers.filter(rating__isnull=False)
        .values_list("question_id", "rating")
        .annotate(n=Count("id"))
    }
    texts: dict[int, list[str]] = defaultdict(list)
    for question_id, text in (
        answers.exclude(text="")
        .order_by("-response__submitted_at", "-id")
        .values_list("question_id", "text")[:text_limit]
    ):
        texts[question_id].append(text)
    return AnswerCounts(answered=answered, options=options, ratings=ratings, texts=dict(texts))


def response_list_for_export(*, survey: Survey) -> QuerySet[Response]:
    return (
        Response.objects.filter(survey=survey)
        .select_related("respondent")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.select_related("option").order_by("option__position", "id"),
            )
        )
        .order_by("submitted_at", "id")
    )


@dataclass(frozen=True)
class SatisfactionRating:
    subject_ref: str
    rating: int
    submitted_at: dt.datetime


def satisfaction_rating_list(
    *, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> list[SatisfactionRating]:
    """Overall ratings given in the online-services satisfaction survey, with the subject (the
    dossier code) each one is about — what the KPI dashboard joins per procedure."""
    answers = Answer.objects.filter(
        response__survey__code=SATISFACTION_SURVEY_CODE,
        question__key=OVERALL_QUESTION_KEY,
        question__kind=QuestionKind.RATING,
        rating__isnull=False,
    )
    if since is not None:
        answers = answers.filter(response__submitted_at__gte=since)
    if until is not None:
        answers = answers.filter(response__submitted_at__lt=until)
    return [
        SatisfactionRating(subject_ref=ref, rating=rating, submitted_at=at)
        for ref, rating, at in answers.values_list(
            "response__subject_ref", "rating", "response__submitted_at"
        ).order_by("response__submitted_at")
    ]
