"""Helpers the payment pages and the API share."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.urls import reverse

from .. import selectors
from ..ascii_text import fold_to_ascii
from ..models import Payment
from ..vietqr import VietQRError, build_payload


def payment_for_viewer(request, uuid) -> Payment:
    """The payment, if the viewer is its payer or staff; 404 otherwise (no hint it exists)."""
    payment = selectors.payment_get(uuid=uuid)
    if payment is None or not selectors.payment_visible_to(payment=payment, user=request.user):
        raise Http404
    return payment


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR") or "127.0.0.1"


def vnpay_return_url(request) -> str:
    return request.build_absolute_uri(reverse("payments:vnpay-return"))


def vietqr_payload(payment: Payment) -> str | None:
    """The school's account, this payment's amount and its order code as the memo; None when
    no account is configured or the code does not fit in a memo."""
    if not (settings.VIETQR_BANK_BIN and settings.VIETQR_ACCOUNT_NO):
        return None
    try:
        return build_payload(
            bank_bin=settings.VIETQR_BANK_BIN,
            account=settings.VIETQR_ACCOUNT_NO,
            amount=payment.amount,
            purpose=payment.order_code,
        )
    except VietQRError:
        return None


def transfer_memo(payment: Payment) -> str:
    return fold_to_ascii(payment.order_code)
