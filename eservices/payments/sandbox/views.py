"""A local stand-in for VNPay's side of PAY API v2.1.0 (development and tests only).

It checks the merchant's signature on the payment URL with the shared secret, shows a payment
page (pay / cancel / fail), then does what VNPay does: a signed server-to-server IPN call to the
portal's IPN URL and a signed browser redirect to the merchant's return URL. Its API endpoint
answers querydr and refund with signed JSON. URLs are only mounted when VNPAY_SANDBOX_ENABLED.
"""

from __future__ import annotations

import json
import logging
import secrets
from urllib.parse import urlencode

import httpx
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from .. import vnpay_protocol as vp
from ..models import SandboxTransaction

logger = logging.getLogger(__name__)

RESULTS = {
    "pay": (vp.RESPONSE_SUCCESS, vp.TRANSACTION_SUCCESS),
    "cancel": (vp.RESPONSE_CANCELLED, "02"),
    "fail": ("51", "02"),  # insufficient balance
}


def _verified_request(params: dict[str, str]) -> str | None:
    """None when the payment URL is acceptable, else why not."""
    if not vp.verify_query(params, settings.VNPAY_HASH_SECRET):
        return "Sai chữ ký (vnp_SecureHash)."
    if params.get("vnp_TmnCode") != settings.VNPAY_TMN_CODE:
        return "Mã website (vnp_TmnCode) không đúng."
    try:
        expires = vp.parse_datetime(params.get("vnp_ExpireDate", ""))
        vp.amount_from_vnp(params.get("vnp_Amount", ""))
    except vp.VnpayProtocolError as exc:
        return f"Tham số không hợp lệ: {exc.field}."
    if expires < timezone.now():
        return "Giao dịch đã quá thời gian chờ thanh toán."
    return None


@require_http_methods(["GET", "POST"])
def pay_page(request):
    source = request.POST if request.method == "POST" else request.GET
    params = {k: v for k, v in source.items() if k.startswith("vnp_")}
    problem = _verified_request(params)
    if problem:
        return render(request, "payments/sandbox/error.html", {"problem": problem}, status=400)
    if request.method == "GET":
        return render(
            request,
            "payments/sandbox/pay.html",
            {
                "params": params,
                "amount": vp.amount_from_vnp(params["vnp_Amount"]),
                "expires": vp.parse_datetime(params["vnp_ExpireDate"]),
            },
        )
    action = request.POST.get("action", "")
    if action not in RESULTS:
        return render(request, "payments/sandbox/error.html", {"problem": "Thao tác lạ."}, 400)
    result = _complete(params, action)
    if result is None:
        problem = "Giao dịch này đã được xử lý."
        return render(request, "payments/sandbox/error.html", {"problem": problem}, status=409)
    if request.POST.get("drop_ipn") != "1":
        _send_ipn(request, result)
    return HttpResponseRedirect(f"{params['vnp_ReturnUrl']}?{urlencode(result)}")


def _complete(params: dict[str, str], action: str) -> dict[str, str] | None:
    response_code, transaction_status = RESULTS[action]
    now = vp.format_datetime(timezone.now())
    transaction_no = "0" if action == "cancel" else f"{secrets.randbelow(10**8):08d}"
    try:
        with transaction.atomic():
            SandboxTransaction.objects.create(
                tmn_code=params["vnp_TmnCode"],
                txn_ref=params["vnp_TxnRef"],
                create_date=params["vnp_CreateDate"],
                amount_x100=params["vnp_Amount"],
                order_info=params.get("vnp_OrderInfo", ""),
                response_code=response_code,
                transaction_status=transaction_status,
                transaction_no=transaction_no,
                pay_date=now,
            )
    except IntegrityError:
        return None
    result = {
        "vnp_Amount": params["vnp_Amount"],
        "vnp_BankCode": "NCB",
        "vnp_BankTranNo": f"VNP{transaction_no}" if transaction_no != "0" else "",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": params.get("vnp_OrderInfo", ""),
        "vnp_PayDate": now,
        "vnp_ResponseCode": response_code,
        "vnp_TmnCode": params["vnp_TmnCode"],
        "vnp_TransactionNo": transaction_no,
        "vnp_TransactionStatus": transaction_status,
        "vnp_TxnRef": params["vnp_TxnRef"],
    }
    result = {k: v for k, v in result.items() if v != ""}
    result[vp.HASH_FIELD] = vp.sign_query(result, settings.VNPAY_HASH_SECRET)
    return result


def _send_ipn(request, result: dict[str, str]) -> None:
    url = settings.VNPAY_SANDBOX_IPN_URL or request.build_absolute_uri(
        reverse("payments:vnpay-ipn")
    )
    try:
        answer = httpx.get(url, params=result, timeout=settings.VNPAY_TIMEOUT_SECONDS)
        logger.info("sandbox IPN %s → %s", result["vnp_TxnRef"], answer.text)
    except httpx.HTTPError as exc:  # VNPay would retry; the portal's querydr catches up
        logger.warning("sandbox IPN to %s failed: %s", url, exc)


@csrf_exempt
@require_POST
def merchant_api(request):
    try:
        body = json.loads(request.body)
    except ValueError:
        return JsonResponse({"vnp_ResponseCode": "03", "vnp_Message": "Invalid JSON"}, status=400)
    command = body.get("vnp_Command") if isinstance(body, dict) else None
    if command == "querydr":
        answer = _querydr(body)
        fields = vp.QUERYDR_RESPONSE_FIELDS
    elif command == "refund":
        answer = _refund(body)
        fields = vp.REFUND_RESPONSE_FIELDS
    else:
        return JsonResponse({"vnp_ResponseCode": "03", "vnp_Message": "Unknown command"})
    answer = {
        "vnp_ResponseId": secrets.token_hex(16),
        "vnp_Command": command,
        "vnp_TmnCode": body.get("vnp_TmnCode", ""),
        "vnp_TxnRef": body.get("vnp_TxnRef", ""),
        **answer,
    }
    answer[vp.HASH_FIELD] = vp.sign_pipe(answer, fields, settings.VNPAY_HASH_SECRET)
    return JsonResponse(answer)


def _checked(
    body: dict, fields: tuple[str, ...]
) -> tuple[dict[str, str], SandboxTransaction | None]:
    if not vp.verify_pipe(body, fields, settings.VNPAY_HASH_SECRET):
        return {"vnp_ResponseCode": vp.API_BAD_CHECKSUM, "vnp_Message": "Checksum failed"}, None
    found = SandboxTransaction.objects.filter(
        tmn_code=body.get("vnp_TmnCode"), txn_ref=body.get("vnp_TxnRef")
    ).first()
    if found is None:
        return {"vnp_ResponseCode": vp.API_NOT_FOUND, "vnp_Message": "Not found"}, None
    return {}, found


def _described(found: SandboxTransaction) -> dict[str, str]:
    return {
        "vnp_Amount": found.amount_x100,
        "vnp_BankCode": found.bank_code,
        "vnp_PayDate": found.pay_date,
        "vnp_TransactionNo": found.transaction_no,
        "vnp_TransactionStatus": found.transaction_status,
        "vnp_OrderInfo": found.order_info,
    }


def _querydr(body: dict) -> dict[str, str]:
    refusal, found = _checked(body, vp.QUERYDR_REQUEST_FIELDS)
    if found is None:
        return refusal
    return {
        "vnp_ResponseCode": vp.API_OK,
        "vnp_Message": "QueryDR Success",
        "vnp_TransactionType": "01",
        "vnp_PromotionCode": "",
        "vnp_PromotionAmount": "",
        **_described(found),
    }


def _refund(body: dict) -> dict[str, str]:
    refusal, found = _checked(body, vp.REFUND_REQUEST_FIELDS)
    if found is None:
        return refusal
    with transaction.atomic():
        found = SandboxTransaction.objects.select_for_update().get(pk=found.pk)
        if found.transaction_status != vp.TRANSACTION_SUCCESS:
            return {"vnp_ResponseCode": vp.API_ORIGINAL_NOT_SUCCESSFUL, "vnp_Message": "Failed"}
        requested = int(body.get("vnp_Amount") or 0)
        if requested <= 0 or found.refunded_x100 + requested > int(found.amount_x100):
            return {"vnp_ResponseCode": "03", "vnp_Message": "Invalid amount"}
        found.refunded_x100 += requested
        found.save(update_fields=["refunded_x100", "updated_at"])
    return {
        "vnp_ResponseCode": vp.API_OK,
        "vnp_Message": "Refund success",
        "vnp_TransactionType": body.get("vnp_TransactionType", ""),
        **_described(found),
        "vnp_Amount": str(requested),
    }
