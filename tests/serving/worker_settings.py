"""Settings of the `celery worker` process that tests/serving/test_celery_worker.py starts: the
test settings (same test database through PORTAL_DB_NAME), with a real broker."""

import os

from portal.settings.test import *  # noqa: F403

CELERY_BROKER_URL = os.environ["PORTAL_WORKER_BROKER_URL"]
CELERY_RESULT_BACKEND = CELERY_BROKER_URL
CELERY_TASK_ALWAYS_EAGER = False
