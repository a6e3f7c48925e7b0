"""A small self-contained admissions world for the reliability tests: its own vintage, one ward,
three schools and an open round, so that these transactional tests need neither the HCMC data
(which transactional tests flush) nor a reload of it."""

from __future__ import annotations

import itertools
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import connections

from admissions.demo import round_ensure
from admissions.models import AdmissionRound, RoundSchool
from admissions.personal_id import century_digit
from gis.geometry import make_point
from gis.models import AdminUnit, AdminVintage, School

_n = itertools.count(1)
PIN = {"lat": 10.80, "lon": 106.70}


def personal_id(*, year: int, female: bool, serial: int) -> str:
    return f"079{century_digit(birth_year=year, female=female)}{year % 100:02d}{serial:06d}"


@dataclass
class World:
    vintage_code: str
    round: AdmissionRound
    schools: list[School]

    def payload(self, serial: int) -> dict:
        """A complete application (submitted at once) for child number `serial`."""
        year = self.round.birth_year
        return {
            "school_year": self.round.school_year,
            "child_full_name": f"Trẻ thử {serial}",
            "child_dob": f"{year}-03-14",
            "child_gender": "female",
            "child_personal_id": personal_id(year=year, female=True, serial=serial),
            "guardian_full_name": "Nguyễn Thị Lan",
            "guardian_personal_id": personal_id(year=1990, female=True, serial=serial),
            "guardian_phone": "0912345678",
            "guardian_relationship": "mother",
            "address_text": "12 Lê Lợi",
            "lat": PIN["lat"],
            "lon": PIN["lon"],
            "residence_type": "permanent",
            "choices": [s.pk for s in self.schools],
            "consent": True,
            "submit": True,
        }


def world_build() -> World:
    n = next(_n)
    code = f"rel-{n}"
    vintage = AdminVintage.objects.create(code=code, name=code, valid_from="2025-07-01")
    box = Polygon.from_bbox((106.6, 10.7, 106.8, 10.9))
    AdminUnit.objects.create(
        vintage=vintage, code=f"R{n:04d}", name=f"Phường tin cậy {n}", level="ward",
        geom=MultiPolygon(box), geom_hash="reliability",
    )  # fmt: skip
    admission_round = round_ensure(school_year=2200 + n, is_demo=False)
    schools = []
    for i in range(3):
        school = School.objects.create(
            code=f"rel-{n}-{i}", name=f"Trường thử {n}-{i}", level="primary",
            location=make_point(lon=106.70 + i / 100, lat=10.80),
        )  # fmt: skip
        RoundSchool.objects.create(round=admission_round, school=school, classes=2)
        schools.append(school)
    return World(vintage_code=code, round=admission_round, schools=schools)


def run_in_threads(jobs: list[Callable[[], object]], *, threads: int) -> list:
    """Run every job on a pool of `threads` real threads released at the same instant; each
    thread has its own database connection, closed when it ends. Results in job order; an
    exception is returned in place of its result."""
    todo: queue.SimpleQueue = queue.SimpleQueue()
    for index, job in enumerate(jobs):
        todo.put((index, job))
    results: list = [None] * len(jobs)
    barrier = threading.Barrier(threads)

    def worker():
        try:
            barrier.wait()
            while True:
                try:
                    index, job = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    results[index] = job()
                except Exception as exc:  # reported to the test, never swallowed
                    results[index] = exc
        finally:
            connections.close_all()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=300)
    return results
