"""The committee's round map at city scale (``.venv/bin/python bench/roundmap.py``; needs
``make data``).

Generates a synthetic round of 155,000 children with the demo generator (school year 2040 by
default, so the 2026 demo round of ``make run`` stays as it is; skipped when the round already
has that many), runs one allocation so placements exist, then times the requests the map makes
through Django's test client as a committee member: clusters at city zoom (11) and street zoom
(16), placement lines and catchment demand, the farthest placements and the public demand
hexagons (first call, then cached). Prints a table; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from admissions.demo import generate_demo_round  # noqa: E402
from admissions.models import AdmissionRound, Application  # noqa: E402
from admissions.selectors_map import run_get_drawable  # noqa: E402
from admissions.services.allocation import (  # noqa: E402
    allocation_run_create,
    allocation_run_execute,
    round_close,
)

CITY = "106.35,10.35,107.05,11.15"  # the whole city at zoom 11
STREET = "106.6900,10.7700,106.7083,10.7803"  # ~1366×768 px around Bến Thành at zoom 16


def ensure_round(school_year: int, children: int, seed: int) -> AdmissionRound:
    have = Application.objects.filter(round__school_year=school_year).count()
    if have < children * 0.98:
        start = time.perf_counter()
        summary = generate_demo_round(school_year=school_year, children=children, seed=seed)
        print(f"generated {summary.children} children in {time.perf_counter() - start:.1f} s")
    with connection.cursor() as cursor:  # fresh statistics after a bulk load, as autovacuum would
        cursor.execute("ANALYZE admissions_application")
        cursor.execute("ANALYZE admissions_placement")
    admission_round = AdmissionRound.objects.get(school_year=school_year)
    if run_get_drawable(admission_round=admission_round) is None:
        start = time.perf_counter()
        admission_round = round_close(admission_round=admission_round, lottery_seed=seed)
        run = allocation_run_create(
            admission_round=admission_round, mechanism="da", seed=seed, actor=None
        )
        allocation_run_execute(run=run)
        print(f"allocation run in {time.perf_counter() - start:.1f} s")
    return admission_round


def timed_get(client: Client, url: str, repeat: int, clear_cache: bool = False):
    times, body = [], None
    for _ in range(repeat):
        if clear_cache:
            cache.clear()
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        body = response.json()
    return statistics.median(times), max(times), body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--school-year", type=int, default=2040)
    parser.add_argument("--children", type=int, default=155_000)
    parser.add_argument("--seed", type=int, default=2040)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    admission_round = ensure_round(args.school_year, args.children, args.seed)
    n = Application.objects.filter(round=admission_round).count()
    user, _ = get_user_model().objects.get_or_create(
        username="bench-roundmap", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    base = f"/api/v1/rounds/{admission_round.school_year}/map"
    demand = f"/api/v1/demand/?school_year={args.school_year}"
    cases = [
        ("clusters, city zoom 11 (uncached)", f"{base}/clusters/?z=11&bbox={CITY}", True),
        ("clusters, city zoom 11 (cached)", f"{base}/clusters/?z=11&bbox={CITY}", False),
        ("clusters, city zoom 11, by school (uncached)",
         f"{base}/clusters/?z=11&bbox={CITY}&mode=school", True),
        ("clusters, street zoom 16", f"{base}/clusters/?z=16&bbox={STREET}", False),
        ("clusters, street zoom 16, by school",
         f"{base}/clusters/?z=16&bbox={STREET}&mode=school", False),
        ("placement lines, street zoom 16", f"{base}/lines/?bbox={STREET}", False),
        ("farthest 3 per school", f"{base}/farthest/", False),
        ("catchment demand (uncached)", f"{base}/catchments/", True),
        ("catchment demand (cached)", f"{base}/catchments/", False),
        ("public demand hexagons (uncached)", demand, True),
        ("public demand hexagons (cached)", demand, False),
    ]  # fmt: skip
    results = {}
    print(f"round {admission_round.school_year}: {n} applications; median/max of {args.repeat}")
    print(f"{'request':46} {'median ms':>10} {'max ms':>8} {'features':>9} {'children':>9}")
    for label, url, clear in cases:
        median, worst, body = timed_get(client, url, args.repeat, clear_cache=clear)
        features = len(body["features"])
        children = body.get("total", "")
        print(f"{label:46} {median:10.1f} {worst:8.1f} {features:9d} {children!s:>9}")
        results[label] = round(median, 1)
    print(
        json.dumps(
            {
                "applications": n,
                "city_z11_uncached_ms": results["clusters, city zoom 11 (uncached)"],
                "city_z11_cached_ms": results["clusters, city zoom 11 (cached)"],
                "street_z16_ms": results["clusters, street zoom 16"],
                "lines_z16_ms": results["placement lines, street zoom 16"],
                "catchments_uncached_ms": results["catchment demand (uncached)"],
                "demand_uncached_ms": results["public demand hexagons (uncached)"],
            }
        )
    )


if __name__ == "__main__":
    main()
