"""Surveys in headless Chromium on a phone: the satisfaction survey from a dossier's link
(per-question errors, answer, thanks, no second answer), then the staff results page with its
charts. Every page passes axe-core WCAG 2 A/AA with 0 violations."""

import pytest
from django.contrib.auth.models import Permission, User

from surveys.models import Response
from surveys.services import satisfaction_survey_link
from tests.e2e.axe import axe_violations

pytestmark = pytest.mark.usefixtures("hcmc_data")


@pytest.fixture
def survey_staff(transactional_db):
    user = User.objects.create_user("khaosat", password="khao-sat-2026", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename="view_survey"))
    return user


def test_citizen_answers_the_satisfaction_survey_and_staff_see_the_results(
    live_server, page, browser, survey_staff
):
    link = satisfaction_survey_link(subject_ref="DOS-2026-000123", user=None)
    page.goto(f"{live_server.url}{link}")
    assert page.locator("h1").inner_text() == "Khảo sát mức độ hài lòng về dịch vụ công trực tuyến"
    assert axe_violations(page) == []
    # The page fits a phone: nothing wider than the viewport.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # Sending nothing names each required question, in Vietnamese.
    page.click("#survey-submit")
    page.wait_for_selector("#error-summary")
    errors = page.locator("fieldset.invalid legend").all_inner_texts()
    assert len(errors) == 3 and errors[0].startswith("Nhìn chung")
    assert "Vui lòng" in page.locator("#error-summary").inner_text()
    assert axe_violations(page) == []

    page.locator("fieldset.rating label.choice").nth(3).click()  # 4 – Hài lòng
    page.locator("fieldset.single_choice").nth(0).locator("label.choice").nth(1).click()
    page.locator("fieldset.single_choice").nth(1).locator("label.choice").nth(0).click()
    page.locator("fieldset.multiple_choice label.choice").nth(2).click()
    page.locator("fieldset.multiple_choice label.choice").nth(4).click()
    page.fill("textarea", "Thủ tục nhanh, cán bộ nhiệt tình.")
    page.click("#survey-submit")
    page.wait_for_selector("#survey-notice")
    assert "Xin cảm ơn" in page.locator("#survey-notice").inner_text()
    assert axe_violations(page) == []

    response = Response.objects.get()
    assert (response.subject_ref, response.respondent_id) == ("DOS-2026-000123", None)
    assert sorted(response.answers.values_list("rating", flat=True).exclude(rating=None)) == [4]
    assert response.answers.exclude(option=None).count() == 4

    page.goto(f"{live_server.url}{link}")
    assert "đã trả lời" in page.locator("#survey-notice").inner_text()

    staff_context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    staff = staff_context.new_page()
    staff.goto(f"{live_server.url}/accounts/dang-nhap/?next=/khao-sat/quan-ly/")
    staff.fill("#id_username", "khaosat")
    staff.fill("#id_password", "khao-sat-2026")
    staff.click("button[type=submit]")
    staff.wait_for_selector("#survey-list")
    assert axe_violations(staff) == []
    staff.click("#survey-list a")
    staff.wait_for_selector("#response-count")
    assert staff.locator("#response-count").get_attribute("data-count") == "1"
    rating = staff.locator("section[data-kind='rating']")
    assert rating.locator(".rating-mean").inner_text() == "4,00"
    assert rating.locator(".rating-satisfied").inner_text() == "100,0 %"
    bars = rating.locator(".bar-value").evaluate_all("els => els.map(e => e.dataset.value)")
    assert bars == ["0", "0", "0", "1", "0"]
    assert "cán bộ nhiệt tình" in staff.locator(".free-texts").inner_text()
    assert staff.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(staff) == []
    staff_context.close()
