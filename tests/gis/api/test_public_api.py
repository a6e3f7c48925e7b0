"""The public map API: GeoJSON shape, filters, problem+json errors, and no personal data."""

import pytest
from pyproj import Geod
from rest_framework.test import APIClient

from gis.models import School

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"
SCHOOL_PROPERTIES = {
    "name",
    "name_en",
    "level",
    "address",
    "location_source",
    "ward",
    "grade1_classes",
    "class_size_norm",
    "grade1_seats",
    "phone",
    "website",
    "source",
}


@pytest.fixture
def api():
    return APIClient()


def assert_problem(response, status, param):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert param in {p["name"] for p in body.get("invalid_params", [])}, body
    return body


def test_schools_are_a_paginated_feature_collection(api):
    body = api.get("/api/v1/schools/", {"level": "primary", "page_size": 20}).json()
    assert body["type"] == "FeatureCollection"
    assert body["count"] == School.objects.filter(level="primary").count()
    assert len(body["features"]) == 20 and body["next"]
    feature = body["features"][0]
    assert set(feature["properties"]) == SCHOOL_PROPERTIES
    assert {f["properties"]["level"] for f in body["features"]} == {"primary"}


def test_bbox_filter_returns_only_schools_inside(api):
    bbox = (106.68, 10.76, 106.72, 10.80)
    body = api.get("/api/v1/schools/", {"bbox": ",".join(map(str, bbox)), "page_size": 500}).json()
    assert body["count"] > 0
    for feature in body["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3]
    inside = [
        s
        for s in School.objects.filter(location__isnull=False)
        if bbox[0] <= s.location.x <= bbox[2] and bbox[1] <= s.location.y <= bbox[3]
    ]
    assert body["count"] == len(inside)


def test_ward_filter(api):
    body = api.get("/api/v1/schools/", {"ward": "27658", "page_size": 500}).json()
    assert body["count"] >= 1
    assert {f["properties"]["ward"]["name"] for f in body["features"]} == {"Xã Hiệp Phước"}


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"bbox": "106.8,10.7,106.6,10.9"}, "bbox"),
        ({"level": "university"}, "level"),
        ({"ward": "abc"}, "ward"),
    ],
)
def test_school_list_rejects_bad_filters(api, params, param):
    assert_problem(api.get("/api/v1/schools/", params), 400, param)


def test_nearest_returns_distances_that_agree_with_pyproj(api):
    lat, lon = 10.8231, 106.6297
    body = api.get("/api/v1/schools/nearest/", {"lat": lat, "lon": lon, "k": 7}).json()
    assert len(body["results"]) == 7
    assert body["ward"]["code"]
    geod = Geod(ellps="WGS84")
    distances = []
    for result in body["results"]:
        _, _, metres = geod.inv(lon, lat, result["lon"], result["lat"])
        assert result["distance_m"] == pytest.approx(metres, abs=0.01)
        distances.append(result["distance_m"])
    assert distances == sorted(distances)


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"lat": "abc", "lon": "106.7"}, "lat"),
        ({"lat": "10.7", "lon": "east"}, "lon"),
        ({"lat": "91", "lon": "106.7"}, "lat"),
        ({"lat": "10.7", "lon": "-181"}, "lon"),
        ({"lat": "10.7", "lon": "106.7", "k": "21"}, "k"),
        ({"lat": "10.7", "lon": "106.7", "k": "0"}, "k"),
        ({"lat": "10.7", "lon": "106.7", "k": "many"}, "k"),
        ({"lon": "106.7"}, "lat"),
    ],
)
def test_nearest_rejects_bad_parameters_naming_them(api, params, param):
    body = assert_problem(api.get("/api/v1/schools/nearest/", params), 400, param)
    assert body["detail"].startswith(param)


def test_nearest_outside_the_covered_area_is_422(api):
    response = api.get("/api/v1/schools/nearest/", {"lat": 21.0285, "lon": 105.8542})
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert "outside" in response.json()["detail"]


def test_admin_units_of_a_vintage(api):
    body = api.get("/api/v1/admin-units/", {"vintage": "2025"}).json()
    assert len(body["features"]) == 168
    names = {f["properties"]["name"] for f in body["features"]}
    assert {"Xã Nhà Bè", "Xã Hiệp Phước", "Phường Sài Gòn"} <= names
    old = api.get("/api/v1/admin-units/", {"vintage": "2019"}).json()
    assert len(old["features"]) == 322


def test_unknown_vintage_is_404_problem(api):
    assert_problem(api.get("/api/v1/admin-units/", {"vintage": "1999"}), 404, "vintage")


def test_public_endpoints_refuse_writes(api):
    assert api.post("/api/v1/schools/", {}).status_code == 405
