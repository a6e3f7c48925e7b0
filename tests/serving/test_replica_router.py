"""Public map reads go to the `replica` alias when one is configured; everything else (a
family's own data, every write) stays on `default`. The test settings define `replica` as a
second alias of the test database (TEST MIRROR), so both connections are real."""

import pytest
from django.db import connections
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from gis.geometry import make_point
from gis.models import School
from portal.core.routers import public_reads

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])
URL = "/api/v1/schools/?bbox=106.69,10.76,106.71,10.78"


def _queries(alias, call):
    with CaptureQueriesContext(connections[alias]) as captured:
        result = call()
    return result, [q["sql"] for q in captured.captured_queries]


@override_settings(PUBLIC_READ_DATABASE="replica")
def test_public_map_reads_use_the_replica(client):
    School.objects.create(code="replica-1", name="Trường Tiểu học Bản Sao", level="primary",
                          location=make_point(lon=106.70, lat=10.77))  # fmt: skip
    with CaptureQueriesContext(connections["default"]) as on_default:
        response, on_replica = _queries("replica", lambda: client.get(URL))
    assert response.status_code == 200
    assert "Trường Tiểu học Bản Sao" in response.content.decode()
    assert any("geo_school" in sql for sql in on_replica)
    assert not any("geo_school" in q["sql"] for q in on_default.captured_queries)


@override_settings(PUBLIC_READ_DATABASE="replica")
def test_other_reads_and_writes_stay_on_default():
    _, on_replica = _queries("replica", lambda: School.objects.count())
    assert on_replica == []
    with public_reads():
        _, on_replica = _queries("replica", lambda: School.objects.count())
        assert len(on_replica) == 1
        school, on_replica = _queries(
            "replica", lambda: School.objects.create(code="replica-2", name="Ghi", level="primary")
        )
        assert on_replica == []  # a write inside a public read still goes to default
    assert School.objects.using("default").filter(pk=school.pk).exists()


def test_without_a_replica_setting_everything_uses_default(client):
    _, on_replica = _queries("replica", lambda: client.get(URL))
    assert on_replica == []
