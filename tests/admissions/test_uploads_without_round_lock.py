"""Creating an application takes no round lock (tracking codes from a per-round sequence) and
evidence files are written before the transaction and removed when it fails (ADR 0020)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

from admissions.models import AdmissionRound, Application, Evidence
from admissions.services import application_create, evidence_add
from portal.core.exceptions import TransitionNotAllowed

PDF = b"%PDF-1.4\n% minh chung\n" + b"0" * 64


@pytest.fixture
def committed_round(django_db_setup, django_db_blocker):
    """A round committed through a second connection (so that connection can lock it), removed
    after the test's own transaction was rolled back."""
    with django_db_blocker.unblock():
        other = connections.create_connection(DEFAULT_DB_ALIAS)
        now = timezone.now()
        with other.cursor() as cursor:
            cursor.execute(
                """INSERT INTO admissions_admissionround (created_at, updated_at, school_year, name,
                   status, opens_at, closes_at, offer_response_deadline, class_size_norm,
                   max_distance_m, is_demo, mechanism, categories_in_group_1, audit_key,
                   distance_metric)
                   VALUES (now(), now(), 2077, 'Khóa thử', 'open', %s, %s, %s, 35, 4000, false,
                   'da', false, '', 'straight') RETURNING id""",
                [now - dt.timedelta(days=1), now + dt.timedelta(days=10),
                 now + dt.timedelta(days=30)],
            )  # fmt: skip
            round_id = cursor.fetchone()[0]
        yield round_id, other
        if not other.get_autocommit():
            other.rollback()
            other.set_autocommit(True)
        with other.cursor() as cursor:
            cursor.execute("DELETE FROM admissions_admissionround WHERE id = %s", [round_id])
        other.close()


def test_a_tracking_code_needs_no_round_lock(committed_round, parent, make_input):
    round_id, other = committed_round
    other.set_autocommit(False)
    with other.cursor() as cursor:  # a publication or a vacancy chain holds the round lock
        cursor.execute(  # the lock round_lock() takes
            "SELECT id FROM admissions_admissionround WHERE id = %s FOR NO KEY UPDATE", [round_id]
        )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL lock_timeout = '2s'")  # before: waited, then failed here
    round_ = AdmissionRound.objects.get(pk=round_id)
    first, created = application_create(
        admission_round=round_, applicant=parent, data=make_input(choices=[]), submit=False
    )
    second, _ = application_create(
        admission_round=round_, applicant=parent, data=make_input(choices=[]), submit=False
    )
    assert created and first.tracking_code == "ADM-2077-000001"
    assert second.tracking_code == "ADM-2077-000002"
    other.rollback()


def test_a_file_whose_record_fails_is_removed(admission_round, parent, make_input, settings):
    application, _ = application_create(
        admission_round=admission_round, applicant=parent, data=make_input(), submit=False
    )
    root = settings.PRIVATE_MEDIA_ROOT
    before = {p for p in root.rglob("*") if p.is_file()}
    # The form was read as editable, then the family withdrew in another tab.
    Application.objects.filter(pk=application.pk).update(status="withdrawn")
    with pytest.raises(TransitionNotAllowed):
        evidence_add(
            application=application,
            kind="residence",
            upload=SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf"),
            actor=parent,
        )
    assert not Evidence.objects.filter(application=application).exists()
    assert {p for p in root.rglob("*") if p.is_file()} == before  # the file was removed


def test_evidence_is_recorded_with_its_hash(admission_round, parent, make_input):
    import hashlib

    application, _ = application_create(
        admission_round=admission_round, applicant=parent, data=make_input(), submit=False
    )
    evidence = evidence_add(
        application=application,
        kind="residence",
        upload=SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf"),
        actor=parent,
    )
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    assert evidence.file.read() == PDF
