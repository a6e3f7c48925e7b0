"""Every read of the payments domain."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse

from .constants import PROBLEM_OUTCOMES, SETTLED_STATUSES, EventKind, PaymentStatus
from .models import Payment, PaymentEvent, StatementLine


def payment_get(*, uuid) -> Payment | None:
    return Payment.objects.select_related("payer").filter(uuid=uuid).first()


def payment_visible_to(*, payment: Payment, user) -> bool:
    """The payer, or staff who may see payments."""
    if not user.is_authenticated:
        return False
    return payment.payer_id == user.pk or user.has_perm("payments.view_payment")


def payment_list_for_payer(*, user) -> QuerySet[Payment]:
    return Payment.objects.filter(payer=user).order_by("-created_at")


def payment_search(*, order_code: str) -> QuerySet[Payment]:
    return Payment.objects.filter(order_code__icontains=order_code).order_by("-created_at")[:50]


def payment_list_for_payable(*, purpose: str, purpose_ref: str) -> QuerySet[Payment]:
    return Payment.objects.filter(purpose=purpose, purpose_ref=str(purpose_ref)).order_by(
        "-created_at"
    )


def payment_list_awaiting_notification(*, quiet_since: dt.datetime) -> QuerySet[Payment]:
    """Pending payments sent to a gateway in the last day, quiet since ``quiet_since``."""
    recent_checkout = PaymentEvent.objects.filter(
        payment=OuterRef("pk"),
        kind=EventKind.CHECKOUT,
        received_at__gte=quiet_since - dt.timedelta(days=1),
    )
    return (
        Payment.objects.filter(status=PaymentStatus.PENDING, updated_at__lt=quiet_since)
        .filter(Exists(recent_checkout))
        .order_by("updated_at")
    )


def payment_list_stale_pending(*, before: dt.datetime) -> QuerySet[Payment]:
    return Payment.objects.filter(status=PaymentStatus.PENDING, created_at__lt=before)


def payment_list_undelivered_settlements() -> QuerySet[Payment]:
    return Payment.objects.filter(
        status__in=SETTLED_STATUSES, settlement_delivered_at__isnull=True
    ).order_by("updated_at")


def payment_candidates_by_order_code() -> dict[str, list[Payment]]:
    """Payments a bank transfer may name, grouped by order code (newest first)."""
    grouped: dict[str, list[Payment]] = {}
    for payment in Payment.objects.order_by("-created_at").only(
        "pk", "order_code", "status", "amount", "txn_ref"
    ):
        grouped.setdefault(payment.order_code, []).append(payment)
    return grouped


def statement_line_list_to_resolve() -> QuerySet[StatementLine]:
    return (
        StatementLine.objects.filter(outcome__in=PROBLEM_OUTCOMES, resolved_at__isnull=True)
        .select_related("payment", "statement")
        .order_by("booked_at", "pk")
    )


def payment_event_list_to_review() -> QuerySet[PaymentEvent]:
    return PaymentEvent.objects.filter(needs_review=True).select_related("payment")


def payment_page_path(payment: Payment) -> str:
    """Where the payer pays and follows the payment (stable; for other apps to link to)."""
    return reverse("payments:payment", kwargs={"uuid": payment.uuid})
