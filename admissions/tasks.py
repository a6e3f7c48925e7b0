"""Background tasks: thin wrappers around services (eager when no broker is configured)."""

from celery import shared_task

from .models import AllocationRun
from .services import allocation_run_execute, offers_expire, offers_send_reminders
from .services.intake import intake_drain as intake_drain_service
from .services.publication import allocation_run_publish_job


@shared_task(name="admissions.run_allocation")
def run_allocation(run_id: int) -> str:
    run = AllocationRun.objects.select_related("round").get(pk=run_id)
    allocation_run_execute(run=run)
    return str(run.uuid)


@shared_task(name="admissions.publish_run")
def publish_run(run_id: int, actor_id: int | None = None) -> str:
    run = allocation_run_publish_job(run_id=run_id, actor_id=actor_id)
    return run.status


@shared_task(name="admissions.offers_tick")
def offers_tick() -> dict:
    return {"reminders": offers_send_reminders(), "expired": offers_expire()}


@shared_task(name="admissions.intake_drain", bind=True)
def intake_drain(self) -> dict:
    # On a worker the drain yields to the requests during a burst; run in the request itself
    # (no broker) it must not sleep.
    return intake_drain_service(yield_to_intake=not self.request.is_eager)
