"""Fixtures for e-service tests: the real catalogue (loaded once per session), a citizen, an
officer of the handling group, and valid form data per procedure."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.services import parent_register
from eservices.models import Procedure
from eservices.selectors import procedure_version_current

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

VALID_FORMS = {
    "1.005099": {
        "student_full_name": "Nguyễn Minh Khang", "student_dob": "2018-03-12",
        "student_personal_id": "079218000123", "current_school": "Trường Tiểu học Lê Văn Tám",
        "current_grade": "2", "reason": "Gia đình chuyển nơi ở về xã Nhà Bè.",
    },
    "TH.XAC-NHAN": {
        "student_full_name": "Trần Bảo Ngọc", "student_dob": "2017-09-01", "class_name": "3A2",
        "purpose": "Bổ sung hồ sơ xin học bổng",
    },
    "TH.BAN-TRU": {"student_full_name": "Lê Gia Hân", "class_name": "1A1", "month": "01/2027"},
}  # fmt: skip


@pytest.fixture
def citizen(db):
    return parent_register(full_name="Phạm Thị Hoa", password="mật-khẩu-dài-2026",
                           phone="0903123456", email="hoa@example.com")  # fmt: skip


@pytest.fixture
def other_citizen(db):
    return parent_register(full_name="Võ Văn Nam", password="mật-khẩu-dài-2026",
                           phone="0938765432")  # fmt: skip


@pytest.fixture
def officer(db):
    user = User.objects.create_user("motcua", password="x", is_staff=True)
    user.groups.add(Procedure.objects.get(code="1.005099").handler_group)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def version():
    def get(code: str = "1.005099"):
        return procedure_version_current(code=code)

    return get


def pdf_upload(name: str = "hoc-ba.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")
