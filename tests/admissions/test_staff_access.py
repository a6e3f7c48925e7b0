"""One staff rule for every committee action: GET and POST as an anonymous visitor, a parent, a
parent who was given the committee permission by mistake (not staff), and staff of another
office (staff, but without the committee permission). None of them sees data or changes
anything; the committee member gets through."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User

from admissions import services
from admissions.constants import ApplicationStatus
from admissions.models import (
    AdmissionRound,
    AllocationRun,
    Application,
    ApplicationStatusChange,
    Offer,
    Ticket,
)


@pytest.fixture
def objects(admission_round, parent, make_input):
    application, _ = services.application_create(
        admission_round=admission_round, applicant=parent, data=make_input(), submit=True
    )
    run = AllocationRun.objects.create(round=admission_round, mechanism="da", seed=1)
    ticket = Ticket.objects.create(
        application=application, kind=Ticket.Kind.DATA_CORRECTION, reason="r", opened_by=parent,
        decide_by=admission_round.closes_at,
    )  # fmt: skip
    return {"application": application, "run": run, "ticket": ticket}


def committee_urls(o) -> list[tuple[str, dict]]:
    app, run, ticket = o["application"].uuid, o["run"].uuid, o["ticket"].uuid
    return [
        ("/tuyen-sinh/hoi-dong/", {"ids": [o["application"].pk]}),
        (f"/tuyen-sinh/hoi-dong/ho-so/{app}/", {"to": "verified", "note": "x"}),
        ("/tuyen-sinh/hoi-dong/dot/", {"action": "close"}),
        ("/tuyen-sinh/hoi-dong/dot/", {"mechanism": "da", "seed": 7, "stage": "main"}),
        (f"/tuyen-sinh/hoi-dong/lan-chay/{run}/", {"action": "review"}),
        (f"/tuyen-sinh/hoi-dong/lan-chay/{run}/", {"action": "publish"}),
        (f"/tuyen-sinh/hoi-dong/lan-chay/{run}/tien-do/", {}),
        (f"/tuyen-sinh/hoi-dong/lan-chay/{run}/xuat.csv", {}),
        (f"/tuyen-sinh/hoi-dong/so-sanh/?a={run}&b={run}", {}),
        (f"/tuyen-sinh/hoi-dong/yeu-cau/{ticket}/quyet-dinh/", {"decision": "upheld", "note": "x"}),
    ]


def _user(name, *, staff, perms=()):
    user = User.objects.create_user(name, password="x", is_staff=staff)
    user.user_permissions.add(*Permission.objects.filter(codename__in=perms))
    return User.objects.get(pk=user.pk)


COMMITTEE = ["review_application", "run_allocation"]
OUTSIDERS = {
    "anonymous": None,
    "parent": "parent",
    "parent_with_permission_not_staff": {"staff": False, "perms": COMMITTEE},
    "staff_of_another_office": {"staff": True, "perms": ["change_school", "view_school"]},
}


def _state(o) -> tuple:
    o["run"].refresh_from_db()
    o["ticket"].refresh_from_db()
    return (
        Application.objects.get(pk=o["application"].pk).status,
        AdmissionRound.objects.get(pk=o["run"].round_id).status,
        o["run"].status,
        o["ticket"].status,
        AllocationRun.objects.count(),  # no run started
        Offer.objects.count(),  # nothing published
        ApplicationStatusChange.objects.count(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_outsiders_are_refused_every_committee_action(client, objects, parent, who, method):
    spec = OUTSIDERS[who]
    if spec == "parent":
        client.force_login(parent)
    elif spec is not None:
        client.force_login(_user(who, **spec))
    before = _state(objects)
    for url, data in committee_urls(objects):
        response = getattr(client, method)(url, data if method == "post" else None)
        body = response.content.decode()
        if who == "anonymous":
            assert response.status_code == 302, url
            assert response["Location"].startswith("/accounts/dang-nhap/?next="), url
        else:
            assert response.status_code == 403, (url, response.status_code)
        assert objects["application"].child_full_name not in body, url
        assert objects["application"].tracking_code not in body, url
    assert _state(objects) == before


@pytest.mark.django_db
def test_the_committee_member_gets_through(client, objects, staff):
    client.force_login(staff)
    for url, _data in committee_urls(objects):
        if "quyet-dinh" in url:
            continue  # POST only
        assert client.get(url).status_code == 200, url
    client.post(f"/tuyen-sinh/hoi-dong/ho-so/{objects['application'].uuid}/", {"to": "verified"})
    assert Application.objects.get(pk=objects["application"].pk).status == (
        ApplicationStatus.VERIFIED
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["?a=not-a-uuid&b=x", "?a=00000000-0000-0000-0000-000000000000&b={run}"]
)
def test_comparing_unknown_or_malformed_runs_is_not_found(client, objects, staff, query):
    client.force_login(staff)
    response = client.get("/tuyen-sinh/hoi-dong/so-sanh/" + query.format(run=objects["run"].uuid))
    assert response.status_code == 404
