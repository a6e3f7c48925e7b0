"""The explanation PDF a family downloads after publication is signed and in the register."""

import io

from pyhanko.pdf_utils.reader import PdfFileReader

from admissions.services import (
    allocation_run_create,
    allocation_run_execute,
    allocation_run_publish,
    allocation_run_review,
    application_create,
    application_transition,
    round_close,
)
from documents.constants import DocumentKind
from documents.models import IssuedDocument
from documents.verification import Verdict, verification_of_upload
from tests.documents.signatures import generated_ca_root, pyhanko_status


def test_downloaded_explanation_is_signed_registered_and_reused(
    client, staff, parent, admission_round, make_input
):
    application, _ = application_create(
        admission_round=admission_round, applicant=parent, data=make_input(), submit=True
    )
    application_transition(application=application, to="verified", actor=staff)
    closed = round_close(admission_round=admission_round, lottery_seed=5)
    run = allocation_run_create(admission_round=closed, mechanism="da", seed=5)
    allocation_run_execute(run=run)
    allocation_run_review(run=run, actor=staff)
    allocation_run_publish(run=run, actor=staff)

    client.force_login(parent)
    address = f"/tuyen-sinh/ho-so/{application.uuid}/giai-thich.pdf"
    first = client.get(address, HTTP_ACCEPT_LANGUAGE="vi")
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    status = pyhanko_status(first.content, generated_ca_root())
    assert status.bottom_line
    document = IssuedDocument.objects.get(kind=DocumentKind.ADMISSION_EXPLANATION)
    assert document.owner == parent and document.language == "vi"
    assert document.reference.startswith(f"{application.tracking_code}:")
    # The family's name and the child's name are in the PDF, not in the public summary.
    assert document.public_summary == [["Mã hồ sơ tuyển sinh", application.tracking_code]]
    widget = PdfFileReader(io.BytesIO(first.content)).embedded_signatures[0].sig_field
    assert "/AP" in widget

    again = client.get(address, HTTP_ACCEPT_LANGUAGE="vi")
    assert again.content == first.content
    assert IssuedDocument.objects.count() == 1
    assert verification_of_upload(first.content).verdict == Verdict.VALID

    english = client.get(address, HTTP_ACCEPT_LANGUAGE="en")
    assert english.content != first.content
    assert IssuedDocument.objects.filter(language="en").count() == 1
