"""The answer page (per-question errors, device cookie, rate limit) and the staff result pages
(figures match the answers, CSV/XLSX exports with formula-like cells neutralised)."""

import csv
import io
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from surveys import services
from surveys.constants import Audience
from surveys.devices import DEVICE_COOKIE, device_token_new
from surveys.models import Answer, Response, Survey
from tests.surveys.conftest import build_survey, questions_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def answer_url(survey):
    return reverse("surveys:answer", kwargs={"uuid": survey.uuid})


def post_data(survey, *, single=0, multiple=(1,), rating="5", text=""):
    questions, options = questions_of(survey)
    return {
        f"q_{questions[0].pk}": str(options[0][single].pk),
        f"q_{questions[1].pk}": [str(options[1][i].pk) for i in multiple],
        f"q_{questions[2].pk}": rating,
        f"q_{questions[3].pk}": text,
    }


def test_page_gives_the_device_a_token_and_lists_the_questions(client, survey):
    page = client.get(answer_url(survey))
    assert page.status_code == 200
    assert len(page.cookies[DEVICE_COOKIE].value) >= 32
    assert page.cookies[DEVICE_COOKIE]["httponly"]
    html = page.content.decode()
    for question in survey.questions.all():
        assert f'id="q_{question.pk}"' in html
    assert "Khảo sát phụ huynh về bán trú" in html


def test_missing_answers_are_named_per_question_and_nothing_is_stored(client, survey):
    client.get(answer_url(survey))
    questions, _ = questions_of(survey)
    data = post_data(survey)
    del data[f"q_{questions[1].pk}"]
    data[f"q_{questions[2].pk}"] = "9"
    page = client.post(answer_url(survey), data)
    assert page.status_code == 400
    html = page.content.decode()
    assert f'id="q_{questions[1].pk}-error"' in html
    assert f'id="q_{questions[2].pk}-error"' in html
    assert f'id="q_{questions[0].pk}-error"' not in html
    assert 'id="error-summary"' in html
    assert not Response.objects.exists()


def test_answer_then_thanks_then_already_answered_on_the_same_device(client, survey):
    client.get(answer_url(survey))
    done = client.post(answer_url(survey), post_data(survey, text="Ngon"))
    assert done.status_code == 302
    assert done["Location"] == reverse("surveys:thanks", kwargs={"uuid": survey.uuid})
    assert Response.objects.filter(survey=survey).count() == 1
    again = client.get(answer_url(survey))
    assert 'id="survey-notice"' in again.content.decode()
    assert "đã trả lời" in again.content.decode()
    twice = client.post(answer_url(survey), post_data(survey))
    assert twice.status_code == 200 and Response.objects.count() == 1


def test_answers_from_one_address_are_rate_limited(client, survey, settings):
    settings.SURVEY_RATE_LIMIT = 2
    for _ in range(2):
        client.cookies.pop(DEVICE_COOKIE, None)  # a new device each time, same address
        assert client.post(answer_url(survey), post_data(survey)).status_code == 302
    client.cookies.pop(DEVICE_COOKIE, None)
    refused = client.post(answer_url(survey), post_data(survey))
    assert refused.status_code == 429
    assert Response.objects.count() == 2


def test_a_tampered_subject_link_is_refused(client):
    url = services.satisfaction_survey_link(subject_ref="DOS-2026-000001", user=None)
    assert client.get(url).status_code == 200
    assert client.get(url[:-3] + "abc").status_code == 400


def answer_three_times(survey):
    """Three sheets with known answers: single 0,0,2; multiple {0,1},{1},{1,2}; rating 5,4,2."""
    questions, options = questions_of(survey)
    sheets = [
        (0, [0, 1], 5, "Thêm trái cây"),
        (0, [1], 4, '=HYPERLINK("http://x","y")'),
        (2, [1, 2], 2, ""),
    ]
    for single, multiple, rating, text in sheets:
        services.response_submit(
            survey=survey,
            answers={
                questions[0].pk: options[0][single].pk,
                questions[1].pk: [options[1][i].pk for i in multiple],
                questions[2].pk: rating,
                questions[3].pk: text,
            },
            user=AnonymousUser(),
            device_token=device_token_new(),
        )


def bar_values(html: str, question_id: int) -> list[str]:
    section = html.split(f'id="result-{question_id}"')[1].split("</section>")[0]
    return re.findall(r'data-value="([^"]+)"', section)


def test_results_page_matches_the_answers(client, survey, staff_user):
    answer_three_times(survey)
    client.force_login(staff_user)
    page = client.get(reverse("surveys:staff-results", kwargs={"uuid": survey.uuid}))
    assert page.status_code == 200
    html = page.content.decode()
    questions, _ = questions_of(survey)
    assert 'data-count="3"' in html
    assert bar_values(html, questions[0].pk) == ["2", "0", "1"]
    assert bar_values(html, questions[1].pk) == ["1", "3", "1"]
    assert bar_values(html, questions[2].pk) == ["0", "1", "0", "1", "1"]
    rating = html.split(f'id="result-{questions[2].pk}"')[1]
    assert re.search(r'class="rating-mean">3,67<', rating)  # (5+4+2)/3, Vietnamese decimal comma
    assert re.search(r'class="rating-satisfied">66,7 %<', rating)
    texts = html.split(f'id="result-{questions[3].pk}"')[1].split("</section>")[0]
    assert "Thêm trái cây" in texts and "=HYPERLINK" in texts


def test_staff_pages_need_the_permission(client, survey, parent_user):
    url = reverse("surveys:staff-results", kwargs={"uuid": survey.uuid})
    assert client.get(url).status_code == 302
    client.force_login(parent_user)
    assert client.get(url).status_code == 403
    export = reverse("surveys:staff-export", kwargs={"uuid": survey.uuid, "fmt": "csv"})
    assert client.get(export).status_code == 403


def test_csv_and_xlsx_exports_hold_every_sheet_with_formulas_neutralised(
    client, survey, staff_user
):
    answer_three_times(survey)
    client.force_login(staff_user)
    kwargs = {"uuid": survey.uuid}
    csv_bytes = client.get(reverse("surveys:staff-export", kwargs={**kwargs, "fmt": "csv"}))
    rows = list(csv.reader(io.StringIO(csv_bytes.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["answer_sheet", "submitted_at", "language"]
    assert rows[0][3:] == [
        "1. Con ăn bán trú mấy ngày một tuần?",
        "2. Món nào con thích?",
        "3. Mức độ hài lòng về bữa ăn",
        "4. Góp ý khác",
    ]
    body = [r[3:] for r in rows[1:]]
    assert body == [
        ["Cơm", "Cơm; Phở", "5", "Thêm trái cây"],
        ["Cơm", "Phở", "4", '\'=HYPERLINK("http://x","y")'],
        ["Bánh mì", "Phở; Bánh mì", "2", ""],
    ]
    xlsx = client.get(reverse("surveys:staff-export", kwargs={**kwargs, "fmt": "xlsx"}))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [
        [c if c is not None else "" for c in r[3:]] for r in sheet.iter_rows(values_only=True)
    ]
    assert values[1:] == [[a, b, int(c), d] for a, b, c, d in body]
    assert (
        client.get(reverse("surveys:staff-export", kwargs={**kwargs, "fmt": "pdf"})).status_code
        == 404
    )
    assert (
        Answer.objects.filter(response__survey=survey).count() == 3 + 5 + 3 + 2
    )  # single, multiple, rating, non-empty texts


def test_the_admin_builds_a_survey_with_questions_and_options(admin_client, survey):
    assert admin_client.get(reverse("admin:surveys_survey_add")).status_code == 200
    change = admin_client.get(reverse("admin:surveys_survey_change", args=[survey.pk]))
    assert change.status_code == 200 and "Món nào con thích?" in change.content.decode()
    question = survey.questions.get(position=2)
    page = admin_client.get(reverse("admin:surveys_question_change", args=[question.pk]))
    assert page.status_code == 200 and "Bánh mì" in page.content.decode()
    listing = admin_client.get(reverse("admin:surveys_survey_changelist")).content.decode()
    assert reverse("surveys:staff-results", kwargs={"uuid": survey.uuid}) in listing


def test_an_anonymous_answer_about_a_dossier_never_shows_its_code_to_staff(client, staff_user):
    url = services.satisfaction_survey_link(subject_ref="DOS-2026-000777", user=None)
    client.get(url)
    survey = services.satisfaction_survey_ensure()
    data = {}
    for question in survey.questions.all():
        if question.kind == "rating":
            data[f"q_{question.pk}"] = "2"
        elif question.required:
            data[f"q_{question.pk}"] = str(question.options.first().pk)
    assert client.post(url, data).status_code == 302
    assert Response.objects.get(survey=survey).subject_ref == "DOS-2026-000777"
    client.force_login(staff_user)
    kwargs = {"uuid": survey.uuid}
    pages = [
        client.get(reverse("surveys:staff-results", kwargs=kwargs)).content,
        client.get(reverse("surveys:staff-export", kwargs={**kwargs, "fmt": "csv"})).content,
    ]
    assert all(b"DOS-2026-000777" not in page for page in pages)
    assert b"2 \xe2\x80\x93 Kh\xc3\xb4ng h\xc3\xa0i l\xc3\xb2ng" in pages[0]  # "2 – Không hài lòng"


def test_the_admin_refuses_a_survey_that_closes_before_it_opens(admin_client):
    data = {
        "title_vi": "Khảo sát thử",
        "title_en": "",
        "intro_vi": "",
        "intro_en": "",
        "code": "",
        "audience": "anonymous",
        "is_published": "on",
        "opens_at_0": "2026-12-01",
        "opens_at_1": "08:00:00",
        "closes_at_0": "2026-11-30",
        "closes_at_1": "08:00:00",
        "questions-TOTAL_FORMS": "0",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    page = admin_client.post(reverse("admin:surveys_survey_add"), data)
    assert page.status_code == 200
    assert "Khảo sát phải đóng sau khi mở." in page.content.decode()
    assert not Survey.objects.filter(title_vi="Khảo sát thử").exists()


def test_a_signed_in_survey_sends_a_visitor_to_log_in_then_keeps_one_answer(client, parent_user):
    survey = build_survey(audience=Audience.SIGNED_IN)
    first = client.get(answer_url(survey))
    assert first.status_code == 302 and first["Location"].startswith(reverse("login"))
    client.force_login(parent_user)
    assert client.post(answer_url(survey), post_data(survey)).status_code == 302
    client.cookies.pop(DEVICE_COOKIE, None)  # another browser of the same person
    assert "đã trả lời" in client.get(answer_url(survey)).content.decode()
    assert Response.objects.get(survey=survey).respondent == parent_user
