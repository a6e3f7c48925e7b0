"""The one staff rule on every e-service officer page, GET and POST: anonymous → log-in page;
a citizen, a non-staff account put in the handling group, and staff of another office (staff, in
no handling group) → 403; an officer of another procedure's group → 404 on a dossier. Nothing
changes and no dossier data is shown."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission, User

from eservices.models import Dossier
from tests.admissions.test_staff_access import _user

from .test_pages_and_api import submitted_transfer

pytestmark = pytest.mark.django_db


def staff_urls(dossier) -> list[tuple[str, dict]]:
    return [
        ("/dich-vu-cong/can-bo/", {}),
        (f"/dich-vu-cong/can-bo/ho-so/{dossier.uuid}/", {"to": "received", "note": "x"}),
        ("/dich-vu-cong/can-bo/thong-ke/", {}),
    ]


def _in_handling_group_not_staff(name: str, dossier) -> User:
    """The mistake the rule guards against: a non-staff account put in the handling group."""
    user = _user(name, staff=False, perms=["handle_dossier"])
    user.groups.add(dossier.procedure_version.procedure.handler_group)
    return User.objects.get(pk=user.pk)


def _outsider(who, citizen, dossier) -> User | None:
    return {
        "anonymous": lambda: None,
        "citizen": lambda: citizen,
        "citizen_in_handling_group_not_staff": lambda: _in_handling_group_not_staff(who, dossier),
        "staff_of_another_office": lambda: _user(who, staff=True, perms=["view_school"]),
    }[who]()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    "who",
    ["anonymous", "citizen", "citizen_in_handling_group_not_staff", "staff_of_another_office"],
)
def test_outsiders_are_refused_every_officer_page(client, citizen, version, who, method):
    dossier = submitted_transfer(citizen, version)
    user = _outsider(who, citizen, dossier)
    if user is not None:
        client.force_login(user)
    for url, data in staff_urls(dossier):
        response = getattr(client, method)(url, data if method == "post" else None)
        if who == "anonymous":
            assert response.status_code == 302 and "/accounts/dang-nhap/" in response["Location"]
        else:
            assert response.status_code == 403, (url, response.status_code)
        assert dossier.code not in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == dossier.status


def test_an_officer_of_another_group_cannot_open_the_dossier(client, citizen, version):
    dossier = submitted_transfer(citizen, version)
    elsewhere = Group.objects.create(name="Một cửa phường khác")
    elsewhere.permissions.add(Permission.objects.get(codename="handle_dossier"))
    other = User.objects.create_user("motcua2", password="x", is_staff=True)
    other.groups.add(elsewhere)
    client.force_login(other)
    for method in ("get", "post"):
        url = f"/dich-vu-cong/can-bo/ho-so/{dossier.uuid}/"
        response = getattr(client, method)(url, {"to": "received", "note": "x"})
        assert response.status_code in (403, 404)
    assert Dossier.objects.get(pk=dossier.pk).status == dossier.status


def test_the_officer_of_the_group_gets_through(client, citizen, version, officer):
    dossier = submitted_transfer(citizen, version)
    client.force_login(officer)
    for url, _data in staff_urls(dossier):
        assert client.get(url).status_code == 200, url
