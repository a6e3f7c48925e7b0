"""Staff pages: the unplaced-school list and the catchment map editor (a save is a new version)."""

import pytest

from gis.models import Catchment, School

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("staff", "staff@example.invalid", "pw-123456")
    client.force_login(user)
    return client


def test_staff_see_the_schools_still_to_place(staff_client):
    response = staff_client.get("/admin/geo/school/", {"position": "missing"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Trường Tiểu học Lê Quang Định" in body
    assert "Trường Tiểu Học Phù Đổng" not in body  # placed schools are filtered out


def test_catchment_editor_saves_a_new_version(staff_client):
    school = School.objects.filter(level="primary", location__isnull=False).first()
    lon, lat = school.location.x, school.location.y
    square = (
        f"SRID=4326;MULTIPOLYGON((({lon - 0.01} {lat - 0.01},{lon + 0.01} {lat - 0.01},"
        f"{lon + 0.01} {lat + 0.01},{lon - 0.01} {lat + 0.01},{lon - 0.01} {lat - 0.01})))"
    )
    form = {
        "school": school.pk,
        "school_year": 2040,
        "geom": square,
        "source": "drawn",
        "note": "vẽ tay",
    }
    assert staff_client.get("/admin/geo/catchment/add/").status_code == 200
    for _ in range(2):
        response = staff_client.post("/admin/geo/catchment/add/", form)
        assert response.status_code == 302, response.content.decode()[:2000]
    versions = Catchment.objects.filter(school=school, school_year=2040).order_by("version")
    assert [(c.version, c.is_current) for c in versions] == [(1, False), (2, True)]
    assert versions.last().created_by.username == "staff"


def test_a_school_page_lists_every_position_with_its_source_and_date(staff_client):
    school = School.objects.filter(grounds__isnull=False, positions__isnull=False).first()
    response = staff_client.get(f"/admin/geo/school/{school.pk}/change/")
    assert response.status_code == 200
    body = response.content.decode()
    for position in school.positions.all():
        assert position.label in body and position.source_ref in body


def test_the_road_network_is_listed_read_only(staff_client):
    response = staff_client.get("/admin/geo/roadnetwork/")
    assert response.status_code == 200
    assert "OpenStreetMap" in response.content.decode()
    assert staff_client.get("/admin/geo/roadnetwork/add/").status_code == 403
