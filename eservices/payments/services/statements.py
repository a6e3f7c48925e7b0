"""Bank statement import: credits matched to payments by the order code in the memo.

A line that names exactly one order and pays exactly its pending amount makes that payment paid
(through ``payment_apply_provider_status``, so a payment is never paid twice). Every other line
— no order, too little, too much, an order already paid — is kept for staff to resolve. A bank
transaction seen in an earlier statement is skipped, so overlapping statements are harmless.
"""

from __future__ import annotations

import hashlib
from collections import Counter

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.exceptions import InvalidInput

from .. import selectors
from ..constants import SETTLED_STATUSES, Channel, EventKind, PaymentStatus, StatementOutcome
from ..exceptions import StatementUnreadable
from ..models import Payment, StatementImport, StatementLine
from ..providers.base import ProviderEvent
from ..statement import StatementError, classify, find_order_codes, read_statement
from .payments import payment_apply_provider_status

MAX_STATEMENT_BYTES = 10 * 1024 * 1024


def statement_import(*, content: bytes, file_name: str, actor) -> StatementImport:
    if len(content) > MAX_STATEMENT_BYTES:
        raise StatementUnreadable(_("The statement is larger than 10 MB."), field="file")
    try:
        lines = read_statement(content)
    except StatementError as exc:
        raise StatementUnreadable(str(exc), field="file") from exc
    with transaction.atomic():
        statement = StatementImport.objects.create(
            file_name=file_name[:255],
            sha256=hashlib.sha256(content).hexdigest(),
            imported_by=actor,
            lines_read=len(lines),
        )
        keys = _line_keys(lines)
        known = set(
            StatementLine.objects.filter(line_key__in=keys).values_list("line_key", flat=True)
        )
        candidates = selectors.payment_candidates_by_order_code()
        for line, key in zip(lines, keys, strict=True):
            if key in known:
                statement.lines_already_known += 1
                continue
            _import_line(statement, line, key, candidates)
        statement.save(update_fields=["lines_already_known", "updated_at"])
    return statement


def _line_keys(lines) -> list[str]:
    """The bank's reference when it gives one; otherwise the line's content plus how many equal
    lines came before it in this file (two identical transfers on one day stay two)."""
    seen: Counter[str] = Counter()
    keys = []
    for line in lines:
        base = line.key
        keys.append(base if line.bank_reference else f"{base}:{seen[base]}")
        seen[base] += 1
    return keys


def _import_line(statement, line, key, candidates) -> StatementLine:
    codes = find_order_codes(line.description, candidates)
    payment = _payable(candidates[codes[0]]) if len(codes) == 1 else None
    if payment is not None:
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
    outcome = classify(
        line.amount,
        expected=payment.amount if payment is not None else None,
        already_paid=payment is not None and payment.status in SETTLED_STATUSES,
    )
    if payment is not None and payment.status not in SETTLED_STATUSES | {PaymentStatus.PENDING}:
        outcome = StatementOutcome.UNMATCHED  # a failed or cancelled payment cannot be paid
    if outcome == StatementOutcome.MATCHED:
        payment_apply_provider_status(
            event=ProviderEvent(
                txn_ref=payment.txn_ref,
                kind=EventKind.STATEMENT,
                idempotency_key=f"statement:{key}",
                provider_status="credit",
                status=PaymentStatus.PAID,
                amount=line.amount,
                provider_reference=line.bank_reference[:64],
                paid_at=_aware(line.booked_at),
                channel=Channel.BANK_TRANSFER,
                raw={"row": line.row, "description": line.description},
            )
        )
    return StatementLine.objects.create(
        statement=statement,
        line_key=key,
        row_number=line.row,
        booked_at=_aware(line.booked_at),
        amount=line.amount,
        description=line.description,
        bank_reference=line.bank_reference[:64],
        outcome=outcome,
        payment=payment,
    )


def _aware(moment):
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _payable(payments: list[Payment]) -> Payment:
    """Of the payments with one order code: the pending one, else the settled one, else the
    newest (so that a transfer for a cancelled payment is shown next to it)."""
    for wanted in ({PaymentStatus.PENDING}, SETTLED_STATUSES):
        for payment in payments:
            if payment.status in wanted:
                return payment
    return payments[0]


def statement_line_resolve(*, line: StatementLine, note: str, actor) -> StatementLine:
    note = (note or "").strip()
    if not note:
        raise InvalidInput(_("Say how the line was resolved."), field="note")
    with transaction.atomic():
        line = StatementLine.objects.select_for_update().get(pk=line.pk)
        if line.resolved_at is None:
            line.resolved_at = timezone.now()
            line.resolved_by = actor
            line.resolution_note = note
            line.save(update_fields=["resolved_at", "resolved_by", "resolution_note"])
    return line
