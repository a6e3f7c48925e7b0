"""Dossier services on real PostgreSQL: drafts, submission, codes, the clock, attachments,
notifications, versions."""

import datetime as dt
import re
import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from accounts.services import parent_register
from eservices import services
from eservices.constants import Actor, DossierStatus
from eservices.exceptions import DossierInvalid
from eservices.models import Dossier, DossierAttachment, DossierStatusChange
from notifications.channels import LocmemSmsBackend
from portal.core.exceptions import InvalidInput, NotFound, TransitionNotAllowed

from .conftest import PNG, VALID_FORMS, pdf_upload

S = DossierStatus
CODE = re.compile(r"^000\.27\.79\.H29-\d{6}-\d{4}$")


def make_dossier(citizen, version, code="1.005099", **overrides):
    data = {**VALID_FORMS[code], **overrides}
    return services.dossier_create(version=version(code), applicant=citizen, form_data=data,
                                   contact_phone="0903 123 456")  # fmt: skip


def submitted(citizen, version, code="1.005099"):
    dossier = make_dossier(citizen, version, code)
    if code == "1.005099":
        services.attachment_add(dossier=dossier, actor=citizen, document_code="hoc_ba",
                                upload=pdf_upload())  # fmt: skip
    return services.dossier_submit(dossier=dossier, actor=citizen)


def test_submission_gives_a_circular_01_code_and_typed_values(citizen, version):
    dossier = submitted(citizen, version)
    assert dossier.status == S.SUBMITTED
    assert CODE.match(dossier.code), dossier.code
    assert dossier.code.split("-")[1] == timezone.localdate().strftime("%y%m%d")
    assert dossier.form_data["current_grade"] == 2  # typed by the schema, not "2"
    assert dossier.contact_phone == "0903123456"
    assert list(dossier.history.values_list("to_status", flat=True)) == ["submitted", "draft"]


def test_missing_fields_and_documents_are_named_and_nothing_changes(citizen, version):
    dossier = make_dossier(citizen, version, student_personal_id="", reason="")
    with pytest.raises(DossierInvalid) as caught:
        services.dossier_submit(dossier=dossier, actor=citizen)
    errors = caught.value.errors
    assert set(errors) == {"student_personal_id", "reason", "document_hoc_ba"}
    assert errors["reason"] == ["Trường này là bắt buộc."]
    dossier.refresh_from_db()
    assert dossier.status == S.DRAFT and dossier.code is None


def test_a_typed_value_of_the_wrong_form_is_refused_even_in_a_draft(citizen, version):
    with pytest.raises(DossierInvalid) as caught:
        make_dossier(citizen, version, student_personal_id="07921800012X", current_grade="nine")
    assert set(caught.value.errors) == {"student_personal_id", "current_grade"}
    assert caught.value.errors["student_personal_id"] == [
        "Số định danh cá nhân gồm đúng 12 chữ số."
    ]
    assert Dossier.objects.count() == 0


def test_fee_bearing_procedure_waits_for_payment_and_receipt_needs_it(citizen, version, officer):
    dossier = submitted(citizen, version, "TH.BAN-TRU")
    assert dossier.status == S.AWAITING_PAYMENT and dossier.fee_vnd == Decimal(680000)
    with pytest.raises(TransitionNotAllowed, match=r"chưa được thanh toán|not been paid"):
        services.dossier_transition(dossier=dossier, to=S.RECEIVED, actor=officer,
                                    role=Actor.STAFF)  # fmt: skip
    services.dossier_record_payment(dossier_uuid=str(dossier.uuid), paid_at=timezone.now())
    services.dossier_record_payment(dossier_uuid=str(dossier.uuid), paid_at=timezone.now())
    dossier = services.dossier_transition(dossier=dossier, to=S.RECEIVED, actor=officer,
                                          role=Actor.STAFF)  # fmt: skip
    assert dossier.status == S.RECEIVED and dossier.due_date is not None


def test_clock_starts_at_receipt_and_pauses_for_a_supplement(citizen, version, officer):
    dossier = submitted(citizen, version)
    staff = {"actor": officer, "role": Actor.STAFF}
    dossier = services.dossier_transition(dossier=dossier, to=S.RECEIVED, **staff)
    nine = dossier.due_date
    assert nine > timezone.localdate()
    dossier = services.dossier_transition(dossier=dossier, to=S.IN_REVIEW, **staff)
    with pytest.raises(InvalidInput) as caught:
        services.dossier_transition(dossier=dossier, to=S.SUPPLEMENT_REQUESTED, **staff)
    assert caught.value.field == "note"
    dossier = services.dossier_transition(dossier=dossier, to=S.SUPPLEMENT_REQUESTED,
                                          note="Học bạ bị mờ, xin gửi lại.", **staff)  # fmt: skip
    assert dossier.paused_on == timezone.localdate()
    # Three days later (all working days in this fixed week) the citizen answers.
    Dossier.objects.filter(pk=dossier.pk).update(paused_on=dt.date(2027, 3, 1))
    later = timezone.make_aware(dt.datetime(2027, 3, 4, 10, 0))
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=later):
        dossier = services.dossier_provide_supplement(
            dossier=dossier, actor=citizen, form_data={**VALID_FORMS["1.005099"]},
            note="Đã gửi lại học bạ."
        )  # fmt: skip
    assert dossier.status == S.IN_REVIEW
    assert dossier.paused_working_days == 3  # 2, 3, 4 March 2027
    assert dossier.due_date > nine


def test_transfer_from_abroad_takes_ten_working_days(citizen, version, officer):
    home = submitted(citizen, version)
    abroad = make_dossier(citizen, version, from_abroad="on")
    services.attachment_add(dossier=abroad, actor=citizen, document_code="hoc_ba",
                            upload=pdf_upload())  # fmt: skip
    abroad = services.dossier_submit(dossier=abroad, actor=citizen)
    staff = {"actor": officer, "role": Actor.STAFF}
    home = services.dossier_transition(dossier=home, to=S.RECEIVED, **staff)
    abroad = services.dossier_transition(dossier=abroad, to=S.RECEIVED, **staff)
    from eservices.selectors import working_calendar

    calendar = working_calendar()
    today = timezone.localdate()
    assert home.due_date == calendar.add_working_days(today, 9)
    assert abroad.due_date == calendar.add_working_days(today, 10)
    assert calendar.working_days_between(home.due_date, abroad.due_date) == 1


def test_citizen_cannot_act_on_someone_elses_dossier(citizen, other_citizen, version):
    dossier = make_dossier(citizen, version)
    with pytest.raises(NotFound):
        services.dossier_submit(dossier=dossier, actor=other_citizen)
    with pytest.raises(NotFound):
        services.attachment_add(dossier=dossier, actor=other_citizen, document_code="hoc_ba",
                                upload=pdf_upload())  # fmt: skip
    with pytest.raises(NotFound):
        services.dossier_transition(dossier=dossier, to=S.WITHDRAWN, actor=other_citizen,
                                    role=Actor.CITIZEN)  # fmt: skip


def test_attachments_are_checked_by_content_and_stored_with_their_hash(citizen, version, settings):
    import hashlib

    from django.core.files.uploadedfile import SimpleUploadedFile

    dossier = make_dossier(citizen, version)
    fake = SimpleUploadedFile("hoc-ba.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(InvalidInput) as caught:
        services.attachment_add(dossier=dossier, actor=citizen, document_code="hoc_ba",
                                upload=fake)  # fmt: skip
    assert caught.value.field == "file"
    with pytest.raises(InvalidInput) as caught:
        services.attachment_add(dossier=dossier, actor=citizen, document_code="khong_co",
                                upload=pdf_upload())  # fmt: skip
    assert caught.value.field == "document_code"
    settings.ESERVICES_ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(InvalidInput, match="MB"):
        services.attachment_add(dossier=dossier, actor=citizen, document_code="hoc_ba",
                                upload=pdf_upload())  # fmt: skip
    settings.ESERVICES_ATTACHMENT_MAX_BYTES = 1024 * 1024
    png = SimpleUploadedFile("anh.pdf", PNG, content_type="application/pdf")
    attachment = services.attachment_add(dossier=dossier, actor=citizen, document_code="hoc_ba",
                                         upload=png)  # fmt: skip
    assert attachment.content_type == "image/png"  # by content, not by the name
    assert attachment.sha256 == hashlib.sha256(PNG).hexdigest()
    from pathlib import Path

    stored = Path(attachment.file.path).resolve()
    assert stored.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    assert not stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert DossierAttachment.objects.count() == 1


def test_every_change_is_notified_by_email_and_sms_with_an_absolute_link(
    citizen, version, officer, settings, django_capture_on_commit_callbacks
):
    settings.ADMISSIONS_SMS_BACKEND = "locmem"
    settings.SITE_URL = "https://truong.example.vn"
    LocmemSmsBackend.outbox.clear()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        dossier = submitted(citizen, version)
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_transition(dossier=dossier, to=S.REJECTED, actor=officer,
                                    role=Actor.STAFF, note="Sai thủ tục.")  # fmt: skip
    assert [m.subject for m in mail.outbox] == [
        f"Hồ sơ {dossier.code}: Đã nộp",
        f"Hồ sơ {dossier.code}: Bị từ chối",
    ]
    assert "Sai thủ tục." in mail.outbox[1].body
    assert f"https://truong.example.vn/dich-vu-cong/ho-so/{dossier.uuid}/" in mail.outbox[1].body
    assert [m["to"] for m in LocmemSmsBackend.outbox] == ["0903123456", "0903123456"]
    assert dossier.notifications.count() == 4


def test_a_new_version_does_not_change_a_submitted_dossier(citizen, version):
    dossier = submitted(citizen, version, "TH.BAN-TRU")
    old = dossier.procedure_version
    new = services.procedure_version_revise(version=old, changes={"fee_vnd": Decimal(700000)})
    assert new.number == old.number + 1 and new.fee_vnd == 700000
    dossier.refresh_from_db()
    assert dossier.procedure_version_id == old.pk and dossier.fee_vnd == 680000
    assert version("TH.BAN-TRU").pk == new.pk
    same = services.procedure_version_revise(version=new, changes={"fee_vnd": Decimal(700000)})
    assert same.pk == new.pk
    with pytest.raises(InvalidInput) as caught:
        services.procedure_version_revise(version=new, changes={"form_schema": {"type": 5}})
    assert caught.value.field == "form_schema"


def test_catalogue_loads_idempotently(db):
    from django.conf import settings

    from eservices.models import Procedure, ProcedureVersion

    path = settings.DATA_FIXTURES_DIR / "eservices_procedures.json"
    before = ProcedureVersion.objects.count()
    assert services.catalogue_load(path) == {"created": 0, "revised": 0, "unchanged": 6}
    assert ProcedureVersion.objects.count() == before
    transfer = Procedure.objects.get(code="1.005099").current_version
    assert transfer.deadline_working_days == 9 and transfer.fee_vnd == 0
    assert Procedure.objects.get(code="TH.BAN-TRU").current_version.fee_vnd == 680000


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_never_share_a_code():
    from django.core.management import call_command

    call_command("load_eservices_catalogue", verbosity=0)
    from eservices.selectors import procedure_version_current

    version = procedure_version_current(code="TH.XAC-NHAN")
    password = "mật-khẩu-dài-2026"
    users = [
        parent_register(full_name=f"Phụ huynh {i}", password=password, phone=f"09031230{i:02d}")
        for i in range(12)
    ]
    form = VALID_FORMS["TH.XAC-NHAN"]
    drafts = [
        services.dossier_create(
            version=version, applicant=u, form_data=form, contact_phone=u.profile.phone
        )
        for u in users
    ]
    barrier = threading.Barrier(len(drafts))
    codes, errors = [], []

    def submit(dossier, user):
        try:
            barrier.wait()
            codes.append(services.dossier_submit(dossier=dossier, actor=user).code)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    pairs = zip(drafts, users, strict=True)
    threads = [threading.Thread(target=submit, args=pair) for pair in pairs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(codes) == len(set(codes)) == 12
    assert sorted(int(c[-4:]) for c in codes) == list(range(1, 13))
    assert DossierStatusChange.objects.filter(to_status="submitted").count() == 12


def test_form_fields_keep_their_written_order_through_the_database(db, version):
    from eservices.schema_forms import field_specs

    names = [spec.name for spec in field_specs(version("1.005099").form_schema)]
    assert names == ["student_full_name", "student_dob", "student_personal_id", "current_school",
                     "current_grade", "from_abroad", "reason"]  # fmt: skip


def test_closing_a_dossier_sends_the_satisfaction_survey_link(
    citizen, version, officer, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://truong.example.vn"
    dossier = submitted(citizen, version)
    staff = {"actor": officer, "role": Actor.STAFF}
    services.dossier_transition(dossier=dossier, to=S.REJECTED, note="Sai thủ tục.", **staff)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_transition(dossier=dossier, to=S.CLOSED, **staff)
    body = mail.outbox[0].body
    assert "https://truong.example.vn/khao-sat/" in body and "đánh giá mức độ hài lòng" in body
