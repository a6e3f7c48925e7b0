"""Redis goes away: pages and the public API are still served (from PostgreSQL, without cache),
and background work runs in-process instead of on a worker, each with a logged warning.
A real redis-server, started for the test on its own socket and then stopped."""

import logging
import os
import subprocess
import time

import pytest
import redis
from django.core.cache import caches
from django.test import override_settings

import portal.core.cache
from portal.celery import app
from portal.core.background import enqueue
from portal.core.tasks import ping

pytestmark = pytest.mark.django_db
SCHOOLS = "/api/v1/schools/?bbox=106.69,10.76,106.71,10.78"


@pytest.fixture
def own_redis(tmp_path):
    socket = tmp_path / "redis.sock"
    process = subprocess.Popen(
        ["redis-server", "--port", "0", "--unixsocket", str(socket), "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    client = redis.Redis(unix_socket_path=str(socket))
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    try:
        yield process, socket
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


def _stop(process) -> None:
    process.terminate()
    process.wait(timeout=10)


def test_pages_are_served_without_redis(client, own_redis, caplog):
    process, socket = own_redis
    config = {"default": {"BACKEND": "portal.core.cache.ResilientRedisCache",
                          "LOCATION": f"unix://{socket}"}}  # fmt: skip
    with override_settings(CACHES=config):
        caches["default"].clear()
        assert client.get(SCHOOLS)["X-Cache"] == "miss"
        cached = client.get(SCHOOLS)
        assert cached["X-Cache"] == "hit"

        _stop(process)
        portal.core.cache._last_warning = 0.0
        with caplog.at_level(logging.WARNING, logger="portal.cache"):
            started = time.monotonic()
            page = client.get("/", HTTP_ACCEPT="text/html")
            api = client.get(SCHOOLS)
            elapsed = time.monotonic() - started
        assert page.status_code == 200
        assert "<html" in page.content.decode().lower()
        assert api.status_code == 200
        assert api["X-Cache"] == "miss"  # served from PostgreSQL
        assert api.content == cached.content
        assert elapsed < 5  # a dead Redis costs milliseconds, not socket timeouts
        warnings = [r.getMessage() for r in caplog.records if r.name == "portal.cache"]
        assert len(warnings) == 1  # one warning, not one per call
        assert "Redis cache unavailable" in warnings[0]


@pytest.fixture
def broker_on(own_redis):
    process, socket = own_redis
    keys = ("broker_url", "result_backend", "task_always_eager")
    previous = {key: app.conf[key] for key in keys}
    app.conf.update(broker_url=f"redis+socket://{socket}", result_backend=None,
                    task_always_eager=False)  # fmt: skip
    app._pool = None  # the broker connection pool belongs to the previous URL
    app.amqp._producer_pool = None
    try:
        yield process
    finally:
        app.conf.update(previous)
        app._pool = None
        app.amqp._producer_pool = None


def test_background_work_falls_back_to_in_process_when_the_broker_is_down(broker_on, caplog):
    queued = enqueue(ping)  # Redis is up: the task is published for a worker
    assert queued.__class__.__name__ == "AsyncResult"
    queue = redis.Redis(unix_socket_path=app.conf.broker_url.removeprefix("redis+socket://"))
    assert queue.llen("celery") == 1

    _stop(broker_on)
    with caplog.at_level(logging.WARNING, logger="portal.background"):
        started = time.monotonic()
        result = enqueue(ping)
        elapsed = time.monotonic() - started
    assert result.successful()
    assert result.result["pid"] == os.getpid()  # it ran here
    assert result.result["database"].startswith("test_")
    assert elapsed < 10
    messages = [r.getMessage() for r in caplog.records if r.name == "portal.background"]
    assert len(messages) == 1 and "running portal.ping in-process" in messages[0]
