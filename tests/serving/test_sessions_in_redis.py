"""Signed-in requests read their session from Redis, not PostgreSQL, and lose nothing when the
cache is flushed (cached_db sessions); the cache shares one Redis client (ADR 0027)."""

import threading
import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.services import parent_register

pytestmark = pytest.mark.django_db


def _session_queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "django_session" in q["sql"]]


def test_a_signed_in_request_reads_its_session_from_redis(redis_cache):
    parent = parent_register(full_name="Nguyễn Thị Lan", password="mật-khẩu-dài-2026",
                             phone="0912345678")  # fmt: skip
    client = Client(headers={"accept-language": "en"})
    client.force_login(parent)
    url = f"/api/v1/applications/intake/{uuid.uuid4()}/"  # signed in, someone's receipt: 404

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 404
    assert _session_queries(captured) == []

    redis_cache.flushdb()  # a lost cache: the session is still in PostgreSQL
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 404  # not 403: still signed in
    assert len(_session_queries(captured)) == 1
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    assert _session_queries(captured) == []  # cached again


def test_the_cache_shares_one_redis_client_between_operations_and_threads(redis_cache):
    backend = cache._cache
    clients = [backend.get_client(write=True)]
    thread = threading.Thread(target=lambda: clients.append(backend.get_client(write=True)))
    thread.start()
    thread.join()
    assert clients[0] is clients[1]
    cache.set("shared-client", "một", timeout=30)
    assert cache.get("shared-client") == "một"
