"""Background tasks: thin wrappers around services (eager when no broker is configured)."""

from celery import shared_task

from .services import payments_reconcile_pending


@shared_task(name="payments.reconcile_pending")
def reconcile_pending() -> dict:
    return payments_reconcile_pending()
