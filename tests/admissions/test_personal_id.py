import pytest
from django.utils import translation

from accounts.phone import normalize_vn_mobile
from admissions.personal_id import PROVINCE_CODES, birth_year_from_id, id_problems


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_official_code_list_has_the_63_provinces():
    assert len(PROVINCE_CODES) == 63
    assert PROVINCE_CODES["079"] == "Hồ Chí Minh"
    assert min(PROVINCE_CODES) == "001" and max(PROVINCE_CODES) == "096"


def test_a_well_formed_child_id():
    assert id_problems("079320001234", birth_year=2020, female=True) == []
    assert id_problems("079220001234", birth_year=2020, female=False) == []
    assert birth_year_from_id("079320001234") == 2020
    assert birth_year_from_id("079090001234") == 1990


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        ("07932000123", "12 digits"),
        ("07932000123a", "12 digits"),
        ("003320001234", "003 is not a province code"),
        ("097320001234", "097 is not a province code"),
        ("079120001234", "Digit 4 (1) does not match a birth in 2020"),
        ("079321001234", "Digits 5–6 (21)"),
        ("079220001234", "Digit 4 (2) does not match the gender"),
    ],
)
def test_each_structural_problem_is_reported(number, fragment):
    problems = id_problems(number, birth_year=2020, female=True)
    assert any(fragment in p for p in problems), problems


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("84 912 345 678", "0912345678"),
        ("0386.123.456", "0386123456"),
        ("0212345678", None),  # landline prefix
        ("091234567", None),
        ("", None),
    ],
)
def test_vietnamese_mobile_numbers(raw, expected):
    assert normalize_vn_mobile(raw) == expected
