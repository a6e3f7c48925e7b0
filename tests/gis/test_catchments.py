import pytest
import shapely
from django.db import IntegrityError

from gis.geometry import as_multipolygon, from_shapely, make_point
from gis.models import Catchment, School
from gis.selectors import catchment_containing
from gis.services import catchment_save_version, catchments_generate_drafts
from gis.voronoi import voronoi_catchments

pytestmark = pytest.mark.django_db


def test_voronoi_cells_contain_their_school_and_do_not_overlap():
    city = shapely.box(106.6, 10.7, 106.8, 10.9)
    schools = [("a", 106.65, 10.75), ("b", 106.75, 10.75), ("c", 106.70, 10.85)]
    cells = voronoi_catchments(schools, city)
    assert set(cells) == {"a", "b", "c"}
    for key, lon, lat in schools:
        assert cells[key].contains(shapely.Point(lon, lat))
    union = shapely.union_all(list(cells.values()))
    assert union.area == pytest.approx(city.area, rel=1e-3)
    assert sum(c.area for c in cells.values()) == pytest.approx(city.area, rel=1e-3)


def test_generated_drafts_put_every_located_primary_school_in_its_own_cell():
    created = catchments_generate_drafts(school_year=2031)
    located = School.objects.filter(level="primary", location__isnull=False)
    assert created == located.count()
    for school in located:
        found = catchment_containing(point=school.location, school_year=2031)
        assert found.school_id == school.pk


def test_saving_a_catchment_creates_a_new_current_version():
    school = School.objects.filter(level="primary", location__isnull=False).first()
    lon, lat = school.location.x, school.location.y
    square = shapely.box(lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01)
    first = catchment_save_version(school=school, school_year=2032, geom=from_shapely(square))
    second = catchment_save_version(
        school=school, school_year=2032, geom=from_shapely(square.buffer(0.005))
    )
    first.refresh_from_db()
    assert (first.version, first.is_current) == (1, False)
    assert (second.version, second.is_current) == (2, True)
    edge = make_point(lon=lon + 0.012, lat=lat)
    assert catchment_containing(point=edge, school_year=2032) == second


def test_database_refuses_two_current_versions():
    school = School.objects.filter(level="primary", location__isnull=False).first()
    geom = shapely.box(106.6, 10.7, 106.61, 10.71)
    catchment_save_version(school=school, school_year=2033, geom=from_shapely(geom))
    with pytest.raises(IntegrityError):
        Catchment.objects.create(
            school=school,
            school_year=2033,
            version=5,
            is_current=True,
            geom=as_multipolygon(from_shapely(geom)),
        )


def test_demo_placement_is_marked_inside_the_reported_ward_and_still_listed_for_staff():
    from gis.selectors import school_list_unplaced
    from gis.services import schools_place_for_demo

    unplaced_before = set(School.objects.filter(location__isnull=True).values_list("pk", flat=True))
    assert schools_place_for_demo(seed=1) == len(unplaced_before)
    for school in School.objects.filter(pk__in=unplaced_before).select_related(
        "reported_admin_unit", "admin_unit"
    ):
        assert school.location_source == "demo_placed"
        assert school.reported_admin_unit.geom.intersects(school.location)
        assert school.admin_unit == school.reported_admin_unit
    assert set(school_list_unplaced().values_list("pk", flat=True)) >= unplaced_before


def test_drafts_by_walking_distance_follow_the_bridge_on_the_canal_fixture():
    """Two schools on the canal fixture (tests/gis/road_fixture.py): in a straight line the
    home south of the canal lies in A's cell (across the water, 124 m); by walking distance
    (A 1890 m over the bridge, B 420 m) it lies in B's, and so does the whole south bank."""
    from gis.constants import CatchmentSource

    from .road_fixture import HOME, SCHOOL_A, SCHOOL_B, install_canal_network, lonlat

    def at(x, y):
        lon, lat = lonlat(x, y)
        return make_point(lon=lon, lat=lat)

    install_canal_network()
    School.objects.filter(level="kindergarten").update(level="other")
    a, b = (
        School.objects.create(code=code, name=name, level="kindergarten", location=at(*xy))
        for code, name, xy in (("CANAL-A", "Trường A", SCHOOL_A), ("CANAL-B", "Trường B", SCHOOL_B))
    )
    home = at(*HOME)
    south_bank = at(600, -300)
    north_bank = at(1500, 300)

    assert catchments_generate_drafts(school_year=2040, level="kindergarten") == 2
    assert catchment_containing(point=home, school_year=2040).school_id == a.pk

    created = catchments_generate_drafts(school_year=2040, level="kindergarten", metric="walking")
    assert created == 2
    current = Catchment.objects.filter(school_year=2040, is_current=True)
    assert set(current.values_list("source", flat=True)) == {CatchmentSource.ROAD}
    assert set(current.values_list("version", flat=True)) == {2}  # the Voronoi draft is history
    assert catchment_containing(point=home, school_year=2040).school_id == b.pk
    assert catchment_containing(point=south_bank, school_year=2040).school_id == b.pk
    assert catchment_containing(point=north_bank, school_year=2040).school_id == a.pk
