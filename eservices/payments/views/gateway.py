"""Server-to-server endpoints called by the gateway."""

from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ..services import payment_receive_notification


@never_cache
@require_GET
def vnpay_ipn(request):
    """The only place a VNPay payment becomes paid. Answers {"RspCode", "Message"}."""
    return JsonResponse(
        payment_receive_notification(provider_name="vnpay", params=request.GET.dict())
    )
