"""School names cleaned of packed OpenStreetMap tags; the source's text is kept beside them."""

import pytest

from gis.models import School
from gis.names import clean_school_name


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (
            "THọc-Tiểu Học Bến Súc-DT744- Chợ- Thanh Tuyền-TT.Dầu Tiếng-Bình Dương-",
            "Trường Tiểu học Bến Súc",
        ),
        (
            "THọc-Trung Học Minh Thạnh-Tổ 1- Ấp Lò Gạch- Minh Thạnh- Dầu Tiếng- Bình "
            "Dương-0274545064",
            "Trường Trung học Minh Thạnh",
        ),
        ("THọc- Tiểu Học Thanh An-DT74– Cần Giang- Thanh An", "Trường Tiểu học Thanh An"),
        ("THọc-Tiểu Học An Bình 2 - -Dt741 -Ấp An Bình", "Trường Tiểu học An Bình 2"),
        ("KVC-Hello kids - - Tam Lập- Phú Giáo-0919791079", "Hello kids"),
        # Dashes inside an ordinary name are part of it.
        (
            "Trường Tiểu học - Trung học cơ sở Khai Nguyên - Cơ sở Quận Tân Bình",
            "Trường Tiểu học - Trung học cơ sở Khai Nguyên - Cơ sở Quận Tân Bình",
        ),
        ("Trường Tiểu Học Lê Hoàn", "Trường Tiểu học Lê Hoàn"),
        (
            "Trường Trung học cơ sở&Trung học phổ thông Hồng Hà",
            "Trường Trung học cơ sở & Trung học phổ thông Hồng Hà",
        ),
        ("  Trường Tiểu học   Ngô Quyền  ", "Trường Tiểu học Ngô Quyền"),
        ("Trường Tiểu học Kim Đồng - 028 3855 1234", "Trường Tiểu học Kim Đồng"),
        # Decomposed Unicode (NFD) becomes the composed form a search finds.
        ("Tru\u031bo\u031b\u0300ng Tiê\u0309u ho\u0323c", "Trường Tiểu học"),
        ("", ""),
    ],
)
def test_clean_school_name(raw, clean):
    assert clean_school_name(raw) == clean


def test_clean_name_is_idempotent():
    raw = "THọc-Phổ Thông Tây Sơn - -Tân Long- phú giáo-Bình dương"
    once = clean_school_name(raw)
    assert once == "Trường Phổ thông Tây Sơn"
    assert clean_school_name(once) == once


@pytest.mark.django_db
def test_imported_osm_names_are_clean_and_keep_the_source_name():
    school = School.objects.get(source_name__startswith="THọc-Tiểu Học Bến Súc")
    assert school.name == "Trường Tiểu học Bến Súc"
    assert school.source_name.endswith("TT.Dầu Tiếng-Bình Dương-")
    assert not School.objects.filter(name__startswith="THọc").exists()
    assert not School.objects.filter(name__regex=r"-\s*0\d{8,}").exists()
