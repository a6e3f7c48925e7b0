import datetime as dt

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from surveys.constants import Audience, QuestionKind
from surveys.models import Option, Question, Survey


def build_survey(*, audience=Audience.ANONYMOUS, **fields) -> Survey:
    """A published survey with one question of each kind: q[0] single choice (3 options),
    q[1] multiple choice (3 options), q[2] rating, q[3] free text (optional)."""
    survey = Survey.objects.create(
        title_vi="Khảo sát phụ huynh về bán trú",
        title_en="Parents' survey on school lunches",
        audience=audience,
        is_published=True,
        opens_at=timezone.now() - dt.timedelta(days=1),
        **fields,
    )
    kinds = [
        (QuestionKind.SINGLE_CHOICE, "Con ăn bán trú mấy ngày một tuần?", True),
        (QuestionKind.MULTIPLE_CHOICE, "Món nào con thích?", True),
        (QuestionKind.RATING, "Mức độ hài lòng về bữa ăn", True),
        (QuestionKind.FREE_TEXT, "Góp ý khác", False),
    ]
    for position, (kind, text, required) in enumerate(kinds, start=1):
        question = Question.objects.create(
            survey=survey, position=position, kind=kind, text_vi=text, required=required
        )
        if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            for i, label in enumerate(["Cơm", "Phở", "Bánh mì"], start=1):
                Option.objects.create(question=question, position=i, label_vi=label)
    return survey


def questions_of(survey):
    questions = list(survey.questions.order_by("position"))
    return questions, [list(q.options.order_by("position")) for q in questions]


@pytest.fixture
def survey(db):
    return build_survey()


@pytest.fixture
def staff_user(db):
    user = User.objects.create_user("khaosat", password="khao-sat-2026", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="surveys", codename__in=["view_survey", "change_survey"]
        )
    )
    return user


@pytest.fixture
def parent_user(db):
    return User.objects.create_user(
        "0912345678", password="mat-khau-2026", email="lan@example.vn", first_name="Lan"
    )
