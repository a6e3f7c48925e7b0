"""Background tasks: thin wrappers around services (eager when no broker is configured)."""

from celery import shared_task

from .models import AllocationRun
from .services import allocation_run_execute, offers_expire, offers_send_reminders


@shared_task(name="admissions.run_allocation")
def run_allocation(run_id: int) -> str:
    run = AllocationRun.objects.select_related("round").get(pk=run_id)
    allocation_run_execute(run=run)
    return str(run.uuid)


@shared_task(name="admissions.offers_tick")
def offers_tick() -> dict:
    return {"reminders": offers_send_reminders(), "expired": offers_expire()}
