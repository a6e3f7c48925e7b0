"""The KPI pages in headless Chromium: the public summary on a phone and the staff dashboard on
a laptop screen show a closed dossier's satisfaction answer; axe-core finds 0 WCAG 2 A/AA
violations on both."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from eservices.constants import Channel, DossierStatus, ServiceLevel
from eservices.models import Dossier, Procedure, ProcedureVersion
from surveys.models import Response
from surveys.services import satisfaction_survey_link
from tests.e2e.axe import axe_violations

pytestmark = pytest.mark.usefixtures("hcmc_data")


@pytest.fixture
def closed_dossier(transactional_db):
    now = timezone.now()
    procedure = Procedure.objects.create(code="TH.XAC-NHAN-E2E")
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        name_vi="Cấp giấy xác nhận đang học",
        name_en="Certificate of enrolment",
        legal_basis="Thông tư 28/2020/TT-BGDĐT",
        deadline_working_days=3,
        level=ServiceLevel.FULL,
    )
    applicant = User.objects.create_user("0903123456", password="x")
    return Dossier.objects.create(
        code="000.27.79.H29-261201-0001",
        procedure_version=version,
        applicant=applicant,
        channel=Channel.ONLINE,
        status=DossierStatus.CLOSED,
        contact_phone="0903123456",
        submitted_at=now - dt.timedelta(days=2),
        decided_at=now - dt.timedelta(days=1),
        closed_at=now,
        due_date=timezone.localdate() + dt.timedelta(days=1),
    )


@pytest.fixture
def kpi_staff(transactional_db):
    user = User.objects.create_user("lanhdao", password="lanh-dao-2026", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_dashboard"))
    return user


def test_satisfaction_answer_reaches_the_public_summary_and_the_staff_dashboard(
    live_server, page, browser, closed_dossier, kpi_staff
):
    link = satisfaction_survey_link(subject_ref=closed_dossier.code, user=closed_dossier.applicant)
    page.goto(f"{live_server.url}{link}")
    page.locator("fieldset.rating label.choice").nth(4).click()  # 5 – Rất hài lòng
    for question in page.locator("fieldset.single_choice").all():
        question.locator("label.choice").first.click()
    page.click("#survey-submit")
    page.wait_for_selector("#survey-notice")
    assert Response.objects.get().subject_ref == closed_dossier.code

    page.goto(f"{live_server.url}/chi-so/")
    satisfied = page.locator("#kpi-satisfied")
    assert (satisfied.get_attribute("data-part"), satisfied.get_attribute("data-whole")) == (
        "1",
        "1",
    )
    online = page.locator("#kpi-online")
    assert (online.get_attribute("data-part"), online.get_attribute("data-whole")) == ("1", "1")
    assert "100,0 %" in satisfied.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []

    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 768})
    staff = context.new_page()
    staff.goto(f"{live_server.url}/accounts/dang-nhap/?next=/chi-so/quan-ly/")
    staff.fill("#id_username", "lanhdao")
    staff.fill("#id_password", "lanh-dao-2026")
    staff.click("button[type=submit]")
    staff.wait_for_selector("#kpi-procedures")
    row = staff.locator("#kpi-procedures tr[data-code='TH.XAC-NHAN-E2E']")
    assert "Cấp giấy xác nhận đang học" in row.inner_text()
    on_time = row.locator("td").nth(1)
    assert (on_time.get_attribute("data-part"), on_time.get_attribute("data-whole")) == ("1", "1")
    assert "quá ít" in row.locator("td").nth(2).inner_text()  # one rating: not shown on its row
    assert staff.evaluate("document.documentElement.scrollWidth") <= 1366
    assert axe_violations(staff) == []
    context.close()
