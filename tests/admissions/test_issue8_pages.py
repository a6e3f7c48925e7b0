"""Issue #8 through Django's test client: what parents and the committee meet on the pages —
the review step, every missing field at once beside its field, the summary and explanation on
the status page, the words for an offer, the queue's paging and deadlines, runs that cannot be
published, confirmations, messages with absolute links, and the one source of public seats."""

import json
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from admissions import selectors
from admissions.constants import ApplicationStatus
from admissions.models import AllocationRun, Application, Offer, Ticket
from admissions.services import (
    allocation_run_create,
    allocation_run_execute,
    allocation_run_publish,
    allocation_run_review,
    application_create,
    application_transition,
    round_close,
    ticket_open,
)
from notifications.channels import LocmemSmsBackend

from .test_views import form_data

VI = {"HTTP_ACCEPT_LANGUAGE": "vi"}


@pytest.fixture
def parent_client(client, parent):
    client.force_login(parent)
    return client


def _submitted(round_, parent, make_input) -> Application:
    return application_create(
        admission_round=round_, applicant=parent, data=make_input(), submit=True
    )[0]


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --------------------------------------------------------------------------- parents


def test_review_step_shows_everything_then_submits(parent_client, make_input):
    data = make_input()
    response = parent_client.post(
        "/tuyen-sinh/nop-ho-so/", form_data(data, consent="on", review="1"), **VI
    )
    app = Application.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/ho-so/{app.uuid}/xem-lai/"
    )
    assert app.status == ApplicationStatus.DRAFT  # nothing is submitted before the review
    page = _text(parent_client.get(response["Location"], **VI))
    assert data.child_personal_id in page and data.guardian_full_name in page
    assert "12 Lê Lợi" in page and "Thường trú" in page  # address and residence type
    schools = re.findall(r'<li data-distance-m="([\d.]+)">', page)
    assert len(schools) == 3  # the ranked schools, each with its distance …
    assert re.search(r'class="distance">\d+,\d\d km<', page)  # … written the Vietnamese way
    assert 'id="review-consent"' in page
    done = parent_client.post(
        f"/tuyen-sinh/ho-so/{app.uuid}/xem-lai/", {"reviewed": _reviewed(page)}, **VI
    )
    assert done.status_code == 302 and done["Location"].endswith(f"/ho-so/{app.uuid}/")
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED and app.consented_at is not None
    status = _text(parent_client.get(f"/tuyen-sinh/ho-so/{app.uuid}/", **VI))
    assert 'id="application-summary"' in status and data.child_personal_id in status


def _reviewed(page: str) -> str:
    return re.search(r'name="reviewed" value="([^"]*)"', page).group(1)


@pytest.mark.parametrize("existing", [False, True], ids=["new", "draft"])
def test_submit_posted_to_the_form_goes_to_the_review_not_to_the_committee(
    parent_client, make_input, existing
):
    url = "/tuyen-sinh/nop-ho-so/"
    if existing:
        parent_client.post(url, form_data(make_input(), save="1"), **VI)
        url = f"/tuyen-sinh/ho-so/{Application.objects.get().uuid}/sua/"
    response = parent_client.post(url, form_data(make_input(), consent="on", submit="1"), **VI)
    app = Application.objects.get()
    assert app.status == ApplicationStatus.DRAFT  # saved, not submitted
    assert response.status_code == 302
    assert response["Location"].endswith(f"/ho-so/{app.uuid}/xem-lai/")
    assert not app.history.filter(to_status=ApplicationStatus.SUBMITTED).exists()


def test_the_review_submits_only_the_version_it_showed(parent_client, make_input):
    parent_client.post("/tuyen-sinh/nop-ho-so/", form_data(make_input(), consent="on",
                                                           review="1"), **VI)  # fmt: skip
    app = Application.objects.get()
    review = f"/tuyen-sinh/ho-so/{app.uuid}/xem-lai/"
    # A POST that no review page sent (no version): the review is shown, nothing submitted.
    blind = parent_client.post(review, **VI)
    assert blind.status_code == 302 and blind["Location"] == review
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DRAFT
    with translation.override("vi"):
        page = _text(parent_client.get(review, **VI))
    assert "Hãy kiểm tra hồ sơ một lần nữa" in page
    shown = _reviewed(page)
    # The draft changes in another tab after this page was shown: its button no longer submits.
    parent_client.post(f"/tuyen-sinh/ho-so/{app.uuid}/sua/",
                       form_data(make_input(guardian_full_name="Trần Thị Bích"), consent="on",
                                 review="1"), **VI)  # fmt: skip
    stale = parent_client.post(review, {"reviewed": shown}, **VI)
    assert stale.status_code == 302 and stale["Location"] == review
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DRAFT
    page = _text(parent_client.get(review, **VI))
    assert "Trần Thị Bích" in page
    done = parent_client.post(review, {"reviewed": _reviewed(page)}, **VI)
    assert done.status_code == 302
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED and app.guardian_full_name == "Trần Thị Bích"


def test_an_empty_form_lists_every_missing_field_beside_it(parent_client, admission_round):
    with translation.override("vi"):
        response = parent_client.post("/tuyen-sinh/nop-ho-so/", {"review": "1"}, **VI)
    assert response.status_code == 200
    errors = response.context["form"].errors
    for field in (
        "child_full_name",
        "child_dob",
        "guardian_full_name",
        "address_text",
        "residence_type",
        "child_gender",
        "guardian_relationship",
        "choice_1",
        "consent",
    ):
        assert field in errors, field
    page = _text(response)
    assert 'id="location-errors"' in page  # the pin's error sits beside the map …
    assert 'id="form-errors"' not in page  # … and nothing is piled up at the top
    assert "Trường này là bắt buộc." in page
    assert not Application.objects.exists()


def test_a_refused_evidence_file_is_reported_on_its_own_field(parent_client, make_input):
    bad = SimpleUploadedFile("virus.exe", b"MZ" + b"\x00" * 40, content_type="application/pdf")
    with translation.override("vi"):
        response = parent_client.post(
            "/tuyen-sinh/nop-ho-so/",
            form_data(make_input(), residence_evidence=bad, save="1"),
            **VI,
        )
    assert response.status_code == 200
    form = response.context["form"]
    assert (
        form.errors["residence_evidence"] == ["Chỉ nhận tệp PDF, JPEG, PNG hoặc WebP."]
        or (form.errors["residence_evidence"])
    )
    assert not form.non_field_errors()
    page = _text(response)
    field = page[page.index('id="field-residence_evidence"') :]
    assert "errorlist" in field[: field.index("</div>") + 200]


def allocated(round_, parent, staff, make_input, *, review: bool = True):
    """One verified application, the window closed and a computed (reviewed) run."""
    app = _submitted(round_, parent, make_input)
    application_transition(application=app, to="verified", actor=staff)
    run = allocation_run_create(
        admission_round=round_close(admission_round=round_, lottery_seed=9), mechanism="da", seed=9
    )
    allocation_run_execute(run=run)
    if review:
        allocation_run_review(run=run, actor=staff)
    return app, run


@pytest.fixture
def published(admission_round, parent, staff, make_input):
    app, run = allocated(admission_round, parent, staff, make_input)
    allocation_run_publish(run=run, actor=staff)
    app.refresh_from_db()
    return app, run


def test_status_page_explains_with_groups_distances_and_cutoffs(parent_client, published):
    app, _run = published
    assert app.status == ApplicationStatus.OFFERED
    page = _text(parent_client.get(f"/tuyen-sinh/ho-so/{app.uuid}/", **VI))
    # An offer still needing an answer is not called "admitted".
    assert "Được nhận vào trường" not in page
    assert "Được mời nhận chỗ học" in page and "vui lòng trả lời" in page
    assert 'id="group-meaning"' in page and "nhóm 1" in page.lower()
    assert re.search(r'id="placed-distance">.*\d+,\d\d km', page)
    rows = re.findall(r'<tr data-outcome="(\w+)" data-rank="(\d)">', page)
    assert rows and rows[0][0] in {"admitted", "full_with_better_priority", "no_seats"}
    # Declining asks first and says what cannot be undone.
    assert re.search(r'id="decline-offer" data-confirm="[^"]*không thể', page)


def test_after_declining_the_family_reads_what_happens_next(parent_client, published):
    app, _run = published
    offer = Offer.objects.get(application=app)
    parent_client.post(f"/tuyen-sinh/trung-tuyen/{offer.uuid}/tra-loi/", {"answer": "decline"})
    page = _text(parent_client.get(f"/tuyen-sinh/ho-so/{app.uuid}/", **VI))
    assert 'id="next-steps"' in page and "Ủy ban nhân dân phường/xã" in page


def test_the_offer_message_names_the_school_the_deadline_and_an_absolute_link(
    admission_round, parent, staff, make_input, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://tuyensinh.example.vn"
    app, run = allocated(admission_round, parent, staff, make_input)
    LocmemSmsBackend.outbox.clear()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        allocation_run_publish(run=run, actor=staff)
    offer = Offer.objects.get(application=app)
    link = f"https://tuyensinh.example.vn/tuyen-sinh/ho-so/{app.uuid}/"
    sms = LocmemSmsBackend.outbox[-1]["body"]
    assert offer.school.name in sms and link in sms
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", sms)  # the deadline to answer
    assert "Được nhận vào trường" not in sms
    assert link in mail.outbox[-1].body and offer.school.name in mail.outbox[-1].subject


# --------------------------------------------------------------------------- committee


def test_queue_pages_shows_submitted_dates_and_open_tickets(
    client, staff, parent, admission_round, make_input
):
    apps = [_submitted(admission_round, parent, make_input) for _ in range(55)]
    ticket_open(application=apps[0], kind="data_correction", reason="Sai ngày sinh", actor=parent)
    client.force_login(staff)
    first = _text(client.get("/tuyen-sinh/hoi-dong/", **VI))
    assert first.count("<tr data-code=") == 50 and 'id="queue-pager"' in first
    assert re.search(r'<td class="submitted">\d\d/\d\d/\d{4} \d\d:\d\d</td>', first)
    assert 'id="open-tickets" data-count="1"' in first and apps[0].tracking_code in first
    second = _text(client.get("/tuyen-sinh/hoi-dong/?page=2", **VI))
    assert second.count("<tr data-code=") == 5


def test_bulk_verify_with_nothing_ticked_asks_to_choose(client, staff, parent, admission_round,
                                                        make_input):  # fmt: skip
    app, _ = application_create(
        admission_round=admission_round, applicant=parent, data=make_input(), submit=True
    )
    client.force_login(staff)
    response = client.post("/tuyen-sinh/hoi-dong/", {}, follow=True, **VI)
    page = _text(response)
    assert "chưa chọn hồ sơ nào" in page and "0 hồ sơ" not in page
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED


def test_history_names_the_parent_not_the_username(client, staff, parent, admission_round,
                                                   make_input):  # fmt: skip
    app, _ = application_create(
        admission_round=admission_round, applicant=parent, data=make_input(), submit=True
    )
    client.force_login(staff)
    page = _text(client.get(f"/tuyen-sinh/hoi-dong/ho-so/{app.uuid}/", **VI))
    history = page[page.index('class="history"') :]
    assert "Nguyễn Thị Lan" in history and parent.username not in page
    # The decision field has a label in the page's language, not "To:".
    assert "To:" not in page and "Quyết định" in page


def test_compare_with_nothing_chosen_is_a_form_error(client, staff, admission_round):
    client.force_login(staff)
    response = client.get("/tuyen-sinh/hoi-dong/so-sanh/?round=2026", follow=True, **VI)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith("/tuyen-sinh/hoi-dong/dot/")
    assert "Hãy chọn hai lần chạy để so sánh" in _text(response)


def test_a_simulation_never_offers_review_or_publication(client, staff, parent, admission_round,
                                                         make_input):  # fmt: skip
    app, _ = application_create(
        admission_round=admission_round, applicant=parent, data=make_input(), submit=True
    )
    application_transition(application=app, to="verified", actor=staff)
    round_ = round_close(admission_round=admission_round, lottery_seed=9)
    simulation = allocation_run_create(admission_round=round_, mechanism="da", seed=12345)
    allocation_run_execute(run=simulation)
    real = allocation_run_create(admission_round=round_, mechanism="da", seed=9)
    allocation_run_execute(run=real)
    client.force_login(staff)
    page = _text(client.get(f"/tuyen-sinh/hoi-dong/lan-chay/{simulation.uuid}/", **VI))
    assert 'id="run-simulation"' in page
    assert 'id="review-run"' not in page and 'id="publish-run"' not in page
    # A readable table of timings instead of a Python dict; fingerprints named.
    assert 'id="run-timings"' in page and "{'" not in page and "Tổng cộng" in page
    assert "Mã kiểm chứng dữ liệu vào (SHA-256)" in page and ">input " not in page
    allocation_run_review(run=real, actor=staff)
    page = _text(client.get(f"/tuyen-sinh/hoi-dong/lan-chay/{real.uuid}/", **VI))
    # Publishing opens a dialog that says what cannot be undone.
    assert re.search(r'<dialog id="publish-dialog".*không thể hoàn tác', page, re.S)
    assert 'id="publish-run"' in page


def test_run_progress_reads_in_the_committee_language(client, staff, admission_round):
    round_ = round_close(admission_round=admission_round, lottery_seed=9)
    run = allocation_run_create(admission_round=round_, mechanism="da", seed=9)
    AllocationRun.objects.filter(pk=run.pk).update(progress=45, progress_message="solving")
    client.force_login(staff)
    with translation.override("vi"):
        body = client.get(f"/tuyen-sinh/hoi-dong/lan-chay/{run.uuid}/tien-do/", **VI).json()
    assert body["progress"] == 45 and body["finished"] is False
    assert body["message"] == "Đang phân chỗ học và kiểm tra kết quả"
    page = _text(client.get(f"/tuyen-sinh/hoi-dong/lan-chay/{run.uuid}/", **VI))
    assert 'role="progressbar"' in page and 'aria-valuenow="45"' in page
    assert "có thể rời trang này" in page  # the run continues without the page


def test_round_page_confirms_closing_and_the_seed_field_takes_19_digits(
    client, staff, admission_round
):
    client.force_login(staff)
    page = _text(client.get("/tuyen-sinh/hoi-dong/dot/", **VI))
    assert re.search(r'id="close-round-form" data-confirm="[^"]*không thể hoàn tác', page)
    round_close(admission_round=admission_round, lottery_seed=2**62 + 12345)
    page = _text(client.get("/tuyen-sinh/hoi-dong/dot/", **VI))
    seed = re.search(r'<input type="number" name="seed"[^>]*>', page).group(0)
    assert 'size="20"' in seed and 'class="seed"' in seed and str(2**62 + 12345) in seed


def test_ticket_deadlines_are_listed_nearest_first(admission_round, parent, make_input):
    a = _submitted(admission_round, parent, make_input)
    b = _submitted(admission_round, parent, make_input)
    late = ticket_open(application=a, kind="data_correction", reason="x", actor=parent)
    early = ticket_open(application=b, kind="data_correction", reason="y", actor=parent)
    Ticket.objects.filter(pk=late.pk).update(decide_by=early.decide_by.replace(year=2099))
    assert [t.pk for t in selectors.ticket_open_list(admission_round=admission_round)] == [
        early.pk,
        late.pk,
    ]


# --------------------------------------------------------------------------- public


def test_the_map_popup_and_the_form_share_the_round_seats(client, parent, admission_round):
    body = client.get("/tuyen-sinh/chi-tieu.json").json()
    seats = selectors.round_public_seats(admission_round=admission_round)
    assert body["school_year"] == admission_round.school_year
    assert body["schools"] == {
        row["code"]: {"seats": row["seats"], "demo_figure": row["demo_figure"]}
        for row in seats.values()
    }
    assert selectors.round_seats(admission_round=admission_round) == {
        pk: row["seats"] for pk, row in seats.items()
    }
    map_page = client.get("/").content.decode()
    config = re.search(r'<script id="map-config" type="application/json">(.*?)</script>', map_page)
    assert json.loads(config.group(1))["seatsUrl"] == "/tuyen-sinh/chi-tieu.json"


def test_suggestions_flag_schools_whose_position_is_only_illustrative(
    parent_client, admission_round
):
    from gis.models import School

    from .conftest import BEN_THANH

    first = parent_client.get("/tuyen-sinh/goi-y/", BEN_THANH).json()["results"]
    assert first and not any(r["illustrative"] for r in first)
    School.objects.filter(pk=first[0]["id"]).update(location_source="demo_placed")
    again = parent_client.get("/tuyen-sinh/goi-y/", BEN_THANH).json()["results"]
    assert [r["illustrative"] for r in again if r["id"] == first[0]["id"]] == [True]
