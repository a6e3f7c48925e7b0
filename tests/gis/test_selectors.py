"""Spatial selectors on the real HCMC data, checked against independent computations."""

import numpy as np
import pytest
from pyproj import Geod

from gis.geometry import make_point
from gis.models import School
from gis.selectors import admin_unit_containing, covered_area_contains, school_nearest

pytestmark = pytest.mark.django_db
GEOD = Geod(ellps="WGS84")


@pytest.mark.parametrize(
    ("lon", "lat"),
    [
        (106.7009, 10.7769),  # Phường Sài Gòn, city centre
        (106.7300, 10.6700),  # Xã Nhà Bè / Hiệp Phước area, few schools nearby
        (106.6000, 10.8500),  # north-west
    ],
)
def test_nearest_schools_match_an_independent_geodesic_computation(lon, lat):
    point = make_point(lon=lon, lat=lat)
    got = school_nearest(point=point, k=10)

    schools = list(School.objects.filter(level="primary", location__isnull=False))
    xs = np.array([s.location.x for s in schools])
    ys = np.array([s.location.y for s in schools])
    _, _, metres = GEOD.inv(np.full(len(xs), lon), np.full(len(xs), lat), xs, ys)
    order = np.argsort(metres, kind="stable")[:10]

    assert [n.school.code for n in got] == [schools[i].code for i in order]
    for near, i in zip(got, order, strict=True):
        assert near.distance_m == pytest.approx(metres[i], abs=0.01)
    assert [n.distance_m for n in got] == sorted(n.distance_m for n in got)


def test_nearest_respects_k_and_level():
    point = make_point(lon=106.7009, lat=10.7769)
    assert len(school_nearest(point=point, k=3)) == 3
    all_levels = school_nearest(point=point, k=20, level=None)
    assert {n.school.level for n in all_levels} - {"primary"}  # other levels appear


def test_ward_containing_a_point_uses_the_current_vintage():
    ward = admin_unit_containing(point=make_point(lon=106.7256113, lat=10.6578526))
    assert (ward.code, ward.name, ward.vintage.code) == ("27658", "Xã Hiệp Phước", "2025")
    old = admin_unit_containing(
        point=make_point(lon=106.7256113, lat=10.6578526), vintage_code="2019"
    )
    assert old.vintage.code == "2019" and old.parent.name == "Huyện Nhà Bè"


def test_covered_area():
    assert covered_area_contains(point=make_point(lon=106.7009, lat=10.7769))
    assert not covered_area_contains(point=make_point(lon=105.8542, lat=21.0285))  # Hà Nội
