"""Issuing, revoking and superseding signed documents; receipts and results for other apps."""

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from documents import services
from documents.constants import DocumentKind, DocumentStatus, ResultTemplate
from documents.exceptions import DocumentInputInvalid
from documents.models import DocumentStatusChange, IssuedDocument
from documents.selectors import document_signed_bytes
from documents.verification import Verdict, verification_by_code, verification_of_upload
from portal.core.exceptions import TransitionNotAllowed

from .signatures import flip_byte_inside_a_stream, pyhanko_status

pytestmark = pytest.mark.django_db

PAID_AT = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)


def issue_receipt(**overrides):
    arguments = {
        "receipt_number": "BL-2026-000123",
        "payer_name": "Nguyễn Thị Lan",
        "amount_vnd": Decimal(120_000),
        "order_code": "DVC-2026-000045",
        "payment_reference": "VNP-14022026-8812",
        "paid_at": PAID_AT,
    }
    return services.receipt_issue(**(arguments | overrides))


STUDY = {
    "student_full_name": "Trần Minh Khôi",
    "student_dob": "2018-05-04",
    "class_name": "3A",
    "school_year": "2026–2027",
    "purpose": "bổ sung hồ sơ hưởng chính sách",
}


def test_receipt_is_signed_stored_privately_and_registered(generated_ca):
    receipt = issue_receipt()
    assert receipt.kind == DocumentKind.RECEIPT
    assert receipt.status == DocumentStatus.VALID
    assert receipt.reference == "BL-2026-000123"
    data = document_signed_bytes(receipt)
    assert hashlib.sha256(data).hexdigest() == receipt.sha256
    assert receipt.size_bytes == len(data)
    assert str(settings.PRIVATE_MEDIA_ROOT) in receipt.file.path
    assert not str(receipt.file.path).startswith(str(settings.MEDIA_ROOT) + "/")
    assert pyhanko_status(data, generated_ca).bottom_line
    # The public summary shows the receipt, not the payer.
    assert receipt.public_summary == [
        ["Số biên lai", "BL-2026-000123"],
        ["Số tiền bằng số", "120.000 đồng"],
        ["Mã hồ sơ", "DVC-2026-000045"],
        ["Thời gian thanh toán", "01/12/2026 16:30"],
    ]
    assert "Nguyễn" not in str(receipt.public_summary)


def test_receipt_twice_for_one_payment_is_the_same_document():
    first = issue_receipt()
    again = issue_receipt()
    assert again.pk == first.pk
    assert IssuedDocument.objects.filter(reference="BL-2026-000123").count() == 1


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"amount_vnd": Decimal("-5")}, "amount_vnd"),
        ({"amount_vnd": Decimal("1000.5")}, "amount_vnd"),
        ({"payer_name": "  "}, "payer_name"),
        ({"paid_at": dt.datetime(2026, 12, 1, 9, 30)}, "paid_at"),
    ],
)
def test_bad_receipt_input_names_the_field_and_issues_nothing(override, field):
    with pytest.raises(DocumentInputInvalid) as caught:
        issue_receipt(**override)
    assert caught.value.field == field
    assert not IssuedDocument.objects.exists()


@pytest.mark.parametrize("template", list(ResultTemplate.values))
def test_each_result_template_issues_a_valid_signed_result(template, generated_ca):
    context = STUDY | {
        "current_school": "Trường Tiểu học Nguyễn Bỉnh Khiêm",
        "grade": "3",
        "service_name": "Câu lạc bộ cờ vua",
        "period": "12/2026",
        "fee": "250.000 đồng/tháng",
        "start_date": dt.date(2027, 1, 4),
        "subjects": [["Tiếng Việt", "Hoàn thành tốt"], ["Toán", "Hoàn thành tốt"]],
    }
    owner = User.objects.create_user("phuhuynh", password="x")
    result = services.result_issue(
        template=template, context=context, owner=owner, dossier_code="DVC-2026-000046"
    )
    assert result.kind == DocumentKind.RESULT
    assert result.owner == owner
    assert result.reference == f"DVC-2026-000046:{template}"
    assert result.public_summary == [["Mã hồ sơ", "DVC-2026-000046"]]
    assert pyhanko_status(document_signed_bytes(result), generated_ca).bottom_line


def test_result_missing_context_names_the_field():
    context = {k: v for k, v in STUDY.items() if k != "class_name"}
    with pytest.raises(DocumentInputInvalid) as caught:
        services.result_issue(
            template=ResultTemplate.CONFIRMATION_OF_STUDY,
            context=context,
            owner=None,
            dossier_code="DVC-1",
        )
    assert caught.value.field == "context.class_name"
    with pytest.raises(DocumentInputInvalid, match="unknown result template"):
        services.result_issue(template="diploma", context=STUDY, owner=None, dossier_code="X")
    with pytest.raises(DocumentInputInvalid) as caught:
        services.result_issue(
            template=ResultTemplate.CONFIRMATION_OF_STUDY,
            context=STUDY | {"student_dob": "04/05/2018"},
            owner=None,
            dossier_code="DVC-1",
        )
    assert caught.value.field == "context.student_dob"
    assert not IssuedDocument.objects.exists()


def test_revoked_document_is_reported_revoked_by_code_and_by_upload():
    staff = User.objects.create_user("vanthu", password="x", is_staff=True)
    receipt = issue_receipt()
    assert verification_by_code(receipt.code).verdict == Verdict.VALID
    services.document_revoke(document=receipt, reason="Cấp nhầm số tiền", actor=staff)
    receipt.refresh_from_db()
    assert receipt.status == DocumentStatus.REVOKED
    assert receipt.status_changed_by == staff and receipt.status_changed_at is not None
    by_code = verification_by_code(receipt.code)
    assert by_code.verdict == Verdict.REVOKED
    assert by_code.signature.is_valid  # the signature itself is intact: the register revoked it
    assert verification_of_upload(document_signed_bytes(receipt)).verdict == Verdict.REVOKED
    history = DocumentStatusChange.objects.get(document=receipt)
    assert (history.from_status, history.to_status, history.reason, history.actor) == (
        "valid",
        "revoked",
        "Cấp nhầm số tiền",
        staff,
    )
    with pytest.raises(TransitionNotAllowed):
        services.document_revoke(document=receipt, reason="lần nữa", actor=staff)
    assert DocumentStatusChange.objects.filter(document=receipt).count() == 1


def test_revoking_needs_a_reason():
    receipt = issue_receipt()
    with pytest.raises(DocumentInputInvalid) as caught:
        services.document_revoke(document=receipt, reason=" ", actor=None)
    assert caught.value.field == "reason"
    receipt.refresh_from_db()
    assert receipt.status == DocumentStatus.VALID


def test_superseded_document_points_to_its_replacement():
    owner = User.objects.create_user("phuhuynh", password="x")
    old = services.result_issue(
        template=ResultTemplate.CONFIRMATION_OF_STUDY,
        context=STUDY,
        owner=owner,
        dossier_code="DVC-2026-000047",
    )
    new = services.result_supersede(
        document=old, context=STUDY | {"class_name": "3B"}, reason="Sửa lớp học", actor=None
    )
    old.refresh_from_db()
    assert old.status == DocumentStatus.SUPERSEDED and old.status_reason == "Sửa lớp học"
    assert new.replaces == old and new.owner == owner and new.reference == old.reference
    assert new.title == old.title == "Giấy xác nhận học sinh đang học"
    report = verification_by_code(old.code)
    assert report.verdict == Verdict.SUPERSEDED
    assert report.document.replaced_by == new
    assert verification_by_code(new.code).verdict == Verdict.VALID


def test_upload_of_a_modified_file_is_invalid_and_unknown_file_is_not_registered():
    receipt = issue_receipt()
    data = document_signed_bytes(receipt)
    tampered = verification_of_upload(flip_byte_inside_a_stream(data))
    assert tampered.verdict == Verdict.INVALID
    assert tampered.document is None


def test_file_altered_in_storage_is_reported_invalid_by_code():
    receipt = issue_receipt()
    path = Path(receipt.file.path)
    path.write_bytes(flip_byte_inside_a_stream(path.read_bytes()))
    assert verification_by_code(receipt.code).verdict == Verdict.INVALID


def test_two_simultaneous_receipts_for_one_payment_keep_one(monkeypatch):
    """The loser of the race (both passed the early check) gets the winner's document and its
    own signed file is removed."""
    first = issue_receipt()
    real_lookup = services.selectors.document_valid_for
    calls = []

    def lookup_missing_once(**kwargs):
        calls.append(kwargs)
        return None if len(calls) == 1 else real_lookup(**kwargs)

    monkeypatch.setattr(services.selectors, "document_valid_for", lookup_missing_once)
    files_before = set(Path(first.file.path).parent.iterdir())
    again = issue_receipt()
    assert again.pk == first.pk
    assert IssuedDocument.objects.count() == 1
    assert set(Path(first.file.path).parent.iterdir()) == files_before
