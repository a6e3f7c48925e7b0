"""gunicorn settings for the portal (production and `make loadtest`); `make run` stays Django's
development server. Every value can be overridden from the environment:

    DJANGO_SETTINGS_MODULE=portal.settings.prod gunicorn -c portal/gunicorn.conf.py portal.wsgi

Worker count: web requests are CPU-bound Python (PostgreSQL and Redis answer in well under a
millisecond on the same host), so processes, not threads, give throughput. The default is
2 × cores + 1 processes (5 on the reference 2-core machine: one can wait on the database while
the others compute) with 2 threads each (gthread), so that HTTP keep-alive connections from a
load balancer do not pin a whole process. Measure with `make loadtest` before changing them;
docs/deploy.md and docs/adr/0024 explain the choice."""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
# Open connections a process takes before it leaves new ones to the others (gthread). A
# process keeps a kept-alive connection for good: a load balancer's pool of N persistent
# connections opened at once lands mostly on the first process awake, which then queues
# requests while the others idle (measured, docs/adr/0024). Behind such a pool set it to
# ceil(N / workers) + threads; the default suits browsers connecting directly.
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", "1000"))
# Behind a load balancer that keeps connections open; longer than its idle timeout is wrong.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# A request that takes longer is a bug or a stuck query: the worker is recycled.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Recycle workers now and then (bounded memory growth), not all at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "500"))
# Load the application once in the master: faster start, shared memory. Django opens no
# database connection at import, so nothing is shared across the fork.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
# Logs to stdout/stderr (systemd's journal collects them); no access log by default.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = os.environ.get("GUNICORN_PROC_NAME", "portal-web")
# X-Forwarded-* from the load balancer only (its address; "*" when it is on a private network).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


_warmed = False


def pre_fork(server, worker):
    """Import what the first requests would (portal/warmup.py), once, when the master has
    loaded the application. Then move everything the application made into the garbage
    collector's permanent generation before each fork: a full collection in a worker then
    walks only the objects of its own requests, not the application's ~200,000 (~100 ms
    with the GIL held, a pause for every request of that process), and the pages stay
    shared with the master. Python's documentation recommends this for a process that forks
    without exec."""
    global _warmed
    if preload_app and not _warmed and os.environ.get("GUNICORN_WARM_UP", "1") == "1":
        from portal.warmup import warm_up

        warm_up()
        _warmed = True
    if os.environ.get("GUNICORN_GC_FREEZE", "1") == "1":
        gc.freeze()
