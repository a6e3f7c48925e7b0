"""Refunds: staff return money (all or part) with a reason; the payment moves only here."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from portal.core.exceptions import InvalidInput

from ..constants import REFUNDABLE_STATUSES, Actor, Channel, EventKind, PaymentStatus, RefundStatus
from ..exceptions import InvalidAmount, RefundNotAllowed
from ..models import Payment, Refund
from ..providers.base import ProviderError, RefundResult
from ..registry import ProviderRegistry, registry
from .payments import _transition, _whole_vnd


def payment_refund(
    *,
    payment: Payment,
    amount: Decimal | int | str,
    reason: str,
    actor,
    providers: ProviderRegistry = registry,
) -> Refund:
    """Refund ``amount`` VND of a settled payment.

    Two steps so that no row lock is held while the gateway answers: (1) under the lock, the
    amount is reserved as a requested refund (requested refunds count against what is left, so
    two staff members cannot return the same money twice); (2) the gateway is asked; (3) under
    the lock again, the refund and the payment record the answer. A bank transfer is returned by
    the school's bank, outside the portal: the refund is recorded as done.
    """
    value = _whole_vnd(amount)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give the reason for the refund."), field="reason")
    refund = _reserve(payment=payment, amount=value, reason=reason, actor=actor)
    payment.refresh_from_db()
    full = value == payment.amount
    if payment.channel == Channel.VNPAY:
        provider = providers.get(payment.provider)
        try:
            result = provider.refund(payment, refund, full=full)
        except ProviderError as exc:
            result = RefundResult(succeeded=False, provider_code="unreachable", message=str(exc))
    else:
        result = RefundResult(succeeded=True, provider_code="manual", message="bank transfer")
    return _record_answer(refund=refund, result=result, actor=actor)


def _reserve(*, payment: Payment, amount: Decimal, reason: str, actor) -> Refund:
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status not in REFUNDABLE_STATUSES:
            raise RefundNotAllowed(
                _("Only a paid payment can be refunded (this one: %(status)s).")
                % {"status": payment.get_status_display()}
            )
        in_flight = payment.refunds.filter(status=RefundStatus.REQUESTED).aggregate(
            total=Sum("amount")
        )["total"] or Decimal(0)
        left = payment.amount - payment.refunded_amount - in_flight
        if amount > left:
            raise InvalidAmount(
                _("At most %(left)s đồng can still be refunded.") % {"left": f"{left:,.0f}"},
                field="amount",
            )
        return Refund.objects.create(
            payment=payment,
            amount=amount,
            reason=reason,
            request_id=secrets.token_hex(16),
            requested_by=actor,
        )


def _record_answer(*, refund: Refund, result: RefundResult, actor) -> Refund:
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=refund.payment_id)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        refund.provider_response = {"code": result.provider_code, "message": result.message,
                                    **dict(result.raw)}  # fmt: skip
        refund.status = RefundStatus.SUCCEEDED if result.succeeded else RefundStatus.FAILED
        refund.save(update_fields=["provider_response", "status", "updated_at"])
        if result.succeeded:
            refunded = payment.refunded_amount + refund.amount
            _transition(
                payment,
                to=PaymentStatus.REFUNDED
                if refunded == payment.amount
                else PaymentStatus.PARTIALLY_REFUNDED,
                actor=Actor.REFUND,
                kind=EventKind.REFUND,
                idempotency_key=f"refund:{refund.request_id}",
                provider_status=result.provider_code,
                raw=dict(result.raw),
                note=refund.reason,
                user=actor,
                refunded_amount=refunded,
            )
    return refund
