"""Payment fixtures. Gateway messages are signed here with hmac/hashlib directly, not with the
code under test, so a signing bug cannot hide itself."""

import hashlib
import hmac
import threading
from decimal import Decimal
from urllib.parse import quote_plus

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from eservices.payments.services import payment_checkout, payment_start
from eservices.payments.settlement import (
    register_settlement_handler,
    unregister_settlement_handler,
)
from eservices.payments.vnpay_protocol import VN_TZ

PURPOSE = "test-fee"


def sign(params: dict[str, str], secret: str | None = None) -> str:
    pairs = sorted(
        (k, v)
        for k, v in params.items()
        if k.startswith("vnp_") and k not in {"vnp_SecureHash", "vnp_SecureHashType"} and v != ""
    )
    message = "&".join(f"{quote_plus(k)}={quote_plus(v)}" for k, v in pairs)
    key = (secret or settings.VNPAY_HASH_SECRET).encode()
    return hmac.new(key, message.encode(), hashlib.sha512).hexdigest()


def gateway_result(payment, *, response_code="00", status="00", amount=None, transaction_no=None,
                   attempt=1, secret=None) -> dict[str, str]:  # fmt: skip
    """What VNPay sends to the return URL and the IPN URL, signed."""
    params = {
        "vnp_Amount": str(int((amount if amount is not None else payment.amount) * 100)),
        "vnp_BankCode": "NCB",
        "vnp_OrderInfo": f"Thanh toan {payment.order_code}",
        "vnp_PayDate": timezone.now().astimezone(VN_TZ).strftime("%Y%m%d%H%M%S"),
        "vnp_ResponseCode": response_code,
        "vnp_TmnCode": settings.VNPAY_TMN_CODE,
        "vnp_TransactionNo": transaction_no or str(14_000_000 + payment.pk),
        "vnp_TransactionStatus": status,
        "vnp_TxnRef": f"{payment.txn_ref}-{attempt}",
    }
    params["vnp_SecureHash"] = sign(params, secret)
    return params


class SettlementRecorder:
    def __init__(self):
        self.calls = []
        self._lock = threading.Lock()

    def __call__(self, settlement):
        with self._lock:
            self.calls.append(settlement)


@pytest.fixture
def settled():
    recorder = SettlementRecorder()
    register_settlement_handler(PURPOSE, recorder)
    yield recorder
    unregister_settlement_handler(PURPOSE)


@pytest.fixture
def payer(db):
    return User.objects.create_user("phuhuynh", password="mat-khau-dai-2026")


@pytest.fixture
def other_user(db):
    return User.objects.create_user("nguoikhac", password="mat-khau-dai-2026")


@pytest.fixture
def accountant(db):
    user = User.objects.create_user("ketoan", password="ke-toan-2026", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["manage_payments", "view_payment"])
    )
    return user


@pytest.fixture
def make_payment(payer):
    counter = iter(range(1, 10_000))

    def make(amount=150000, user=None, order_code=None, checkout=True):
        n = next(counter)
        payment = payment_start(
            purpose=PURPOSE,
            purpose_ref=f"ref-{n}-{timezone.now().timestamp()}",
            order_code=order_code or f"DK-260101-{n:04d}",
            payer=user or payer,
            amount=Decimal(amount),
            description="Tiền ăn bán trú tháng 12/2026",
        )
        if checkout:
            payment_checkout(
                payment=payment,
                client_ip="127.0.0.1",
                base_url="http://testserver/",
                return_url="http://testserver/thanh-toan/vnpay/return/",
            )
            payment.refresh_from_db()
        return payment

    return make
