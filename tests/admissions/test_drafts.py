"""Partial drafts (save from a phone, finish later; full check on submission) and late-entry
evidence."""

import dataclasses
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from rest_framework.test import APIClient

from admissions.constants import ApplicationStatus
from admissions.exceptions import ApplicationInvalid, WindowClosed
from admissions.models import Application, Evidence, Ticket
from admissions.services import (
    ApplicationInput,
    application_create,
    application_submit,
    application_update,
    evidence_add,
)
from portal.core.exceptions import TransitionNotAllowed

from .conftest import personal_id
from .test_views import PDF, form_data, submit_through_review

URL = "/api/v1/applications/"


def test_a_draft_needs_only_the_child_name(admission_round, parent):
    app, created = application_create(
        admission_round=admission_round,
        applicant=parent,
        data=ApplicationInput(child_full_name="Bé Na"),
    )
    assert created and app.status == ApplicationStatus.DRAFT
    app.refresh_from_db()
    assert (app.child_dob, app.residence_point, app.ward_id, app.child_personal_id) == (
        None, None, None, ""
    )  # fmt: skip
    # two partial drafts without an ID do not collide on the one-child-one-application rule
    other, created = application_create(
        admission_round=admission_round,
        applicant=parent,
        data=ApplicationInput(child_full_name="Bé Bo"),
    )
    assert created and other.pk != app.pk
    with pytest.raises(ApplicationInvalid) as exc:
        application_create(
            admission_round=admission_round,
            applicant=parent,
            data=ApplicationInput(child_full_name=" "),
        )
    assert list(exc.value.errors) == ["child_full_name"]


def test_save_partial_edit_submit_with_errors_fix_submit(admission_round, parent, make_input):
    full = make_input()
    app, _ = application_create(
        admission_round=admission_round, applicant=parent,
        data=ApplicationInput(child_full_name="Nguyễn Minh Anh", guardian_phone="0912345678"),
    )  # fmt: skip
    # Edit: some fields, one of them wrong (ID structure is only checked on submission).
    partial = ApplicationInput(
        child_full_name="Nguyễn Minh Anh",
        child_dob=full.child_dob,
        child_gender="female",
        child_personal_id="000320123456",
        guardian_phone="0912345678",
    )
    application_update(application=app, actor=parent, data=partial)
    app.refresh_from_db()
    assert app.child_personal_id == "000320123456" and app.status == "draft"

    with pytest.raises(ApplicationInvalid) as exc:
        application_submit(application=app, actor=parent, consent=False)
    errors = exc.value.errors
    for field in ("child_personal_id", "guardian_full_name", "guardian_personal_id",
                  "address_text", "location", "residence_type", "choices", "consent"):  # fmt: skip
        assert field in errors, (field, errors)
    assert any("province" in m or "tỉnh" in m for m in errors["child_personal_id"])
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DRAFT and app.consented_at is None

    application_update(application=app, actor=parent, data=full)
    application_submit(application=app, actor=parent, consent=True)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED and app.consented_at is not None
    assert app.ward is not None and app.choices.count() == 3


def test_drafts_are_editable_only_while_the_window_is_open(admission_round, parent):
    app, _ = application_create(
        admission_round=admission_round,
        applicant=parent,
        data=ApplicationInput(child_full_name="Bé Na"),
    )
    admission_round.closes_at = admission_round.opens_at + dt.timedelta(seconds=1)
    admission_round.save()
    with pytest.raises(WindowClosed):
        application_update(
            application=app, actor=parent, data=ApplicationInput(child_full_name="Bé Na Na")
        )


@pytest.fixture
def parent_client(client, parent):
    client.force_login(parent)
    return client


def test_pages_save_partial_then_show_each_problem_on_its_field(parent_client, make_input):
    response = parent_client.post(
        "/tuyen-sinh/nop-ho-so/", {"child_full_name": "Nguyễn Minh Anh", "save": "1"}
    )
    assert response.status_code == 302
    app = Application.objects.get()
    assert app.status == ApplicationStatus.DRAFT and app.child_dob is None
    edit = f"/tuyen-sinh/ho-so/{app.uuid}/sua/"
    page = parent_client.get(edit)
    assert page.status_code == 200 and "Nguyễn Minh Anh" in page.content.decode()

    bad = form_data(make_input(child_personal_id="000320123456"), submit="1")
    response = parent_client.post(edit, bad)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["child_personal_id"] and form.errors["consent"]
    assert f'action="{edit}"' in response.content.decode()
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DRAFT
    assert app.child_personal_id == "000320123456"  # what was typed is kept

    response = submit_through_review(parent_client, edit, form_data(make_input(), consent="on"))
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED


def test_api_partial_draft_then_submit_lists_every_problem(parent, make_input):
    api = APIClient(headers={"accept-language": "en"})
    api.force_authenticate(parent)
    created = api.post(URL, {"child_full_name": "Bé Na"}, format="json")
    assert created.status_code == 201 and created.json()["status"] == "draft"
    assert created.json()["lat"] is None and created.json()["ward_code"] is None
    uuid = created.json()["uuid"]

    response = api.post(f"{URL}{uuid}/submit/", {"consent": True}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    names = {p["name"] for p in response.json()["invalid_params"]}
    assert {"child_dob", "child_personal_id", "location", "choices"} <= names
    assert "consent" not in names

    body = dataclasses.asdict(make_input())
    body["child_dob"] = body["child_dob"].isoformat()
    assert api.put(f"{URL}{uuid}/", body, format="json").status_code == 200
    done = api.post(f"{URL}{uuid}/submit/", {"consent": True}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "submitted"


def _late(make_input):
    return make_input(
        child_dob=dt.date(2018, 6, 1),
        child_personal_id=personal_id(year=2018, female=True, serial=424242),
        late_entry_reason="returned_from_abroad",
    )


def test_late_entry_needs_its_evidence(admission_round, parent, make_input):
    app, _ = application_create(
        admission_round=admission_round, applicant=parent, data=_late(make_input)
    )
    with pytest.raises(ApplicationInvalid) as exc:
        application_submit(application=app, actor=parent, consent=True)
    assert list(exc.value.errors) == ["late_entry_evidence"]
    # other evidence does not count
    evidence_add(application=app, kind="residence", actor=parent,
                 upload=SimpleUploadedFile("ho-khau.pdf", PDF))  # fmt: skip
    with pytest.raises(ApplicationInvalid):
        application_submit(application=app, actor=parent, consent=True)
    evidence_add(application=app, kind="late_entry", actor=parent,
                 upload=SimpleUploadedFile("giay-xac-nhan.pdf", PDF))  # fmt: skip
    application_submit(application=app, actor=parent, consent=True)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED


def test_no_evidence_needed_for_a_child_of_the_prescribed_age(admission_round, parent,
                                                              make_input):  # fmt: skip
    app, _ = application_create(
        admission_round=admission_round, applicant=parent, data=make_input()
    )
    application_submit(application=app, actor=parent, consent=True)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED


def test_late_entry_evidence_through_the_form_is_sniffed_private_and_shown_to_staff(
    parent_client, make_input, staff, settings
):
    from django.test import Client

    data = _late(make_input)
    fake = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = parent_client.post(
        "/tuyen-sinh/nop-ho-so/",
        form_data(data, late_entry_reason=data.late_entry_reason, late_entry_evidence=fake,
                  consent="on", submit="1"),
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors  # refused by content sniffing
    assert not Evidence.objects.exists()

    response = parent_client.post(
        "/tuyen-sinh/nop-ho-so/",
        form_data(data, late_entry_reason=data.late_entry_reason, consent="on", submit="1"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["late_entry_evidence"]
    app = Application.objects.get()
    assert app.status == ApplicationStatus.DRAFT

    upload = SimpleUploadedFile("xac-nhan.pdf", PDF, content_type="image/png")
    response = submit_through_review(
        parent_client,
        f"/tuyen-sinh/ho-so/{app.uuid}/sua/",
        form_data(data, late_entry_reason=data.late_entry_reason, late_entry_evidence=upload,
                  consent="on"),
    )  # fmt: skip
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED
    evidence = Evidence.objects.get(application=app)
    assert (evidence.kind, evidence.content_type) == ("late_entry", "application/pdf")
    assert str(settings.PRIVATE_MEDIA_ROOT) in evidence.file.path

    url = f"/tuyen-sinh/minh-chung/{evidence.uuid}/"
    client = Client()
    assert client.get(url).status_code in (302, 404)  # anonymous: never served
    client.force_login(staff)
    page = client.get(f"/tuyen-sinh/hoi-dong/ho-so/{app.uuid}/").content.decode()
    assert "Vào học muộn: xac-nhan.pdf" in page and url in page
    served = client.get(url)
    assert served.status_code == 200 and b"".join(served.streaming_content) == PDF
    assert served["Cache-Control"] == "private, no-store"


def test_evidence_add_locks_the_application_before_checking_it(admission_round, parent,
                                                                make_input):  # fmt: skip
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    app, _ = application_create(
        admission_round=admission_round, applicant=parent, data=make_input()
    )
    stale = Application.objects.get(pk=app.pk)
    # Submitted meanwhile (another tab): the stale object still says "draft".
    application_submit(application=app, actor=parent, consent=True)
    with (
        CaptureQueriesContext(connection) as queries,
        translation.override("en"),
        pytest.raises(TransitionNotAllowed, match="only be added while the form is editable"),
    ):
        evidence_add(application=stale, kind="residence", actor=parent,
                     upload=SimpleUploadedFile("ho-khau.pdf", PDF))  # fmt: skip
    first = next(q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"])
    assert "FOR UPDATE" in first and '"admissions_application"' in first
    assert not Evidence.objects.filter(application=app).exists()


def test_more_than_three_years_late_opens_a_ticket_instead_of_a_refusal(
    admission_round, parent, make_input
):
    # Round 2026: prescribed birth year 2020; 2016 is four years earlier.
    data = make_input(
        child_dob=dt.date(2016, 3, 1),
        child_personal_id=personal_id(year=2016, female=True, serial=434343),
        late_entry_reason="disability",
    )
    app, _ = application_create(admission_round=admission_round, applicant=parent, data=data)
    evidence_add(application=app, kind="late_entry", actor=parent,
                 upload=SimpleUploadedFile("giay-xac-nhan.pdf", PDF))  # fmt: skip
    application_submit(application=app, actor=parent, consent=True)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED
    ticket = Ticket.objects.get(application=app)
    assert ticket.kind == Ticket.Kind.LATE_ENTRY and ticket.status == Ticket.Status.OPEN
    assert "2016" in ticket.reason
    assert "quá ba năm" in ticket.reason
    application_submit(application=app, actor=parent, consent=True)  # idempotent
    assert Ticket.objects.filter(application=app).count() == 1


def test_up_to_three_years_late_opens_no_ticket(admission_round, parent, make_input):
    app, _ = application_create(
        admission_round=admission_round, applicant=parent, data=_late(make_input)
    )
    evidence_add(application=app, kind="late_entry", actor=parent,
                 upload=SimpleUploadedFile("giay-xac-nhan.pdf", PDF))  # fmt: skip
    application_submit(application=app, actor=parent, consent=True)
    assert not Ticket.objects.filter(application=app).exists()
