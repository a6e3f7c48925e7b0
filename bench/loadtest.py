"""`make loadtest`: the production server (gunicorn, portal/gunicorn.conf.py) on 127.0.0.1 with
the real stack (PostgreSQL/PostGIS, Redis cache, DEBUG off: portal.settings.loadtest), driven by
locust headless. Not part of `make test`.

Three phases, each with LOADTEST_USERS clients (default 50) for LOADTEST_SECONDS (default
20), into a demo round that is reset first: the public map endpoints (cached, warmed first);
complete applications by signed-in parents through the synchronous endpoint ("direct"); the
same through the intake queue (docs/adr/0027), with a Celery worker on Redis (one process, at
lower CPU priority than the web server) creating the applications, after which the run waits
until the queue is empty and reports how long that took. Prints a table of throughput and
latency percentiles and, as its last line, one JSON object: {"map_rps", "map_p99_ms",
"submit_rps", "submit_p99_ms", "errors", "submit_direct_rps", "submit_direct_p99_ms",
"intake_accepted", "intake_drain_s"}; submit_* is the intake queue, errors counts failed
requests and refused intakes.

The clients keep their connections open, like a load balancer's pool: the server is told to
spread them over its processes (GUNICORN_WORKER_CONNECTIONS, see connections_per_process).
LOADTEST_MAP_RATE=N and LOADTEST_SUBMIT_RATE=N pace the clients of those phases to N
requests/s together: the latency at that load. By default they run without think time and
measure the capacity (closed loop: then p50 ≈ clients / throughput, Little's law).

Targets on a 2-core machine (issue #11): map ≥ 1,000 requests/s with p99 ≤ 50 ms at 50
clients; submit ≥ 300/s with p99 ≤ 300 ms and no error. Locust runs on the same cores as the
server, PostgreSQL and Redis: the figures are for the whole machine."""

from __future__ import annotations

import csv
import json
import os
import runpy
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
SETTINGS = os.environ.get("LOADTEST_SETTINGS", "portal.settings.loadtest")
USERS = int(os.environ.get("LOADTEST_USERS", "50"))
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "20"))
PARENTS = 200
PHASES = os.environ.get("LOADTEST_PHASES", "map,direct,intake").split(",")
DRAIN_TIMEOUT_S = int(os.environ.get("LOADTEST_DRAIN_TIMEOUT", "600"))
#: Requests/s offered by all clients together per phase (bench/locustfile.py); 0: no think
#: time (the capacity).
_SUBMIT_RATE = float(os.environ.get("LOADTEST_SUBMIT_RATE") or 0)
RATES = {
    "MapUser": float(os.environ.get("LOADTEST_MAP_RATE") or 0),
    "DirectSubmitUser": _SUBMIT_RATE,
    "SubmitUser": _SUBMIT_RATE,
}
SCHOOL_YEAR = 2090  # a demo round of its own, reset at every run
PIN = {"lat": 10.7725, "lon": 106.6980}  # Phường Bến Thành


def prepare() -> dict:
    """Demo round, parents and their sessions, in the database the server will use."""
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.db.models import ProtectedError

    from admissions.demo import round_ensure, round_reset
    from admissions.models import RoundSchool
    from gis.geometry import make_point
    from gis.hcmc_data import hcmc_data_is_current
    from gis.selectors import school_nearest

    if not hcmc_data_is_current():
        sys.exit("The HCMC data is not loaded in this database: run `make data` first.")
    admission_round = round_ensure(school_year=SCHOOL_YEAR, is_demo=True)
    try:
        round_reset(admission_round)
    except ProtectedError:
        sys.exit("A previous load test's worker is still creating applications in the demo "
                 "round: wait until it has stopped, then run again.")  # fmt: skip
    admission_round.refresh_from_db()
    nearest = [n.school for n in school_nearest(point=make_point(**PIN), k=3, level="primary")]
    for school in nearest:
        RoundSchool.objects.get_or_create(
            round=admission_round, school=school, defaults={"classes": 3}
        )
    users = get_user_model()
    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    sessions = []
    csrf = secrets.token_hex(16)  # a 32-character CSRF secret, sent as cookie and header
    for i in range(PARENTS):
        user, _ = users.objects.get_or_create(username=f"loadtest-parent-{i}")
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "accounts.backends.PhoneOrEmailBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        sessions.append(session.session_key)
    return {
        "school_year": admission_round.school_year,
        "birth_year": admission_round.birth_year,
        "choices": [s.pk for s in nearest],
        "sessions": sessions,
        "csrf": csrf,
        **PIN,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def connections_per_process() -> int:
    """The locust clients are a load balancer's pool of persistent connections, opened at
    once: spread over the processes as the deploy guide says (portal/gunicorn.conf.py)."""
    config = runpy.run_path(str(ROOT / "portal" / "gunicorn.conf.py"))  # the server's counts
    return -(-USERS // config["workers"]) + config["threads"]


def start_server(port: int, log: Path) -> subprocess.Popen:
    env = {
        "GUNICORN_WORKER_CONNECTIONS": str(connections_per_process()),
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }
    server = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-c", "portal/gunicorn.conf.py", "portal.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/catchments/", timeout=30):
                return server
        except OSError:
            if server.poll() is not None:
                sys.exit(f"gunicorn exited; see {log}")
            time.sleep(0.5)
    sys.exit(f"gunicorn did not answer within 120 s; see {log}")


def start_worker(log: Path) -> subprocess.Popen:
    """One Celery worker process for the intake queue at the lowest CPU priority (its database
    work is not: PostgreSQL serves both at the same priority)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS}
    worker = subprocess.Popen(
        ["nice", "-n", "19", str(VENV_BIN / "celery"), "-A", "portal", "worker",
         "--concurrency", "1", "--loglevel", "WARNING", "--without-gossip", "--without-mingle",
         "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    lower_session_priority(worker.pid)
    return worker


def lower_session_priority(pid: int) -> None:
    """With the kernel's session autogroups (Linux's default on desktops and on this machine),
    a process's nice value only ranks it within its own session: a worker in a session of its
    own competes with the whole web server as an equal, whatever its nice value. The autogroup
    has its own nice value; lowering it makes the worker's priority real (docs/adr/0027)."""
    autogroup = Path(f"/proc/{pid}/autogroup")
    if not autogroup.exists():  # no autogroups (a server kernel, a container): nice is enough
        return
    try:
        autogroup.write_text("19")
    except OSError as exc:
        print(f"could not lower the worker's session priority ({exc}); measuring without")


def wait_for_drain(school_year: int) -> dict:
    """Seconds until the intake queue of the round is empty, and how its intakes ended."""
    from django.db.models import Count

    from admissions.constants import IntakeStatus
    from admissions.models import ApplicationIntake

    intakes = ApplicationIntake.objects.filter(round__school_year=school_year)
    started = time.monotonic()
    while intakes.filter(status=IntakeStatus.QUEUED).exists():
        if time.monotonic() - started > DRAIN_TIMEOUT_S:
            break
        time.sleep(0.5)
    counts = dict(intakes.values_list("status").annotate(n=Count("pk")))
    return {
        "drain_s": round(time.monotonic() - started, 1),
        **{status: counts.get(status, 0) for status in IntakeStatus.values},
    }


def warm(port: int) -> None:
    """One request per cached URL, so the map phase measures the cache, not the first miss."""
    from map_urls import map_urls  # the same URLs as the locust users

    for url in map_urls():
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{url}", timeout=60) as response:
            response.read()


def run_locust(user_class: str, port: int, setup: dict, out: Path, serial_start: int = 1) -> dict:
    prefix = out / user_class
    env = {
        **os.environ,
        "LOADTEST_SETUP": json.dumps(setup),
        "LOADTEST_SERIAL_START": str(serial_start),
        "LOADTEST_RATE": str(RATES[user_class]),
        "LOADTEST_USERS": str(USERS),
    }
    subprocess.run(
        [str(VENV_BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), user_class,
         "--headless", "-u", str(USERS), "-r", str(USERS), "-t", f"{SECONDS}s",
         "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--csv-full-history",
         "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "5"],
        cwd=out, env=env, check=False, stdout=(out / f"{user_class}.log").open("w"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    rows = list(csv.DictReader((out / f"{user_class}_stats.csv").open()))
    return {row["Name"]: row for row in rows}


def table(phase: str, rows: dict) -> list[str]:
    lines = []
    for name, row in rows.items():
        lines.append(
            f"{phase:<7} {name:<30} {int(row['Request Count']):>8} {int(row['Failure Count']):>7} "
            f"{float(row['Requests/s']):>9.1f} {row['50%']:>7} {row['90%']:>7} {row['95%']:>7} "
            f"{row['99%']:>7} {row['100%']:>7}"
        )
    return lines


def _paces() -> str:
    paced = {"map": RATES["MapUser"], "submit": RATES["SubmitUser"]}
    text = ", ".join(f"{name} paced to {rate:g} requests/s" for name, rate in paced.items() if rate)
    return f" ({text})" if text else " (no think time: capacity)"


def _number(text: str | None, digits: int | None = None) -> float | None:
    return None if text is None else round(float(text), digits)


def main() -> None:
    setup = prepare()
    sys.path.insert(0, str(ROOT / "bench"))
    port = free_port()
    out = Path(tempfile.mkdtemp(prefix="portal-loadtest-"))
    server = start_server(port, out / "gunicorn.log")
    worker = start_worker(out / "celery.log")
    try:
        warm(port)
        map_rows = direct_rows = submit_rows = {}
        if "map" in PHASES:
            map_rows = run_locust("MapUser", port, setup, out)
        if "direct" in PHASES:
            direct_rows = run_locust("DirectSubmitUser", port, setup, out, serial_start=500_000)
        if "intake" in PHASES:
            submit_rows = run_locust("SubmitUser", port, setup, out, serial_start=1)
        drain = wait_for_drain(setup["school_year"])
    finally:
        for process in (server, worker):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)
    header = (
        f"{'phase':<7} {'endpoint':<30} {'requests':>8} {'errors':>7} {'req/s':>9} "
        f"{'p50 ms':>7} {'p90 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}"
    )
    print(f"gunicorn on 127.0.0.1:{port} ({connections_per_process()} connections per process"
          f" unless GUNICORN_WORKER_CONNECTIONS), {USERS} locust clients, {SECONDS} s per phase"
          f"{_paces()}, "
          f"{os.cpu_count()} cores shared by server, PostgreSQL, Redis, the Celery worker "
          f"and locust")  # fmt: skip
    print(header)
    print("-" * len(header))
    lines = table("map", map_rows) + table("direct", direct_rows) + table("intake", submit_rows)
    for line in lines:
        print(line)
    print(f"locust's per-second history: {out}/*_stats_history.csv")
    print(
        f"intake queue: empty {drain['drain_s']} s after the last request; "
        f"{drain['accepted']} applications created, {drain['refused']} refused, "
        f"{drain['queued']} still queued"
    )
    empty = {"Requests/s": None, "99%": None, "Failure Count": "0"}  # a phase not run
    agg_map, agg_submit, agg_direct = (
        rows.get("Aggregated", empty) for rows in (map_rows, submit_rows, direct_rows)
    )
    failures = sum(int(agg["Failure Count"]) for agg in (agg_map, agg_direct, agg_submit))
    result = {
        "map_rps": _number(agg_map["Requests/s"], 1),
        "map_p99_ms": _number(agg_map["99%"]),
        "submit_rps": _number(agg_submit["Requests/s"], 1),
        "submit_p99_ms": _number(agg_submit["99%"]),
        "errors": failures + drain["refused"] + drain["queued"],
        "submit_direct_rps": _number(agg_direct["Requests/s"], 1),
        "submit_direct_p99_ms": _number(agg_direct["99%"]),
        "intake_accepted": drain["accepted"],
        "intake_drain_s": drain["drain_s"],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
