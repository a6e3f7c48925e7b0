"""Importing schools from an OpenStreetMap extract: points and grounds, matching, history."""

import datetime as dt

import pytest

from gis.constants import LocationSource
from gis.importers.osm_schools import import_osm_schools
from gis.models import AdminVintage, School, SchoolPosition
from gis.services import school_set_location

pytestmark = pytest.mark.django_db

# A corner of Xã Nhà Bè with no real school of these names.
LON, LAT = 106.7149, 10.6952
D = 0.0004  # ≈ 44 m


def write_osm(path, *, nodes=(), ways=(), stamp="2018-01-01T00:00:00Z"):
    """A minimal .osm file: nodes (id, lon, lat, tags) and closed ways (id, node ids, tags)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    for node_id, lon, lat, tags in nodes:
        lines.append(
            f'<node id="{node_id}" version="1" timestamp="{stamp}" lat="{lat}" lon="{lon}">'
        )
        lines += [f'<tag k="{k}" v="{v}"/>' for k, v in tags.items()]
        lines.append("</node>")
    for way_id, refs, tags in ways:
        lines.append(f'<way id="{way_id}" version="1" timestamp="{stamp}">')
        lines += [f'<nd ref="{r}"/>' for r in refs]
        lines += [f'<tag k="{k}" v="{v}"/>' for k, v in tags.items()]
        lines.append("</way>")
    lines.append("</osm>")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def school_extract(tmp_path, *, name="Trường Tiểu học Kênh Thử", node_offset=0.0, file="a.osm"):
    """One school mapped twice: its grounds (a closed way) and a point on them."""
    corners = [
        (9001, LON, LAT, {}),
        (9002, LON + 2 * D, LAT, {}),
        (9003, LON + 2 * D, LAT + 2 * D, {}),
        (9004, LON, LAT + 2 * D, {}),
    ]
    point = (9100, LON + D + node_offset, LAT + D, {"amenity": "school", "name": name})
    grounds = (800, [9001, 9002, 9003, 9004, 9001], {"amenity": "school", "name": name})
    return write_osm(tmp_path / file, nodes=[*corners, point], ways=[grounds])


@pytest.fixture
def v2025():
    return AdminVintage.objects.get(code="2025")


def test_point_and_grounds_of_one_school_make_one_school(tmp_path, v2025):
    summary = import_osm_schools(
        path=school_extract(tmp_path), vintage=v2025, data_date=dt.date(2018, 1, 1)
    )
    assert summary.created == 1 and summary.merged_in_extract == 1
    school = School.objects.get(name="Trường Tiểu học Kênh Thử")
    assert school.level == "primary"
    assert school.grounds is not None and school.grounds.contains(school.location)
    assert (school.location.x, school.location.y) == pytest.approx((LON + D, LAT + D))
    assert school.location_label == "OpenStreetMap 2018"
    assert school.location_observed_on == dt.date(2018, 1, 1)
    assert school.admin_unit.code == "27655"
    refs = set(school.positions.values_list("source_ref", flat=True))
    assert refs == {"way/800", "node/9100"}


def test_importing_the_same_extract_again_changes_nothing(tmp_path, v2025):
    path = school_extract(tmp_path)
    import_osm_schools(path=path, vintage=v2025, data_date=dt.date(2018, 1, 1))
    before = (School.objects.count(), SchoolPosition.objects.count())
    again = import_osm_schools(path=path, vintage=v2025, data_date=dt.date(2018, 1, 1))
    assert (again.created, again.updated) == (0, 0)
    assert (School.objects.count(), SchoolPosition.objects.count()) == before


def test_a_renamed_school_keeps_its_id_and_an_older_extract_does_not_undo_it(tmp_path, v2025):
    old = school_extract(tmp_path)
    import_osm_schools(path=old, vintage=v2025, data_date=dt.date(2018, 1, 1))
    school = School.objects.get(name="Trường Tiểu học Kênh Thử")
    newer = school_extract(
        tmp_path, name="Trường Tiểu học Kênh Mới", node_offset=D / 2, file="b.osm"
    )
    import_osm_schools(path=newer, vintage=v2025, data_date=dt.date(2025, 6, 1))
    renamed = School.objects.get(pk=school.pk)
    assert (renamed.name, renamed.code) == ("Trường Tiểu học Kênh Mới", school.code)
    assert renamed.location.x == pytest.approx(LON + 1.5 * D)
    assert renamed.location_label == "OpenStreetMap 2025"
    import_osm_schools(path=old, vintage=v2025, data_date=dt.date(2018, 1, 1))
    assert School.objects.get(pk=school.pk).name == "Trường Tiểu học Kênh Mới"
    assert not School.objects.filter(name="Trường Tiểu học Kênh Thử").exists()
    assert school.positions.count() == 4  # two objects × two extracts, all kept


def test_a_staff_correction_is_never_overwritten_by_an_import(tmp_path, v2025):
    import_osm_schools(path=school_extract(tmp_path), vintage=v2025, data_date=dt.date(2018, 1, 1))
    school = School.objects.get(name="Trường Tiểu học Kênh Thử")
    school_set_location(school=school, lon=LON + 3 * D, lat=LAT, source=LocationSource.STAFF)
    newer = school_extract(tmp_path, node_offset=D / 2, file="b.osm")
    summary = import_osm_schools(path=newer, vintage=v2025, data_date=dt.date(2025, 6, 1))
    school.refresh_from_db()
    assert school.location_source == LocationSource.STAFF
    assert school.location.x == pytest.approx(LON + 3 * D)
    assert summary.positions_kept == 1
    assert school.positions.filter(observed_on=dt.date(2025, 6, 1)).count() == 2


def test_a_school_known_only_by_name_gets_its_position(tmp_path, v2025):
    unplaced = School.objects.get(code="NOPOS-27655-truong-tieu-hoc-ta-uyen")
    assert unplaced.location is None
    path = write_osm(
        tmp_path / "c.osm",
        nodes=[(9200, LON, LAT, {"amenity": "school", "name": "Tiểu học Tạ Uyên"})],
    )
    summary = import_osm_schools(path=path, vintage=v2025, data_date=dt.date(2018, 1, 1))
    assert (summary.created, summary.matched_by_name) == (0, 1)
    placed = School.objects.get(pk=unplaced.pk)
    assert placed.location_source == LocationSource.OSM
    assert placed.admin_unit.code == "27655"


def test_names_are_cleaned_and_the_source_name_kept(tmp_path, v2025):
    raw = "THọc-Tiểu Học Kênh Tẻ-Ấp 3-Nhà Bè-0283456789"
    path = write_osm(
        tmp_path / "d.osm", nodes=[(9300, LON, LAT + D, {"amenity": "school", "name": raw})]
    )
    import_osm_schools(path=path, vintage=v2025, data_date=dt.date(2018, 1, 1))
    school = School.objects.get(source_ref="node/9300")
    assert (school.name, school.source_name) == ("Trường Tiểu học Kênh Tẻ", raw)
    assert school.level == "primary"
