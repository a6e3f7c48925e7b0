"""Fixtures for admissions tests: an open round on the real HCMC data, a parent, a committee
member, and a valid application input whose pin lies in District 1."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from accounts.services import parent_register
from admissions.demo import round_ensure
from admissions.models import RoundSchool
from admissions.personal_id import century_digit
from admissions.services import ApplicationInput
from gis.geometry import make_point
from gis.models import School
from gis.selectors import school_nearest

BEN_THANH = {"lat": 10.7725, "lon": 106.6980}  # District 1 (Phường Bến Thành)


def personal_id(*, year: int, female: bool, serial: int, province: str = "079") -> str:
    return f"{province}{century_digit(birth_year=year, female=female)}{year % 100:02d}{serial:06d}"


@pytest.fixture
def admission_round(db):
    admission_round = round_ensure(school_year=2026, is_demo=False)
    schools = School.objects.filter(level="primary", location__isnull=False)
    RoundSchool.objects.bulk_create(
        RoundSchool(round=admission_round, school=s, classes=2) for s in schools
    )
    return admission_round


@pytest.fixture
def parent(db):
    return parent_register(
        full_name="Nguyễn Thị Lan", password="mật-khẩu-dài-2026", phone="0912345678",
        email="lan@example.com",
    )  # fmt: skip


@pytest.fixture
def other_parent(db):
    return parent_register(full_name="Trần Văn Bình", password="mật-khẩu-dài-2026",
                           phone="0987654321")  # fmt: skip


@pytest.fixture
def staff(db):
    """A committee member whose rights reach every round (accounts.view_all_records); scoped
    roles are tested in tests/portal/test_role_matrix.py."""
    user = User.objects.create_user("canbo", password="x", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["review_application", "run_allocation", "view_all_records"]
        )
    )
    return User.objects.get(pk=user.pk)  # fresh permission cache


_serial = iter(range(100000, 999999))


@pytest.fixture
def make_input(admission_round):
    nearest = [
        n.school.pk for n in school_nearest(point=make_point(**BEN_THANH), k=10)
    ]  # all located primary schools have seats in the fixture round

    def build(**overrides) -> ApplicationInput:
        serial = next(_serial)
        data = {
            "child_full_name": "Nguyễn Minh Anh",
            "child_dob": dt.date(2020, 3, 14),
            "child_gender": "female",
            "child_personal_id": personal_id(year=2020, female=True, serial=serial),
            "guardian_full_name": "Nguyễn Thị Lan",
            "guardian_personal_id": personal_id(year=1990, female=True, serial=serial),
            "guardian_phone": "+84912345678",
            "guardian_relationship": "mother",
            "address_text": "12 Lê Lợi",
            "lat": BEN_THANH["lat"],
            "lon": BEN_THANH["lon"],
            "residence_type": "permanent",
            "choices": nearest[:3],
            "consent": True,
        }
        data.update(overrides)
        return ApplicationInput(**data)

    return build


@pytest.fixture
def closed_window(admission_round):
    admission_round.opens_at = timezone.now() - dt.timedelta(days=60)
    admission_round.closes_at = timezone.now() - dt.timedelta(days=1)
    admission_round.save()
    return admission_round


def _flushes_database(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction"))


def pytest_collection_modifyitems(config, items):
    """Transactional tests flush the database (and with it the session's HCMC data): run them
    after the ordinary tests, before the browser journeys (which reload the data)."""
    items.sort(key=lambda item: (item.get_closest_marker("e2e") is not None,
                                 _flushes_database(item)))  # fmt: skip
