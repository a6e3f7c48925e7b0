"""The public verification page: by code, by the QR address, by upload; staff revocation."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents import services
from documents.models import IssuedDocument
from documents.selectors import document_signed_bytes

from .signatures import flip_byte_inside_a_stream, plain_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def receipt():
    return services.receipt_issue(
        receipt_number="BL-2026-000200",
        payer_name="Lê Văn Bình",
        amount_vnd=Decimal(250_000),
        order_code="DVC-2026-000100",
        payment_reference="MOMO-77810",
        paid_at=dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC),
    )


@pytest.fixture
def archivist():
    user = User.objects.create_user("vanthu", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="revoke_issueddocument"))
    return user


def verdict_of(response) -> str:
    html = response.content.decode()
    marker = 'data-verdict="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_qr_address_shows_a_valid_document_without_personal_data(client, receipt):
    response = client.get(f"/xac-thuc/{receipt.code}/")
    assert response.status_code == 200
    assert verdict_of(response) == "valid"
    html = response.content.decode()
    assert "Trường Tiểu học thử nghiệm" in html  # the signer
    assert "250.000 đồng" in html and "BL-2026-000200" in html
    assert "Lê Văn Bình" not in html  # the payer's name is on the receipt, not on the page


def test_code_typed_loosely_is_redirected_to_its_canonical_address(client, receipt):
    loose = receipt.code.replace("-", " ").lower()
    response = client.get(reverse("documents:verify"), {"code": loose})
    assert response.status_code == 302
    assert response["Location"] == f"/xac-thuc/{receipt.code}/"


def test_malformed_code_is_a_form_error_and_unknown_code_a_404(client, receipt):
    response = client.get(reverse("documents:verify"), {"code": "ABC"})
    assert response.status_code == 400
    assert "16" in response.context["code_form"].errors["code"][0]
    other = receipt.code[:-1] + ("0" if receipt.code[-1] != "0" else "1")
    response = client.get(f"/xac-thuc/{other}/")
    assert response.status_code == 404
    assert 'data-verdict="not_found"' in response.content.decode()


def test_upload_of_the_signed_file_is_valid_and_a_modified_copy_invalid(client, receipt):
    data = document_signed_bytes(receipt)
    response = client.post(
        reverse("documents:verify-upload"),
        {"pdf": SimpleUploadedFile("bien-lai.pdf", data, content_type="application/pdf")},
    )
    assert response.status_code == 200
    assert verdict_of(response) == "valid"
    assert receipt.code in response.content.decode()
    response = client.post(
        reverse("documents:verify-upload"),
        {"pdf": SimpleUploadedFile("sua.pdf", flip_byte_inside_a_stream(data))},
    )
    assert verdict_of(response) == "invalid"
    assert receipt.code not in response.content.decode()


def test_upload_of_an_unsigned_pdf_says_so(client):
    response = client.post(
        reverse("documents:verify-upload"), {"pdf": SimpleUploadedFile("a.pdf", plain_pdf())}
    )
    assert verdict_of(response) == "invalid"
    assert 'data-outcome="unsigned"' in response.content.decode()


def test_upload_without_a_file_is_a_form_error(client):
    response = client.post(reverse("documents:verify-upload"), {})
    assert response.status_code == 400
    assert response.context["upload_form"].errors["pdf"]


def test_upload_over_the_size_limit_is_refused(client, settings):
    settings.DOCUMENTS_VERIFY_MAX_BYTES = 1000
    response = client.post(
        reverse("documents:verify-upload"), {"pdf": SimpleUploadedFile("a.pdf", b"x" * 1001)}
    )
    assert response.status_code == 400
    assert "1000" in response.context["upload_form"].errors["pdf"][0].replace("\xa0", "")


def test_code_lookups_and_uploads_are_rate_limited(client, receipt, settings):
    settings.DOCUMENTS_VERIFY_CODE_RATE = "2/min"
    settings.DOCUMENTS_VERIFY_UPLOAD_RATE = "1/min"
    address = f"/xac-thuc/{receipt.code}/"
    assert client.get(address).status_code == 200
    assert client.get(address).status_code == 200
    third = client.get(address)
    assert third.status_code == 429
    assert int(third["Retry-After"]) >= 1
    spoofed = client.get(address, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert spoofed.status_code == 429  # a forged forwarding header is no new identity
    upload = reverse("documents:verify-upload")
    assert client.post(upload, {"pdf": SimpleUploadedFile("a.pdf", plain_pdf())}).status_code == 200
    assert client.post(upload, {"pdf": SimpleUploadedFile("a.pdf", plain_pdf())}).status_code == 429


def test_staff_revoke_from_the_page_and_the_page_then_says_revoked(client, receipt, archivist):
    client.force_login(archivist)
    page = client.get(f"/xac-thuc/{receipt.code}/")
    assert 'id="revoke-form"' in page.content.decode()
    response = client.post(
        reverse("documents:revoke", args=[receipt.code]), {"reason": "Thu sai phí"}, follow=True
    )
    assert verdict_of(response) == "revoked"
    assert "Thu sai phí" in response.content.decode()
    receipt.refresh_from_db()
    assert receipt.status == "revoked" and receipt.status_changed_by == archivist


def test_revoke_needs_the_permission_and_a_reason(client, receipt, archivist):
    citizen = User.objects.create_user("congdan", password="x")
    client.force_login(citizen)
    assert 'id="revoke-form"' not in client.get(f"/xac-thuc/{receipt.code}/").content.decode()
    response = client.post(reverse("documents:revoke", args=[receipt.code]), {"reason": "x"})
    assert response.status_code == 403
    client.force_login(archivist)
    client.post(reverse("documents:revoke", args=[receipt.code]), {"reason": ""})
    assert IssuedDocument.objects.get(pk=receipt.pk).status == "valid"


def test_only_the_owner_or_staff_download_the_signed_file(client, receipt):
    owner = User.objects.create_user("chuhoso", password="x")
    IssuedDocument.objects.filter(pk=receipt.pk).update(owner=owner)
    address = reverse("documents:download", args=[receipt.code])
    client.force_login(User.objects.create_user("nguoikhac", password="x"))
    assert client.get(address).status_code == 404
    client.force_login(owner)
    response = client.get(address)
    assert response.status_code == 200
    assert response.content == document_signed_bytes(receipt)


def test_page_is_english_when_asked(client, receipt):
    response = client.get(f"/xac-thuc/{receipt.code}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Valid: signed by the school and in force" in response.content.decode()
    response = client.get(f"/xac-thuc/{receipt.code}/", HTTP_ACCEPT_LANGUAGE="vi")
    assert "Hợp lệ: do nhà trường ký số và còn hiệu lực" in response.content.decode()
