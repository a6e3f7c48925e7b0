"""Hand a task to the Celery workers, or run it here when the broker cannot take it.

With CELERY_BROKER_URL set, `enqueue` publishes the task (one attempt, short timeout). When
Redis is down the task runs in this process instead, with a logged warning: a committee that
starts an allocation run or a family that pays while Redis restarts still gets the work done,
only slower (docs/adr/0024). Without a broker (development, tests) Celery is eager anyway."""

from __future__ import annotations

import logging

from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger("portal.background")


def enqueue(task, *args, **kwargs):
    """Queue `task(*args, **kwargs)`; returns Celery's AsyncResult or, after a fallback, the
    EagerResult of the in-process run."""
    app = task.app
    if app.conf.task_always_eager:
        return task.apply(args=args, kwargs=kwargs)
    try:
        return task.apply_async(args=args, kwargs=kwargs, retry=False)
    except (BrokerError, OSError) as exc:
        logger.warning(
            "broker unavailable (%s): running %s in-process instead of on a worker",
            exc,
            task.name,
        )
        return task.apply(args=args, kwargs=kwargs, throw=True)
