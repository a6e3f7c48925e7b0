"""Writes: answering a survey, survey links bound to a subject, the satisfaction survey itself."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.exceptions import InvalidInput

from . import selectors
from .constants import (
    CHOICE_KINDS,
    FREE_TEXT_MAX_LENGTH,
    RATING_MAX,
    RATING_MIN,
    SATISFACTION_SURVEY_CODE,
    Audience,
    QuestionKind,
)
from .devices import device_hash, device_token_is_wellformed
from .exceptions import AlreadyAnswered, InvalidSurveyLink, SignInRequired, SurveyClosed
from .models import Answer, Option, Question, Response, Survey
from .satisfaction import SATISFACTION_QUESTIONS, SATISFACTION_SURVEY

SUBJECT_SALT = "surveys.subject"
SUBJECT_REF_MAX_LENGTH = Response._meta.get_field("subject_ref").max_length


def field_name(question_id: int) -> str:
    """The form field (and problem+json parameter) of a question."""
    return f"q_{question_id}"


# --------------------------------------------------------------------------- answering


def response_submit(
    *,
    survey: Survey,
    answers: Mapping[int, object],
    user,
    device_token: str | None,
    subject_ref: str = "",
    language: str = "",
) -> Response:
    """Store one answer sheet. `answers` maps a question id to an option id (single choice), a
    list of option ids (multiple choice), an int 1–5 (rating) or a text; unanswered questions are
    absent or empty. A signed-in survey stores the account; an anonymous one only a keyed hash of
    the device token — never the account, even when the person is logged in."""
    if not survey.is_open_at(timezone.now()):
        raise SurveyClosed(_("This survey is not open for answers."))
    respondent, hashed_device = _respondent(survey=survey, user=user, device_token=device_token)
    if selectors.response_exists(
        survey=survey, respondent=respondent, device_hash=hashed_device, subject_ref=subject_ref
    ):
        raise AlreadyAnswered(_("You have already answered this survey. Thank you!"))
    questions = selectors.survey_questions(survey=survey)
    try:
        with transaction.atomic():
            response = Response.objects.create(
                survey=survey,
                respondent=respondent,
                device_hash=hashed_device,
                subject_ref=subject_ref,
                language=language[:8],
            )
            Answer.objects.bulk_create(_answer_rows(response, questions, answers))
    except IntegrityError as exc:  # the same person or device answered in a parallel request
        raise AlreadyAnswered(_("You have already answered this survey. Thank you!")) from exc
    return response


def _respondent(*, survey: Survey, user, device_token: str | None) -> tuple[object | None, str]:
    if survey.audience == Audience.SIGNED_IN:
        if user is None or not user.is_authenticated:
            raise SignInRequired(_("Please log in to answer this survey."))
        return user, ""
    if not device_token_is_wellformed(device_token):
        raise InvalidInput(_("Your browser must accept cookies to answer this survey."))
    return None, device_hash(survey_uuid=survey.uuid, token=device_token)


def _answer_rows(
    response: Response, questions: list[Question], answers: Mapping[int, object]
) -> list[Answer]:
    rows: list[Answer] = []
    for question in questions:
        value = answers.get(question.pk)
        if value in (None, "", [], ()):
            if question.required:
                raise InvalidInput(_("Please answer this question."), field=field_name(question.pk))
            continue
        rows.extend(_answers_to(response, question, value))
    return rows


def _answers_to(response: Response, question: Question, value) -> list[Answer]:
    name = field_name(question.pk)
    if question.kind in CHOICE_KINDS:
        chosen = [value] if question.kind == QuestionKind.SINGLE_CHOICE else list(value)
        offered = {option.pk for option in question.options.all()}
        option_ids = [int(option_id) for option_id in chosen]
        if not set(option_ids) <= offered or len(set(option_ids)) != len(option_ids):
            raise InvalidInput(_("Choose one of the options offered."), field=name)
        return [Answer(response=response, question=question, option_id=o) for o in option_ids]
    if question.kind == QuestionKind.RATING:
        rating = int(value)
        if not RATING_MIN <= rating <= RATING_MAX:
            raise InvalidInput(_("Choose a rating from 1 to 5."), field=name)
        return [Answer(response=response, question=question, rating=rating)]
    text = str(value).strip()
    if len(text) > FREE_TEXT_MAX_LENGTH:
        raise InvalidInput(
            _("Please write at most %(n)s characters.") % {"n": FREE_TEXT_MAX_LENGTH}, field=name
        )
    return [Answer(response=response, question=question, text=text)] if text else []


# --------------------------------------------------------------------------- links with a subject


def survey_subject_token(*, subject_ref: str, user=None) -> str:
    """A signed token naming the subject (a dossier code) an answer is about, so nobody can rate
    somebody else's dossier by typing its code; optionally bound to the account it was sent to."""
    subject_ref = subject_ref.strip()
    if not subject_ref or len(subject_ref) > SUBJECT_REF_MAX_LENGTH:
        raise InvalidInput(
            _("A subject reference of 1 to %(n)s characters is required.")
            % {"n": SUBJECT_REF_MAX_LENGTH},
            field="subject_ref",
        )
    payload = {"s": subject_ref}
    if user is not None and user.is_authenticated:
        payload["u"] = user.pk
    return signing.dumps(payload, salt=SUBJECT_SALT)


def survey_subject_read(*, token: str, user) -> str:
    """The subject a link's token names; refuses a tampered token or one bound to another
    account."""
    try:
        payload = signing.loads(token, salt=SUBJECT_SALT)
    except signing.BadSignature as exc:
        raise InvalidSurveyLink(
            _("This survey link is not valid. Please use the link from your notification."),
            field="s",
        ) from exc
    bound_to = payload.get("u")
    if bound_to is not None and (user is None or user.pk != bound_to):
        raise SignInRequired(_("Please log in with the account this survey was sent to."))
    return payload["s"]


def survey_answer_url(*, survey: Survey, subject_ref: str = "", user=None) -> str:
    url = reverse("surveys:answer", kwargs={"uuid": survey.uuid})
    if subject_ref:
        url += "?" + urlencode({"s": survey_subject_token(subject_ref=subject_ref, user=user)})
    return url


def satisfaction_survey_link(*, subject_ref: str, user) -> str:
    """The address (path) of the online-services satisfaction survey about one dossier, for the
    notification sent when the dossier closes. The survey is anonymous, so the link is not bound
    to the account and the answer will not hold it; only the dossier code travels with it."""
    survey = satisfaction_survey_ensure()
    bound_user = user if survey.audience == Audience.SIGNED_IN else None
    return survey_answer_url(survey=survey, subject_ref=subject_ref, user=bound_user)


# --------------------------------------------------------------------------- satisfaction survey


@transaction.atomic
def satisfaction_survey_ensure() -> Survey:
    """Create the satisfaction survey of the online services once; never change it afterwards
    (staff may edit its wording in the admin). Idempotent, safe to call from `setup_portal`."""
    survey, created = Survey.objects.get_or_create(
        code=SATISFACTION_SURVEY_CODE, defaults=SATISFACTION_SURVEY
    )
    if not created:
        return survey
    for position, spec in enumerate(SATISFACTION_QUESTIONS, start=1):
        options = spec.get("options", ())
        fields = {k: v for k, v in spec.items() if k != "options"}
        question = Question.objects.create(survey=survey, position=position, **fields)
        Option.objects.bulk_create(
            Option(question=question, position=i, label_vi=vi, label_en=en)
            for i, (vi, en) in enumerate(options, start=1)
        )
    return survey
