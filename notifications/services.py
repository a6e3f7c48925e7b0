"""Writes of the delivery log: queue messages, send one, resend the failed ones of a batch.

Every message is its own background job (``notifications.deliver``) on the Celery broker
(Redis); a job that fails is retried with exponential backoff up to
``NOTIFICATIONS_MAX_ATTEMPTS`` attempts, then the row is ``failed`` with the reason. A large
batch is handed to the broker in chunks (``notifications.dispatch``, one message per chunk of
``DISPATCH_CHUNK`` ids) so that queueing 300,000 messages costs a few hundred broker calls.
Without a broker (development, tests) the messages are sent in-process right after the commit,
with a logged warning; one failure never stops the others."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .channels import send_email, sms_backend
from .models import Channel, Delivery, DeliveryStatus

logger = logging.getLogger(__name__)

DISPATCH_CHUNK = 1000


def max_attempts() -> int:
    return int(getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS", 4))


def retry_delay_s(attempts: int) -> int:
    """Backoff after the n-th failed attempt: 30 s, 60 s, 120 s… capped at one hour."""
    base = int(getattr(settings, "NOTIFICATIONS_RETRY_BASE_S", 30))
    return min(base * 2 ** max(0, attempts - 1), 3600)


def broker_available() -> bool:
    return not settings.CELERY_TASK_ALWAYS_EAGER


def delivery_queue(
    *, channel: str, recipient: str, body: str, subject: str = "", batch: str = "",
    subject_ref: str = "",
) -> Delivery:  # fmt: skip
    """Log a message as queued and send it after the current transaction commits."""
    delivery = Delivery.objects.create(
        channel=channel,
        recipient=recipient,
        subject=subject[:200],
        body=body,
        batch=batch,
        subject_ref=subject_ref,
    )
    pk = delivery.pk
    transaction.on_commit(lambda: deliveries_enqueue([pk]))
    return delivery


def deliveries_enqueue(ids: Iterable[int]) -> None:
    """Hand queued messages to the background workers (chunks of ids), or send them in-process
    when no broker is configured. Call after commit."""
    ids = list(ids)
    if not ids:
        return
    from .tasks import deliver, dispatch

    if broker_available():
        for start in range(0, len(ids), DISPATCH_CHUNK):
            chunk = ids[start : start + DISPATCH_CHUNK]
            if len(chunk) == 1:
                deliver.delay(chunk[0])
            else:
                dispatch.delay(chunk)
        return
    logger.warning(
        "No Celery broker (CELERY_BROKER_URL unset): sending %d message(s) in-process.", len(ids)
    )
    for pk in ids:
        for _attempt in range(max_attempts()):
            if delivery_attempt(delivery_id=pk) != "retry":
                break


def _send(delivery: Delivery) -> str:
    if delivery.channel == Channel.EMAIL:
        send_email(to=delivery.recipient, subject=delivery.subject, body=delivery.body)
        return "email"
    return sms_backend().send(to=delivery.recipient, body=delivery.body)


def delivery_attempt(*, delivery_id: int) -> str | None:
    """One attempt at sending a queued message. Returns ``sent``, ``retry`` (failed, attempts
    left), ``failed`` (failed for good) or None (not queued: already sent, failed, or being sent
    by another worker — a duplicate job is harmless)."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(pk=delivery_id, status=DeliveryStatus.QUEUED)
            .first()
        )
        if delivery is None:
            return None
        delivery.attempts += 1
        try:
            delivery.backend = str(_send(delivery))[:60]
        except Exception as exc:  # any provider error: logged, never raised to the caller
            reason = f"{type(exc).__name__}: {exc}"[:500] or type(exc).__name__
            delivery.error = reason
            final = delivery.attempts >= max_attempts()
            if final:
                delivery.status = DeliveryStatus.FAILED
            delivery.save(update_fields=["attempts", "error", "status", "updated_at"])
            logger.warning(
                "delivery %s (%s) attempt %s failed: %s",
                delivery.pk, delivery.channel, delivery.attempts, reason,
            )  # fmt: skip
            return "failed" if final else "retry"
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = timezone.now()
        delivery.error = ""
        delivery.save(
            update_fields=["attempts", "backend", "status", "sent_at", "error", "updated_at"]
        )
        return "sent"


@transaction.atomic
def deliveries_resend_failed(*, batch: str) -> int:
    """Queue again every failed message of a batch (fresh attempts); returns how many."""
    ids = list(
        Delivery.objects.select_for_update()
        .filter(batch=batch, status=DeliveryStatus.FAILED)
        .values_list("pk", flat=True)
    )
    Delivery.objects.filter(pk__in=ids).update(
        status=DeliveryStatus.QUEUED, attempts=0, error="", updated_at=timezone.now()
    )
    transaction.on_commit(lambda: deliveries_enqueue(ids))
    return len(ids)
