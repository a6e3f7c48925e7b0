"""Payments: what a payer owes, every message about it, refunds and bank statement lines.

The portal never holds money: a payment records that the payer paid the school's own merchant
account (VNPay) or bank account (VietQR transfer). See docs/adr/0011-payments.md.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from portal.core.models import AppendOnlyModel, TimeStampedModel, UUIDModel

from .constants import (
    LIVE_STATUSES,
    SETTLED_STATUSES,
    Channel,
    EventKind,
    PaymentStatus,
    RefundStatus,
    StatementOutcome,
)

VND = {"max_digits": 14, "decimal_places": 0}


class Payment(UUIDModel, TimeStampedModel):
    purpose = models.SlugField(_("purpose"), max_length=40, help_text="e.g. dossier")
    purpose_ref = models.CharField(
        _("payable reference"), max_length=64, help_text="UUID of the thing paid for"
    )
    order_code = models.CharField(_("order code"), max_length=40, db_index=True)
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments"
    )
    description = models.CharField(_("description"), max_length=255)
    amount = models.DecimalField(_("amount (VND)"), **VND)
    currency = models.CharField(max_length=3, default="VND", editable=False)
    provider = models.CharField(_("provider"), max_length=30)
    status = models.CharField(
        _("status"), max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    txn_ref = models.CharField(_("merchant reference"), max_length=64, unique=True)
    channel = models.CharField(_("paid through"), max_length=20, choices=Channel, blank=True)
    provider_reference = models.CharField(
        _("provider transaction number"),
        max_length=64,
        blank=True,
        help_text="VNPay vnp_TransactionNo, or the bank's reference of the statement line.",
    )
    bank_code = models.CharField(max_length=20, blank=True)
    options_snapshot = models.JSONField(default=dict, blank=True)
    refunded_amount = models.DecimalField(_("refunded (VND)"), default=Decimal(0), **VND)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    settled_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    settlement_delivered_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        permissions = [("manage_payments", _("Can refund and reconcile payments"))]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=F("amount")),
                name="payment_refund_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(status__in=SETTLED_STATUSES, settled_at__isnull=False)
                | (~Q(status__in=SETTLED_STATUSES) & Q(settled_at__isnull=True)),
                name="payment_settled_at_iff_settled",
            ),
            models.UniqueConstraint(
                fields=["purpose", "purpose_ref"],
                condition=Q(status__in=LIVE_STATUSES),
                name="one_live_payment_per_payable",
            ),
            models.UniqueConstraint(
                fields=["channel", "provider_reference"],
                condition=~Q(provider_reference=""),
                name="unique_provider_reference",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.order_code} · {self.amount} VND · {self.get_status_display()}"

    @property
    def refundable_amount(self) -> Decimal:
        return self.amount - self.refunded_amount


class PaymentEvent(AppendOnlyModel):
    """Every message about a payment, once: the audit trail and the duplicate detector."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    idempotency_key = models.CharField(max_length=200, unique=True)
    provider_status = models.CharField(max_length=40, blank=True)
    from_status = models.CharField(max_length=20, choices=PaymentStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=PaymentStatus.choices, blank=True)
    raw_payload = models.JSONField(default=dict, blank=True)
    note = models.CharField(max_length=255, blank=True)
    needs_review = models.BooleanField(
        default=False, help_text="A gateway reported money for a payment that was already final."
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")


class Refund(UUIDModel, TimeStampedModel):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(_("amount (VND)"), **VND)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        max_length=20, choices=RefundStatus.choices, default=RefundStatus.REQUESTED
    )
    request_id = models.CharField(max_length=32, unique=True)
    provider_response = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive")
        ]


class StatementImport(TimeStampedModel):
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    lines_read = models.PositiveIntegerField(default=0)
    lines_already_known = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("bank statement import")
        verbose_name_plural = _("bank statement imports")


class StatementLine(models.Model):
    statement = models.ForeignKey(StatementImport, on_delete=models.PROTECT, related_name="lines")
    line_key = models.CharField(max_length=100, unique=True)
    row_number = models.PositiveIntegerField()
    booked_at = models.DateTimeField()
    amount = models.DecimalField(**VND)
    description = models.TextField(blank=True)
    bank_reference = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=20, choices=StatementOutcome.choices)
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="statement_lines"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering = ["booked_at", "pk"]
        verbose_name = _("bank statement line")
        verbose_name_plural = _("bank statement lines")

    def __str__(self):
        return f"{self.booked_at:%d/%m/%Y} {self.amount} {self.description[:40]}"


class SandboxTransaction(TimeStampedModel):
    """Development and tests only: what the local VNPay sandbox remembers of a transaction, so
    that it can answer querydr and refund. Empty in production (the sandbox is switched off)."""

    tmn_code = models.CharField(max_length=20)
    txn_ref = models.CharField(max_length=100)
    create_date = models.CharField(max_length=14)
    amount_x100 = models.CharField(max_length=20)
    order_info = models.CharField(max_length=255)
    response_code = models.CharField(max_length=2)
    transaction_status = models.CharField(max_length=2)
    transaction_no = models.CharField(max_length=20)
    bank_code = models.CharField(max_length=20, default="NCB")
    pay_date = models.CharField(max_length=14)
    refunded_x100 = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tmn_code", "txn_ref"], name="sandbox_txn_once")
        ]
