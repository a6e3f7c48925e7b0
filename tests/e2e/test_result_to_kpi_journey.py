"""Issue #10's whole journey in headless Chromium, one dossier from end to end: the citizen
submits a request, staff approve it and issue the signed result, the citizen downloads it,
verifies it on /xac-thuc/ by the address its QR code encodes and by uploading the file, staff
close the dossier, the citizen follows the survey link of the closing notification and answers,
and the KPI pages (public, staff) and GET /api/v1/kpi/ then count that answer. Staff also record
a paper dossier handed in at the counter: the denominator of the online share.

No QR decoder is installed, so the QR is read from the PDF itself: its dark modules are the
vector squares drawn on the page, rebuilt into a module matrix and compared with segno's encoding
of the verification address of the result's document code (the address printed beside the QR).
Every page visited passes axe-core (WCAG 2 A/AA) and fits without sideways scrolling at 390×844
and at 1366×768."""

import io
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import segno
from django.contrib.auth.models import Permission, User
from django.core import mail
from django.core.management import call_command
from pyhanko.pdf_utils.reader import PdfFileReader

from accounts.services import parent_register
from eservices.constants import DossierStatus
from eservices.models import Dossier, DossierNotification, Procedure
from surveys.constants import OVERALL_QUESTION_KEY
from surveys.devices import device_token_new
from surveys.models import Response
from surveys.services import response_submit, satisfaction_survey_ensure
from tests.documents.signatures import generated_ca_root, pyhanko_status

from .axe import axe_violations

pytestmark = pytest.mark.usefixtures("hcmc_data")

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
PROCEDURE = "TH.XAC-NHAN"  # free, full process, result drawn from "confirmation of study"


def qr_matrix_in_pdf(pdf: bytes, page_index: int = 0) -> list[list[bool]]:
    """The QR drawn on a page, read back from its content stream: every filled square of the
    module size becomes one dark module at its grid position."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    page = reader.root["/Pages"]["/Kids"][page_index]
    contents = page["/Contents"]
    parts = contents if isinstance(contents, list) else [contents]
    stream = b"\n".join(part.get_object().data for part in parts).decode("latin-1")
    squares = [
        tuple(float(v) for v in m.groups())
        for m in re.finditer(r"([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) re f\*?", stream)
        if abs(float(m.group(3)) - float(m.group(4))) < 1e-3 and float(m.group(3)) < 5
    ]
    assert squares, "no QR modules drawn on the page"
    module = squares[0][2]
    left = min(x for x, _y, _w, _h in squares)
    top = max(y for _x, y, _w, _h in squares)
    cells = {(round((top - y) / module), round((x - left) / module)) for x, y, _w, _h in squares}
    size = max(max(r, c) for r, c in cells) + 1
    return [[(r, c) in cells for c in range(size)] for r in range(size)]


def qr_matrix_of(url: str) -> list[list[bool]]:
    return [[bool(v) for v in row] for row in segno.make_qr(url, error="m").matrix]


def log_in(page, url, username, password, next_url=""):
    page.goto(f"{url}/accounts/dang-nhap/" + (f"?next={next_url}" if next_url else ""))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def assert_accessible_both_sizes(page):
    """axe-core finds nothing and nothing scrolls sideways, on a phone and on a laptop screen."""
    original = page.viewport_size
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        assert axe_violations(page) == [], (page.url, size)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= size["width"], f"{page.url} scrolls sideways at {size['width']} px"
    page.set_viewport_size(original)


@pytest.fixture
def people(hcmc_data):
    call_command("load_eservices_catalogue", verbosity=0)
    parent_register(full_name="Phạm Thị Hoa", password="mật-khẩu-dài-2026",
                    phone="0903123456", email="hoa@example.com")  # fmt: skip
    officer = User.objects.create_user("vanthu", password="van-thu-2026", is_staff=True)
    officer.groups.add(Procedure.objects.get(code=PROCEDURE).handler_group)
    leader = User.objects.create_user("lanhdao", password="lanh-dao-2026", is_staff=True)
    leader.user_permissions.add(Permission.objects.get(codename="view_dashboard"))


@pytest.fixture
def earlier_rating(people):
    """One dissatisfied answer (2 of 5) already in: the journey's answer must move the figures."""
    survey = satisfaction_survey_ensure()
    overall = survey.questions.get(key=OVERALL_QUESTION_KEY)
    required = survey.questions.filter(required=True).exclude(pk=overall.pk)
    answers = {q.pk: q.options.order_by("position").first().pk for q in required}
    response_submit(survey=survey, answers={overall.pk: 2, **answers}, user=None,
                    device_token=device_token_new(), subject_ref="")  # fmt: skip


def satisfied_card(page) -> tuple[str, str]:
    card = page.locator("#kpi-satisfied")
    return card.get_attribute("data-part"), card.get_attribute("data-whole")


def test_approved_dossier_signed_result_verified_by_qr_and_upload_then_survey_reaches_kpi(
    live_server, browser, earlier_rating, tmp_path, settings
):
    url = live_server.url
    # The QR and the notifications carry the portal's public address: here, the live server.
    settings.SITE_URL = url
    mail.outbox = []

    # 0. Before: the KPI summary counts only the earlier dissatisfied answer.
    citizen_context = browser.new_context(locale="vi-VN", viewport=PHONE)
    page = citizen_context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{url}/chi-so/")
    assert satisfied_card(page) == ("0", "1")
    assert_accessible_both_sizes(page)

    # 1. The citizen asks for a confirmation of study online.
    log_in(page, url, "0903123456", "mật-khẩu-dài-2026")
    page.goto(f"{url}/dich-vu-cong/thu-tuc/{PROCEDURE}/nop/")
    assert_accessible_both_sizes(page)
    page.fill("#id_student_full_name", "Lê Gia Hân")
    page.fill("#id_student_dob", "2019-05-14")
    page.fill("#id_class_name", "2A1")
    page.fill("#id_purpose", "Bổ sung hồ sơ nhận trợ cấp")
    page.click("button[name=save]")
    page.wait_for_url(re.compile(r"/dich-vu-cong/ho-so/[0-9a-f-]+/$"))
    page.click("#submit-dossier")
    page.wait_for_selector("#dossier-code")
    code = page.locator("#dossier-code").inner_text()
    dossier = Dossier.objects.get(code=code)
    assert dossier.status == DossierStatus.SUBMITTED
    assert_accessible_both_sizes(page)

    # 2. Staff (laptop) receive, review and approve; the result is drawn, signed and issued.
    staff_context = browser.new_context(locale="vi-VN", viewport=DESKTOP)
    staff = staff_context.new_page()
    staff.set_default_timeout(20_000)
    log_in(staff, url, "vanthu", "van-thu-2026")
    staff.goto(f"{url}/dich-vu-cong/can-bo/?procedure={PROCEDURE}")
    assert staff.locator(f"tr[data-code='{code}']").count() == 1
    assert_accessible_both_sizes(staff)
    # A paper dossier handed in at the counter is recorded too: the online share's denominator.
    staff.click("#record-counter")
    staff.wait_for_selector("#counter-form")
    assert_accessible_both_sizes(staff)
    staff.select_option("#id_procedure", PROCEDURE)
    staff.fill("#id_contact_phone", "0938765432")
    staff.click("#counter-form button[type=submit]")
    staff.wait_for_selector("#staff-status[data-status='received']")
    assert Dossier.objects.filter(channel="counter").count() == 1
    staff.goto(f"{url}/dich-vu-cong/can-bo/?procedure={PROCEDURE}")
    staff.click(f"tr[data-code='{code}'] a")
    for step in ("received", "in_review", "approved"):
        staff.select_option("#id_to", step)
        staff.click("#staff-action button[type=submit]")
        staff.wait_for_selector(f"#staff-status[data-status='{step}']")
    assert_accessible_both_sizes(staff)
    staff.click("#issue-drawn-result")
    # Signing creates the local test CA on first use: slow on a loaded 2-core machine.
    staff.wait_for_selector("#staff-status[data-status='result_issued']", timeout=120_000)
    assert_accessible_both_sizes(staff)

    # 3. The citizen downloads the signed result: pyHanko finds it intact and trusted by the CA.
    page.goto(f"{url}/dich-vu-cong/ho-so/{dossier.uuid}/")
    assert page.locator("#dossier-status").get_attribute("data-status") == "result_issued"
    assert_accessible_both_sizes(page)
    with page.expect_download() as download:
        page.click("#result-link")
    result = tmp_path / "ket-qua.pdf"
    download.value.save_as(result)
    pdf = result.read_bytes()
    # pyHanko runs its own event loop: outside Playwright's, in a thread.
    with ThreadPoolExecutor(1) as pool:
        status = pool.submit(pyhanko_status, pdf, generated_ca_root()).result()
    assert (status.intact, status.valid, status.trusted) == (True, True, True)
    dossier.refresh_from_db()
    document_code = dossier.result_document_code
    assert document_code

    # 4. The QR on the result encodes the verification address of its document code.
    qr_url = f"{url}/xac-thuc/{document_code}/"
    assert qr_matrix_in_pdf(pdf) == qr_matrix_of(qr_url)
    assert qr_matrix_in_pdf(pdf) != qr_matrix_of(f"{url}/xac-thuc/{'A' * 4}-{document_code[5:]}/")
    page.goto(qr_url)  # what a phone's camera opens
    assert page.locator("#verdict").get_attribute("data-verdict") == "valid"
    assert page.locator("#document-code").inner_text() == document_code
    assert page.locator("#document-status").get_attribute("data-status") == "valid"
    assert "Lê Gia Hân" not in page.content()  # the page shows no more than the document
    assert_accessible_both_sizes(page)

    # 5. ... and by uploading the downloaded file.
    page.goto(f"{url}/xac-thuc/")
    assert_accessible_both_sizes(page)
    page.set_input_files("#id_pdf", str(result))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#verdict")
    assert page.locator("#verdict").get_attribute("data-verdict") == "valid"
    assert page.locator("#document-code").inner_text() == document_code
    assert_accessible_both_sizes(page)

    # 6. Staff close the dossier: the closing notification carries the survey link.
    staff.select_option("#id_to", "closed")
    staff.click("#staff-action button[type=submit]")
    staff.wait_for_selector("#staff-status[data-status='closed']")
    assert_accessible_both_sizes(staff)
    closing = [m for m in mail.outbox if m.to == ["hoa@example.com"] and "khao-sat" in m.body]
    assert len(closing) == 1
    assert DossierNotification.objects.filter(dossier=dossier, channel="email",
                                              body=closing[0].body).exists()  # fmt: skip
    survey_link = re.search(rf"{re.escape(url)}/khao-sat/\S+", closing[0].body).group(0)

    # 7. The citizen follows the link and answers: very satisfied.
    page.goto(survey_link)
    assert page.locator("h1").inner_text() == "Khảo sát mức độ hài lòng về dịch vụ công trực tuyến"
    assert_accessible_both_sizes(page)
    page.locator("fieldset.rating label.choice").nth(4).click()  # 5 – Rất hài lòng
    for question in page.locator("fieldset.single_choice").all():
        question.locator("label.choice").first.click()
    page.click("#survey-submit")
    page.wait_for_selector("#survey-notice")
    assert "Xin cảm ơn" in page.locator("#survey-notice").inner_text()
    assert_accessible_both_sizes(page)
    answer = Response.objects.get(subject_ref=code)
    assert answer.respondent_id is None  # anonymous survey: no account link
    page.goto(survey_link)
    assert "đã trả lời" in page.locator("#survey-notice").inner_text()  # one answer per person

    # 8. The public summary now counts it: 1 satisfied of 2, mean (2 + 5) / 2.
    page.goto(f"{url}/chi-so/")
    assert satisfied_card(page) == ("1", "2")
    satisfied = page.locator("#kpi-satisfied").inner_text()
    assert "50,0 %" in satisfied and "3,50" in satisfied
    online = page.locator("#kpi-online")  # the online dossier and the counter one
    assert (online.get_attribute("data-part"), online.get_attribute("data-whole")) == ("1", "2")
    assert_accessible_both_sizes(page)
    api = page.request.get(f"{url}/api/v1/kpi/").json()
    assert api["total"]["satisfied"]["part"] == 1 and api["total"]["satisfied"]["whole"] == 2
    assert api["total"]["satisfaction"]["mean"] == 3.5
    assert {d["rating"]: d["count"] for d in api["total"]["satisfaction"]["distribution"]}[5] == 1

    # 9. The staff dashboard shows the same, and the dossier on its procedure's row.
    staff_context.close()
    leader_context = browser.new_context(locale="vi-VN", viewport=DESKTOP)
    leader = leader_context.new_page()
    log_in(leader, url, "lanhdao", "lanh-dao-2026", next_url="/chi-so/quan-ly/")
    leader.wait_for_selector("#kpi-procedures")
    assert satisfied_card(leader) == ("1", "2")
    row = leader.locator(f"#kpi-procedures tr[data-code='{PROCEDURE}']")
    on_time = row.locator("td").nth(1)
    assert (on_time.get_attribute("data-part"), on_time.get_attribute("data-whole")) == ("1", "1")
    assert_accessible_both_sizes(leader)
    leader_context.close()
    citizen_context.close()
