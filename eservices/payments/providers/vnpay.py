"""VNPay (PAY API v2.1.0): the same code talks to VNPay or to the local sandbox, by settings.

Settings: VNPAY_TMN_CODE, VNPAY_HASH_SECRET, VNPAY_PAY_URL (browser redirect; a path such as
``/thanh-toan/sandbox/vpcpay.html`` is taken relative to the portal), VNPAY_API_URL (querydr and
refund), VNPAY_CHECKOUT_MINUTES, VNPAY_SERVER_IP, VNPAY_TIMEOUT_SECONDS.

A payment may be sent to VNPay more than once (the payer closed the tab and comes back after
the checkout window): each attempt is its own vnp_TxnRef, ``<payment.txn_ref>-<n>``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from urllib.parse import urljoin

import httpx
from django.conf import settings
from django.utils import timezone

from .. import vnpay_protocol as vp
from ..constants import Channel, EventKind, PaymentStatus
from ..registry import register
from .base import (
    InvalidSignature,
    NotificationOutcome,
    PaymentProvider,
    ProviderError,
    ProviderEvent,
    RefundResult,
    StartResult,
)

ATTEMPT_SEPARATOR = "-"
IPN_CODES = {
    NotificationOutcome.CONFIRMED: vp.IPN_CONFIRMED,
    NotificationOutcome.ALREADY_CONFIRMED: vp.IPN_ALREADY_CONFIRMED,
    NotificationOutcome.NOT_FOUND: vp.IPN_ORDER_NOT_FOUND,
    NotificationOutcome.INVALID_AMOUNT: vp.IPN_INVALID_AMOUNT,
    NotificationOutcome.BAD_SIGNATURE: vp.IPN_BAD_CHECKSUM,
    NotificationOutcome.ERROR: vp.IPN_UNKNOWN_ERROR,
}


def attempt_ref(txn_ref: str, attempt: int) -> str:
    return f"{txn_ref}{ATTEMPT_SEPARATOR}{attempt}"


def payment_ref_of(vnp_txn_ref: str) -> str:
    """The payment's own reference inside a vnp_TxnRef (``P…-2`` → ``P…``)."""
    base, _, attempt = vnp_txn_ref.rpartition(ATTEMPT_SEPARATOR)
    return base if base and attempt.isdigit() else vnp_txn_ref


def status_for(response_code: str, transaction_status: str) -> str | None:
    """What a VNPay result asks of a pending payment (None: leave it pending)."""
    if response_code == vp.RESPONSE_SUCCESS:
        return PaymentStatus.PAID if transaction_status == vp.TRANSACTION_SUCCESS else None
    if response_code == vp.RESPONSE_SUSPICIOUS:
        return None  # debited but flagged: staff decide in VNPay's merchant admin
    if response_code == vp.RESPONSE_CANCELLED:
        return PaymentStatus.CANCELLED
    return PaymentStatus.FAILED


def _request_id() -> str:
    return secrets.token_hex(16)  # 32 characters, unique per day as VNPay asks


@register("vnpay")
class VnpayProvider(PaymentProvider):
    channel = Channel.VNPAY

    def __init__(self) -> None:
        self.tmn_code = settings.VNPAY_TMN_CODE
        self.secret = settings.VNPAY_HASH_SECRET
        self.pay_url = settings.VNPAY_PAY_URL
        self.api_url = settings.VNPAY_API_URL
        self.checkout_minutes = settings.VNPAY_CHECKOUT_MINUTES
        self.server_ip = settings.VNPAY_SERVER_IP
        self.timeout = settings.VNPAY_TIMEOUT_SECONDS

    def check_config(self) -> list[str]:
        names = ("VNPAY_TMN_CODE", "VNPAY_HASH_SECRET", "VNPAY_PAY_URL", "VNPAY_API_URL")
        return [f"{name} is not set" for name in names if not getattr(settings, name)]

    # --- checkout -------------------------------------------------------------------------

    def start(self, payment, *, return_url: str, client_ip: str, base_url: str) -> StartResult:
        attempt = payment.options_snapshot["vnpay"]["attempts"][-1]
        params = vp.pay_params(
            tmn_code=self.tmn_code,
            txn_ref=attempt_ref(payment.txn_ref, attempt["n"]),
            amount=payment.amount,
            order_info=f"Thanh toan {payment.order_code}",
            return_url=return_url,
            ip_addr=client_ip,
            create_date=vp.parse_datetime(attempt["create_date"]),
            expire_date=vp.parse_datetime(attempt["expire_date"]),
            locale=payment.options_snapshot.get("locale", "vn"),
        )
        return StartResult(
            redirect_url=vp.signed_url(urljoin(base_url, self.pay_url), params, self.secret)
        )

    def needs_new_attempt(self, payment, *, now: dt.datetime) -> bool:
        attempts = payment.options_snapshot.get("vnpay", {}).get("attempts", [])
        # A minute's margin: the payer needs time to type on VNPay's page.
        margin = dt.timedelta(minutes=1)
        return not attempts or vp.parse_datetime(attempts[-1]["expire_date"]) <= now + margin

    def new_attempt(self, payment, *, now: dt.datetime) -> dict[str, object]:
        attempts = payment.options_snapshot.get("vnpay", {}).get("attempts", [])
        return {
            "n": len(attempts) + 1,
            "create_date": vp.format_datetime(now),
            "expire_date": vp.format_datetime(now + dt.timedelta(minutes=self.checkout_minutes)),
        }

    # --- messages from VNPay --------------------------------------------------------------

    def _verified_event(self, params: Mapping[str, str], kind: str) -> ProviderEvent:
        if not vp.verify_query(params, self.secret) or params.get("vnp_TmnCode") != self.tmn_code:
            raise InvalidSignature("VNPay parameters are not signed with our secret")
        try:
            amount = vp.amount_from_vnp(params.get("vnp_Amount", ""))
        except vp.VnpayProtocolError:
            amount = None
        response_code = params.get("vnp_ResponseCode", "")
        transaction_status = params.get("vnp_TransactionStatus", "")
        digest = hashlib.sha256(vp.canonical_query(params).encode()).hexdigest()
        transaction_no = params.get("vnp_TransactionNo", "")
        return ProviderEvent(
            txn_ref=payment_ref_of(params.get("vnp_TxnRef", "")),
            kind=kind,
            idempotency_key=f"vnpay:{kind}:{digest}",
            provider_status=f"{response_code}/{transaction_status}",
            status=status_for(response_code, transaction_status),
            amount=amount,
            provider_reference="" if transaction_no in {"", "0"} else transaction_no,
            bank_code=params.get("vnp_BankCode", ""),
            paid_at=self._pay_date(params.get("vnp_PayDate", "")),
            attempt_ref=params.get("vnp_TxnRef", ""),
            channel=Channel.VNPAY,
            raw=dict(params),
        )

    @staticmethod
    def _pay_date(text: str) -> dt.datetime | None:
        try:
            return vp.parse_datetime(text) if text else None
        except vp.VnpayProtocolError:
            return None

    def parse_return(self, params: Mapping[str, str]) -> ProviderEvent:
        return self._verified_event(params, EventKind.RETURN)

    def parse_notification(self, params: Mapping[str, str]) -> ProviderEvent:
        return self._verified_event(params, EventKind.NOTIFICATION)

    def notification_response(self, outcome: NotificationOutcome) -> dict[str, str]:
        code = IPN_CODES[outcome]
        return {"RspCode": code, "Message": vp.IPN_MESSAGES[code]}

    # --- server-to-server API -------------------------------------------------------------

    def _post(self, body: dict[str, str], fields: tuple[str, ...]) -> dict[str, str]:
        try:
            response = httpx.post(self.api_url, json=body, timeout=self.timeout)
            response.raise_for_status()
            answer = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ProviderError(f"VNPay API unreachable or unreadable: {exc}") from exc
        if not isinstance(answer, dict) or not vp.verify_pipe(answer, fields, self.secret):
            raise ProviderError("VNPay API answer is not signed with our secret")
        return {key: str(value) for key, value in answer.items()}

    def query_status(self, payment) -> ProviderEvent | None:
        attempts = payment.options_snapshot.get("vnpay", {}).get("attempts", [])
        if not attempts:
            return None
        attempt = attempts[-1]
        body = vp.querydr_request(
            secret=self.secret,
            request_id=_request_id(),
            tmn_code=self.tmn_code,
            txn_ref=attempt_ref(payment.txn_ref, attempt["n"]),
            order_info=f"Truy van {payment.order_code}",
            transaction_date=attempt["create_date"],
            create_date=timezone.now(),
            ip_addr=self.server_ip,
        )
        answer = self._post(body, vp.QUERYDR_RESPONSE_FIELDS)
        if answer.get("vnp_ResponseCode") != vp.API_OK:
            return None
        transaction_status = answer.get("vnp_TransactionStatus", "")
        transaction_no = answer.get("vnp_TransactionNo", "")
        try:
            amount = vp.amount_from_vnp(answer.get("vnp_Amount", ""))
        except vp.VnpayProtocolError:
            amount = None
        return ProviderEvent(
            txn_ref=payment.txn_ref,
            kind=EventKind.QUERY,
            idempotency_key=(
                f"vnpay:query:{body['vnp_TxnRef']}:{transaction_no}:{transaction_status}"
            ),
            provider_status=f"querydr/{transaction_status}",
            status=self._query_status(transaction_status),
            amount=amount,
            provider_reference="" if transaction_no in {"", "0"} else transaction_no,
            bank_code=answer.get("vnp_BankCode", ""),
            paid_at=self._pay_date(answer.get("vnp_PayDate", "")),
            attempt_ref=body["vnp_TxnRef"],
            channel=Channel.VNPAY,
            raw=answer,
        )

    @staticmethod
    def _query_status(transaction_status: str) -> str | None:
        if transaction_status == vp.TRANSACTION_SUCCESS:
            return PaymentStatus.PAID
        if transaction_status == vp.TRANSACTION_PENDING:
            return None
        return PaymentStatus.FAILED

    @staticmethod
    def _paid_attempt(payment) -> dict[str, object]:
        attempts = payment.options_snapshot["vnpay"]["attempts"]
        paid_ref = payment.options_snapshot.get("paid_attempt_ref", "")
        for attempt in attempts:
            if attempt_ref(payment.txn_ref, attempt["n"]) == paid_ref:
                return attempt
        return attempts[-1]

    def refund(self, payment, refund, *, full: bool) -> RefundResult:
        attempt = self._paid_attempt(payment)
        body = vp.refund_request(
            secret=self.secret,
            request_id=refund.request_id,
            tmn_code=self.tmn_code,
            full=full,
            txn_ref=attempt_ref(payment.txn_ref, attempt["n"]),
            amount=refund.amount,
            transaction_no=payment.provider_reference,
            transaction_date=attempt["create_date"],
            create_by=refund.requested_by.get_username()[:100],
            create_date=timezone.now(),
            ip_addr=self.server_ip,
            order_info=f"Hoan tien {payment.order_code}",
        )
        answer = self._post(body, vp.REFUND_RESPONSE_FIELDS)
        code = answer.get("vnp_ResponseCode", "")
        return RefundResult(
            succeeded=code == vp.API_OK,
            provider_code=code,
            message=answer.get("vnp_Message", ""),
            raw=answer,
        )
