"""Errors outside DRF: a URL under /api/ that matches no route (a malformed id) is problem+json,
not Django's HTML page; a database outage is 503 (problem+json, or a short page for browsers),
in Vietnamese by default."""

import json

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.utils import translation

from portal.core.errors import DatabaseUnavailableMiddleware, server_error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/applications/not-a-uuid/",
        "/api/v1/offers/123/accept/",
        "/api/v1/dossiers/%ZZ/",
        "/api/v1/khong-co/",
    ],
)
def test_unknown_api_urls_answer_problem_json(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


def test_unknown_pages_keep_the_html_404(client):
    response = client.get("/khong-ton-tai/")
    assert response.status_code == 404
    assert "problem+json" not in response["Content-Type"]


def _outage(request):
    middleware = DatabaseUnavailableMiddleware(lambda r: None)
    return middleware.process_exception(request, OperationalError("server closed the connection"))


def test_a_database_outage_is_503_problem_json_in_vietnamese():
    request = RequestFactory().post("/api/v1/applications/")
    with translation.override("vi"):
        response = _outage(request)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "5"
    body = json.loads(response.content)
    assert body["status"] == 503 and body["code"] == "service_unavailable"
    assert body["title"] == "Dịch vụ tạm thời gián đoạn."


def test_a_browser_gets_a_short_page_and_other_errors_stay_500():
    page = _outage(RequestFactory().get("/tuyen-sinh/", HTTP_ACCEPT="text/html"))
    assert page.status_code == 503 and page["Content-Type"].startswith("text/html")
    middleware = DatabaseUnavailableMiddleware(lambda r: None)
    assert middleware.process_exception(RequestFactory().get("/"), ValueError("bug")) is None
    try:
        raise ValueError("bug")
    except ValueError:
        response = server_error(RequestFactory().get("/api/v1/kpi/"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
