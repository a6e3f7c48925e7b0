"""A citizen's full-process dossier in headless Chromium: find a fee-bearing procedure, submit
with an attachment, pay through the local VNPay sandbox, staff receive and ask for a
supplement, the citizen supplies it, staff approve and issue the signed result, the citizen
downloads it and sees the payment. Every page passes axe-core (WCAG 2 A/AA)."""

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


def test_citizen_dossier_with_a_fee_from_catalogue_to_signed_result(
    live_server, browser, citizen, officer, tmp_path, settings
):
    settings.VNPAY_API_URL = f"{live_server.url}/thanh-toan/sandbox/merchant_webapi/api/transaction"
    url = live_server.url
    context = browser.new_context(locale="vi-VN", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(20_000)
    # 1. The public catalogue: search, open the card of a fee-bearing procedure.
    page.goto(f"{url}/dich-vu-cong/")
    assert_accessible_and_uncut(page)
    page.fill("#q", "bán trú")
    page.click("form[role=search] button")
    assert page.locator("li[data-code]").count() == 1
    page.click("li[data-code='TH.BAN-TRU'] a")
    assert page.locator("#procedure-code").inner_text() == "TH.BAN-TRU"
    assert page.locator("#procedure-fee").inner_text().startswith("680.000 đ")
    assert_accessible_and_uncut(page)
    # 2. Sign in, fill the form rendered from the schema; a wrong month is refused next to it.
    log_in(page, url, "0903123456", "mật-khẩu-dài-2026")
    page.goto(f"{url}/dich-vu-cong/thu-tuc/TH.BAN-TRU/nop/")
    page.fill("#id_student_full_name", "Lê Gia Hân")
    page.fill("#id_class_name", "1A1")
    page.fill("#id_month", "13/2027")
    page.click("button[name=save]")
    assert "MM/YYYY" in page.locator("#month-errors").inner_text()
    assert_accessible_and_uncut(page)
    page.fill("#id_month", "01/2027")
    page.fill("#id_allergies", "Dị ứng tôm")
    page.click("button[name=save]")
    page.wait_for_url(re.compile(r"/dich-vu-cong/ho-so/[0-9a-f-]+/$"))
    # 3. Attach the allergy certificate (checked by content), submit: the fee is due.
    pdf = tmp_path / "giay-xac-nhan.pdf"
    pdf.write_bytes(PDF)
    page.select_option("#id_document_code", "xac_nhan_di_ung")
    page.set_input_files("#id_file", str(pdf))
    page.click("#attachment-form button[type=submit]")
    page.wait_for_selector("text=đã đính kèm")
    assert_accessible_and_uncut(page)
    page.click("#submit-dossier")
    page.wait_for_selector("#dossier-code")
    code = page.locator("#dossier-code").inner_text()
    assert re.fullmatch(r"000\.27\.79\.H29-\d{6}-\d{4}", code)
    assert page.locator("#dossier-status").get_attribute("data-status") == "awaiting_payment"
    dossier = Dossier.objects.get(code=code)

    # 4. Pay through the local VNPay sandbox: the IPN (server to server) makes it paid.
    page.click("#pay-fee")
    page.wait_for_url(re.compile(r"/thanh-toan/[0-9a-f-]+/$"))
    assert page.locator("#payment-amount").inner_text() == "680.000 đ"
    page.click("#pay-with-vnpay")
    page.wait_for_url(re.compile(r"/thanh-toan/sandbox/paymentv2/vpcpay\.html\?"))
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    page.wait_for_url(re.compile(r"/thanh-toan/vnpay/return/\?"))
    assert page.locator("#payment-status").get_attribute("data-status") == "paid"
    page.goto(f"{url}/dich-vu-cong/ho-so/{dossier.uuid}/")
    assert page.locator("#fee-status").get_attribute("data-paid") == "1"
    assert page.locator("#receipt-link").count() == 1
    assert_accessible_and_uncut(page)

    # 5. Staff (desktop) receive, then ask for a supplement with a reason.
    staff_context = browser.new_context(locale="vi-VN", viewport=DESKTOP)
    staff = staff_context.new_page()
    staff.set_default_timeout(20_000)
    log_in(staff, url, "motcua", "mot-cua-2026")
    staff.goto(f"{url}/dich-vu-cong/can-bo/?procedure=TH.BAN-TRU")
    assert staff.locator(f"tr[data-code='{code}']").count() == 1
    assert_accessible_and_uncut(staff)
    staff.click(f"tr[data-code='{code}'] a")
    for step, note in (("received", ""), ("in_review", ""),
                       ("supplement_requested", "Xin ghi rõ lớp 1A1 hay 1A2.")):  # fmt: skip
        staff.select_option("#id_to", step)
        staff.fill("#id_note", note)
        staff.click("#staff-action button[type=submit]")
        staff.wait_for_selector(f"#staff-status[data-status='{step}']")
    assert_accessible_and_uncut(staff)

    # 6. The citizen reads the request and supplies the correction.
    page.goto(f"{url}/dich-vu-cong/ho-so/{dossier.uuid}/")
    assert "Xin ghi rõ lớp 1A1 hay 1A2." in page.locator("#next-step").inner_text()
    page.click("#next-step a.btn")
    page.fill("#id_note", "Cháu học lớp 1A1.")
    page.click("button[name=supplement]")
    page.wait_for_selector("#dossier-status[data-status='in_review']")

    # 7. Staff approve; the result is drawn from the template, signed and issued.
    staff.reload()
    staff.select_option("#id_to", "approved")
    staff.click("#staff-action button[type=submit]")
    staff.wait_for_selector("#staff-status[data-status='approved']")
    staff.click("#issue-drawn-result")
    # Signing creates the local test CA on first use: slow on a loaded 2-core machine.
    staff.wait_for_selector("#staff-status[data-status='result_issued']", timeout=120_000)

    # 8. The citizen downloads the signed result and sees the payment.
    page.goto(f"{url}/dich-vu-cong/ho-so/{dossier.uuid}/")
    with page.expect_download() as download:
        page.click("#result-link")
    assert download.value.path().read_bytes().startswith(b"%PDF-")
    assert page.locator("#payments li[data-payment='paid']").count() == 1
    history = page.locator("#history li").evaluate_all("els => els.map(e => e.dataset.to)")
    assert history == [
        "result_issued", "approved", "in_review", "supplement_requested", "in_review",
        "received", "awaiting_payment", "submitted", "draft",
    ]  # fmt: skip
    assert_accessible_and_uncut(page)
    staff_context.close()
    context.close()
