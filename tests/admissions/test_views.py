"""Parent and committee pages through Django's test client (no browser): the form with
evidence, private evidence files, the committee queue, exports and the explanation PDF."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from admissions.constants import ApplicationStatus
from admissions.models import Application, Evidence
from admissions.services import (
    allocation_run_create,
    allocation_run_execute,
    allocation_run_publish,
    allocation_run_review,
    application_create,
    application_transition,
    round_close,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def form_data(data, **extra):
    out = {
        "child_full_name": data.child_full_name,
        "child_dob": data.child_dob.isoformat(),
        "child_gender": data.child_gender,
        "child_personal_id": data.child_personal_id,
        "guardian_full_name": data.guardian_full_name,
        "guardian_personal_id": data.guardian_personal_id,
        "guardian_phone": data.guardian_phone,
        "guardian_relationship": data.guardian_relationship,
        "address_text": data.address_text,
        "lat": data.lat,
        "lon": data.lon,
        "residence_type": data.residence_type,
    }
    for i, school in enumerate(data.choices, start=1):
        out[f"choice_{i}"] = school
    out.update(extra)
    return out


def submit_through_review(client, url, fields):
    """What a parent does: "Review and submit" on the form, then "Submit" on the review page
    (which sends back the version it showed). Returns the review page's answer."""
    response = client.post(url, {**fields, "review": "1"})
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"].endswith("/xem-lai/"), response["Location"]
    page = client.get(response["Location"]).content.decode()
    version = re.search(r'name="reviewed" value="([^"]*)"', page).group(1)
    return client.post(response["Location"], {"reviewed": version})


@pytest.fixture
def parent_client(client, parent):
    client.force_login(parent)
    return client


def test_apply_with_evidence_then_only_owner_and_staff_can_read_it(
    parent_client, client, make_input, other_parent, staff, settings, django_user_model
):
    upload = SimpleUploadedFile("so-ho-khau.pdf", PDF, content_type="image/png")
    response = submit_through_review(
        parent_client,
        "/tuyen-sinh/nop-ho-so/",
        form_data(make_input(), residence_evidence=upload, consent="on"),
    )
    assert response.status_code == 302
    app = Application.objects.get()
    assert app.status == ApplicationStatus.SUBMITTED
    evidence = Evidence.objects.get(application=app)
    assert evidence.content_type == "application/pdf"  # sniffed, not the browser's claim
    assert str(settings.PRIVATE_MEDIA_ROOT) in evidence.file.path
    assert not evidence.file.path.startswith(str(settings.MEDIA_ROOT) + "/")
    url = f"/tuyen-sinh/minh-chung/{evidence.uuid}/"
    owner = parent_client.get(url)
    assert owner.status_code == 200 and b"".join(owner.streaming_content) == PDF
    assert owner["Cache-Control"] == "private, no-store"
    client.force_login(other_parent)
    assert client.get(url).status_code == 404
    clerk = django_user_model.objects.create_user("clerk", is_staff=True)
    client.force_login(clerk)
    assert client.get(url).status_code == 404  # staff without the review permission
    client.force_login(staff)
    staff_read = client.get(url)
    assert staff_read.status_code == 200
    assert staff_read["X-Frame-Options"] == "SAMEORIGIN"  # shown inline on the staff page
    staff_page = client.get(f"/tuyen-sinh/hoi-dong/ho-so/{app.uuid}/").content.decode()
    assert f'<iframe src="{url}"' in staff_page
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_evidence_that_is_not_pdf_or_image_is_refused(parent_client, make_input):
    upload = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = parent_client.post(
        "/tuyen-sinh/nop-ho-so/", form_data(make_input(), residence_evidence=upload, save="1")
    )
    assert response.status_code == 200
    assert Application.objects.count() == 0  # the whole save was rolled back
    # The refusal sits beside the file's own field (issue #8), not at the top of the form.
    form = response.context["form"]
    assert any("PDF" in str(e) for e in form.errors["residence_evidence"])
    assert not form.non_field_errors()


def test_evidence_size_limit(parent_client, make_input, settings):
    settings.ADMISSIONS_EVIDENCE_MAX_BYTES = 50
    upload = SimpleUploadedFile("anh.png", PNG, content_type="image/png")
    response = parent_client.post(
        "/tuyen-sinh/nop-ho-so/", form_data(make_input(), residence_evidence=upload, save="1")
    )
    assert response.status_code == 200 and Application.objects.count() == 0


def test_form_errors_are_shown_on_their_fields(parent_client, make_input):
    response = parent_client.post(
        "/tuyen-sinh/nop-ho-so/",
        form_data(make_input(child_personal_id="000320123456"), lat=21.03, lon=105.85,
                  submit="1"),
    )  # fmt: skip
    form = response.context["form"]
    assert form.errors["child_personal_id"]
    # The pin's problem is shown beside the map (issue #8), not at the top of the form.
    assert any("Hồ Chí Minh" in str(e) for e in form.location_errors)
    assert not form.non_field_errors()


def test_draft_then_correction_loop_through_the_pages(parent_client, make_input, staff):
    from django.test import Client

    client = Client()
    parent_client.post("/tuyen-sinh/nop-ho-so/", form_data(make_input(), save="1"))
    app = Application.objects.get()
    assert app.status == ApplicationStatus.DRAFT
    page = parent_client.get(f"/tuyen-sinh/ho-so/{app.uuid}/")
    assert app.tracking_code.encode() in page.content
    submit_through_review(parent_client, f"/tuyen-sinh/ho-so/{app.uuid}/sua/",
                          form_data(make_input(), consent="on"))  # fmt: skip
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED
    client.force_login(staff)
    client.post(f"/tuyen-sinh/hoi-dong/ho-so/{app.uuid}/",
                {"to": "correction_requested", "note": "Ảnh giấy tờ bị mờ"})  # fmt: skip
    app.refresh_from_db()
    assert app.status == ApplicationStatus.CORRECTION_REQUESTED
    status_page = parent_client.get(f"/tuyen-sinh/ho-so/{app.uuid}/").content.decode()
    assert "Ảnh giấy tờ bị mờ" in status_page
    submit_through_review(parent_client, f"/tuyen-sinh/ho-so/{app.uuid}/sua/",
                          form_data(make_input(), consent="on"))  # fmt: skip
    app.refresh_from_db()
    assert app.status == ApplicationStatus.RESUBMITTED
    assert list(app.history.values_list("to_status", flat=True)) == [
        "resubmitted", "correction_requested", "submitted", "draft"
    ]  # fmt: skip


def test_committee_queue_filters_counts_and_bulk_verify(
    client, staff, parent, admission_round, make_input
):
    apps = [
        application_create(admission_round=admission_round, applicant=parent, data=make_input(),
                           submit=True)[0]
        for _ in range(3)
    ]  # fmt: skip
    client.force_login(staff)
    page = client.get("/tuyen-sinh/hoi-dong/?status=submitted")
    assert page.context["total"] == 3
    counts = {v: n for v, _, n in page.context["counts"]}
    assert counts["submitted"] == 3 and counts["verified"] == 0
    ward = apps[0].ward_id
    assert client.get(f"/tuyen-sinh/hoi-dong/?ward={ward}").context["total"] == 3
    other_school = admission_round.schools.exclude(school_id=apps[0].ranked_choices[0].school_id)
    school_page = client.get(f"/tuyen-sinh/hoi-dong/?school={other_school.first().school_id}")
    assert school_page.context["total"] == 0
    client.post("/tuyen-sinh/hoi-dong/", {"ids": [apps[0].pk, apps[1].pk]})
    assert Application.objects.filter(status="verified").count() == 2


def test_parents_cannot_open_committee_pages(parent_client):
    assert parent_client.get("/tuyen-sinh/hoi-dong/").status_code == 403
    assert parent_client.get("/tuyen-sinh/hoi-dong/dot/").status_code == 403


def test_suggestions_propose_nearest_schools_and_refuse_points_outside(client, admission_round):
    body = client.get("/tuyen-sinh/goi-y/?lat=10.7725&lon=106.698").json()
    assert body["ward"]["name"] == "Phường Bến Thành"
    distances = [r["distance_m"] for r in body["results"]]
    assert len(distances) == 5 and distances == sorted(distances)
    assert client.get("/tuyen-sinh/goi-y/?lat=21.03&lon=105.85").status_code == 422


def test_exports_and_explanation_pdf(client, staff, parent, admission_round, make_input):
    app, _ = application_create(
        admission_round=admission_round, applicant=parent, data=make_input(), submit=True
    )
    application_transition(application=app, to="verified", actor=staff)
    round_ = round_close(admission_round=admission_round, lottery_seed=9)
    run = allocation_run_create(admission_round=round_, mechanism="da", seed=9)
    allocation_run_execute(run=run)
    allocation_run_review(run=run, actor=staff)
    allocation_run_publish(run=run, actor=staff)
    school_id = app.ranked_choices[0].school_id

    client.force_login(staff)
    rows = list(csv.reader(io.StringIO(
        client.get(f"/tuyen-sinh/hoi-dong/lan-chay/{run.uuid}/xuat.csv?school={school_id}",
                   HTTP_ACCEPT_LANGUAGE="vi")
        .content.decode("utf-8-sig")
    )))  # fmt: skip
    # Headers and yes/no in Vietnamese (issue #8), the data as typed.
    assert rows[0][0] == "Mã hồ sơ" and rows[1][0] == app.tracking_code
    assert rows[1][1] == "Nguyễn Minh Anh"
    assert rows[1][2] == "không" and rows[1][7] in {"có", "không"}
    xlsx = client.get(
        f"/tuyen-sinh/hoi-dong/lan-chay/{run.uuid}/xuat.xlsx", HTTP_ACCEPT_LANGUAGE="vi"
    )
    book = load_workbook(io.BytesIO(xlsx.content))
    sheet = book["Xếp trường"]
    assert sheet[1][0].value == "Mã hồ sơ"
    assert [c.value for c in sheet[2]][:2] == [app.tracking_code, "Nguyễn Minh Anh"]
    stats = {row[0].value for row in book["Thống kê"].iter_rows()}
    assert "Hạt giống bốc thăm" in stats and "placed" not in stats
    compare = client.get(f"/tuyen-sinh/hoi-dong/so-sanh/?a={run.uuid}&b={run.uuid}")
    assert compare.status_code == 200

    client.force_login(parent)
    pdf = client.get(f"/tuyen-sinh/ho-so/{app.uuid}/giai-thich.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert b"DejaVuSans" in pdf.content  # the Vietnamese-capable font is embedded


def test_pdf_falls_back_clearly_without_the_vietnamese_font(settings, parent, admission_round,
                                                             make_input, caplog):  # fmt: skip
    from admissions import exports
    from admissions.models import AllocationRun, Placement

    settings.ADMISSIONS_PDF_FONT = "/nonexistent/DejaVuSans.ttf"
    app, _ = application_create(
        admission_round=admission_round, applicant=parent, data=make_input()
    )
    run = AllocationRun.objects.create(round=admission_round, mechanism="da", seed=1)
    placement = Placement.objects.create(
        run=run, application=app, lottery=0.5, explanation_vi="Giải thích", explanation_en="Why"
    )
    pdf = exports.explanation_pdf(application=app, placement=placement, language="vi")
    assert pdf.startswith(b"%PDF") and b"Helvetica" in pdf
    assert "diacritics will be missing" in caplog.text


def test_committee_pin_map_coordinates_are_never_localised(
    client, staff, parent, admission_round, make_input
):
    """Vietnamese writes 10,7725; a script reading that gets 10 and puts the home 80 km away."""
    app = application_create(admission_round=admission_round, applicant=parent, data=make_input(),
                             submit=True)[0]  # fmt: skip
    client.force_login(staff)
    for language in ("vi", "en"):
        page = client.get(f"/tuyen-sinh/hoi-dong/ho-so/{app.uuid}/",
                          HTTP_ACCEPT_LANGUAGE=language).content.decode()  # fmt: skip
        lat = re.search(r'data-lat="([^"]*)"', page).group(1)
        lon = re.search(r'data-lon="([^"]*)"', page).group(1)
        assert float(lat) == pytest.approx(app.residence_point.y)
        assert float(lon) == pytest.approx(app.residence_point.x)
