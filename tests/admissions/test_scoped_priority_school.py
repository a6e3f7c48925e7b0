"""A family names the school of a school-scoped priority (sibling at the school, child of its
staff) in the form and the API; the committee sees it to check against the evidence; the engine
counts the category only there (issue #12, ADR 12).

The allocation case is small and worked out by hand: two schools A and B with one seat each on
a north–south line in District 1, two children of group 2 (no catchment) both nearer A.
Without priority the nearer child P takes A. Q has "sibling at this school": named at A, it
beats distance there (categories order group 2) and Q takes A; named at B, it counts only at B
and P keeps A."""

import dataclasses
import datetime as dt
import itertools

import pytest
from django.utils import timezone, translation
from rest_framework.test import APIClient

from admissions.constants import ApplicationStatus, CategoryScope
from admissions.demo import round_ensure
from admissions.exceptions import ApplicationInvalid
from admissions.models import AdmissionRound, Application, Placement, PriorityCategory, RoundSchool
from admissions.services import (
    allocation_run_create,
    allocation_run_execute,
    application_create,
    application_transition,
    round_close,
)
from gis.geometry import make_point
from gis.models import School
from tests.admissions.conftest import personal_id
from tests.admissions.test_views import form_data

LON = 106.6980
A_LAT, B_LAT = 10.7725, 10.7800  # B lies 830 m north of A
P_LAT, Q_LAT = 10.7680, 10.7660  # P: 500 m from A, 1,330 m from B; Q: 720 m and 1,550 m


_serials = itertools.count(700000)


def _school(name: str, lat: float) -> School:
    return School.objects.create(
        code=f"test-{name}", name=f"Trường Tiểu học {name}", location=make_point(lon=LON, lat=lat)
    )


@pytest.fixture
def two_schools(db):
    now = timezone.now()
    admission_round = AdmissionRound.objects.create(
        school_year=2033,
        name="Tuyển sinh thử",
        mechanism="nearest",
        opens_at=now - dt.timedelta(days=5),
        closes_at=now + dt.timedelta(days=5),
        offer_response_deadline=now + dt.timedelta(days=20),
    )
    a, b = _school("A", A_LAT), _school("B", B_LAT)
    for school in (a, b):
        RoundSchool.objects.create(round=admission_round, school=school, seats_override=1)
    PriorityCategory.objects.create(round=admission_round, code="sibling", rank=1,
                                    label_vi="Có anh/chị/em ruột đang học tại trường",
                                    label_en="Sibling already at the school",
                                    scope=CategoryScope.SCHOOL)  # fmt: skip
    PriorityCategory.objects.create(round=admission_round, code="poor_household", rank=4,
                                    label_vi="Con hộ nghèo, cận nghèo",
                                    label_en="Child of a poor or near-poor household")  # fmt: skip
    return admission_round, a, b


@pytest.fixture
def make_input_2033(two_schools, make_input):
    def build(**overrides):
        serial = next(_serials)
        defaults = {
            "child_dob": dt.date(2027, 3, 14),
            "child_personal_id": personal_id(year=2027, female=True, serial=serial),
        }
        return make_input(**{**defaults, **overrides})

    return build


def _place(admission_round, a, b, parent, staff, make_input_2033, *, q_school):
    for name, lat, extra in (
        ("P", P_LAT, {}),
        ("Q", Q_LAT, {"priority_category": "sibling", "priority_school": q_school.pk}),
    ):
        data = make_input_2033(child_full_name=f"Trẻ {name}", lat=lat, lon=LON, choices=[],
                               **extra)  # fmt: skip
        app, _ = application_create(
            admission_round=admission_round, applicant=parent, data=data, submit=True
        )
        application_transition(application=app, to=ApplicationStatus.VERIFIED, actor=staff)
    admission_round = round_close(admission_round=admission_round, lottery_seed=11)
    run = allocation_run_create(admission_round=admission_round, mechanism="nearest", seed=11)
    allocation_run_execute(run=run)
    run.refresh_from_db()
    assert run.check_passed is True, run.violations
    return {
        p.application.child_full_name: p.school.name
        for p in Placement.objects.filter(run=run).select_related("application", "school")
    }


def test_sibling_named_at_the_contested_school_beats_distance_there(
    two_schools, parent, staff, make_input_2033
):
    admission_round, a, b = two_schools
    placed = _place(admission_round, a, b, parent, staff, make_input_2033, q_school=a)
    assert placed == {"Trẻ Q": "Trường Tiểu học A", "Trẻ P": "Trường Tiểu học B"}


def test_sibling_named_at_another_school_does_not_count_at_the_contested_one(
    two_schools, parent, staff, make_input_2033
):
    admission_round, a, b = two_schools
    placed = _place(admission_round, a, b, parent, staff, make_input_2033, q_school=b)
    assert placed == {"Trẻ P": "Trường Tiểu học A", "Trẻ Q": "Trường Tiểu học B"}


def _errors(admission_round, parent, data) -> dict:
    with pytest.raises(ApplicationInvalid) as caught, translation.override("vi"):
        application_create(
            admission_round=admission_round, applicant=parent, data=data, submit=True
        )
    return caught.value.errors


def test_school_of_the_priority_is_required_only_with_a_scoped_category(
    two_schools, parent, make_input_2033
):
    admission_round, a, b = two_schools
    missing = make_input_2033(lat=P_LAT, lon=LON, choices=[], priority_category="sibling")
    assert (
        "chỉ được tính tại trường đó"
        in _errors(admission_round, parent, missing)["priority_school"][0]
    )
    city_wide = make_input_2033(
        lat=P_LAT, lon=LON, choices=[], priority_category="poor_household", priority_school=a.pk
    )
    assert "mọi trường" in _errors(admission_round, parent, city_wide)["priority_school"][0]
    elsewhere = School.objects.exclude(pk__in=[a.pk, b.pk]).first()
    outside = make_input_2033(lat=P_LAT, lon=LON, choices=[], priority_category="sibling",
                              priority_school=elsewhere.pk)  # fmt: skip
    assert "không tuyển lớp 1" in _errors(admission_round, parent, outside)["priority_school"][0]
    no_category = make_input_2033(lat=P_LAT, lon=LON, choices=[], priority_school=a.pk)
    assert "Chỉ chọn trường" in _errors(admission_round, parent, no_category)["priority_school"][0]
    unknown = make_input_2033(
        lat=P_LAT, lon=LON, choices=[], priority_category="khong-co", priority_school=a.pk
    )
    assert list(_errors(admission_round, parent, unknown)) == ["priority_category"]
    assert not Application.objects.filter(round=admission_round).exists()  # nothing stored


def test_default_categories_scope_sibling_and_staff_to_one_school(db):
    admission_round = round_ensure(school_year=2034, is_demo=True)
    scopes = dict(admission_round.categories.values_list("code", "scope"))
    assert scopes == {"sibling": "school", "staff_child": "school",
                      "policy_family": "city", "poor_household": "city"}  # fmt: skip


# -- the form, the committee's page and the API on the usual 2026 round ------------------------


@pytest.fixture
def sibling_round(admission_round):
    PriorityCategory.objects.filter(round=admission_round, code="sibling").update(
        scope=CategoryScope.SCHOOL
    )
    return admission_round


def test_the_form_asks_for_the_school_and_the_committee_sees_it(
    client, parent, staff, make_input, sibling_round
):
    school = School.objects.get(pk=make_input().choices[1])
    client.force_login(parent)
    with translation.override("vi"):
        page = client.get("/tuyen-sinh/nop-ho-so/").content.decode()
    assert 'name="priority_school"' in page
    assert "Có anh/chị/em ruột đang học tại trường (tại một trường)" in page
    data = make_input(child_full_name="Trần Gia Bảo")
    fields = form_data(data, priority_category="sibling", priority_school=school.pk)
    response = client.post("/tuyen-sinh/nop-ho-so/", {**fields, "consent": "on", "submit": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    app = Application.objects.get(child_full_name="Trần Gia Bảo")
    assert (app.priority_category.code, app.priority_school_id) == ("sibling", school.pk)

    client.force_login(staff)
    with translation.override("vi"):
        staff_page = client.get(f"/tuyen-sinh/hoi-dong/ho-so/{app.uuid}/").content.decode()
    assert f'data-school="{school.pk}">{school.name}</strong>' in staff_page
    assert "chỉ tính tại" in staff_page


def test_the_form_names_the_missing_school_next_to_the_field(
    client, parent, make_input, sibling_round
):
    client.force_login(parent)
    data = make_input(child_full_name="Lê Minh Khôi")
    with translation.override("vi"):
        response = client.post("/tuyen-sinh/nop-ho-so/", form_data(
            data, priority_category="sibling", consent="on", submit="1"))  # fmt: skip
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "priority_school" in errors
    assert "chỉ được tính tại trường đó" in errors["priority_school"][0]
    # The form keeps what was typed as a draft; nothing is submitted.
    kept = Application.objects.filter(child_full_name="Lê Minh Khôi").values_list(
        "status", flat=True
    )
    assert list(kept) in ([], [ApplicationStatus.DRAFT])


def test_the_api_takes_and_returns_the_school_and_names_a_missing_one(
    parent, make_input, sibling_round
):
    api = APIClient(headers={"accept-language": "en"})
    api.force_authenticate(parent)
    school_id = make_input().choices[0]
    body = {**_payload(make_input(child_full_name="Phan Anh Thư")), "priority_category": "sibling"}
    refused = api.post("/api/v1/applications/", {**body, "submit": True}, format="json")
    assert refused.status_code == 400
    assert refused["Content-Type"] == "application/problem+json"
    assert [p["name"] for p in refused.json()["invalid_params"]] == ["priority_school"]
    created = api.post("/api/v1/applications/", {**body, "priority_school": school_id,
                                                 "submit": True}, format="json")  # fmt: skip
    assert created.status_code == 201, created.content
    out = created.json()
    assert (out["priority_category"], out["priority_school"]) == ("sibling", school_id)
    assert out["priority_school_name"] == School.objects.get(pk=school_id).name


def _payload(data) -> dict:
    body = dataclasses.asdict(data)
    body["child_dob"] = data.child_dob.isoformat()
    body.pop("priority_school")
    return body


def test_second_stage_of_a_nearest_first_round_runs_nearest_first_whatever_is_asked(two_schools):
    admission_round, _a, _b = two_schools
    admission_round = round_close(admission_round=admission_round, lottery_seed=3)
    second = allocation_run_create(
        admission_round=admission_round, mechanism="da", seed=3, stage="second"
    )
    assert second.mechanism == admission_round.mechanism == "nearest"
