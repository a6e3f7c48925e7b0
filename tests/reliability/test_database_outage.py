"""PostgreSQL goes away in the middle of a load and comes back: every answer meanwhile is a clean
503 problem+json, the running portal recovers by itself (no restart), and no transaction is
left half-written.

The outage is made on the worktree's own cluster without stopping it for other tests: new
connections to the test database are refused (ALLOW_CONNECTIONS false), as during a restart,
and every open connection of the portal is terminated (pg_terminate_backend), as a restart does.
Requests go through the live server's real WSGI handler over HTTP."""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter

import httpx
import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import override_settings

from admissions.models import Application, ApplicationChoice, ApplicationStatusChange

from .world import world_build

pytestmark = pytest.mark.django_db(transaction=True)
CSRF = "a" * 32  # a CSRF secret sent as both cookie and header (Django accepts either form)
CLIENTS = 6


def _session_for(user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "accounts.backends.PhoneOrEmailBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def _admin():
    settings = connection.settings_dict
    return psycopg.connect(host=settings["HOST"], port=settings["PORT"], user=settings["USER"],
                           dbname="postgres", autocommit=True)  # fmt: skip


def _wait_for(condition, lock, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with lock:
            if condition():
                return
        time.sleep(0.05)


def test_database_restart_under_load_gives_503_then_recovers(live_server):
    world = world_build()
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"rel-outage-{i}") for i in range(CLIENTS)
    )
    sessions = [_session_for(user) for user in users]
    db_name = connection.settings_dict["NAME"]
    own_pid = connection.cursor().connection.info.backend_pid

    serials = itertools.count(1)
    lock = threading.Lock()
    stop = threading.Event()
    answers: list[tuple[float, int, str, dict | None]] = []  # (time, status, type, body)
    created: list[str] = []

    def load(index: int):
        cookies = {"sessionid": sessions[index], "csrftoken": CSRF}
        with httpx.Client(base_url=live_server.url, cookies=cookies, timeout=30,
                          headers={"X-CSRFToken": CSRF}) as client:  # fmt: skip
            while not stop.is_set():
                with lock:
                    serial = next(serials)
                if serial % 3:
                    response = client.post("/api/v1/applications/", json=world.payload(serial))
                else:
                    response = client.get("/api/v1/applications/")
                ctype = response.headers.get("content-type", "")
                body = response.json() if "json" in ctype else None
                with lock:
                    answers.append((time.monotonic(), response.status_code, ctype, body))
                    if response.status_code == 201:
                        created.append(body["uuid"])

    with override_settings(CURRENT_ADMIN_VINTAGE=world.vintage_code), _admin() as admin:
        threads = [threading.Thread(target=load, args=(i,)) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        try:
            _wait_for(lambda: sum(1 for a in answers if a[1] in (200, 201)) >= 6, lock)
            down_at = time.monotonic()
            admin.execute(f'ALTER DATABASE "{db_name}" ALLOW_CONNECTIONS false')
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> %s",
                [db_name, own_pid],
            )
            time.sleep(1.5)
        finally:
            admin.execute(f'ALTER DATABASE "{db_name}" ALLOW_CONNECTIONS true')
        up_at = time.monotonic()
        _wait_for(lambda: sum(1 for t, s, *_ in answers if t > up_at and s in (200, 201)) >= 10,
                  lock)  # fmt: skip
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

    statuses = Counter(status for _, status, *_ in answers)
    # Only successes and clean 503s; never a 500.
    assert statuses.keys() <= {200, 201, 503}, statuses
    outage = [a for a in answers if a[1] == 503]
    assert outage, "the outage produced no 503"
    for _, _, ctype, body in outage:
        assert ctype == "application/problem+json"
        assert body["status"] == 503 and body["code"] == "service_unavailable"
    assert all(down_at - 0.5 < t for t, *_ in outage)
    # Recovery without restarting the portal: successes after PostgreSQL came back.
    assert sum(1 for t, s, *_ in answers if t > up_at and s in (200, 201)) >= 10
    assert any(t < down_at and s in (200, 201) for t, s, *_ in answers)

    # No partial writes: every stored application is whole.
    apps = Application.objects.filter(round=world.round)
    assert set(created) <= {str(u) for u in apps.values_list("uuid", flat=True)}
    codes = sorted(apps.values_list("tracking_code", flat=True))
    assert len(set(codes)) == len(codes)  # a killed transaction may leave a gap, never a repeat
    for app in apps:
        assert ApplicationChoice.objects.filter(application=app).count() == 3
        assert ApplicationStatusChange.objects.filter(application=app).count() == 2
