"""The real Ho Chi Minh City data that `make run` loads."""

import pytest
from django.core.management import call_command

from gis.models import AdminUnit, AdminUnitMapping, DatasetLoad, School

pytestmark = pytest.mark.django_db


def test_all_168_current_wards_and_the_city_are_loaded():
    units = AdminUnit.objects.filter(vintage__code="2025")
    assert units.filter(level="province").get().name == "Thành phố Hồ Chí Minh"
    base = units.exclude(level="province")
    assert base.count() == 168
    assert base.filter(level="ward").count() == 113
    assert base.filter(level="commune").count() == 54
    assert base.filter(level="special_zone").get().name == "Đặc khu Côn Đảo"
    assert not base.filter(parent__isnull=True).exists()
    assert all(u.population for u in base)


def test_no_district_level_after_the_2025_reform():
    assert not AdminUnit.objects.filter(vintage__code="2025", level="district").exists()


def test_2019_vintage_has_24_districts_and_322_wards_with_census_population():
    units = AdminUnit.objects.filter(vintage__code="2019")
    assert units.filter(level="district").count() == 24
    wards = units.exclude(level="district")
    assert wards.count() == 322
    assert wards.filter(population__isnull=True).count() == 0
    assert sum(wards.values_list("population", flat=True)) == sum(
        units.filter(level="district").values_list("population", flat=True)
    )


def test_codes_are_reused_across_vintages():
    assert AdminUnit.objects.get(vintage__code="2019", code="27655").name == "Xã Phú Xuân"
    assert AdminUnit.objects.get(vintage__code="2025", code="27655").name == "Xã Nhà Bè"


def test_nha_be_mapping_old_units_to_the_two_new_communes():
    edges = AdminUnitMapping.objects.filter(old_district_name="Huyện Nhà Bè")
    assert edges.count() == 7
    by_new = {}
    for edge in edges:
        by_new.setdefault(edge.new_unit.name, set()).add(edge.old_name)
    assert by_new == {
        "Xã Nhà Bè": {"Thị trấn Nhà Bè", "Xã Phước Kiển", "Xã Phước Lộc", "Xã Phú Xuân"},
        "Xã Hiệp Phước": {"Xã Nhơn Đức", "Xã Long Thới", "Xã Hiệp Phước"},
    }
    assert AdminUnitMapping.objects.filter(is_divided=True).exists()


def test_schools_have_a_computed_ward_or_are_listed_as_unplaced():
    primary = School.objects.filter(level="primary")
    located = primary.filter(location__isnull=False)
    # 59 primary schools by the HOT export's level guess, one more whose name says "Tiểu học";
    # the 2018 extract adds those mapped as grounds or points the export lacks
    assert located.filter(location_label="OpenStreetMap 2025 (HOT export)").count() == 60
    assert located.filter(location_label="OpenStreetMap 2018").count() >= 180
    for school in located.select_related("admin_unit"):
        assert school.admin_unit.geom.intersects(school.location)
    unplaced = primary.filter(location__isnull=True)
    names = set(unplaced.values_list("name", flat=True))
    assert "Trường Tiểu học Lê Quang Định" in names
    assert "Trường Tiểu học Dương Văn Lịch" in names
    assert all(s.location_source == "unknown" for s in unplaced)
    assert {s.reported_admin_unit.name for s in unplaced} == {"Xã Nhà Bè", "Xã Hiệp Phước"}


def test_loading_again_changes_nothing():
    before = {s.code: (s.updated_at, s.location) for s in School.objects.all()}
    call_command("load_hcmc_data", verbosity=0)
    after = {s.code: (s.updated_at, s.location) for s in School.objects.all()}
    assert before == after
    assert DatasetLoad.objects.get(name="hcmc").fingerprint
