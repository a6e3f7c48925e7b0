"""The IPN endpoint: the whole answer matrix, and the only place a payment becomes paid."""

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from eservices.payments.constants import PaymentStatus
from eservices.payments.models import PaymentEvent

from .conftest import gateway_result, sign

IPN = "/thanh-toan/vnpay/ipn/"
pytestmark = pytest.mark.django_db


def ipn(client, params):
    response = client.get(IPN, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_success_marks_paid_once_and_answers_00(
    client, make_payment, settled, django_capture_on_commit_callbacks
):
    payment = make_payment()
    with django_capture_on_commit_callbacks(execute=True):
        answer = ipn(client, gateway_result(payment, transaction_no="14226112"))
    assert answer == {"RspCode": "00", "Message": "Confirm Success"}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.provider_reference == "14226112"
    assert payment.channel == "vnpay"
    assert payment.settled_at is not None
    assert [s.purpose_ref for s in settled.calls] == [payment.purpose_ref]
    assert settled.calls[0].status == "paid"
    payment.refresh_from_db()
    assert payment.settlement_delivered_at is not None


def test_bad_signature_answers_97_and_changes_nothing(client, make_payment):
    payment = make_payment()
    params = gateway_result(payment)
    params["vnp_SecureHash"] = sign(params, secret="not-our-secret")
    assert ipn(client, params) == {"RspCode": "97", "Message": "Invalid signature"}
    tampered = gateway_result(payment)
    tampered["vnp_ResponseCode"] = "00"
    tampered["vnp_Amount"] = "100"
    assert ipn(client, tampered)["RspCode"] == "97"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert not PaymentEvent.objects.filter(payment=payment, kind="notification").exists()


def test_unknown_order_answers_01(client, make_payment):
    payment = make_payment()
    payment.txn_ref = "PNOSUCHORDER"  # only in memory: the signed message names an unknown ref
    assert ipn(client, gateway_result(payment)) == {"RspCode": "01", "Message": "Order not found"}


def test_wrong_amount_answers_04_and_is_recorded(client, make_payment):
    payment = make_payment(amount=150000)
    answer = ipn(client, gateway_result(payment, amount=Decimal(15000)))
    assert answer == {"RspCode": "04", "Message": "Invalid amount"}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    event = PaymentEvent.objects.get(payment=payment, kind="notification")
    assert "15000" in event.note


def test_already_confirmed_answers_02(client, make_payment):
    payment = make_payment()
    assert ipn(client, gateway_result(payment, transaction_no="1"))["RspCode"] == "00"
    assert ipn(client, gateway_result(payment, transaction_no="1")) == {
        "RspCode": "02",
        "Message": "Order already confirmed",
    }
    # Another transaction reporting money for the same, already paid order: flagged for staff.
    assert ipn(client, gateway_result(payment, transaction_no="2"))["RspCode"] == "02"
    flagged = PaymentEvent.objects.filter(payment=payment, needs_review=True)
    assert [e.raw_payload["vnp_TransactionNo"] for e in flagged] == ["2"]


def test_unexpected_failure_answers_99(client, make_payment):
    payment = make_payment()
    # A signed message whose transaction number does not fit the column: a database error.
    answer = ipn(client, gateway_result(payment, transaction_no="9" * 80))
    assert answer == {"RspCode": "99", "Message": "Unknown error"}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


@pytest.mark.parametrize(
    ("response_code", "status", "expected"),
    [
        ("24", "02", PaymentStatus.CANCELLED),
        ("51", "02", PaymentStatus.FAILED),
        ("07", "00", PaymentStatus.PENDING),  # suspicious: never automatic
    ],
)
def test_unsuccessful_results(client, make_payment, settled, response_code, status, expected):
    payment = make_payment()
    answer = ipn(client, gateway_result(payment, response_code=response_code, status=status))
    assert answer["RspCode"] == "00"
    payment.refresh_from_db()
    assert payment.status == expected
    assert settled.calls == []


def test_a_final_payment_never_moves(client, make_payment):
    payment = make_payment()
    ipn(client, gateway_result(payment, response_code="24", status="02", transaction_no="0"))
    answer = ipn(client, gateway_result(payment, transaction_no="777"))
    assert answer["RspCode"] == "02"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED
    assert PaymentEvent.objects.get(payment=payment, needs_review=True)


def test_browser_return_only_displays(client, make_payment, payer):
    payment = make_payment()
    client.force_login(payer)
    response = client.get("/thanh-toan/vnpay/return/", gateway_result(payment))
    assert response.status_code == 200
    assert response.context["gateway_success"] is True
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert PaymentEvent.objects.filter(payment=payment, kind="return").count() == 1
    forged = gateway_result(payment)
    forged["vnp_SecureHash"] = "ab" * 64
    assert client.get("/thanh-toan/vnpay/return/", forged).status_code == 400


def test_checkout_url_is_signed_and_reused_within_the_window(client, payer, make_payment):
    payment = make_payment(checkout=False)
    client.force_login(payer)
    first = client.post(f"/thanh-toan/{payment.uuid}/vnpay/")
    second = client.post(f"/thanh-toan/{payment.uuid}/vnpay/")
    assert first.status_code == 302
    assert first["Location"] == second["Location"]
    url = urlsplit(first["Location"])
    assert url.path == "/thanh-toan/sandbox/paymentv2/vpcpay.html"
    params = {k: v[0] for k, v in parse_qs(url.query).items()}
    received_hash = params["vnp_SecureHash"]
    assert received_hash == sign(params)
    assert params["vnp_Amount"] == "15000000"
    assert params["vnp_TxnRef"] == f"{payment.txn_ref}-1"
    assert params["vnp_OrderInfo"] == f"Thanh toan {payment.order_code}"
    assert "vnp_SecureHashType" not in params
