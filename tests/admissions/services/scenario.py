"""A tiny published round built row by row, with hand-set priorities at every school, so that
the vacancy-chain rules can be checked exactly (priorities are what the engine stores with the
run: group, category rank, distance, lottery)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.contrib.gis.geos import MultiPolygon, Polygon
from django.utils import timezone

from admissions.constants import OfferStatus, RunStatus
from admissions.models import (
    AdmissionRound,
    AllocationRun,
    Application,
    ApplicationChoice,
    Offer,
    Placement,
    RoundSchool,
)
from gis.geometry import make_point
from gis.models import AdminUnit, AdminVintage, School

_n = itertools.count(1)


class Scenario:
    def __init__(self, *, school_year: int = 2041):
        n = next(_n)
        now = timezone.now()
        self.round = AdmissionRound.objects.create(
            school_year=school_year + n,
            name=f"Kịch bản {n}",
            status="published",
            opens_at=now - dt.timedelta(days=60),
            closes_at=now - dt.timedelta(days=30),
            offer_response_deadline=now + dt.timedelta(days=10),
        )
        vintage = AdminVintage.objects.create(
            code=f"test-{n}", name="test", valid_from=dt.date(2025, 7, 1)
        )
        box = Polygon.from_bbox((106.6, 10.7, 106.8, 10.9))
        self.ward = AdminUnit.objects.create(
            vintage=vintage,
            code=f"T{n:05d}",
            name=f"Phường thử {n}",
            level="ward",
            geom=MultiPolygon(box),
            geom_hash="test",
        )
        self.run = AllocationRun.objects.create(
            round=self.round,
            mechanism="da",
            seed=7,
            status=RunStatus.PUBLISHED,
            check_passed=True,
            published_at=now,
        )
        self.schools: dict[str, School] = {}
        self.apps: dict[str, Application] = {}

    def school(self, name: str, seats: int) -> School:
        n = next(_n)
        school = School.objects.create(
            code=f"test-school-{n}", name=f"Trường {name}", location=make_point(lon=106.7, lat=10.8)
        )
        RoundSchool.objects.create(round=self.round, school=school, seats_override=seats)
        self.schools[name] = school
        return school

    def child(
        self,
        name: str,
        *,
        ranked: list[str],
        priority: dict[str, tuple[int, int, float, float]],
        status: str = "waitlisted",
        offer_at: str | None = None,
        offer_status: str = OfferStatus.PENDING,
        applicant=None,
    ) -> Application:
        n = next(_n)
        app = Application.objects.create(
            round=self.round,
            applicant=applicant,
            tracking_code=f"T-{self.round.school_year}-{n:06d}",
            status=status,
            child_full_name=f"Bé {name}",
            child_dob=dt.date(2020, 1, 1),
            child_gender="female",
            child_personal_id=f"{n:012d}",
            guardian_full_name="Phụ huynh",
            guardian_personal_id=f"{n + 500000:012d}",
            guardian_phone="0912345678",
            guardian_relationship="mother",
            address_text="1 Lê Lợi",
            residence_point=make_point(lon=106.7, lat=10.8),
            ward=self.ward,
            residence_type="permanent",
            consented_at=timezone.now(),
        )
        for rank, school in enumerate(ranked, start=1):
            ApplicationChoice.objects.create(
                application=app, rank=rank, school=self.schools[school]
            )
        Placement.objects.create(
            run=self.run,
            application=app,
            school=self.schools[offer_at] if offer_at else None,
            lottery=0.5,
            explanation_vi="",
            explanation_en="",
            explanation={
                "choices": [
                    {
                        "school": str(self.schools[s].pk),
                        "rank": i,
                        "group": priority[s][0],
                        "category_rank": priority[s][1],
                        "distance_m": priority[s][2],
                        "lottery": priority[s][3],
                    }
                    for i, s in enumerate(ranked, start=1)
                ]
            },
        )
        if offer_at:
            Offer.objects.create(
                application=app,
                run=self.run,
                school=self.schools[offer_at],
                status=offer_status,
                deadline=self.round.offer_response_deadline,
            )
        self.apps[name] = app
        return app

    def live(self, name: str) -> Offer | None:
        return Offer.objects.filter(
            application=self.apps[name], status__in=["pending", "accepted"]
        ).first()

    def live_school(self, name: str) -> str | None:
        offer = self.live(name)
        if offer is None:
            return None
        return next(k for k, s in self.schools.items() if s.pk == offer.school_id)
