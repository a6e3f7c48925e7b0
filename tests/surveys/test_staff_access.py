"""The one staff rule on the survey results pages: anonymous → log-in page; a parent, a
non-staff account holding the permission, and staff of another office → 403, no results."""

from __future__ import annotations

import pytest

from tests.admissions.test_staff_access import OUTSIDERS, _user


def survey_urls(survey) -> list[str]:
    return [
        "/khao-sat/quan-ly/",
        f"/khao-sat/quan-ly/{survey.uuid}/",
        f"/khao-sat/quan-ly/{survey.uuid}/xuat.csv",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_outsiders_are_refused_every_survey_staff_page(client, survey, parent_user, who, method):
    if who == "parent":
        client.force_login(parent_user)
    elif who == "parent_with_permission_not_staff":
        client.force_login(_user(who, staff=False, perms=["view_survey"]))
    elif who == "staff_of_another_office":
        client.force_login(_user(who, **OUTSIDERS[who]))
    for url in survey_urls(survey):
        response = getattr(client, method)(url)
        if who == "anonymous":
            assert response.status_code == 302, url
            assert response["Location"].startswith("/accounts/dang-nhap/?next="), url
        else:
            assert response.status_code == 403, (url, response.status_code)
        assert survey.title not in response.content.decode(), url


@pytest.mark.django_db
def test_survey_staff_get_through(client, survey, staff_user):
    client.force_login(staff_user)
    for url in survey_urls(survey):
        assert client.get(url).status_code == 200, url
