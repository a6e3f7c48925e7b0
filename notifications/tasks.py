"""Background jobs of the delivery log (Celery on Redis; in-process when no broker)."""

from celery import shared_task

from .services import delivery_attempt, retry_delay_s


@shared_task(name="notifications.deliver", ignore_result=True)
def deliver(delivery_id: int) -> str | None:
    """Send one message; a failure with attempts left schedules the next one with backoff."""
    outcome = delivery_attempt(delivery_id=delivery_id)
    if outcome == "retry":
        from .models import Delivery

        attempts = Delivery.objects.values_list("attempts", flat=True).get(pk=delivery_id)
        deliver.apply_async((delivery_id,), countdown=retry_delay_s(attempts))
    return outcome


@shared_task(name="notifications.dispatch", ignore_result=True)
def dispatch(delivery_ids: list[int]) -> int:
    """Fan a chunk of queued messages out into one job per message."""
    for pk in delivery_ids:
        deliver.delay(pk)
    return len(delivery_ids)
