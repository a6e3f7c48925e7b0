"""`make loadtest` (bench/loadtest.py): production-like where it costs time (DEBUG off, Redis
cache, persistent database connections, WhiteNoise, quiet logs, a Celery worker on Redis for
the intake queue) on 127.0.0.1, without the deployment-only requirements of
portal.settings.prod (HTTPS, the school's signing key, a real SMS gateway). Never for a
server."""

import os
from pathlib import Path

_BASE = Path(__file__).resolve().parent.parent.parent
os.environ.setdefault("DJANGO_SECRET_KEY", "loadtest-only-insecure-key")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "300")
os.environ.setdefault("CACHE_REDIS_URL", f"unix://{_BASE / '.run' / 'redis.sock'}?db=2")
os.environ.setdefault("ADMISSIONS_SMS_BACKEND", "locmem")
os.environ.setdefault("MAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# The intake queue's worker (bench/loadtest.py starts one) takes its tasks from this Redis.
os.environ.setdefault("CELERY_BROKER_URL", f"redis+socket://{_BASE / '.run' / 'redis.sock'}")

from .base import *  # noqa: E402, F403
from .payments_sandbox import *  # noqa: E402, F403

WHITENOISE_USE_FINDERS = True
