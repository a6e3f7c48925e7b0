"""One real `celery worker` process on the worktree's Redis socket runs tasks sent by the portal:
the task executes in the other process, against the same database, and its result comes back
through Redis."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from admissions.tasks import offers_tick
from portal.core.tasks import ping
from tests.celery_helpers import celery_on

pytestmark = pytest.mark.django_db
REDIS_SOCKET = settings.BASE_DIR / ".run" / "redis.sock"


@pytest.fixture
def celery_worker_process(tmp_path):
    if not REDIS_SOCKET.exists():
        pytest.fail(f"no Redis at {REDIS_SOCKET}: run scripts/bootstrap.sh (make test does)")
    url = f"redis+socket://{REDIS_SOCKET}"
    queue = f"ops-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.serving.worker_settings",
        "PORTAL_WORKER_BROKER_URL": url,
        "PORTAL_DB_NAME": connection.settings_dict["NAME"],
    }
    log = tmp_path / "worker.log"
    celery = Path(sys.executable).with_name("celery")
    process = subprocess.Popen(
        [str(celery), "-A", "portal", "worker", "--pool=solo", "-Q", queue, "-n",
         f"{queue}@%h", "--without-heartbeat", "--without-gossip", "--without-mingle",
         "--loglevel=INFO"],
        cwd=settings.BASE_DIR, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        with celery_on(url):
            yield process, queue, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def test_a_real_worker_process_runs_portal_tasks(celery_worker_process):
    process, queue, log = celery_worker_process
    result = ping.apply_async(queue=queue)
    try:
        answer = result.get(timeout=90)
    except Exception:
        pytest.fail(f"worker gave no answer; its log:\n{log.read_text()}")
    assert answer["pid"] == process.pid != os.getpid()
    assert answer["database"] == connection.settings_dict["NAME"]
    # A real portal task goes the same way (offers: reminders and expiry).
    tick = offers_tick.apply_async(queue=queue).get(timeout=60)
    assert tick == {"reminders": 0, "expired": 0}
    assert process.poll() is None
    assert "portal.ping" in log.read_text()
