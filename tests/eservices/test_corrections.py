"""Law 91/2025 Art. 14 for dossiers: the citizen asks for a correction of one of their own
dossiers (personal-data page or dossier page), the officer of the procedure sees the open
requests and records the outcome, and the citizen receives it by e-mail and SMS."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core import mail
from django.utils import translation

from eservices import services
from eservices.models import DossierCorrection, Procedure
from notifications.channels import LocmemSmsBackend
from portal.core.exceptions import NotFound

from .test_pages_and_api import submitted_transfer

pytestmark = pytest.mark.django_db

OPEN_URL = "/dich-vu-cong/ho-so/dinh-chinh/"
STAFF_URL = "/dich-vu-cong/can-bo/dinh-chinh/"


def test_the_request_is_stored_and_shown_to_the_officer(client, citizen, officer, version):
    dossier = submitted_transfer(citizen, version)
    client.force_login(citizen)
    with translation.override("vi"):
        page = client.get("/du-lieu-ca-nhan/").content.decode()
    assert 'id="dossier-correction"' in page and dossier.code in page

    response = client.post(OPEN_URL, {"dossier": str(dossier.uuid), "reason": "Sai ngày sinh"})
    assert response.status_code == 302 and response["Location"] == "/du-lieu-ca-nhan/"
    correction = DossierCorrection.objects.get()
    assert (correction.dossier, correction.opened_by, correction.reason, correction.status) == (
        dossier, citizen, "Sai ngày sinh", "open"
    )  # fmt: skip
    # A second open request for the same dossier is refused, nothing more is stored.
    client.post(OPEN_URL, {"dossier": str(dossier.uuid), "reason": "Lại sai", "back": "dossier"})
    assert DossierCorrection.objects.count() == 1

    client.force_login(officer)
    with translation.override("vi"):
        page = client.get(STAFF_URL).content.decode()
        assert "Các yêu cầu đính chính" in page
    assert dossier.code in page and "Sai ngày sinh" in page
    assert (
        "Sai ngày sinh"
        in client.get(f"/dich-vu-cong/can-bo/ho-so/{dossier.uuid}/").content.decode()
    )


def test_the_dossier_page_sends_back_to_the_dossier(client, citizen, version):
    dossier = submitted_transfer(citizen, version)
    client.force_login(citizen)
    assert (
        'id="correction-form"'
        in client.get(f"/dich-vu-cong/ho-so/{dossier.uuid}/").content.decode()
    )
    data = {"dossier": str(dossier.uuid), "reason": "Sai lớp", "back": "dossier"}
    response = client.post(OPEN_URL, data)
    assert response["Location"] == f"/dich-vu-cong/ho-so/{dossier.uuid}/"
    assert DossierCorrection.objects.filter(dossier=dossier).count() == 1


@pytest.mark.parametrize("value", ["other", "not-a-uuid", ""])
def test_someone_elses_dossier_is_not_found_and_nothing_is_written(
    client, citizen, other_citizen, version, value
):
    dossier = submitted_transfer(citizen, version)
    client.force_login(other_citizen)
    target = str(dossier.uuid) if value == "other" else value
    response = client.post(OPEN_URL, {"dossier": target, "reason": "Sai tên"})
    assert response.status_code == 404
    assert dossier.code not in response.content.decode()
    assert not DossierCorrection.objects.exists()
    with pytest.raises(NotFound):
        services.dossier_correction_open(dossier=dossier, reason="x", actor=other_citizen)
    assert not DossierCorrection.objects.exists()


def test_anonymous_and_get_are_refused(client, citizen, version):
    dossier = submitted_transfer(citizen, version)
    response = client.post(OPEN_URL, {"dossier": str(dossier.uuid), "reason": "x"})
    assert response.status_code == 302 and "/accounts/dang-nhap/" in response["Location"]
    client.force_login(citizen)
    assert client.get(OPEN_URL).status_code == 405
    assert not DossierCorrection.objects.exists()


def test_the_outcome_reaches_the_citizen(
    client, citizen, officer, version, settings, django_capture_on_commit_callbacks
):
    settings.ADMISSIONS_SMS_BACKEND = "locmem"
    dossier = submitted_transfer(citizen, version)
    correction = services.dossier_correction_open(dossier=dossier, reason="Sai lớp", actor=citizen)
    LocmemSmsBackend.outbox.clear()
    mail.outbox.clear()
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{STAFF_URL}{correction.uuid}/",
            {"decision": "corrected", "note": "Đã sửa lớp thành 3A2."},
        )
    assert response.status_code == 302 and response["Location"] == STAFF_URL
    correction.refresh_from_db()
    assert (correction.status, correction.decided_by, correction.outcome_note) == (
        "corrected", officer, "Đã sửa lớp thành 3A2."
    )  # fmt: skip
    (message,) = mail.outbox
    with translation.override("vi"):
        assert message.subject == f"Hồ sơ {dossier.code}: trả lời yêu cầu đính chính"
    assert "Đã đính chính" in message.body and "Đã sửa lớp thành 3A2." in message.body
    assert [m["to"] for m in LocmemSmsBackend.outbox] == ["0903123456"]
    assert dossier.notifications.count() == 2
    # Answered once: a second answer changes nothing and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{STAFF_URL}{correction.uuid}/", {"decision": "dismissed", "note": "x"})
    correction.refresh_from_db()
    assert correction.status == "corrected" and len(mail.outbox) == 1
    assert dossier.code not in client.get(STAFF_URL).content.decode()

    client.force_login(citizen)
    with translation.override("vi"):
        page = client.get("/du-lieu-ca-nhan/").content.decode()
    assert "Đã sửa lớp thành 3A2." in page and "Đã đính chính" in page


def test_an_officer_of_another_group_neither_sees_nor_answers(client, citizen, version):
    dossier = submitted_transfer(citizen, version)
    correction = services.dossier_correction_open(dossier=dossier, reason="Sai lớp", actor=citizen)
    elsewhere = Group.objects.create(name="Một cửa phường khác")
    elsewhere.permissions.add(Permission.objects.get(codename="handle_dossier"))
    other = User.objects.create_user("motcua2", password="x", is_staff=True)
    other.groups.add(elsewhere)
    # The other officer handles another procedure: the pages open, this dossier stays hidden.
    Procedure.objects.filter(code="TH.BAN-TRU").update(handler_group=elsewhere)
    client.force_login(other)
    listing = client.get(STAFF_URL)
    assert listing.status_code == 200 and dossier.code not in listing.content.decode()
    response = client.post(f"{STAFF_URL}{correction.uuid}/", {"decision": "corrected", "note": "x"})
    assert response.status_code == 404
    correction.refresh_from_db()
    assert correction.status == "open" and correction.decided_by is None


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_citizen_cannot_open_the_officer_pages(client, citizen, version, method):
    dossier = submitted_transfer(citizen, version)
    correction = services.dossier_correction_open(dossier=dossier, reason="Sai lớp", actor=citizen)
    client.force_login(citizen)
    for url in (STAFF_URL, f"{STAFF_URL}{correction.uuid}/"):
        response = getattr(client, method)(url, {"decision": "corrected", "note": "x"})
        assert response.status_code in (403, 405)
    correction.refresh_from_db()
    assert correction.status == "open"
