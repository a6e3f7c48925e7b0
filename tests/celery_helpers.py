"""Point the portal's Celery app at a real broker for one test, and back.

Celery caches the broker pool, the producer pool and (per thread) the result backend the first
time a task is sent; an earlier test that queued work with no result backend would otherwise
leave this one with a disabled backend ("No result backend is configured")."""

from __future__ import annotations

from contextlib import contextmanager

from portal.celery import app

KEYS = ("broker_url", "result_backend", "task_always_eager")


def _forget_connections() -> None:
    app._pool = None
    app.amqp._producer_pool = None
    app._local.__dict__.pop("backend", None)


@contextmanager
def celery_on(url: str):
    previous = {key: app.conf[key] for key in KEYS}
    app.conf.update(broker_url=url, result_backend=url, task_always_eager=False)
    _forget_connections()
    try:
        yield app
    finally:
        app.conf.update(previous)
        _forget_connections()
