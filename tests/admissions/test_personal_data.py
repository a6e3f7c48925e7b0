"""Law 91/2025 for grade-1 applications: consent records shown back to the parent, the staff
access log, the family's own copy (JSON and PDF), correction requests the committee sees, and
anonymisation after the retention period (ADR 0019)."""

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone, translation
from pyhanko.pdf_utils.reader import PdfFileReader

from admissions.models import Application, Evidence, Ticket
from admissions.services import application_create, application_submit, evidence_add
from audit.models import AuditEntry
from privacy.models import AccessLogEntry, Anonymisation, ConsentRecord

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def submitted(admission_round, parent, make_input):
    application, _ = application_create(
        admission_round=admission_round, applicant=parent, data=make_input()
    )
    upload = SimpleUploadedFile("ct07.pdf", PDF, content_type="application/pdf")
    evidence_add(application=application, actor=parent, kind="residence", upload=upload)
    return application_submit(application=application, actor=parent, consent=True)


def test_submitting_stores_a_consent_record_shown_to_the_parent(submitted, parent, client):
    record = ConsentRecord.objects.get(subject_uuid=submitted.uuid)
    assert (record.user, record.subject_type, record.reference) == (
        parent, "application", submitted.tracking_code
    )  # fmt: skip
    assert record.text_version == "2026-01" and record.given_at == submitted.consented_at
    client.force_login(parent)
    with translation.override("vi"):
        page = client.get("/du-lieu-ca-nhan/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert submitted.tracking_code in page and "2026-01" in page
    assert "Hồ sơ tuyển sinh lớp 1" in page  # the record type, in Vietnamese


def test_staff_views_are_logged_and_shown_to_the_family(submitted, parent, staff, client):
    client.force_login(staff)
    assert client.get(f"/tuyen-sinh/hoi-dong/ho-so/{submitted.uuid}/").status_code == 200
    entry = AccessLogEntry.objects.get(subject_uuid=submitted.uuid)
    assert (entry.staff, entry.subject_type, entry.method) == (staff, "application", "GET")
    # A refused look (a parent trying the staff page) is not a view of the record.
    client.force_login(parent)
    client.get(f"/tuyen-sinh/hoi-dong/ho-so/{submitted.uuid}/")
    assert AccessLogEntry.objects.filter(subject_uuid=submitted.uuid).count() == 1
    page = client.get("/du-lieu-ca-nhan/").content.decode()
    assert "canbo" in page


def test_the_family_downloads_everything_as_json_and_pdf(submitted, parent, other_parent, client):
    client.force_login(parent)
    response = client.get("/du-lieu-ca-nhan/tai-ve.json")
    assert response["Content-Type"].startswith("application/json")
    assert response["Cache-Control"] == "private, no-store"
    document = json.loads(response.content)
    (app,) = document["applications"]
    assert app["child"]["full_name"] == "Nguyễn Minh Anh"
    assert app["child"]["personal_id"] == submitted.child_personal_id
    assert app["residence"]["address"] == "12 Lê Lợi"
    assert [h["to"] for h in app["history"]][-1] == "submitted"
    assert document["account"]["phone"] == "0912345678"
    assert document["consents"][0]["reference"] == submitted.tracking_code

    response = client.get("/du-lieu-ca-nhan/tai-ve.pdf")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfFileReader(io.BytesIO(response.content))
    assert reader.root["/Pages"]["/Count"] >= 1
    assert b"DejaVuSans" in response.content  # the Vietnamese font is embedded

    # Another family gets its own (empty) copy, never this child.
    client.force_login(other_parent)
    other = json.loads(client.get("/du-lieu-ca-nhan/tai-ve.json").content)
    assert other["applications"] == [] and "Nguyễn Minh Anh" not in json.dumps(other)


def test_downloads_need_a_login(client):
    for url in ("/du-lieu-ca-nhan/", "/du-lieu-ca-nhan/tai-ve.json", "/du-lieu-ca-nhan/tai-ve.pdf"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/dang-nhap/" in response["Location"]


def test_a_correction_request_reaches_the_committee(submitted, parent, staff, client):
    client.force_login(parent)
    client.post(
        f"/tuyen-sinh/ho-so/{submitted.uuid}/khieu-nai/",
        {"kind": "data_correction", "reason": "Sai ngày sinh của cháu"},
    )
    ticket = Ticket.objects.get(application=submitted, kind="data_correction")
    assert ticket.reason == "Sai ngày sinh của cháu"
    client.force_login(staff)
    page = client.get(f"/tuyen-sinh/hoi-dong/ho-so/{submitted.uuid}/").content.decode()
    assert "Sai ngày sinh của cháu" in page


def _age_round(round_, *, days_ago: int):
    round_.offer_response_deadline = timezone.now() - dt.timedelta(days=days_ago)
    round_.opens_at = round_.offer_response_deadline - dt.timedelta(days=90)
    round_.closes_at = round_.offer_response_deadline - dt.timedelta(days=30)
    round_.save()


def test_anonymisation_after_the_retention_period(submitted, parent, admission_round, settings):
    settings.PERSONAL_DATA_RETENTION_MONTHS = 24
    evidence = Evidence.objects.get(application=submitted)
    stored = Path(evidence.file.path)
    assert stored.exists()
    # 23 months after the offer deadline: kept.
    _age_round(admission_round, days_ago=23 * 30)
    out = io.StringIO()
    call_command("anonymise_personal_data", stdout=out)
    assert Application.objects.get(pk=submitted.pk).child_full_name == "Nguyễn Minh Anh"
    # 25 months after: anonymised, once.
    _age_round(admission_round, days_ago=25 * 31)
    with translation.override("en"):
        call_command("anonymise_personal_data", stdout=out)
    assert "Anonymised 1 applications and 0 dossiers." in out.getvalue()
    app = Application.objects.get(pk=submitted.pk)
    assert app.child_full_name == "—"
    assert app.child_personal_id.startswith("AN") and len(app.child_personal_id) == 12
    assert app.child_dob == dt.date(2020, 1, 1)
    assert (app.guardian_full_name, app.guardian_personal_id, app.guardian_phone) == ("", "", "")
    assert app.address_text == ""
    assert (round(app.residence_point.x, 6), round(app.residence_point.y, 6)) == (106.70, 10.77)
    assert app.status == submitted.status and app.round_id == submitted.round_id
    assert not Evidence.objects.filter(application=app).exists() and not stored.exists()
    assert Anonymisation.objects.filter(subject_uuid=app.uuid).count() == 1
    assert AuditEntry.objects.filter(action="privacy.anonymised", object_id=str(app.uuid)).exists()
    # The consent stays (proof of lawful processing); a second run changes nothing.
    assert ConsentRecord.objects.filter(subject_uuid=app.uuid).exists()
    with translation.override("en"):
        call_command("anonymise_personal_data", stdout=(again := io.StringIO()))
    assert "Anonymised 0 applications" in again.getvalue()


def test_the_command_takes_a_date_and_a_period(submitted, admission_round):
    _age_round(admission_round, days_ago=0)
    later = (timezone.now() + dt.timedelta(days=40)).isoformat()
    call_command("anonymise_personal_data", "--months=2", f"--now={later}", stdout=io.StringIO())
    assert Application.objects.get(pk=submitted.pk).child_full_name == "Nguyễn Minh Anh"
    later = (timezone.now() + dt.timedelta(days=70)).isoformat()
    call_command("anonymise_personal_data", "--months=2", f"--now={later}", stdout=io.StringIO())
    assert Application.objects.get(pk=submitted.pk).child_full_name == "—"
