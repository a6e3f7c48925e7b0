"""An allocation run executed by a real Celery worker over a real Redis broker (the private Redis
that scripts/bootstrap.sh starts on .run/redis.sock), not in-process."""

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from admissions.constants import RunStatus
from admissions.demo import generate_demo_round
from admissions.models import Placement
from admissions.services import allocation_run_create, round_close
from admissions.tasks import run_allocation
from tests.celery_helpers import celery_on

REDIS_SOCKET = settings.BASE_DIR / ".run" / "redis.sock"


@pytest.fixture
def celery_over_redis():
    if not REDIS_SOCKET.exists():
        pytest.fail(f"no Redis at {REDIS_SOCKET}: run scripts/bootstrap.sh (make test does)")
    url = f"redis+socket://{REDIS_SOCKET}"
    with (
        celery_on(url) as app,
        start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30),
    ):
        yield redis.Redis(unix_socket_path=str(REDIS_SOCKET))


@pytest.mark.django_db(transaction=True)
def test_allocation_runs_in_a_celery_worker_over_redis(hcmc_data, celery_over_redis):
    demo = generate_demo_round(school_year=2035, children=150, seed=3)
    run = allocation_run_create(
        admission_round=round_close(admission_round=demo.round), mechanism="da", seed=42
    )
    assert run.status == RunStatus.QUEUED

    async_result = run_allocation.delay(run.pk)
    assert async_result.get(timeout=180) == str(run.uuid)

    run.refresh_from_db()
    assert (run.status, run.progress, run.check_passed) == (RunStatus.DRY_RUN, 100, True)
    assert Placement.objects.filter(run=run).count() == demo.children
    # The result travelled through Redis: the worker stored it in the Redis result backend.
    assert celery_over_redis.exists(f"celery-task-meta-{async_result.id}")
