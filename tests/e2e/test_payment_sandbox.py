"""A payer pays through the local VNPay sandbox in headless Chromium; the payment page, the
sandbox gateway page and the return page pass axe-core (WCAG 2 A/AA) with no violation."""

import re
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.test import Client

from eservices.payments.constants import PaymentStatus
from eservices.payments.models import Payment
from eservices.payments.services import payment_start

from .axe import axe_violations


@pytest.fixture
def payment(transactional_db):
    payer = User.objects.create_user("phuhuynh-e2e", password="mat-khau-dai-2026")
    return payment_start(
        purpose="e2e-fee",
        purpose_ref="e2e-1",
        order_code="DK-261201-0101",
        payer=payer,
        amount=Decimal(1250000),
        description="Tiền ăn bán trú tháng 12/2026",
    )


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def assert_accessible_and_uncut(page):
    assert axe_violations(page) == []
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], "the page scrolls sideways"


def test_payer_pays_in_the_sandbox(live_server, page, payment, settings):
    settings.VNPAY_API_URL = f"{live_server.url}/thanh-toan/sandbox/merchant_webapi/api/transaction"
    log_in(page, live_server, payment.payer)

    page.goto(f"{live_server.url}/thanh-toan/{payment.uuid}/")
    assert page.locator("#payment-amount").inner_text() == "1.250.000 đ"
    assert page.locator("#payment-status").get_attribute("data-status") == "pending"
    assert page.locator("#transfer-memo").inner_text() == "DK-261201-0101"
    page.wait_for_function("document.querySelector('#vietqr-image').naturalWidth > 0")
    assert_accessible_and_uncut(page)

    page.click("#pay-with-vnpay")
    page.wait_for_url(re.compile(r"/thanh-toan/sandbox/paymentv2/vpcpay\.html\?"))
    assert page.locator("#sandbox-amount").inner_text() == "1.250.000 đ"
    assert page.locator("#sandbox-order-info").inner_text() == "Thanh toan DK-261201-0101"
    assert_accessible_and_uncut(page)

    page.get_by_role("button", name="Thanh toán", exact=True).click()
    page.wait_for_url(re.compile(r"/thanh-toan/vnpay/return/\?"))
    assert page.locator("#return-result").get_attribute("data-gateway-success") == "1"
    assert page.locator("#payment-status").get_attribute("data-status") == "paid"
    assert_accessible_and_uncut(page)

    paid = Payment.objects.get(pk=payment.pk)
    assert paid.status == PaymentStatus.PAID
    assert paid.channel == "vnpay"
