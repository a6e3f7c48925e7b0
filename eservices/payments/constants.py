"""Enumerations of the payments domain (readable lowercase values)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting payment")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Payment failed")
    CANCELLED = "cancelled", _("Payment cancelled")
    EXPIRED = "expired", _("Payment expired")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partly refunded")
    REFUNDED = "refunded", _("Refunded")


# Provider messages (IPN, querydr, statements) never move a payment out of these states.
FINAL_STATUSES = frozenset(
    {
        PaymentStatus.PAID,
        PaymentStatus.FAILED,
        PaymentStatus.CANCELLED,
        PaymentStatus.EXPIRED,
        PaymentStatus.PARTIALLY_REFUNDED,
        PaymentStatus.REFUNDED,
    }
)
# The money reached the school's account (and may since have been partly or fully returned).
SETTLED_STATUSES = frozenset(
    {PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED}
)
REFUNDABLE_STATUSES = frozenset({PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED})
# At most one of these per payable (purpose, purpose_ref): a database constraint.
LIVE_STATUSES = frozenset(
    {PaymentStatus.PENDING, PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED}
)


class Actor(models.TextChoices):
    PROVIDER = "provider", _("Payment provider")
    SYSTEM = "system", _("System")
    REFUND = "refund", _("Refund service")


class Channel(models.TextChoices):
    """How the money actually arrived."""

    VNPAY = "vnpay", "VNPay"
    BANK_TRANSFER = "bank_transfer", _("Bank transfer (VietQR)")


class EventKind(models.TextChoices):
    STARTED = "started", _("Payment started")
    CHECKOUT = "checkout", _("Sent to the payment gateway")
    RETURN = "return", _("Payer came back from the gateway")
    NOTIFICATION = "notification", _("Gateway notification (IPN)")
    QUERY = "query", _("Status query (querydr)")
    STATEMENT = "statement", _("Bank statement line")
    REFUND = "refund", _("Refund")
    EXPIRY = "expiry", _("Expired")


class RefundStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SUCCEEDED = "succeeded", _("Refunded")
    FAILED = "failed", _("Refused by the gateway")


class StatementOutcome(models.TextChoices):
    MATCHED = "matched", _("Matched")
    UNMATCHED = "unmatched", _("No order found")
    SHORT = "short", _("Paid too little")
    OVER = "over", _("Paid too much")
    DUPLICATE = "duplicate", _("Already paid")


PROBLEM_OUTCOMES = frozenset(
    {
        StatementOutcome.UNMATCHED,
        StatementOutcome.SHORT,
        StatementOutcome.OVER,
        StatementOutcome.DUPLICATE,
    }
)
