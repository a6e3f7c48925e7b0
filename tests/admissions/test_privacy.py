"""Household and child data never reach anyone but the family and the committee: every admissions
page and API refuses anonymous visitors and other parents."""

import pytest

from admissions.services import application_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(admission_round, parent, make_input):
    app, _ = application_create(
        admission_round=admission_round,
        applicant=parent,
        data=make_input(child_full_name="Lê Bảo Ngọc"),
        submit=True,
    )
    return app


def private_pages(app) -> list[str]:
    return [
        f"/tuyen-sinh/ho-so/{app.uuid}/",
        f"/tuyen-sinh/ho-so/{app.uuid}/sua/",
        f"/tuyen-sinh/ho-so/{app.uuid}/giai-thich.pdf",
        "/tuyen-sinh/hoi-dong/",
        f"/tuyen-sinh/hoi-dong/ho-so/{app.uuid}/",
        "/tuyen-sinh/hoi-dong/dot/",
    ]


def test_anonymous_visitors_are_sent_to_log_in(client, application):
    for url in private_pages(application):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/dang-nhap/"), url


def test_the_parent_api_refuses_anonymous_callers(client, application):
    for url in ("/api/v1/applications/", f"/api/v1/applications/{application.uuid}/"):
        response = client.get(url)
        assert response.status_code in (401, 403), url
        assert response["Content-Type"] == "application/problem+json"
        assert "Lê Bảo Ngọc" not in response.content.decode()


def test_another_parent_sees_nothing(client, application, other_parent):
    client.force_login(other_parent)
    for url in private_pages(application)[:3]:
        assert client.get(url).status_code == 404, url
    for url in private_pages(application)[3:]:
        assert client.get(url).status_code == 403, url
    listing = client.get("/api/v1/applications/")
    assert "Lê Bảo Ngọc" not in listing.content.decode()
    assert client.get(f"/api/v1/applications/{application.uuid}/").status_code == 404


def test_public_pages_and_apis_carry_no_application_data(client, application):
    for url in (
        "/",
        "/tuyen-sinh/",
        "/api/v1/schools/?page_size=1000",
        "/api/v1/catchments/",
        "/api/v1/admin-units/",
        f"/api/v1/schools/nearest/?lat={application.residence_point.y}"
        f"&lon={application.residence_point.x}",
    ):
        body = client.get(url).content.decode()
        assert "Lê Bảo Ngọc" not in body, url
        assert application.child_personal_id not in body, url
        assert application.tracking_code not in body, url


def test_committee_pages_ignore_malformed_numbers(client, staff, admission_round):
    client.force_login(staff)
    assert client.get("/tuyen-sinh/hoi-dong/", {"round": "abc"}).status_code == 200
    response = client.get("/tuyen-sinh/hoi-dong/", {"school": "1;DROP", "ward": "x"})
    assert response.status_code == 200
    school = admission_round.schools.first().school_id
    page = client.get("/tuyen-sinh/hoi-dong/", {"school": str(school)}).content.decode()
    assert f'<option value="{school}" selected>' in page
