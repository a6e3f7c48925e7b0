"""Law 91/2025 for public-service dossiers: a consent record at submission, the staff access
log, the citizen's copy, and anonymisation months after closing (ADR 0019)."""

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from eservices.constants import DossierStatus
from eservices.models import Dossier, DossierAttachment
from privacy.models import AccessLogEntry, ConsentRecord

from .test_dossier_services import submitted

pytestmark = pytest.mark.django_db


def test_submission_records_the_notice_version_and_staff_views_are_logged(
    citizen, officer, version, client
):
    dossier = submitted(citizen, version)
    record = ConsentRecord.objects.get(subject_uuid=dossier.uuid)
    assert (record.user, record.subject_type, record.reference, record.text_version) == (
        citizen, "dossier", dossier.code, "2026-01"
    )  # fmt: skip
    client.force_login(officer)
    assert client.get(f"/dich-vu-cong/can-bo/ho-so/{dossier.uuid}/").status_code == 200
    attachment = dossier.attachments.get()
    assert client.get(f"/dich-vu-cong/tep/{attachment.uuid}/").status_code == 200
    assert list(
        AccessLogEntry.objects.order_by("pk").values_list("staff", "subject_type", "subject_uuid")
    ) == [(officer.pk, "dossier", dossier.uuid), (officer.pk, "attachment", attachment.uuid)]

    client.force_login(citizen)
    copy = json.loads(client.get("/du-lieu-ca-nhan/tai-ve.json").content)
    (mine,) = copy["dossiers"]
    assert mine["code"] == dossier.code and mine["form"]["student_full_name"] == "Nguyễn Minh Khang"
    assert [a["record"] for a in copy["staff_access"]] == ["attachment", "dossier"]
    assert {a["staff"] for a in copy["staff_access"]} == {"motcua"}


def test_a_closed_dossier_is_anonymised_after_the_retention_period(citizen, version, settings):
    settings.PERSONAL_DATA_RETENTION_MONTHS = 12
    dossier = submitted(citizen, version)
    stored = Path(dossier.attachments.get().file.path)
    closed = timezone.now() - dt.timedelta(days=200)
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.CLOSED, closed_at=closed)
    call_command("anonymise_personal_data", stdout=io.StringIO())
    assert Dossier.objects.get(pk=dossier.pk).form_data["student_full_name"] == "Nguyễn Minh Khang"

    later = (timezone.now() + dt.timedelta(days=200)).isoformat()
    call_command("anonymise_personal_data", f"--now={later}", stdout=io.StringIO())
    after = Dossier.objects.get(pk=dossier.pk)
    assert (after.form_data, after.contact_phone, after.status) == ({}, "", DossierStatus.CLOSED)
    assert not DossierAttachment.objects.filter(dossier=after).exists() and not stored.exists()
    assert not after.notifications.exclude(body="").exists()
