"""Fixtures for serving tests: the worktree's real Redis as Django's cache."""

import pytest
import redis
from django.conf import settings
from django.core.cache import caches
from django.test import override_settings

REDIS_SOCKET = settings.BASE_DIR / ".run" / "redis.sock"
# A database of its own in the worktree Redis (the Celery tests use database 0).
REDIS_CACHE_URL = f"unix://{REDIS_SOCKET}?db=3"


@pytest.fixture
def redis_cache():
    if not REDIS_SOCKET.exists():
        pytest.fail(f"no Redis at {REDIS_SOCKET}: run scripts/bootstrap.sh (make test does)")
    client = redis.Redis(unix_socket_path=str(REDIS_SOCKET), db=3)
    client.flushdb()
    config = {"default": {"BACKEND": "portal.core.cache.ResilientRedisCache",
                          "LOCATION": REDIS_CACHE_URL}}  # fmt: skip
    with override_settings(CACHES=config):
        caches["default"].clear()
        yield client
    client.flushdb()
