"""Evidence upload through the parent API: content-checked, private, only on one's own editable
application; errors are problem+json naming the field."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from admissions.models import Evidence
from admissions.services import application_create

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def draft(admission_round, parent, make_input):
    application, _ = application_create(
        admission_round=admission_round, applicant=parent, data=make_input()
    )
    return application


def api_for(user):
    api = APIClient(headers={"accept-language": "en"})
    api.force_authenticate(user)
    return api


def upload(api, application, *, kind="residence", content=PDF, name="ho-khau.pdf"):
    return api.post(
        f"/api/v1/applications/{application.uuid}/evidence/",
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
        format="multipart",
    )


@pytest.mark.django_db
def test_parent_uploads_a_pdf_to_a_draft(parent, draft):
    response = upload(api_for(parent), draft)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["content_type"], body["size"]) == (
        "residence",
        "application/pdf",
        len(PDF),
    )
    stored = Evidence.objects.get(uuid=body["uuid"])
    assert stored.application == draft and stored.uploaded_by == parent
    assert "url" not in body and "file" not in body  # never a public link


@pytest.mark.django_db
def test_a_file_that_is_not_a_document_is_refused_naming_the_field(parent, draft):
    response = upload(api_for(parent), draft, content=b"MZ\x90\x00 not a pdf", name="x.pdf")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert [p["name"] for p in response.json()["invalid_params"]] == ["evidence"]
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_unknown_kind_and_missing_file_name_their_fields(parent, draft):
    api = api_for(parent)
    bad_kind = upload(api, draft, kind="passport")
    assert {p["name"] for p in bad_kind.json()["invalid_params"]} == {"kind"}
    no_file = api.post(
        f"/api/v1/applications/{draft.uuid}/evidence/", {"kind": "residence"}, format="multipart"
    )
    assert {p["name"] for p in no_file.json()["invalid_params"]} == {"file"}


@pytest.mark.django_db
def test_another_parent_cannot_upload_to_my_application(other_parent, draft):
    assert upload(api_for(other_parent), draft).status_code == 404
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_anonymous_upload_is_refused(draft):
    response = upload(APIClient(), draft)
    assert response.status_code in (401, 403)
    assert not Evidence.objects.exists()
