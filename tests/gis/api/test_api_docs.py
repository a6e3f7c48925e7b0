import pytest


@pytest.mark.django_db
def test_swagger_ui_is_served_without_a_cdn(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in body
    assert "cdn.jsdelivr.net" not in body


@pytest.mark.django_db
def test_schema_lists_the_public_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert {
        "/api/v1/schools/",
        "/api/v1/schools/nearest/",
        "/api/v1/admin-units/",
        "/api/v1/catchments/",
    } <= set(schema["paths"])
