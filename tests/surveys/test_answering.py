"""Answering through the service: one answer per person or device, anonymity, windows, links."""

import datetime as dt
from urllib.parse import unquote

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError
from django.utils import timezone

from portal.core.exceptions import InvalidInput
from surveys import selectors, services
from surveys.constants import OVERALL_QUESTION_KEY, Audience
from surveys.devices import device_hash, device_token_new
from surveys.exceptions import AlreadyAnswered, InvalidSurveyLink, SignInRequired, SurveyClosed
from surveys.models import Answer, Response, Survey
from tests.surveys.conftest import build_survey, questions_of

pytestmark = pytest.mark.django_db


def full_answers(survey, *, single=0, multiple=(0, 2), rating=4, text=""):
    questions, options = questions_of(survey)
    return {
        questions[0].pk: options[0][single].pk,
        questions[1].pk: [options[1][i].pk for i in multiple],
        questions[2].pk: rating,
        questions[3].pk: text,
    }


def submit(survey, *, user=None, token=None, subject_ref="", **answer_kwargs):
    return services.response_submit(
        survey=survey,
        answers=full_answers(survey, **answer_kwargs),
        user=user or AnonymousUser(),
        device_token=token,
        subject_ref=subject_ref,
        language="vi",
    )


def test_answers_are_stored_as_given(survey):
    response = submit(survey, token=device_token_new(), text="Thêm rau xanh")
    questions, options = questions_of(survey)
    stored = {
        (a.question_id, a.option_id, a.rating, a.text)
        for a in Answer.objects.filter(response=response)
    }
    assert stored == {
        (questions[0].pk, options[0][0].pk, None, ""),
        (questions[1].pk, options[1][0].pk, None, ""),
        (questions[1].pk, options[1][2].pk, None, ""),
        (questions[2].pk, None, 4, ""),
        (questions[3].pk, None, None, "Thêm rau xanh"),
    }


def test_anonymous_answer_holds_no_link_to_the_account(survey, parent_user):
    token = device_token_new()
    response = submit(survey, user=parent_user, token=token)
    row = Response.objects.filter(pk=response.pk).values().get()
    assert row["respondent_id"] is None
    # No column holds the person's identifiers or the raw device token (keys are ids of the
    # answer sheet and the survey, compared separately above).
    identifying = {parent_user.username, parent_user.email, parent_user.first_name, token}
    assert not {str(v) for k, v in row.items() if not k.endswith("id")} & identifying
    # Only a keyed hash of the token, bound to this survey: another survey's hash differs.
    assert row["device_hash"] == device_hash(survey_uuid=survey.uuid, token=token)
    assert token not in row["device_hash"]
    other = build_survey()
    assert device_hash(survey_uuid=other.uuid, token=token) != row["device_hash"]


def test_one_answer_per_device_for_an_anonymous_survey(survey):
    token = device_token_new()
    submit(survey, token=token)
    with pytest.raises(AlreadyAnswered):
        submit(survey, token=token, rating=1)
    submit(survey, token=device_token_new())  # another device may answer
    assert Response.objects.filter(survey=survey).count() == 2


def test_anonymous_survey_needs_a_device_token(survey):
    with pytest.raises(InvalidInput):
        submit(survey, token=None)
    assert not Response.objects.exists()


def test_one_answer_per_person_for_a_signed_in_survey(parent_user):
    survey = build_survey(audience=Audience.SIGNED_IN)
    response = submit(survey, user=parent_user)
    assert response.respondent == parent_user and response.device_hash == ""
    with pytest.raises(AlreadyAnswered):
        submit(survey, user=parent_user, token=device_token_new())
    with pytest.raises(SignInRequired):
        submit(survey, token=device_token_new())
    assert Response.objects.filter(survey=survey).count() == 1


def test_the_database_refuses_a_second_answer_of_a_person(parent_user):
    survey = build_survey(audience=Audience.SIGNED_IN)
    Response.objects.create(survey=survey, respondent=parent_user)
    with pytest.raises(IntegrityError):
        Response.objects.create(survey=survey, respondent=parent_user)


def test_closed_and_unopened_surveys_refuse_answers(survey):
    now = timezone.now()
    Survey.objects.filter(pk=survey.pk).update(
        opens_at=now - dt.timedelta(days=3), closes_at=now - dt.timedelta(days=1)
    )
    survey.refresh_from_db()
    with pytest.raises(SurveyClosed):
        submit(survey, token=device_token_new())
    Survey.objects.filter(pk=survey.pk).update(opens_at=now + dt.timedelta(days=1), closes_at=None)
    survey.refresh_from_db()
    with pytest.raises(SurveyClosed):
        submit(survey, token=device_token_new())
    assert not Response.objects.exists()


def test_missing_required_answer_names_the_question_and_stores_nothing(survey):
    questions, _ = questions_of(survey)
    answers = full_answers(survey)
    answers[questions[2].pk] = None
    with pytest.raises(InvalidInput) as error:
        services.response_submit(
            survey=survey, answers=answers, user=AnonymousUser(), device_token=device_token_new()
        )
    assert error.value.field == f"q_{questions[2].pk}"
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_an_option_of_another_question_is_refused(survey):
    questions, options = questions_of(survey)
    answers = full_answers(survey)
    answers[questions[0].pk] = options[1][0].pk
    with pytest.raises(InvalidInput) as error:
        services.response_submit(
            survey=survey, answers=answers, user=AnonymousUser(), device_token=device_token_new()
        )
    assert error.value.field == f"q_{questions[0].pk}"
    assert not Response.objects.exists()


def test_satisfaction_survey_is_created_once():
    first = services.satisfaction_survey_ensure()
    second = services.satisfaction_survey_ensure()
    assert first.pk == second.pk and Survey.objects.filter(code=first.code).count() == 1
    assert first.title_vi == "Khảo sát mức độ hài lòng về dịch vụ công trực tuyến"
    overall = first.questions.get(key=OVERALL_QUESTION_KEY)
    assert overall.kind == "rating" and overall.required
    assert first.questions.count() == 5 and first.is_open_at(timezone.now())


def test_satisfaction_link_carries_a_signed_subject_and_one_answer_per_dossier(parent_user):
    url = services.satisfaction_survey_link(subject_ref="DOS-2026-000456", user=parent_user)
    survey = services.satisfaction_survey_ensure()
    path, query = url.split("?s=")
    assert path == f"/khao-sat/{survey.uuid}/"
    token = unquote(query)
    assert services.survey_subject_read(token=token, user=AnonymousUser()) == "DOS-2026-000456"
    with pytest.raises(InvalidSurveyLink):
        services.survey_subject_read(token=token.replace("DOS", "XOS") + "x", user=None)

    overall = survey.questions.get(key=OVERALL_QUESTION_KEY)
    answers = {overall.pk: 5, **{q.pk: None for q in survey.questions.exclude(pk=overall.pk)}}
    for q in survey.questions.filter(required=True).exclude(pk=overall.pk):
        answers[q.pk] = q.options.first().pk
    services.response_submit(
        survey=survey, answers=answers, user=parent_user, device_token=device_token_new(),
        subject_ref="DOS-2026-000456",
    )  # fmt: skip
    with pytest.raises(AlreadyAnswered):  # even from another device
        services.response_submit(
            survey=survey, answers=answers, user=AnonymousUser(),
            device_token=device_token_new(), subject_ref="DOS-2026-000456",
        )  # fmt: skip
    response = Response.objects.get(survey=survey)
    assert response.respondent is None and response.subject_ref == "DOS-2026-000456"
    ratings = selectors.satisfaction_rating_list()
    assert [(r.subject_ref, r.rating) for r in ratings] == [("DOS-2026-000456", 5)]


def test_subject_reference_is_checked():
    with pytest.raises(InvalidInput) as error:
        services.satisfaction_survey_link(subject_ref="  ", user=None)
    assert error.value.field == "subject_ref"
