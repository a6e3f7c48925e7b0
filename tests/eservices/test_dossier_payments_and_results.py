"""A dossier's fee is paid through the payments package (signed VNPay IPN), which tells the
dossier through its settlement hook; the e-receipt and the result are signed documents."""

import pytest
from django.test import Client

from documents.models import IssuedDocument
from eservices import services
from eservices.constants import Actor, DossierStatus
from eservices.payments.models import Payment
from eservices.payments.services import payment_checkout
from portal.core.exceptions import TransitionNotAllowed

from .conftest import VALID_FORMS, pdf_upload
from .payments.conftest import gateway_result

S = DossierStatus
pytestmark = pytest.mark.django_db


def meals_dossier(citizen, version):
    dossier = services.dossier_create(version=version("TH.BAN-TRU"), applicant=citizen,
                                      form_data=VALID_FORMS["TH.BAN-TRU"],
                                      contact_phone="0903123456")  # fmt: skip
    return services.dossier_submit(dossier=dossier, actor=citizen)


def ipn(client, payment):
    payment.refresh_from_db()
    return client.get("/thanh-toan/vnpay/ipn/", gateway_result(payment)).json()


def test_paying_the_fee_marks_the_dossier_paid_once_and_issues_one_signed_receipt(
    citizen, version, officer, django_capture_on_commit_callbacks
):
    dossier = meals_dossier(citizen, version)
    assert dossier.status == S.AWAITING_PAYMENT
    browser = Client()
    browser.force_login(citizen)
    started = browser.post(f"/dich-vu-cong/ho-so/{dossier.uuid}/thanh-toan/")
    payment = Payment.objects.get(purpose="dossier", purpose_ref=str(dossier.uuid))
    assert started.status_code == 302 and started.url == f"/thanh-toan/{payment.uuid}/"
    assert payment.amount == 680000 and payment.order_code == dossier.code
    payment_checkout(payment=payment, client_ip="127.0.0.1", base_url="http://testserver/",
                     return_url="http://testserver/thanh-toan/vnpay/return/")  # fmt: skip
    gateway = Client()
    with django_capture_on_commit_callbacks(execute=True):
        assert ipn(gateway, payment)["RspCode"] == "00"
    with django_capture_on_commit_callbacks(execute=True):
        assert ipn(gateway, payment)["RspCode"] == "02"  # already confirmed: nothing moves
    dossier.refresh_from_db()
    assert dossier.paid_at is not None and dossier.status == S.AWAITING_PAYMENT
    receipts = IssuedDocument.objects.filter(kind="receipt", owner=citizen)
    assert receipts.count() == 1
    assert dossier.receipt_document_code == receipts.get().code
    summary = dict(map(tuple, receipts.get().public_summary))
    assert "680.000" in " ".join(summary.values())
    page = browser.get(f"/dich-vu-cong/ho-so/{dossier.uuid}/").content.decode()
    assert f"/xac-thuc/{dossier.receipt_document_code}/tep.pdf" in page
    dossier = services.dossier_transition(dossier=dossier, to=S.RECEIVED, actor=officer,
                                          role=Actor.STAFF)  # fmt: skip
    assert dossier.status == S.RECEIVED and dossier.due_date is not None


def test_only_the_owner_can_start_paying_and_only_while_awaiting_payment(
    citizen, other_citizen, version
):
    dossier = meals_dossier(citizen, version)
    other = Client()
    other.force_login(other_citizen)
    assert other.post(f"/dich-vu-cong/ho-so/{dossier.uuid}/thanh-toan/").status_code == 404
    assert other.post(f"/api/v1/dossiers/{dossier.uuid}/payment/").status_code == 404
    assert Payment.objects.count() == 0
    owner = Client()
    owner.force_login(citizen)
    body = owner.post(f"/api/v1/dossiers/{dossier.uuid}/payment/").json()
    again = owner.post(f"/api/v1/dossiers/{dossier.uuid}/payment/").json()
    assert body["payment"] == again["payment"] and body["amount_vnd"] == 680000
    assert body["payment_page"] == f"/thanh-toan/{body['payment']}/"
    free = services.dossier_create(version=version("TH.XAC-NHAN"), applicant=citizen,
                                   form_data=VALID_FORMS["TH.XAC-NHAN"],
                                   contact_phone="0903123456")  # fmt: skip
    free = services.dossier_submit(dossier=free, actor=citizen)
    with pytest.raises(TransitionNotAllowed):
        services.dossier_payment_start(dossier=free, actor=citizen)


def test_approved_transfer_gets_a_signed_result_drawn_from_its_template(citizen, version, officer):
    dossier = services.dossier_create(version=version("1.005099"), applicant=citizen,
                                      form_data=VALID_FORMS["1.005099"],
                                      contact_phone="0903123456")  # fmt: skip
    services.attachment_add(dossier=dossier, actor=citizen, document_code="hoc_ba",
                            upload=pdf_upload())  # fmt: skip
    dossier = services.dossier_submit(dossier=dossier, actor=citizen)
    with pytest.raises(TransitionNotAllowed):
        services.dossier_issue_result(dossier=dossier, actor=officer)
    for to in (S.RECEIVED, S.IN_REVIEW, S.APPROVED):
        dossier = services.dossier_transition(dossier=dossier, to=to, actor=officer,
                                              role=Actor.STAFF)  # fmt: skip
    dossier = services.dossier_issue_result(dossier=dossier, actor=officer)
    assert dossier.status == S.RESULT_ISSUED
    document = IssuedDocument.objects.get(code=dossier.result_document_code)
    assert document.kind == "result" and document.owner == citizen
    with dossier.result_file.open("rb") as stored, document.file.open("rb") as signed:
        content = stored.read()
        assert content == signed.read()
    assert b"/ByteRange" in content and b"/ETSI.CAdES.detached" in content  # PAdES
