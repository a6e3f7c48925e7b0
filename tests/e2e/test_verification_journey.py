"""Public verification in headless Chromium: a receipt is checked by its QR address, by its code
and by uploading the PDF; a modified copy is refused; staff revoke it and the page says so."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User

from documents.selectors import document_signed_bytes
from documents.services import receipt_issue
from tests.documents.signatures import flip_byte_inside_a_stream

from .axe import axe_violations

pytestmark = pytest.mark.usefixtures("hcmc_data")


@pytest.fixture
def receipt(hcmc_data):
    return receipt_issue(
        receipt_number="BL-2026-000321",
        payer_name="Phạm Thị Hoa",
        amount_vnd=Decimal(1_005),
        order_code="DVC-2026-000321",
        payment_reference="VNPAY-20261201-0001",
        paid_at=dt.datetime(2026, 12, 1, 1, 15, tzinfo=dt.UTC),
    )


def verdict(page) -> str:
    return page.locator("#verdict").get_attribute("data-verdict")


def test_citizen_verifies_by_qr_code_and_upload_staff_revoke(live_server, page, receipt, tmp_path):
    url = live_server.url
    # 1. The QR address printed on the receipt.
    page.goto(f"{url}/xac-thuc/{receipt.code}/")
    assert verdict(page) == "valid"
    assert page.locator("#signer").inner_text() == "Trường Tiểu học thử nghiệm"
    assert page.locator("#document-code").inner_text() == receipt.code
    assert "1.005 đồng" in page.locator(".facts").inner_text()
    assert "Phạm Thị Hoa" not in page.content()
    assert axe_violations(page) == []

    # 2. The code typed by hand, loosely (lower case, spaces instead of dashes).
    page.goto(f"{url}/xac-thuc/")
    assert axe_violations(page) == []
    page.fill("#id_code", receipt.code.lower().replace("-", " "))
    page.click("#code-form button[type=submit]")
    page.wait_for_url(re.compile(rf"/xac-thuc/{receipt.code}/$"))
    assert verdict(page) == "valid"

    # 3. A typo is a form error, not a lookup.
    page.goto(f"{url}/xac-thuc/")
    page.fill("#id_code", "ABCD-1234")
    page.click("#code-form button[type=submit]")
    assert "16" in page.locator("#id_code_error").inner_text()
    assert axe_violations(page) == []

    # 4. The downloaded PDF uploaded as is, then a copy with one byte changed.
    original = tmp_path / "bien-lai.pdf"
    original.write_bytes(document_signed_bytes(receipt))
    page.set_input_files("#id_pdf", str(original))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#verdict")
    assert verdict(page) == "valid"
    assert page.locator("#document-code").inner_text() == receipt.code
    changed = tmp_path / "bien-lai-sua.pdf"
    changed.write_bytes(flip_byte_inside_a_stream(original.read_bytes()))
    page.set_input_files("#id_pdf", str(changed))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#verdict[data-verdict='invalid']")
    assert page.locator("#signature-outcome").get_attribute("data-outcome") == "invalid"
    assert axe_violations(page) == []

    # 5. Staff revoke it with a reason; the QR address now says revoked.
    archivist = User.objects.create_user("vanthu", password="van-thu-2026", is_staff=True)
    archivist.user_permissions.add(Permission.objects.get(codename="revoke_issueddocument"))
    page.goto(f"{url}/accounts/dang-nhap/?next=/xac-thuc/{receipt.code}/")
    page.fill("#id_username", "vanthu")
    page.fill("#id_password", "van-thu-2026")
    page.click("main button[type=submit]")
    page.wait_for_selector("#revoke-form")
    page.fill("#id_reason", "Cấp nhầm số tiền")
    page.click("#revoke-form button[type=submit]")
    page.wait_for_selector("#verdict[data-verdict='revoked']")
    assert "Cấp nhầm số tiền" in page.locator("#verdict").inner_text()
    assert page.locator("#document-status").get_attribute("data-status") == "revoked"
    assert axe_violations(page) == []


@pytest.mark.parametrize("viewport", [(1280, 720), (1366, 768)])
def test_verification_page_fits_wide_screens(live_server, browser, receipt, viewport):
    width, height = viewport
    context = browser.new_context(locale="en-US", viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(f"{live_server.url}/xac-thuc/{receipt.code}/")
    assert "Valid: signed by the school and in force" in page.locator("#verdict").inner_text()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert axe_violations(page) == []
    context.close()
