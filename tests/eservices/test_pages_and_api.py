"""Public catalogue, the citizen's pages and API, the staff queue: who sees what, errors per
field in Vietnamese, problem+json."""

import pytest
from django.test import Client

from eservices import services
from eservices.constants import Actor, DossierStatus
from eservices.models import Dossier

from .conftest import VALID_FORMS, pdf_upload

S = DossierStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen_client(citizen):
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(citizen)
    return client


@pytest.fixture
def officer_client(officer):
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(officer)
    return client


def submitted_transfer(citizen, version):
    dossier = services.dossier_create(
        version=version("1.005099"),
        applicant=citizen,
        form_data=VALID_FORMS["1.005099"],
        contact_phone="0903123456",
    )
    services.attachment_add(
        dossier=dossier, actor=citizen, document_code="hoc_ba", upload=pdf_upload()
    )
    return services.dossier_submit(dossier=dossier, actor=citizen)


def test_catalogue_and_card_are_public_and_searchable(client):
    page = client.get("/dich-vu-cong/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Chuyển trường đối với học sinh tiểu học" in page
    assert "680.000 đ" in page  # semi-boarding meals, written the Vietnamese way
    found = client.get("/dich-vu-cong/?q=bán trú").content.decode()
    assert "TH.BAN-TRU" in found and "1.005099" not in found
    card = client.get("/dich-vu-cong/thu-tuc/1.005099/").content.decode()
    for text in (
        "Thông tư 28/2020/TT-BGDĐT",
        "9 ngày làm việc",
        "Học bạ",
        "Nộp trực tuyến",
        "Toàn trình",
        "Số định danh cá nhân của học sinh",
    ):
        assert text in card, text
    partial = client.get("/dich-vu-cong/thu-tuc/TH.VE-NUOC/").content.decode()
    assert "Một phần" in partial and "hợp pháp hóa lãnh sự" in partial
    assert client.get("/dich-vu-cong/thu-tuc/9.999999/").status_code == 404


def test_procedure_api_lists_fee_deadline_and_level(client):
    body = client.get("/api/v1/procedures/").json()
    by_code = {p["code"]: p for p in body}
    assert by_code["1.005099"]["deadline_working_days"] == 9
    assert by_code["1.005099"]["fee_vnd"] == 0 and by_code["1.005099"]["level"] == "full"
    assert by_code["TH.BAN-TRU"]["fee_vnd"] == 680000
    assert by_code["TH.VE-NUOC"]["level"] == "partial"
    detail = client.get("/api/v1/procedures/1.005099/").json()
    assert detail["deadline_rules"] == [{"field": "from_abroad", "equals": True, "days": 10}]
    assert "student_personal_id" in detail["form_schema"]["properties"]
    missing = client.get("/api/v1/procedures/9.999999/")
    assert missing.status_code == 404
    assert missing["Content-Type"].startswith("application/problem+json")


def test_citizen_page_journey_with_errors_next_to_their_fields(citizen_client, citizen):
    page = citizen_client.post(
        "/dich-vu-cong/thu-tuc/1.005099/nop/",
        {**VALID_FORMS["1.005099"], "student_personal_id": "12345", "contact_phone": "0903123456"},
    )
    assert page.status_code == 200
    form = page.context["form"]
    assert form.errors["student_personal_id"] == ["Số định danh cá nhân gồm đúng 12 chữ số."]
    assert Dossier.objects.count() == 0
    response = citizen_client.post(
        "/dich-vu-cong/thu-tuc/1.005099/nop/",
        {**VALID_FORMS["1.005099"], "contact_phone": "0903123456"},
    )
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response.url == f"/dich-vu-cong/ho-so/{dossier.uuid}/"
    refused = citizen_client.post(f"/dich-vu-cong/ho-so/{dossier.uuid}/nop/")
    assert refused.status_code == 400
    assert "Hãy đính kèm giấy tờ này." in refused.content.decode()
    citizen_client.post(
        f"/dich-vu-cong/ho-so/{dossier.uuid}/tep/",
        {"document_code": "hoc_ba", "file": pdf_upload()},
    )
    citizen_client.post(f"/dich-vu-cong/ho-so/{dossier.uuid}/nop/")
    dossier.refresh_from_db()
    assert dossier.status == S.SUBMITTED and dossier.code
    detail = citizen_client.get(f"/dich-vu-cong/ho-so/{dossier.uuid}/").content.decode()
    assert dossier.code in detail and "Đã nộp" in detail and "Lớp 2" in detail


def test_a_citizen_never_sees_another_citizens_dossier(citizen, other_citizen, version):
    dossier = submitted_transfer(citizen, version)
    attachment = dossier.attachments.get()
    other = Client()
    other.force_login(other_citizen)
    for url in (
        f"/dich-vu-cong/ho-so/{dossier.uuid}/",
        f"/dich-vu-cong/ho-so/{dossier.uuid}/sua/",
        f"/dich-vu-cong/tep/{attachment.uuid}/",
        f"/dich-vu-cong/ho-so/{dossier.uuid}/ket-qua.pdf",
        f"/api/v1/dossiers/{dossier.uuid}/",
    ):
        assert other.get(url).status_code == 404, url
    assert other.post(f"/dich-vu-cong/ho-so/{dossier.uuid}/rut/").status_code == 404
    assert other.post(f"/api/v1/dossiers/{dossier.uuid}/submit/").status_code == 404
    assert other.get("/api/v1/dossiers/").json() == []
    assert other.get("/dich-vu-cong/can-bo/").status_code == 403
    anonymous = Client()
    assert anonymous.get(f"/dich-vu-cong/tep/{attachment.uuid}/").status_code == 302
    assert anonymous.get("/api/v1/dossiers/").status_code == 403


def test_public_lookup_needs_code_and_phone_and_shows_no_personal_data(client, citizen, version):
    dossier = submitted_transfer(citizen, version)
    right = client.get("/dich-vu-cong/tra-cuu/", {"code": dossier.code, "phone": "0903 123 456"})
    text = right.content.decode()
    assert "Đã nộp" in text and dossier.code in text
    assert "Nguyễn Minh Khang" not in text and "079218000123" not in text
    wrong = client.get("/dich-vu-cong/tra-cuu/", {"code": dossier.code, "phone": "0909999999"})
    assert "Không có hồ sơ nào khớp" in wrong.content.decode()


def test_api_create_submit_with_problem_json_per_field(citizen_client):
    bad = citizen_client.post(
        "/api/v1/dossiers/",
        {
            "procedure": "1.005099",
            "form_data": {"student_personal_id": "12", "current_grade": 9},
            "contact_phone": "0903123456",
        },
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad["Content-Type"].startswith("application/problem+json")
    names = {p["name"] for p in bad.json()["invalid_params"]}
    assert names == {"form_data.student_personal_id", "form_data.current_grade"}
    created = citizen_client.post(
        "/api/v1/dossiers/",
        {
            "procedure": "TH.XAC-NHAN",
            "form_data": VALID_FORMS["TH.XAC-NHAN"],
            "contact_phone": "0903123456",
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    uuid = created.json()["uuid"]
    submitted = citizen_client.post(f"/api/v1/dossiers/{uuid}/submit/").json()
    assert submitted["status"] == "submitted" and submitted["code"]
    assert [h["to_status"] for h in submitted["history"]] == ["submitted", "draft"]
    again = citizen_client.post(f"/api/v1/dossiers/{uuid}/submit/")
    assert again.status_code == 409


def test_api_submit_lists_every_missing_field_and_document(citizen_client):
    created = citizen_client.post(
        "/api/v1/dossiers/",
        {
            "procedure": "1.005099",
            "form_data": {"student_full_name": "Nguyễn An"},
            "contact_phone": "0903123456",
        },
        content_type="application/json",
    ).json()
    refused = citizen_client.post(f"/api/v1/dossiers/{created['uuid']}/submit/")
    names = {p["name"] for p in refused.json()["invalid_params"]}
    assert names == {
        "form_data.student_dob",
        "form_data.student_personal_id",
        "form_data.current_school",
        "form_data.current_grade",
        "form_data.reason",
        "document_hoc_ba",
    }


def test_staff_queue_filters_and_decisions(officer_client, citizen, version, officer):
    dossier = submitted_transfer(citizen, version)
    queue = officer_client.get("/dich-vu-cong/can-bo/?status=submitted")
    assert dossier.code in queue.content.decode()
    in_review = officer_client.get("/dich-vu-cong/can-bo/?status=in_review").context["page"]
    assert in_review.paginator.count == 0
    url = f"/dich-vu-cong/can-bo/ho-so/{dossier.uuid}/"
    officer_client.post(url, {"to": "received"})
    officer_client.post(url, {"to": "in_review"})
    no_reason = officer_client.post(url, {"to": "supplement_requested", "note": ""})
    assert "Hãy ghi lý do" in no_reason.content.decode()
    officer_client.post(url, {"to": "supplement_requested", "note": "Thiếu trang 2 học bạ."})
    dossier.refresh_from_db()
    assert dossier.status == S.SUPPLEMENT_REQUESTED and dossier.last_note == "Thiếu trang 2 học bạ."
    stats = officer_client.get("/dich-vu-cong/can-bo/thong-ke/").context["rows"]
    assert {r.code for r in stats} == {
        "1.005099",
        "TH.VE-NUOC",
        "TH.XAC-NHAN",
        "TH.SAO-HOC-BA",
        "TH.BAN-TRU",
        "TH.CLB-NANG-KHIEU",
    }


def test_staff_outside_the_handling_group_cannot_open_the_dossier(citizen, version, db):
    from django.contrib.auth.models import Permission, User

    dossier = submitted_transfer(citizen, version)
    stranger = User.objects.create_user("khac", password="x", is_staff=True)
    stranger.user_permissions.add(Permission.objects.get(codename="handle_dossier"))
    dossier.procedure_version.procedure.handler_group.user_set.remove(stranger)
    client = Client()
    client.force_login(stranger)
    # The permission alone is not enough when the procedure names a handling group.
    assert client.get(f"/dich-vu-cong/can-bo/ho-so/{dossier.uuid}/").status_code in (403, 404)
    assert client.post(
        f"/dich-vu-cong/can-bo/ho-so/{dossier.uuid}/", {"to": "received"}
    ).status_code in (403, 404)
    dossier.refresh_from_db()
    assert dossier.status == S.SUBMITTED


def test_result_is_stored_then_issued_and_downloaded(citizen_client, citizen, version, officer):
    dossier = submitted_transfer(citizen, version)
    staff = {"actor": officer, "role": Actor.STAFF}
    for to in (S.RECEIVED, S.IN_REVIEW, S.APPROVED):
        dossier = services.dossier_transition(dossier=dossier, to=to, **staff)
    pdf = b"%PDF-1.7\n% ket qua\n%%EOF\n"
    dossier = services.dossier_store_result(dossier=dossier, actor=officer, pdf=pdf)
    assert dossier.status == S.RESULT_ISSUED
    download = citizen_client.get(f"/dich-vu-cong/ho-so/{dossier.uuid}/ket-qua.pdf")
    assert b"".join(download.streaming_content) == pdf
