"""Public map responses: cached in the real Redis, invalidated when schools, units or catchments
change, with ETag / Last-Modified and conditional GETs answered 304."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date

from gis.geometry import make_point
from gis.mapcache import GENERATION_KEY, map_generation
from gis.models import AdminUnit, School

pytestmark = pytest.mark.django_db
SCHOOLS = "/api/v1/schools/?bbox=106.69,10.76,106.71,10.78"
GEOJSON_ENDPOINTS = [SCHOOLS, "/api/v1/admin-units/", "/api/v1/catchments/"]


@pytest.mark.parametrize("url", GEOJSON_ENDPOINTS)
def test_second_request_is_served_from_redis_without_the_database(client, redis_cache, url):
    first = client.get(url)
    assert first.status_code == 200
    assert first["X-Cache"] == "miss"
    assert first["ETag"].startswith('"') and first["Last-Modified"]
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    assert second.status_code == 200
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["ETag"] == first["ETag"]
    assert len(queries) == 0
    assert any(key.startswith(b":1:map:") for key in redis_cache.keys("*"))


@pytest.mark.parametrize("url", GEOJSON_ENDPOINTS)
def test_conditional_get_answers_304(client, redis_cache, url):
    first = client.get(url)
    etag, last_modified = first["ETag"], first["Last-Modified"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    since = client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified)
    assert since.status_code == 304
    other = client.get(url, HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status_code == 200 and other.content == first.content
    older = client.get(url, HTTP_IF_MODIFIED_SINCE=http_date(0))
    assert older.status_code == 200


def test_a_school_change_invalidates_the_cached_map(
    client, redis_cache, django_capture_on_commit_callbacks
):
    before = client.get(SCHOOLS)
    assert client.get(SCHOOLS)["X-Cache"] == "hit"
    generation = map_generation()
    with django_capture_on_commit_callbacks(execute=True):
        school = School.objects.create(
            code="test-cache-1", name="Trường Tiểu học Bộ Nhớ Đệm", level="primary",
            location=make_point(lon=106.70, lat=10.77),
        )  # fmt: skip
    assert map_generation() > generation
    after = client.get(SCHOOLS)
    assert after["X-Cache"] == "miss"
    assert after["ETag"] != before["ETag"]
    codes = {f["properties"]["code"] for f in after.json()["features"] if "code" in f["properties"]}
    names = {f["properties"]["name"] for f in after.json()["features"]}
    assert "Trường Tiểu học Bộ Nhớ Đệm" in names or school.code in codes
    # The old validator no longer matches: the client gets the new body.
    assert client.get(SCHOOLS, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200


def test_a_unit_change_invalidates_the_cached_map(
    client, redis_cache, django_capture_on_commit_callbacks
):
    client.get("/api/v1/admin-units/")
    assert client.get("/api/v1/admin-units/")["X-Cache"] == "hit"
    unit = AdminUnit.objects.filter(vintage__code="2025", level="ward").first()
    with django_capture_on_commit_callbacks(execute=True):
        unit.name = unit.name + " (đổi tên)"
        unit.save()
    after = client.get("/api/v1/admin-units/")
    assert after["X-Cache"] == "miss"
    assert unit.name in after.content.decode()


def test_a_rolled_back_change_keeps_the_cache(client, redis_cache):
    client.get(SCHOOLS)
    generation = redis_cache.get(":1:" + GENERATION_KEY)
    # Without on-commit execution (the test transaction never commits) nothing is bumped.
    School.objects.create(code="test-cache-2", name="Trường chưa lưu", level="primary")
    assert redis_cache.get(":1:" + GENERATION_KEY) == generation
    assert client.get(SCHOOLS)["X-Cache"] == "hit"


def test_errors_and_other_methods_are_not_cached(client, redis_cache):
    bad = client.get("/api/v1/schools/?bbox=nonsense")
    assert bad.status_code == 400
    assert "X-Cache" not in bad
    assert client.get("/api/v1/schools/?bbox=nonsense").status_code == 400
    assert "X-Cache" not in client.head(SCHOOLS)


def test_a_hit_is_served_from_this_process_without_a_shared_cache_read(client, redis_cache):
    first = client.get(SCHOOLS)
    entry_keys = [k for k in redis_cache.keys("*") if k != b":1:" + GENERATION_KEY.encode()]
    assert entry_keys
    redis_cache.delete(*entry_keys)  # the shared entry is gone; this process's copy is not
    second = client.get(SCHOOLS)
    assert second["X-Cache"] == "hit"
    assert second.content == first.content


def test_another_process_change_is_seen_after_the_generation_interval(
    client, redis_cache, settings
):
    settings.MAP_CACHE_GENERATION_TTL_MS = 60_000
    map_generation()
    before = client.get(SCHOOLS)
    # Another web process commits a change: it bumps the generation in the shared cache only.
    redis_cache.set(":1:" + GENERATION_KEY, map_generation() + 5)
    assert client.get(SCHOOLS)["X-Cache"] == "hit"  # within the interval: this copy
    settings.MAP_CACHE_GENERATION_TTL_MS = 0
    after = client.get(SCHOOLS)
    assert after["X-Cache"] == "miss"  # the new generation: recomputed
    assert after.content == before.content  # (nothing changed in the database)


def test_the_local_copies_are_bounded_in_bytes(client, redis_cache, settings):
    settings.MAP_CACHE_LOCAL_MAX_BYTES = len(client.get(SCHOOLS).content) + 10
    client.get("/api/v1/admin-units/")  # larger than the bound: never kept locally
    client.get(SCHOOLS)
    redis_cache.flushdb()  # shared copies and generation gone: only local copies remain
    settings.MAP_CACHE_GENERATION_TTL_MS = 60_000
    assert client.get(SCHOOLS)["X-Cache"] == "hit"
    assert client.get("/api/v1/admin-units/")["X-Cache"] == "miss"
