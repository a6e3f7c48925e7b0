"""The one staff rule on the KPI staff dashboard (GET and POST)."""

from __future__ import annotations

import pytest

from tests.admissions.test_staff_access import _user

URL = "/chi-so/quan-ly/"


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_only_staff_with_the_permission_see_the_dashboard(client, method):
    assert getattr(client, method)(URL).status_code == 302  # anonymous → log-in page
    for name, staff, perms in [
        ("citizen", False, []),
        ("not_staff_with_permission", False, ["view_dashboard"]),
        ("staff_of_another_office", True, ["view_school"]),
    ]:
        client.force_login(_user(name, staff=staff, perms=perms))
        assert getattr(client, method)(URL).status_code == 403, name
    client.force_login(_user("kpi_staff", staff=True, perms=["view_dashboard"]))
    assert client.get(URL).status_code == 200
