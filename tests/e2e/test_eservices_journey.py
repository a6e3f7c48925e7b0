"""A citizen's full-process dossier in headless Chromium: find a procedure, submit with an
attachment, staff receive and ask for a supplement, the citizen supplies it, staff approve and
issue the result, the citizen downloads it. Every page passes axe-core (WCAG 2 A/AA)."""

import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from accounts.services import parent_register
from eservices.models import Dossier, Procedure

from .axe import axe_violations

pytestmark = pytest.mark.usefixtures("hcmc_data")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


@pytest.fixture
def catalogue(hcmc_data):
    call_command("load_eservices_catalogue", verbosity=0)


@pytest.fixture
def citizen(catalogue):
    return parent_register(full_name="Phạm Thị Hoa", password="mật-khẩu-dài-2026",
                           phone="0903123456", email="hoa@example.com")  # fmt: skip


@pytest.fixture
def officer(catalogue):
    user = User.objects.create_user("motcua", password="mot-cua-2026", is_staff=True)
    user.groups.add(Procedure.objects.get(code="1.005099").handler_group)
    return user


def log_in(page, url, username, password):
    page.goto(f"{url}/accounts/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def assert_accessible_and_uncut(page):
    assert axe_violations(page) == []
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], "the page scrolls sideways"


def test_citizen_dossier_from_catalogue_to_signed_result(
    live_server, browser, citizen, officer, tmp_path
):
    url = live_server.url
    context = browser.new_context(locale="vi-VN", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(20_000)
    # 1. The public catalogue: search, open the card.
    page.goto(f"{url}/dich-vu-cong/")
    assert_accessible_and_uncut(page)
    page.fill("#q", "chuyển trường")
    page.click("form[role=search] button")
    assert page.locator("li[data-code]").count() == 1
    page.click("li[data-code='1.005099'] a")
    assert page.locator("#procedure-code").inner_text() == "1.005099"
    assert "Không mất phí" in page.locator("#procedure-fee").inner_text()
    assert_accessible_and_uncut(page)
    # 2. Sign in, fill the form rendered from the schema; a wrong ID is refused next to its field.
    log_in(page, url, "0903123456", "mật-khẩu-dài-2026")
    page.goto(f"{url}/dich-vu-cong/thu-tuc/1.005099/nop/")
    page.fill("#id_student_full_name", "Nguyễn Minh Khang")
    page.fill("#id_student_dob", "2018-03-12")
    page.fill("#id_student_personal_id", "0792180001")
    page.fill("#id_current_school", "Trường Tiểu học Lê Văn Tám")
    page.select_option("#id_current_grade", "2")
    page.fill("#id_reason", "Gia đình chuyển nơi ở về xã Nhà Bè.")
    page.click("button[name=save]")
    assert "12 chữ số" in page.locator("#student_personal_id-errors").inner_text()
    assert_accessible_and_uncut(page)
    page.fill("#id_student_personal_id", "079218000123")
    page.click("button[name=save]")
    page.wait_for_url(re.compile(r"/dich-vu-cong/ho-so/[0-9a-f-]+/$"))
    # 3. Attach the record book (checked by content), submit.
    pdf = tmp_path / "hoc-ba.pdf"
    pdf.write_bytes(PDF)
    page.select_option("#id_document_code", "hoc_ba")
    page.set_input_files("#id_file", str(pdf))
    page.click("#attachment-form button[type=submit]")
    page.wait_for_selector("text=đã đính kèm")
    assert_accessible_and_uncut(page)
    page.click("#submit-dossier")
    page.wait_for_selector("#dossier-code")
    code = page.locator("#dossier-code").inner_text()
    assert re.fullmatch(r"000\.27\.79\.H29-\d{6}-\d{4}", code)
    assert page.locator("#dossier-status").get_attribute("data-status") == "submitted"
    dossier = Dossier.objects.get(code=code)

    # 4. Staff (desktop) receive, then ask for a supplement with a reason.
    staff_context = browser.new_context(locale="vi-VN", viewport=DESKTOP)
    staff = staff_context.new_page()
    staff.set_default_timeout(20_000)
    log_in(staff, url, "motcua", "mot-cua-2026")
    staff.goto(f"{url}/dich-vu-cong/can-bo/?status=submitted")
    assert staff.locator(f"tr[data-code='{code}']").count() == 1
    assert_accessible_and_uncut(staff)
    staff.click(f"tr[data-code='{code}'] a")
    for step, note in (("received", ""), ("in_review", ""),
                       ("supplement_requested", "Học bạ bị mờ trang 2, xin gửi lại.")):  # fmt: skip
        staff.select_option("#id_to", step)
        staff.fill("#id_note", note)
        staff.click("#staff-action button[type=submit]")
        staff.wait_for_selector(f"#staff-status[data-status='{step}']")
    assert_accessible_and_uncut(staff)

    # 5. The citizen reads the request and supplies the correction.
    page.goto(f"{url}/dich-vu-cong/ho-so/{dossier.uuid}/")
    assert "Học bạ bị mờ trang 2" in page.locator("#next-step").inner_text()
    page.click("#next-step a.btn")
    page.fill("#id_note", "Đã sửa lại thông tin.")
    page.click("button[name=supplement]")
    page.wait_for_selector("#dossier-status[data-status='in_review']")

    # 6. Staff approve and issue the result; the citizen downloads it.
    staff.reload()
    staff.select_option("#id_to", "approved")
    staff.click("#staff-action button[type=submit]")
    staff.wait_for_selector("#staff-status[data-status='approved']")
    result = tmp_path / "ket-qua.pdf"
    result.write_bytes(b"%PDF-1.7\n% ket qua chuyen truong\n%%EOF\n")
    staff.set_input_files("#id_file", str(result))
    staff.click("#result-form button[type=submit]")
    staff.wait_for_selector("#staff-status[data-status='result_issued']")
    page.goto(f"{url}/dich-vu-cong/ho-so/{dossier.uuid}/")
    with page.expect_download() as download:
        page.click("#result-link")
    assert download.value.path().read_bytes().startswith(b"%PDF-")
    history = page.locator("#history li").evaluate_all("els => els.map(e => e.dataset.to)")
    assert history == ["result_issued", "approved", "in_review", "supplement_requested",
                       "in_review", "received", "submitted", "draft"]  # fmt: skip
    assert_accessible_and_uncut(page)
    staff_context.close()
    context.close()
