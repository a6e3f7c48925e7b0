"""Payer API: my payments, one payment's status, and the gateway URL to pay it."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors
from ..services import payment_checkout
from ..views.common import client_ip, vietqr_payload, vnpay_return_url
from .serializers import (
    PaymentCheckoutInputSerializer,
    PaymentCheckoutOutputSerializer,
    PaymentDetailOutputSerializer,
)

PROBLEM = OpenApiResponse(OpenApiTypes.OBJECT, description="application/problem+json")


def _own_payment(request, uuid):
    payment = selectors.payment_get(uuid=uuid)
    if payment is None or not selectors.payment_visible_to(payment=payment, user=request.user):
        raise Http404
    return payment


class PaymentListApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        responses={200: PaymentDetailOutputSerializer(many=True), 403: PROBLEM},
        summary="The signed-in payer's payments",
    )
    def get(self, request):
        payments = selectors.payment_list_for_payer(user=request.user)
        return Response(PaymentDetailOutputSerializer(payments, many=True).data)


class PaymentDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        responses={200: PaymentDetailOutputSerializer, 403: PROBLEM, 404: PROBLEM},
        summary="One payment's status (its payer or staff only)",
    )
    def get(self, request, uuid):
        return Response(PaymentDetailOutputSerializer(_own_payment(request, uuid)).data)


class PaymentCheckoutApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=PaymentCheckoutInputSerializer,
        responses={
            200: PaymentCheckoutOutputSerializer,
            400: PROBLEM,
            403: PROBLEM,
            404: PROBLEM,
            409: PROBLEM,
        },
        summary="Start paying: the gateway URL for the browser, and the VietQR payload",
        description=(
            "The payment is paid only when the gateway confirms it server-to-server; poll "
            "`GET /api/v1/payments/{uuid}/` for `status`."
        ),
    )
    def post(self, request, uuid):
        payment = _own_payment(request, uuid)
        PaymentCheckoutInputSerializer(data=request.data).is_valid(raise_exception=True)
        url = payment_checkout(
            payment=payment,
            client_ip=client_ip(request),
            base_url=request.build_absolute_uri("/"),
            return_url=vnpay_return_url(request),
        )
        data = {"redirect_url": url, "vietqr_payload": vietqr_payload(payment)}
        return Response(PaymentCheckoutOutputSerializer(data).data)
