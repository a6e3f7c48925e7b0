"""The whole VNPay flow against the local sandbox gateway over real HTTP (live server): the
sandbox's signed IPN, a lost IPN caught up by querydr, full and partial refunds."""

import html
import re
from decimal import Decimal

import httpx
import pytest

from eservices.payments.constants import PaymentStatus, RefundStatus
from eservices.payments.exceptions import InvalidAmount, RefundNotAllowed
from eservices.payments.models import PaymentEvent, SandboxTransaction
from eservices.payments.services import (
    payment_checkout,
    payment_refund,
    payments_reconcile_pending,
)
from portal.core.exceptions import InvalidInput

pytestmark = pytest.mark.django_db(transaction=True)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


@pytest.fixture
def gateway(live_server, settings):
    settings.VNPAY_API_URL = f"{live_server.url}/thanh-toan/sandbox/merchant_webapi/api/transaction"
    settings.PAYMENT_QUERY_AFTER_MINUTES = 0
    return live_server.url


def pay_in_sandbox(base: str, payment, *, action="pay", drop_ipn=False) -> httpx.Response:
    """What the payer's browser does: open the gateway page, press a button."""
    url = payment_checkout(
        payment=payment,
        client_ip="127.0.0.1",
        base_url=f"{base}/",
        return_url=f"{base}/thanh-toan/vnpay/return/",
    )
    assert url.startswith(f"{base}/thanh-toan/sandbox/paymentv2/vpcpay.html?")
    with httpx.Client(timeout=60) as browser:
        page = browser.get(url)
        assert page.status_code == 200
        assert "Thanh toán đơn hàng" in page.text
        form = {name: html.unescape(value) for name, value in HIDDEN.findall(page.text)}
        form["action"] = action
        if drop_ipn:
            form["drop_ipn"] = "1"
        return browser.post(url, data=form)


def test_paying_in_the_sandbox_sends_a_signed_ipn(gateway, make_payment, settled):
    payment = make_payment(checkout=False)
    answer = pay_in_sandbox(gateway, payment)
    assert answer.status_code == 302
    assert answer.headers["location"].startswith(f"{gateway}/thanh-toan/vnpay/return/?")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    sandbox = SandboxTransaction.objects.get(txn_ref=f"{payment.txn_ref}-1")
    assert payment.provider_reference == sandbox.transaction_no
    assert PaymentEvent.objects.get(payment=payment, kind="notification").to_status == "paid"
    assert [s.payment_uuid for s in settled.calls] == [payment.uuid]


def test_cancel_in_the_sandbox(gateway, make_payment, settled):
    payment = make_payment(checkout=False)
    pay_in_sandbox(gateway, payment, action="cancel")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED
    assert settled.calls == []


def test_a_lost_ipn_is_reconciled_by_querydr(gateway, make_payment, settled):
    payment = make_payment(checkout=False)
    answer = pay_in_sandbox(gateway, payment, drop_ipn=True)
    assert answer.status_code == 302
    # The browser comes back with a signed success, which is only displayed.
    with httpx.Client(timeout=60) as browser:
        assert browser.get(answer.headers["location"]).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING

    counts = payments_reconcile_pending()
    assert (counts["queried"], counts["changed"], counts["unreachable"]) == (1, 1, 0)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert PaymentEvent.objects.get(payment=payment, kind="query").to_status == "paid"
    assert len(settled.calls) == 1
    # Asking again changes nothing and credits nothing.
    payments_reconcile_pending()
    assert len(settled.calls) == 1


def test_partial_then_full_refund(gateway, make_payment, accountant, settled):
    payment = make_payment(amount=150000, checkout=False)
    pay_in_sandbox(gateway, payment)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID

    with pytest.raises(InvalidInput) as no_reason:
        payment_refund(payment=payment, amount=1000, reason="  ", actor=accountant)
    assert no_reason.value.field == "reason"
    with pytest.raises(InvalidAmount):
        payment_refund(payment=payment, amount=150001, reason="quá", actor=accountant)

    partial = payment_refund(
        payment=payment, amount=Decimal(50000), reason="Học sinh nghỉ 5 ngày", actor=accountant
    )
    assert partial.status == RefundStatus.SUCCEEDED
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("partially_refunded", Decimal(50000))

    rest = payment_refund(payment=payment, amount=100000, reason="Rút hồ sơ", actor=accountant)
    assert rest.status == RefundStatus.SUCCEEDED
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("refunded", Decimal(150000))
    sandbox = SandboxTransaction.objects.get(txn_ref=f"{payment.txn_ref}-1")
    assert sandbox.refunded_x100 == 15_000_000
    with pytest.raises(RefundNotAllowed):
        payment_refund(payment=payment, amount=1, reason="thêm", actor=accountant)
    assert [s.status for s in settled.calls] == ["paid", "partially_refunded", "refunded"]


def test_full_refund_in_one_go_is_vnpay_type_02(gateway, make_payment, accountant):
    payment = make_payment(amount=320000, checkout=False)
    pay_in_sandbox(gateway, payment)
    payment.refresh_from_db()
    refund = payment_refund(payment=payment, amount=320000, reason="Trùng", actor=accountant)
    assert refund.provider_response["vnp_TransactionType"] == "02"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
