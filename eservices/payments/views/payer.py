"""The payer's pages: the payment page, the VNPay button, the VietQR image and the return page."""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from portal.core.exceptions import DomainError

from ..constants import PaymentStatus
from ..registry import registry
from ..selectors import payment_visible_to
from ..services import payment_checkout, payment_receive_return
from .common import (
    client_ip,
    payment_for_viewer,
    transfer_memo,
    vietqr_payload,
    vnpay_return_url,
)


@login_required
def payment_page(request, uuid):
    payment = payment_for_viewer(request, uuid)
    pending = payment.status == PaymentStatus.PENDING
    return render(
        request,
        "payments/payment.html",
        {
            "payment": payment,
            "pending": pending,
            "vnpay_enabled": pending and "vnpay" in registry.enabled_names(),
            "vietqr": pending and vietqr_payload(payment) is not None,
            "memo": transfer_memo(payment),
            "account_no": settings.VIETQR_ACCOUNT_NO,
            "account_name": settings.VIETQR_ACCOUNT_NAME,
            "bank_bin": settings.VIETQR_BANK_BIN,
            "refunds": payment.refunds.all(),
        },
    )


@login_required
@require_POST
def vnpay_checkout(request, uuid):
    payment = payment_for_viewer(request, uuid)
    try:
        url = payment_checkout(
            payment=payment,
            client_ip=client_ip(request),
            base_url=request.build_absolute_uri("/"),
            return_url=vnpay_return_url(request),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("payments:payment", uuid=payment.uuid)
    return redirect(url)


@login_required
def vietqr_image(request, uuid):
    payment = payment_for_viewer(request, uuid)
    payload = vietqr_payload(payment) if payment.status == PaymentStatus.PENDING else None
    if payload is None:
        return HttpResponse(status=404)
    image = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(image, kind="svg", scale=5, border=4)
    response = HttpResponse(image.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


def vnpay_return(request):
    """Display only: the payment becomes paid through the IPN, never here."""
    payment, event = payment_receive_return(provider_name="vnpay", params=request.GET.dict())
    viewer_may_see = payment is not None and payment_visible_to(payment=payment, user=request.user)
    return render(
        request,
        "payments/vnpay_return.html",
        {
            "signature_ok": event is not None,
            "gateway_success": event is not None and event.status == PaymentStatus.PAID,
            "payment": payment if viewer_may_see else None,
        },
        status=200 if event is not None else 400,
    )
