"""Publication benchmark (``publish_s`` of ``make bench``): a synthetic round of 155,000 children
on the real database, published through the real path — the committee's request (checks and
input fingerprints under the round lock) and the background job (set-based writes of statuses,
offers, history, one e-mail and one SMS per family in the delivery log, and the notification
jobs handed to the Celery broker).

The round is written straight into the database (children spread around the real located primary
schools, two ranked choices each, a reviewed run placing ~90 % of them); that setup is not
timed. Messages are queued on a private Redis database of the worktree (``.run/redis.sock``, db
15) that no worker reads, and purged afterwards together with the synthetic round.
Run: ``DJANGO_SETTINGS_MODULE=portal.settings.dev .venv/bin/python bench/publish.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT))

SCHOOL_YEAR = 2099  # a year no real or demo round uses
REDIS_SOCKET = ROOT / ".run" / "redis.sock"
BROKER_URL = f"redis+socket://{REDIS_SOCKET}?virtual_host=15"


def _setup_django() -> None:
    if not os.environ.get("DJANGO_SETTINGS_MODULE"):
        raise SystemExit("set DJANGO_SETTINGS_MODULE (e.g. portal.settings.dev)")
    os.environ["CELERY_BROKER_URL"] = BROKER_URL  # the real path: jobs go to a broker
    import django

    django.setup()


def _cleanup(round_id: int | None = None) -> None:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT id FROM admissions_admissionround WHERE school_year = %s", [SCHOOL_YEAR])
        row = c.fetchone()
        if row is None:
            return
        rid = row[0]
        c.execute("DELETE FROM notifications_delivery WHERE batch LIKE 'bench:%%' OR "
                  "batch IN (SELECT 'admissions.publication:' || uuid FROM "
                  "admissions_allocationrun WHERE round_id = %s)", [rid])  # fmt: skip
        c.execute(
            "DELETE FROM admissions_statechange WHERE (kind = 'offer' AND object_id IN (SELECT o.id"
            " FROM admissions_offer o JOIN admissions_allocationrun r ON r.id = o.run_id WHERE "
            "r.round_id = %s)) OR (kind = 'run' AND object_id IN (SELECT id FROM "
            "admissions_allocationrun WHERE round_id = %s)) OR (kind = 'round' AND object_id = %s)",
            [rid, rid, rid],
        )
        for sql in (
            "DELETE FROM admissions_offer WHERE run_id IN "
            "(SELECT id FROM admissions_allocationrun WHERE round_id = %s)",
            "DELETE FROM admissions_placement WHERE run_id IN "
            "(SELECT id FROM admissions_allocationrun WHERE round_id = %s)",
            "DELETE FROM admissions_allocationrun WHERE round_id = %s",
            "DELETE FROM admissions_applicationstatuschange WHERE application_id IN "
            "(SELECT id FROM admissions_application WHERE round_id = %s)",
            "DELETE FROM admissions_applicationchoice WHERE application_id IN "
            "(SELECT id FROM admissions_application WHERE round_id = %s)",
            "DELETE FROM admissions_application WHERE round_id = %s",
            "DELETE FROM admissions_roundschool WHERE round_id = %s",
            "DELETE FROM admissions_admissionround WHERE id = %s",
        ):
            c.execute(sql, [rid])


def _make_round(children: int):
    """The synthetic round, written with set-based SQL (not timed)."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from admissions.fingerprint import combined, run_input_fingerprints
    from admissions.models import AdmissionRound, AllocationRun, RoundSchool
    from gis.models import AdminUnit, School

    now = timezone.now()
    round_ = AdmissionRound.objects.create(
        school_year=SCHOOL_YEAR, name="Bench publication (synthetic)", status="allocated",
        opens_at=now - dt.timedelta(days=60), closes_at=now - dt.timedelta(days=1),
        offer_response_deadline=now + dt.timedelta(days=14), lottery_seed=2025, is_demo=True,
        audit_key="bench",
    )  # fmt: skip
    schools = list(
        School.objects.filter(level="primary", location__isnull=False).values_list("pk", flat=True)
    )
    if not schools:
        raise SystemExit("no located primary schools: run `make data` first")
    per_school = -(-children // len(schools))
    RoundSchool.objects.bulk_create(
        RoundSchool(round=round_, school_id=s, seats_override=per_school) for s in schools
    )
    ward = AdminUnit.objects.filter(level="ward").values_list("pk", flat=True).first()
    family, _ = get_user_model().objects.get_or_create(
        username="bench-publication", defaults={"email": "bench-family@example.invalid"}
    )
    with connection.cursor() as c:
        c.execute("CREATE TEMP TABLE bench_schools AS SELECT row_number() OVER (ORDER BY id) - 1 "
                  "AS i, id, location FROM geo_school WHERE id = ANY(%s)", [schools])  # fmt: skip
        c.execute(
            """
            INSERT INTO admissions_application (created_at, updated_at, uuid, round_id,
                applicant_id, tracking_code, status, is_synthetic, child_full_name, child_dob,
                child_gender, child_personal_id, late_entry_reason, guardian_full_name,
                guardian_personal_id, guardian_phone, guardian_relationship, address_text,
                residence_point, ward_id, ward_mismatch, residence_type, consent_version,
                consented_at, submitted_at, last_note)
            SELECT now(), now(), gen_random_uuid(), %(round)s, %(family)s,
                   'BEN-' || lpad(g::text, 7, '0'), 'verified', false,
                   'Trẻ thử nghiệm ' || g, DATE '2093-01-01', 'female', lpad(g::text, 12, '0'),
                   '', 'Phụ huynh thử', lpad((g + 5000000)::text, 12, '0'),
                   '09' || lpad((g %% 100000000)::text, 8, '0'), 'mother', 'bench',
                   ST_Translate(s.location::geometry, (random() - 0.5) * 0.01,
                                (random() - 0.5) * 0.01)::geography,
                   %(ward)s, false, 'permanent', 'bench', now(), now(), ''
            FROM generate_series(1, %(n)s) g
            JOIN bench_schools s ON s.i = g %% %(k)s""",
            {"round": round_.pk, "family": family.pk, "ward": ward, "n": children,
             "k": len(schools)},
        )  # fmt: skip
        c.execute(
            """
            INSERT INTO admissions_applicationchoice (application_id, rank, school_id)
            SELECT a.id, r, s.id
            FROM admissions_application a
            CROSS JOIN generate_series(1, 2) r
            JOIN bench_schools s
              ON s.i = (substring(a.tracking_code from 5)::int + r - 1) %% %(k)s
            WHERE a.round_id = %(round)s""",
            {"round": round_.pk, "k": len(schools)},
        )
    fingerprints = run_input_fingerprints(
        admission_round=round_, stage="main", mechanism="da", seed=2025
    )
    run = AllocationRun.objects.create(
        round=round_, mechanism="da", seed=2025, stage="main", status="reviewed",
        check_passed=True, policy={"input_fingerprint": combined(fingerprints),
                                   "input_fingerprints": fingerprints},
    )  # fmt: skip
    with connection.cursor() as c:
        c.execute(
            """
            INSERT INTO admissions_placement (run_id, application_id, school_id, choice_rank,
                distance_m, distance_fallback, in_catchment, lottery, explanation_vi,
                explanation_en, explanation)
            SELECT %(run)s, a.id, CASE WHEN random() < 0.9 THEN ch.school_id END, 1, 500, '',
                   false, random(), '', '', '{}'::jsonb
            FROM admissions_application a
            JOIN admissions_applicationchoice ch ON ch.application_id = a.id AND ch.rank = 1
            WHERE a.round_id = %(round)s""",
            {"run": run.pk, "round": round_.pk},
        )
        c.execute("DROP TABLE bench_schools")
        c.execute("ANALYZE admissions_application")
        c.execute("ANALYZE admissions_placement")
        c.execute("ANALYZE admissions_applicationchoice")
    return run


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far; 0 when /proc is not readable
    (the database on another host)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_publish(children: int = 155_000) -> dict:
    """Seconds from the committee's click to the last notification job on the broker."""
    import redis
    from django.db import connection

    from admissions.models import Offer
    from admissions.services.publication import (
        allocation_run_publish_job,
        allocation_run_publish_request,
        publication_batch,
    )
    from notifications.models import Delivery

    client = redis.Redis(unix_socket_path=str(REDIS_SOCKET), db=15)
    client.flushdb()
    _cleanup()
    started = time.perf_counter()
    run = _make_round(children)
    setup_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    try:
        db_cpu, py_cpu = _cpu_s(backend), time.process_time()
        start = time.perf_counter()
        run = allocation_run_publish_request(run=run, actor=None)  # the committee's click
        request_s = time.perf_counter() - start
        run = allocation_run_publish_job(run_id=run.pk, raise_errors=True)  # the worker
        publish_s = time.perf_counter() - start
        db_cpu, py_cpu = _cpu_s(backend) - db_cpu, time.process_time() - py_cpu
        assert run.status == "published", run.status
        offers = Offer.objects.filter(run=run).count()
        messages = Delivery.objects.filter(batch=publication_batch(run)).count()
        jobs = client.llen("celery")
    finally:
        client.flushdb()
        _cleanup()
        connection.close()
    print(
        f"  synthetic round of {children:,} children written in {setup_s:.1f} s (not counted)\n"
        f"  publish: request (checks, fingerprints) {request_s:.2f} s; request + job "
        f"{publish_s:.2f} s — {offers:,} offers, {messages:,} messages queued, {jobs} "
        f"notification jobs on the broker\n"
        f"  CPU time: database backend {db_cpu:.1f} s, Python {py_cpu:.1f} s; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall time grows with other load)"
    )
    return {"publish_s": publish_s, "offers": offers, "messages": messages, "jobs": jobs}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=155_000)
    args = parser.parse_args(argv)
    _setup_django()
    result = bench_publish(args.children)
    print(json.dumps({"publish_s": round(result["publish_s"], 3)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
