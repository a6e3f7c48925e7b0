"""Synthetic demo rounds: children who are clearly not real people ("Trẻ mẫu 000123",
`is_synthetic=True`), living inside the real 2019 wards of Ho Chi Minh City in proportion to
the real 2019 census population, applying to the real primary schools (seats are demo figures).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import shapely
from django.db import transaction
from django.utils import timezone

from admissions.allocation.distances import SchoolLocator
from gis.constants import BASE_LEVELS, SchoolLevel
from gis.geometry import make_point
from gis.models import AdminUnit, Catchment, School
from gis.services import catchments_generate_drafts

from .constants import (
    ApplicationStatus,
    CategoryScope,
    Gender,
    Relationship,
    ResidenceType,
    RoundStatus,
)
from .models import (
    AdmissionRound,
    AllocationRun,
    Application,
    ApplicationChoice,
    ApplicationIntake,
    ApplicationStatusChange,
    Evidence,
    Offer,
    Placement,
    PriorityCategory,
    RoundSchool,
)
from .services.tracking import tracking_sequence_set

# code, Vietnamese, English, rank, where it counts (ADR 12: a sibling or a parent on the staff
# gives priority only at that school; the others count at every school).
DEFAULT_CATEGORIES = [
    ("sibling", "Có anh/chị/em ruột đang học tại trường", "Sibling already at the school", 1,
     CategoryScope.SCHOOL),
    ("staff_child", "Con cán bộ, giáo viên, nhân viên của trường", "Child of school staff", 2,
     CategoryScope.SCHOOL),
    ("policy_family", "Con gia đình chính sách, người có công", "Child of a policy family", 3,
     CategoryScope.CITY),
    ("poor_household", "Con hộ nghèo, cận nghèo", "Child of a poor or near-poor household", 4,
     CategoryScope.CITY),
]  # fmt: skip
CATEGORY_SHARES = {
    "sibling": 0.06,
    "staff_child": 0.01,
    "policy_family": 0.02,
    "poor_household": 0.03,
}


def round_ensure(*, school_year: int, is_demo: bool = True, now=None) -> AdmissionRound:
    now = now or timezone.now()
    admission_round, _ = AdmissionRound.objects.get_or_create(
        school_year=school_year,
        defaults={
            "name": f"Tuyển sinh lớp 1 năm học {school_year}–{school_year + 1}",
            "opens_at": now - dt.timedelta(days=30),
            "closes_at": now + dt.timedelta(days=30),
            "offer_response_deadline": now + dt.timedelta(days=45),
            "is_demo": is_demo,
        },
    )
    for code, vi, en, rank, scope in DEFAULT_CATEGORIES:
        PriorityCategory.objects.get_or_create(
            round=admission_round,
            code=code,
            defaults={"label_vi": vi, "label_en": en, "rank": rank, "scope": scope},
        )
    return admission_round


def round_reset(admission_round: AdmissionRound) -> None:
    """Remove every application and run of a demo round (never of a real one)."""
    if not admission_round.is_demo:
        raise ValueError(f"round {admission_round.school_year} is not a demo round")
    Offer.objects.filter(application__round=admission_round).delete()
    Placement.objects.filter(run__round=admission_round).delete()
    AllocationRun.objects.filter(round=admission_round).delete()
    Evidence.objects.filter(application__round=admission_round).delete()
    ApplicationStatusChange.objects.filter(application__round=admission_round).delete()
    ApplicationChoice.objects.filter(application__round=admission_round).delete()
    ApplicationIntake.objects.filter(round=admission_round).delete()
    Application.objects.filter(round=admission_round).delete()
    tracking_sequence_set(admission_round, 0)
    now = timezone.now()
    AdmissionRound.objects.filter(pk=admission_round.pk).update(
        status=RoundStatus.OPEN,
        opens_at=now - dt.timedelta(days=30),
        closes_at=now + dt.timedelta(days=30),
        offer_response_deadline=now + dt.timedelta(days=45),
    )


def sample_points_in_polygons(polygons, counts, rng) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Uniform points inside each polygon (rejection sampling in the bounding box, vectorised
    with shapely.contains_xy). Returns lon, lat and the polygon index of each point."""
    lons, lats, owners = [], [], []
    for index, (polygon, n) in enumerate(zip(polygons, counts, strict=True)):
        if n <= 0:
            continue
        minx, miny, maxx, maxy = polygon.bounds
        fill = max(polygon.area / max((maxx - minx) * (maxy - miny), 1e-12), 0.05)
        shapely.prepare(polygon)
        got_x, got_y, have = [], [], 0
        while have < n:
            batch = int((n - have) / fill * 1.3) + 16
            x = rng.uniform(minx, maxx, batch)
            y = rng.uniform(miny, maxy, batch)
            inside = shapely.contains_xy(polygon, x, y)
            got_x.append(x[inside])
            got_y.append(y[inside])
            have += int(inside.sum())
        lons.append(np.concatenate(got_x)[:n])
        lats.append(np.concatenate(got_y)[:n])
        owners.append(np.full(n, index))
    if not lons:
        return np.zeros(0), np.zeros(0), np.zeros(0, dtype=int)
    return np.concatenate(lons), np.concatenate(lats), np.concatenate(owners)


def _geoms(units):
    return [shapely.from_wkb(bytes(u.geom.wkb)) for u in units]


@dataclass
class DemoSummary:
    round: AdmissionRound
    children: int
    schools: int
    seats: int
    catchments_created: int


def _personal_ids(rng, province: str, years: np.ndarray, female: np.ndarray, serial: np.ndarray):
    century = ((years // 100) - 19) * 2 + female.astype(int)
    return [
        f"{province}{c}{y % 100:02d}{s:06d}"
        for c, y, s in zip(century.tolist(), years.tolist(), serial.tolist(), strict=True)
    ]


def generate_demo_round(
    *, school_year: int, children: int, seed: int, choices: int = 3, progress=None
) -> DemoSummary:
    rng = np.random.default_rng(seed)
    admission_round = round_ensure(school_year=school_year)
    round_reset(admission_round)

    # Schools: located primary schools; a demo number of grade-1 classes each.
    schools = list(
        School.objects.filter(level=SchoolLevel.PRIMARY, location__isnull=False).order_by("pk")
    )
    if not schools:
        raise ValueError("no located primary school: run load_hcmc_data first")
    created = 0
    if not Catchment.objects.filter(school_year=school_year, is_current=True).exists():
        created = catchments_generate_drafts(school_year=school_year, only_missing=True)

    # Residences inside the 2019 wards in proportion to the 2019 census.
    wards = list(
        AdminUnit.objects.filter(
            vintage__code="2019", level__in=[str(x) for x in BASE_LEVELS], population__gt=0
        ).order_by("code")
    )
    population = np.array([w.population for w in wards], dtype=float)
    counts = rng.multinomial(children, population / population.sum())
    polygons = _geoms(wards)
    current = list(
        AdminUnit.objects.filter(
            vintage__code=round_current_vintage(), level__in=[str(x) for x in BASE_LEVELS]
        ).order_by("code")
    )
    tree = shapely.STRtree(_geoms(current))
    lon, lat, _owner = sample_points_in_polygons(polygons, counts, rng)
    points = shapely.points(lon, lat)
    point_idx, unit_idx = tree.query(points, predicate="within")
    current_ward = np.full(len(lon), -1)
    current_ward[point_idx] = unit_idx
    keep = current_ward >= 0  # (edge slivers outside today's city are dropped)
    lon, lat, current_ward = lon[keep], lat[keep], current_ward[keep]
    n = len(lon)
    if progress:
        progress(30, f"{n} residences sampled")

    # Ranked choices: the nearest schools (KD-tree + geodesic distances).
    s_lon = np.array([s.location.x for s in schools])
    s_lat = np.array([s.location.y for s in schools])
    nearest = SchoolLocator(s_lon, s_lat).nearest(lon, lat, k=min(choices, len(schools)))
    first = nearest.school[:, 0]
    demand = np.bincount(first, minlength=len(schools)).astype(float)
    total_classes = int(np.ceil(n * 1.02 / admission_round.class_size_norm))
    share = (demand + 1) / (demand + 1).sum()
    classes = np.maximum(1, np.round(share * total_classes * rng.uniform(0.7, 1.3, len(schools))))
    with transaction.atomic():
        RoundSchool.objects.filter(round=admission_round).delete()
        RoundSchool.objects.bulk_create(
            RoundSchool(round=admission_round, school=s, classes=int(c), is_demo_figure=True)
            for s, c in zip(schools, classes.tolist(), strict=True)
        )

        female = rng.random(n) < 0.48
        birth_year = np.full(n, admission_round.birth_year)
        serial = np.arange(1, n + 1)
        child_ids = _personal_ids(rng, "079", birth_year, female, serial)
        g_years = rng.integers(1980, 1996, n)
        g_female = rng.random(n) < 0.6
        guardian_ids = _personal_ids(rng, "079", g_years, g_female, serial)
        day = rng.integers(0, 365, n)
        start = dt.date(admission_round.birth_year, 1, 1)
        categories = {c.code: c for c in PriorityCategory.objects.filter(round=admission_round)}
        draw = rng.random(n)
        edges = np.cumsum(list(CATEGORY_SHARES.values()))
        category_index = np.searchsorted(edges, draw, side="right")
        category_codes = [*CATEGORY_SHARES, None]
        chosen = [categories.get(category_codes[int(k)] or "") for k in category_index]
        now = timezone.now()
        apps = [
            Application(
                round=admission_round,
                tracking_code=f"ADM-{school_year}-{i + 1:06d}",
                status=ApplicationStatus.VERIFIED,
                is_synthetic=True,
                child_full_name=f"Trẻ mẫu {i + 1:06d}",
                child_dob=start + dt.timedelta(days=int(day[i])),
                child_gender=Gender.FEMALE if female[i] else Gender.MALE,
                child_personal_id=child_ids[i],
                guardian_full_name=f"Phụ huynh mẫu {i + 1:06d}",
                guardian_personal_id=guardian_ids[i],
                guardian_phone=f"09{i + 1:08d}",
                guardian_relationship=Relationship.MOTHER if g_female[i] else Relationship.FATHER,
                address_text="Địa chỉ mẫu (dữ liệu tổng hợp)",
                residence_point=make_point(lon=float(lon[i]), lat=float(lat[i])),
                ward_id=current[int(current_ward[i])].pk,
                residence_type=ResidenceType.PERMANENT
                if rng.random() < 0.75
                else ResidenceType.TEMPORARY,
                priority_category=chosen[i],
                # A sibling or a parent on the staff: at the nearest school (synthetic).
                priority_school=schools[int(first[i])]
                if chosen[i] is not None and chosen[i].scope == CategoryScope.SCHOOL
                else None,
                consent_version="synthetic-demo",
                consented_at=now,
                submitted_at=now,
            )
            for i in range(n)
        ]
        Application.objects.bulk_create(apps, batch_size=2000)
        if progress:
            progress(70, "applications written")
        ApplicationChoice.objects.bulk_create(
            (
                ApplicationChoice(application=a, rank=r + 1, school=schools[int(s)])
                for i, a in enumerate(apps)
                for r, s in enumerate(nearest.school[i].tolist())
                if s >= 0
            ),
            batch_size=5000,
        )
        ApplicationStatusChange.objects.bulk_create(
            (
                ApplicationStatusChange(
                    application=a,
                    from_status="",
                    to_status=ApplicationStatus.VERIFIED,
                    actor_role="system",
                    note="Synthetic demo application (not a real child).",
                )
                for a in apps
            ),
            batch_size=5000,
        )
        tracking_sequence_set(admission_round, n)
    admission_round.refresh_from_db()
    return DemoSummary(
        round=admission_round,
        children=n,
        schools=len(schools),
        seats=int(classes.sum()) * admission_round.class_size_norm,
        catchments_created=created,
    )


def round_current_vintage() -> str:
    from django.conf import settings

    return settings.CURRENT_ADMIN_VINTAGE
