"""payment_start's rules, the settlement hook, and who may see a payment (pages and API)."""

from decimal import Decimal

import pytest

from eservices.payments.constants import PaymentStatus
from eservices.payments.exceptions import InvalidAmount, PaymentAlreadyExists
from eservices.payments.services import payment_start
from eservices.payments.vietqr import parse_payload

from .conftest import PURPOSE, gateway_result

pytestmark = pytest.mark.django_db


def start(payer, **overrides):
    values = {
        "purpose": PURPOSE,
        "purpose_ref": "5d0c4a1e-0000-4000-8000-000000000001",
        "order_code": "DK-261201-0042",
        "payer": payer,
        "amount": Decimal(150000),
        "description": "Tiền ăn bán trú",
    }
    return payment_start(**{**values, **overrides})


def test_start_is_idempotent_for_the_same_payable(payer):
    first = start(payer)
    assert start(payer) == first
    assert first.status == PaymentStatus.PENDING
    assert first.txn_ref.startswith("P") and len(first.txn_ref) == 17


def test_a_different_amount_or_a_paid_payable_is_refused(payer, client):
    payment = start(payer)
    with pytest.raises(PaymentAlreadyExists):
        start(payer, amount=Decimal(200000))
    client.get("/thanh-toan/vnpay/ipn/", gateway_result(payment))
    with pytest.raises(PaymentAlreadyExists):
        start(payer)


@pytest.mark.parametrize("amount", [0, -5, "10.5", "abc"])
def test_amounts_must_be_positive_whole_dong(payer, amount):
    with pytest.raises(InvalidAmount) as caught:
        start(payer, amount=amount)
    assert caught.value.field == "amount"


def test_payer_page_shows_the_amount_the_vietnamese_way_and_a_vietqr(client, payer, make_payment):
    payment = make_payment(amount=1500000)
    client.force_login(payer)
    page = client.get(f"/thanh-toan/{payment.uuid}/")
    text = page.content.decode()
    assert "1.500.000 đ" in text
    assert "Một triệu năm trăm nghìn đồng" in text
    assert 'id="pay-with-vnpay"' in text
    image = client.get(f"/thanh-toan/{payment.uuid}/vietqr.svg")
    assert image["Content-Type"] == "image/svg+xml"
    assert b"<svg" in image.content


def test_vietqr_on_the_page_carries_amount_and_order_code(payer, make_payment):
    from eservices.payments.views.common import vietqr_payload

    payment = make_payment(amount=250000, order_code="DK-261201-0077")
    parsed = parse_payload(vietqr_payload(payment))
    assert (parsed.amount, parsed.purpose, parsed.bank_bin) == (
        Decimal(250000),
        "DK-261201-0077",
        "970436",
    )


def test_another_citizen_sees_nothing(client, other_user, make_payment):
    payment = make_payment()
    client.force_login(other_user)
    assert client.get(f"/thanh-toan/{payment.uuid}/").status_code == 404
    assert client.get(f"/thanh-toan/{payment.uuid}/vietqr.svg").status_code == 404
    assert client.post(f"/thanh-toan/{payment.uuid}/vnpay/").status_code == 404
    api = client.get(f"/api/v1/payments/{payment.uuid}/")
    assert api.status_code == 404
    assert api["Content-Type"] == "application/problem+json"
    assert client.get("/api/v1/payments/").json() == []
    assert client.post(f"/api/v1/payments/{payment.uuid}/checkout/").status_code == 404


def test_anonymous_is_sent_to_log_in(client, make_payment):
    payment = make_payment()
    assert client.get(f"/thanh-toan/{payment.uuid}/").status_code == 302
    assert client.get(f"/api/v1/payments/{payment.uuid}/").status_code == 403


def test_staff_may_open_it(client, accountant, make_payment):
    payment = make_payment()
    client.force_login(accountant)
    assert client.get(f"/thanh-toan/{payment.uuid}/").status_code == 200
    assert client.get(f"/thanh-toan/quan-ly/{payment.uuid}/").status_code == 200


def test_payer_api_status_and_checkout(client, payer, make_payment):
    payment = make_payment(checkout=False)
    client.force_login(payer)
    detail = client.get(f"/api/v1/payments/{payment.uuid}/").json()
    assert detail["status"] == "pending"
    assert detail["amount_vnd"] == 150000
    assert detail["page_url"] == f"/thanh-toan/{payment.uuid}/"
    checkout = client.post(f"/api/v1/payments/{payment.uuid}/checkout/", {}, "application/json")
    assert checkout.status_code == 200
    assert "/thanh-toan/sandbox/paymentv2/vpcpay.html?" in checkout.json()["redirect_url"]
    assert parse_payload(checkout.json()["vietqr_payload"]).amount == Decimal(150000)
    client.get("/thanh-toan/vnpay/ipn/", gateway_result(payment))
    again = client.post(f"/api/v1/payments/{payment.uuid}/checkout/", {}, "application/json")
    assert again.status_code == 409
    assert again.json()["code"] == "payment_not_payable"
