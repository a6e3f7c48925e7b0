"""VNPay PAY API v2.1.0 — the pure part of the protocol (no Django, no ORM, no network).

Both sides use it: the portal's VNPay provider signs payment URLs and checks IPNs, and the local
sandbox gateway checks those URLs and signs its answers, so one encoding rule serves both.

Signatures (docs/adr/0011, domain notes §3.1):
- payment URL, return URL and IPN: HMAC-SHA512 over the ``vnp_*`` parameters without
  ``vnp_SecureHash``/``vnp_SecureHashType``, empty values dropped, sorted by key, each key and
  value form-urlencoded (space → ``+``) and joined with ``&``;
- querydr and refund (JSON over POST): HMAC-SHA512 over the values joined with ``|`` in a fixed
  field order, one order per message kind.
Hashes are compared case-insensitively in constant time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Mapping
from decimal import Decimal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from .ascii_text import FieldValueError, fold_to_ascii

VERSION = "2.1.0"
CURRENCY = "VND"
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")  # vnp_CreateDate & co. are GMT+7
DATETIME_FORMAT = "%Y%m%d%H%M%S"
HASH_FIELD = "vnp_SecureHash"
NOT_HASHED = frozenset({"vnp_SecureHash", "vnp_SecureHashType"})

# IPN answers the merchant gives VNPay ({"RspCode": .., "Message": ..}).
IPN_CONFIRMED = "00"
IPN_ORDER_NOT_FOUND = "01"
IPN_ALREADY_CONFIRMED = "02"
IPN_INVALID_AMOUNT = "04"
IPN_BAD_CHECKSUM = "97"
IPN_UNKNOWN_ERROR = "99"
IPN_MESSAGES = {
    IPN_CONFIRMED: "Confirm Success",
    IPN_ORDER_NOT_FOUND: "Order not found",
    IPN_ALREADY_CONFIRMED: "Order already confirmed",
    IPN_INVALID_AMOUNT: "Invalid amount",
    IPN_BAD_CHECKSUM: "Invalid signature",
    IPN_UNKNOWN_ERROR: "Unknown error",
}

# vnp_ResponseCode (payment result) and vnp_TransactionStatus values the portal acts on.
RESPONSE_SUCCESS = "00"
RESPONSE_SUSPICIOUS = "07"  # debited but suspicious: the merchant decides, never automatic
RESPONSE_TIMEOUT = "11"
RESPONSE_CANCELLED = "24"
TRANSACTION_SUCCESS = "00"
TRANSACTION_PENDING = "01"
# querydr / refund vnp_ResponseCode
API_OK = "00"
API_NOT_FOUND = "91"
API_DUPLICATE_REQUEST = "94"
API_ORIGINAL_NOT_SUCCESSFUL = "95"
API_BAD_CHECKSUM = "97"
REFUND_FULL = "02"
REFUND_PARTIAL = "03"

QUERYDR_REQUEST_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
QUERYDR_RESPONSE_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
)
REFUND_REQUEST_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TransactionType",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_TransactionNo",
    "vnp_TransactionDate",
    "vnp_CreateBy",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
# The refund answer is signed over the querydr answer's fields without the promotion ones.
REFUND_RESPONSE_FIELDS = QUERYDR_RESPONSE_FIELDS[:13]

# Encoders disagree on a few characters (~, *); references and memos keep to a safe set.
_UNSAFE_MEMO = re.compile(r"[^A-Za-z0-9 ._-]+")
_TXN_REF = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


class VnpayProtocolError(FieldValueError):
    """A value cannot be put into a VNPay message (field name + reason)."""


def format_datetime(moment: dt.datetime) -> str:
    """yyyyMMddHHmmss in GMT+7, whatever the zone of ``moment`` (which must be aware)."""
    if moment.tzinfo is None:
        raise VnpayProtocolError("datetime", "must carry a time zone")
    return moment.astimezone(VN_TZ).strftime(DATETIME_FORMAT)


def parse_datetime(text: str) -> dt.datetime:
    try:
        return dt.datetime.strptime(text, DATETIME_FORMAT).replace(tzinfo=VN_TZ)
    except ValueError as exc:
        raise VnpayProtocolError("datetime", f"{text!r} is not yyyyMMddHHmmss") from exc


def amount_to_vnp(amount: Decimal) -> str:
    """VND → vnp_Amount (VND × 100, digits only). VND has no minor unit: fractions are refused."""
    if amount != amount.to_integral_value() or amount <= 0:
        raise VnpayProtocolError("vnp_Amount", f"{amount} is not a positive whole number of VND")
    return str(int(amount) * 100)


def amount_from_vnp(raw: str) -> Decimal:
    if not raw.isdigit() or int(raw) % 100:
        raise VnpayProtocolError("vnp_Amount", f"{raw!r} is not VND × 100")
    return Decimal(int(raw) // 100)


def safe_memo(text: str, *, max_length: int = 255) -> str:
    """vnp_OrderInfo: Vietnamese without diacritics and without special characters."""
    memo = _UNSAFE_MEMO.sub(" ", fold_to_ascii(text))
    memo = " ".join(memo.split())
    if not memo:
        raise VnpayProtocolError("vnp_OrderInfo", "empty after removing diacritics")
    if len(memo) > max_length:
        raise VnpayProtocolError("vnp_OrderInfo", f"{len(memo)} characters, at most {max_length}")
    return memo


def check_txn_ref(txn_ref: str) -> str:
    if not _TXN_REF.match(txn_ref):
        raise VnpayProtocolError("vnp_TxnRef", "1–100 characters from A–Z, a–z, 0–9, '.', '_', '-'")
    return txn_ref


def _hmac_sha512(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha512).hexdigest()


def _same_hash(expected: str, received: str) -> bool:
    return hmac.compare_digest(expected.lower().encode(), (received or "").lower().encode())


def canonical_query(params: Mapping[str, str]) -> str:
    """The exact string VNPay signs: vnp_* keys, no hash fields, no empty values, sorted,
    application/x-www-form-urlencoded."""
    items = sorted(
        (key, str(value))
        for key, value in params.items()
        if key.startswith("vnp_") and key not in NOT_HASHED and str(value) != ""
    )
    return urlencode(items)


def sign_query(params: Mapping[str, str], secret: str) -> str:
    return _hmac_sha512(secret, canonical_query(params))


def signed_url(base_url: str, params: Mapping[str, str], secret: str) -> str:
    query = canonical_query(params)
    separator = "&" if "?" in base_url else "?"
    return f"{base_url}{separator}{query}&{HASH_FIELD}={_hmac_sha512(secret, query)}"


def verify_query(params: Mapping[str, str], secret: str) -> bool:
    """Check a return-URL or IPN query (already decoded); vnp_Amount is used raw (×100)."""
    return _same_hash(sign_query(params, secret), str(params.get(HASH_FIELD, "")))


def pipe_string(payload: Mapping[str, object], fields: tuple[str, ...]) -> str:
    return "|".join("" if payload.get(f) is None else str(payload.get(f)) for f in fields)


def sign_pipe(payload: Mapping[str, object], fields: tuple[str, ...], secret: str) -> str:
    return _hmac_sha512(secret, pipe_string(payload, fields))


def verify_pipe(payload: Mapping[str, object], fields: tuple[str, ...], secret: str) -> bool:
    return _same_hash(sign_pipe(payload, fields, secret), str(payload.get(HASH_FIELD, "")))


def pay_params(
    *,
    tmn_code: str,
    txn_ref: str,
    amount: Decimal,
    order_info: str,
    return_url: str,
    ip_addr: str,
    create_date: dt.datetime,
    expire_date: dt.datetime,
    locale: str = "vn",
    order_type: str = "other",
    bank_code: str = "",
) -> dict[str, str]:
    """The vnp_Command=pay parameters (unsigned)."""
    params = {
        "vnp_Version": VERSION,
        "vnp_Command": "pay",
        "vnp_TmnCode": tmn_code,
        "vnp_Amount": amount_to_vnp(amount),
        "vnp_CurrCode": CURRENCY,
        "vnp_TxnRef": check_txn_ref(txn_ref),
        "vnp_OrderInfo": safe_memo(order_info),
        "vnp_OrderType": order_type,
        "vnp_Locale": locale,
        "vnp_ReturnUrl": return_url,
        "vnp_IpAddr": ip_addr,
        "vnp_CreateDate": format_datetime(create_date),
        "vnp_ExpireDate": format_datetime(expire_date),
    }
    if bank_code:
        params["vnp_BankCode"] = bank_code
    return params


def querydr_request(
    *,
    secret: str,
    request_id: str,
    tmn_code: str,
    txn_ref: str,
    order_info: str,
    transaction_date: str,
    create_date: dt.datetime,
    ip_addr: str,
    transaction_no: str = "",
) -> dict[str, str]:
    body = {
        "vnp_RequestId": request_id,
        "vnp_Version": VERSION,
        "vnp_Command": "querydr",
        "vnp_TmnCode": tmn_code,
        "vnp_TxnRef": txn_ref,
        "vnp_OrderInfo": safe_memo(order_info),
        "vnp_TransactionDate": transaction_date,
        "vnp_CreateDate": format_datetime(create_date),
        "vnp_IpAddr": ip_addr,
    }
    if transaction_no:
        body["vnp_TransactionNo"] = transaction_no
    body[HASH_FIELD] = sign_pipe(body, QUERYDR_REQUEST_FIELDS, secret)
    return body


def refund_request(
    *,
    secret: str,
    request_id: str,
    tmn_code: str,
    full: bool,
    txn_ref: str,
    amount: Decimal,
    transaction_no: str,
    transaction_date: str,
    create_by: str,
    create_date: dt.datetime,
    ip_addr: str,
    order_info: str,
) -> dict[str, str]:
    body = {
        "vnp_RequestId": request_id,
        "vnp_Version": VERSION,
        "vnp_Command": "refund",
        "vnp_TmnCode": tmn_code,
        "vnp_TransactionType": REFUND_FULL if full else REFUND_PARTIAL,
        "vnp_TxnRef": txn_ref,
        "vnp_Amount": amount_to_vnp(amount),
        "vnp_TransactionNo": transaction_no or "0",
        "vnp_TransactionDate": transaction_date,
        "vnp_CreateBy": create_by,
        "vnp_CreateDate": format_datetime(create_date),
        "vnp_IpAddr": ip_addr,
        "vnp_OrderInfo": safe_memo(order_info),
    }
    body[HASH_FIELD] = sign_pipe(body, REFUND_REQUEST_FIELDS, secret)
    return body
