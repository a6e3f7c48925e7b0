"""Celery app: tasks run on Redis when CELERY_BROKER_URL is set, in-process (eager) otherwise.

A worker started without DJANGO_SETTINGS_MODULE refuses to start (portal/entrypoint.py)."""

from celery import Celery

from portal.entrypoint import require_settings_module

require_settings_module()

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
