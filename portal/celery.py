"""Celery app: tasks run on Redis when CELERY_BROKER_URL is set, in-process (eager) otherwise.

A worker started without DJANGO_SETTINGS_MODULE refuses to start (portal/entrypoint.py)."""

from celery import Celery
from celery.signals import task_postrun, worker_init, worker_process_init

from portal.entrypoint import require_settings_module

require_settings_module()

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
@worker_process_init.connect
def _engine_process_setup(**_: object) -> None:
    """Workers run the allocation engine: numpy without huge-page advice (ADR 28). Set in
    the worker's main process (inherited by forked children) and again in each child."""
    from admissions.allocation.runtime import engine_process_setup

    engine_process_setup()


@task_postrun.connect
def _release_freed_memory(**_: object) -> None:
    """The engine keeps freed memory for reuse during a job; a worker gives it back after
    each one (ADR 30)."""
    from admissions.allocation.runtime import release_freed_memory

    release_freed_memory()
