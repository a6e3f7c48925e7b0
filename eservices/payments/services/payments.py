"""Payments: start, checkout, gateway messages, reconciliation and settlement delivery.

Rules (docs/adr/0011-payments.md):
- only a server-to-server message (IPN, querydr answer, bank statement line) can make a payment
  paid; the browser return is recorded and shown, never applied;
- each gateway message is recorded once (unique idempotency key) under the payment's row lock,
  so a replayed or concurrent copy finds its twin and changes nothing;
- a final status never moves on a gateway message; refunds move a settled payment through
  ``payment_refund`` only;
- the thing paid for hears of it through the settlement hook after commit.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.exceptions import InvalidInput, TransitionNotAllowed

from .. import selectors
from ..constants import (
    FINAL_STATUSES,
    LIVE_STATUSES,
    SETTLED_STATUSES,
    Actor,
    EventKind,
    PaymentStatus,
)
from ..exceptions import InvalidAmount, PaymentAlreadyExists, PaymentNotPayable, ProviderUnavailable
from ..models import Payment, PaymentEvent
from ..providers.base import InvalidSignature, NotificationOutcome, ProviderError, ProviderEvent
from ..registry import ProviderRegistry, registry
from ..settlement import Settlement, settlement_handler
from ..vnpay_protocol import VN_TZ
from ..workflow import can_transition

logger = logging.getLogger(__name__)

_PURPOSE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


def _whole_vnd(amount: Decimal | int | str, *, field: str = "amount") -> Decimal:
    try:
        value = Decimal(str(amount))
    except ArithmeticError as exc:
        raise InvalidAmount(_("Not an amount."), field=field) from exc
    if not value.is_finite() or value <= 0 or value != value.to_integral_value():
        raise InvalidAmount(_("The amount must be a positive whole number of đồng."), field=field)
    return value


def _new_txn_ref() -> str:
    """P + date (GMT+7) + 10 random hex digits: unique, and never repeated within a day."""
    return f"P{timezone.now().astimezone(VN_TZ):%y%m%d}{secrets.token_hex(5).upper()}"


def payment_start(
    *,
    purpose: str,
    purpose_ref: str,
    order_code: str,
    payer,
    amount: Decimal | int | str,
    description: str,
    provider: str = "vnpay",
    providers: ProviderRegistry = registry,
) -> Payment:
    """Open a payment of ``amount`` VND for one payable (``purpose`` + ``purpose_ref``).

    Idempotent: while a pending payment of the same amount by the same payer exists for the
    payable, that payment is returned. A payable that is paid (or pending for a different amount
    or payer) is refused with PaymentAlreadyExists.
    """
    value = _whole_vnd(amount)
    if not _PURPOSE.match(purpose or ""):
        raise InvalidInput(_("A purpose is a short lowercase word."), field="purpose")
    if not str(purpose_ref).strip():
        raise InvalidInput(_("The payable reference is missing."), field="purpose_ref")
    if not order_code.strip() or len(order_code) > 40:
        raise InvalidInput(_("The order code must have 1 to 40 characters."), field="order_code")
    if not description.strip():
        raise InvalidInput(_("The description is missing."), field="description")
    providers.get(provider)
    with transaction.atomic():
        existing = _live_payment(purpose, str(purpose_ref))
        if existing is None:
            try:
                with transaction.atomic():
                    return _create(purpose, str(purpose_ref), order_code, payer, value,
                                   description, provider)  # fmt: skip
            except IntegrityError:
                existing = _live_payment(purpose, str(purpose_ref))
        if (
            existing is not None
            and existing.status == PaymentStatus.PENDING
            and existing.amount == value
            and existing.payer_id == payer.pk
        ):
            return existing
    raise PaymentAlreadyExists(
        _("This item already has a payment (%(status)s).")
        % {"status": existing.get_status_display() if existing else "?"},
        field="purpose_ref",
    )


def _live_payment(purpose: str, purpose_ref: str) -> Payment | None:
    return (
        Payment.objects.select_for_update()
        .filter(purpose=purpose, purpose_ref=purpose_ref, status__in=LIVE_STATUSES)
        .first()
    )


def _create(purpose, purpose_ref, order_code, payer, amount, description, provider) -> Payment:
    payment = Payment.objects.create(
        purpose=purpose,
        purpose_ref=purpose_ref,
        order_code=order_code.strip(),
        payer=payer,
        amount=amount,
        description=description.strip()[:255],
        provider=provider,
        txn_ref=_new_txn_ref(),
        options_snapshot={"locale": "vn"},
    )
    PaymentEvent.objects.create(
        payment=payment,
        kind=EventKind.STARTED,
        idempotency_key=f"started:{payment.uuid}",
        to_status=PaymentStatus.PENDING,
        actor=payer,
    )
    return payment


def payment_checkout(
    *,
    payment: Payment,
    client_ip: str,
    base_url: str,
    return_url: str,
    providers: ProviderRegistry = registry,
) -> str:
    """The gateway URL for the payer's browser. Within one checkout window the same gateway
    transaction is reused; after it, the old one is first asked about (querydr) so that a
    payment whose notification was lost is never paid twice."""
    provider = providers.get(payment.provider)
    now = timezone.now()
    if payment.options_snapshot.get(provider.name) and provider.needs_new_attempt(payment, now=now):
        try:
            payment_reconcile_querydr(payment=payment, providers=providers)
        except ProviderUnavailable:
            logger.warning("querydr before a new checkout failed for %s", payment.txn_ref)
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status != PaymentStatus.PENDING:
            raise PaymentNotPayable(
                _("This payment can no longer be paid (%(status)s).")
                % {"status": payment.get_status_display()}
            )
        if provider.needs_new_attempt(payment, now=now):
            attempt = provider.new_attempt(payment, now=now)
            state = payment.options_snapshot.setdefault(provider.name, {"attempts": []})
            state["attempts"].append(attempt)
            payment.save(update_fields=["options_snapshot", "updated_at"])
            PaymentEvent.objects.create(
                payment=payment,
                kind=EventKind.CHECKOUT,
                idempotency_key=f"checkout:{payment.uuid}:{attempt['n']}",
                raw_payload=attempt,
            )
    result = provider.start(payment, return_url=return_url, client_ip=client_ip, base_url=base_url)
    return result.redirect_url


def _record(payment: Payment, event: ProviderEvent, *, note: str = "", review: bool = False):
    PaymentEvent.objects.create(
        payment=payment,
        kind=event.kind,
        idempotency_key=event.idempotency_key,
        provider_status=event.provider_status,
        from_status=payment.status,
        to_status=payment.status,
        raw_payload=dict(event.raw),
        note=note,
        needs_review=review,
    )


def _transition(
    payment: Payment,
    *,
    to: str,
    actor: str,
    kind: str,
    idempotency_key: str,
    provider_status: str = "",
    raw: dict | None = None,
    note: str = "",
    user=None,
    **changes,
) -> Payment:
    """The only code that sets a payment's status. The caller holds the row lock."""
    if not can_transition(payment.status, to, actor):
        raise TransitionNotAllowed(
            _("A payment cannot go from %(from)s to %(to)s.")
            % {"from": PaymentStatus(payment.status).label, "to": PaymentStatus(to).label}
        )
    from_status = payment.status
    if to in SETTLED_STATUSES:
        changes["settlement_delivered_at"] = None
    updated = Payment.objects.filter(pk=payment.pk, status=from_status).update(
        status=to, updated_at=timezone.now(), **changes
    )
    if updated != 1:
        raise TransitionNotAllowed(_("The payment changed meanwhile; try again."))
    PaymentEvent.objects.create(
        payment=payment,
        kind=kind,
        idempotency_key=idempotency_key,
        provider_status=provider_status,
        from_status=from_status,
        to_status=to,
        raw_payload=raw or {},
        note=note[:255],
        actor=user,
    )
    payment.refresh_from_db()
    if to in SETTLED_STATUSES:
        payment_id = payment.pk
        transaction.on_commit(lambda: _deliver_logged(payment_id))
    return payment


def payment_apply_provider_status(*, event: ProviderEvent) -> NotificationOutcome:
    """Apply one verified gateway message to its payment, at most once.

    Under the payment's row lock: a message already recorded (same idempotency key) changes
    nothing; a wrong amount is recorded and refused; a final payment never moves (a gateway
    reporting money for it is flagged for staff); otherwise the pending payment moves to what
    the message asks for, with a conditional update that excludes final states.
    """
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(txn_ref=event.txn_ref).first()
        if payment is None:
            return NotificationOutcome.NOT_FOUND
        if PaymentEvent.objects.filter(idempotency_key=event.idempotency_key).exists():
            return NotificationOutcome.ALREADY_CONFIRMED
        if event.amount != payment.amount:
            _record(payment, event, note=f"amount {event.amount} ≠ {payment.amount}")
            return NotificationOutcome.INVALID_AMOUNT
        if payment.status in FINAL_STATUSES:
            other_money = (
                event.status == PaymentStatus.PAID
                and event.provider_reference != payment.provider_reference
            )
            _record(payment, event, note="payment already final", review=other_money)
            return NotificationOutcome.ALREADY_CONFIRMED
        if event.status is None or event.status == payment.status:
            _record(payment, event, note="no change")
            return NotificationOutcome.CONFIRMED
        changes = {}
        if event.status == PaymentStatus.PAID:
            snapshot = {**payment.options_snapshot, "paid_attempt_ref": event.attempt_ref}
            changes = {
                "settled_at": event.paid_at or timezone.now(),
                "channel": event.channel,
                "provider_reference": event.provider_reference,
                "bank_code": event.bank_code[:20],
                "options_snapshot": snapshot,
            }
        _transition(
            payment,
            to=event.status,
            actor=Actor.PROVIDER,
            kind=event.kind,
            idempotency_key=event.idempotency_key,
            provider_status=event.provider_status,
            raw=dict(event.raw),
            **changes,
        )
        return NotificationOutcome.CONFIRMED


def payment_receive_notification(
    *, provider_name: str, params: dict[str, str], providers: ProviderRegistry = registry
) -> dict[str, str]:
    """A gateway's server-to-server notification → the answer the gateway expects."""
    provider = providers.get(provider_name)
    try:
        event = provider.parse_notification(params)
    except InvalidSignature:
        return provider.notification_response(NotificationOutcome.BAD_SIGNATURE)
    try:
        outcome = payment_apply_provider_status(event=event)
    except Exception:  # the gateway gets "unknown error" and will retry; we keep the trace
        logger.exception("payment notification %s failed", event.idempotency_key)
        outcome = NotificationOutcome.ERROR
    return provider.notification_response(outcome)


def payment_receive_return(
    *, provider_name: str, params: dict[str, str], providers: ProviderRegistry = registry
) -> tuple[Payment | None, ProviderEvent | None]:
    """The payer's browser came back: verify and record it, never apply it."""
    provider = providers.get(provider_name)
    try:
        event = provider.parse_return(params)
    except InvalidSignature:
        return None, None
    payment = Payment.objects.filter(txn_ref=event.txn_ref).first()
    if payment is not None:
        PaymentEvent.objects.bulk_create(
            [
                PaymentEvent(
                    payment=payment,
                    kind=EventKind.RETURN,
                    idempotency_key=event.idempotency_key,
                    provider_status=event.provider_status,
                    raw_payload=dict(event.raw),
                    note="display only",
                )
            ],
            ignore_conflicts=True,
        )
    return payment, event


def payment_reconcile_querydr(
    *, payment: Payment, providers: ProviderRegistry = registry
) -> NotificationOutcome | None:
    """Ask the gateway about one payment and apply its answer (None: the gateway never saw it)."""
    provider = providers.get(payment.provider)
    try:
        event = provider.query_status(payment)
    except ProviderError as exc:
        raise ProviderUnavailable(str(exc)) from exc
    return None if event is None else payment_apply_provider_status(event=event)


def payment_cancel(*, payment: Payment, note: str) -> Payment:
    """The payable no longer needs paying (e.g. the dossier was withdrawn)."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        return _transition(
            payment,
            to=PaymentStatus.CANCELLED,
            actor=Actor.SYSTEM,
            kind=EventKind.EXPIRY,
            idempotency_key=f"cancel:{payment.uuid}",
            note=note,
        )


def _expire_stale(now: dt.datetime) -> int:
    stale = selectors.payment_list_stale_pending(
        before=now - dt.timedelta(days=settings.PAYMENT_PENDING_DAYS)
    )
    expired = 0
    for stale_payment in stale:
        with transaction.atomic():
            payment = Payment.objects.select_for_update().get(pk=stale_payment.pk)
            if payment.status == PaymentStatus.PENDING:
                _transition(
                    payment,
                    to=PaymentStatus.EXPIRED,
                    actor=Actor.SYSTEM,
                    kind=EventKind.EXPIRY,
                    idempotency_key=f"expiry:{payment.uuid}",
                    note=f"pending for more than {settings.PAYMENT_PENDING_DAYS} days",
                )
                expired += 1
    return expired


def payments_reconcile_pending(*, providers: ProviderRegistry = registry) -> dict[str, int]:
    """Periodic: querydr for checkouts whose notification has not come, expire payments left
    pending too long (after asking the gateway), redeliver settlements a handler refused."""
    now = timezone.now()
    counts = {"queried": 0, "changed": 0, "unreachable": 0, "expired": 0, "delivered": 0}
    quiet_since = now - dt.timedelta(minutes=settings.PAYMENT_QUERY_AFTER_MINUTES)
    for payment in selectors.payment_list_awaiting_notification(quiet_since=quiet_since):
        counts["queried"] += 1
        before = payment.status
        try:
            payment_reconcile_querydr(payment=payment, providers=providers)
        except ProviderUnavailable:
            counts["unreachable"] += 1
            continue
        payment.refresh_from_db()
        counts["changed"] += payment.status != before
    counts["expired"] = _expire_stale(now)
    for payment in selectors.payment_list_undelivered_settlements():
        counts["delivered"] += payment_deliver_settlement(payment_id=payment.pk)
    return counts


def payment_deliver_settlement(*, payment_id: int) -> bool:
    """Tell the payable's owner (settlement hook). Marked delivered only when the handler
    returned and the payment has not moved meanwhile."""
    payment = Payment.objects.get(pk=payment_id)
    if payment.status not in SETTLED_STATUSES or payment.settlement_delivered_at:
        return False
    handler = settlement_handler(payment.purpose)
    if handler is None:
        logger.warning("no settlement handler for purpose %r", payment.purpose)
        return False
    handler(
        Settlement(
            payment_uuid=payment.uuid,
            purpose=payment.purpose,
            purpose_ref=payment.purpose_ref,
            order_code=payment.order_code,
            status=payment.status,
            amount=payment.amount,
            refunded_amount=payment.refunded_amount,
            settled_at=payment.settled_at,
            channel=payment.channel,
            provider_reference=payment.provider_reference,
        )
    )
    return bool(
        Payment.objects.filter(
            Q(pk=payment.pk)
            & Q(status=payment.status)
            & Q(refunded_amount=payment.refunded_amount)
            & Q(settlement_delivered_at__isnull=True)
        ).update(settlement_delivered_at=timezone.now())
    )


def _deliver_logged(payment_id: int) -> None:
    try:
        payment_deliver_settlement(payment_id=payment_id)
    except Exception:  # redelivered by payments_reconcile_pending
        logger.exception("settlement handler failed for payment %s", payment_id)
