"""Families rank schools only when the round's rule uses a ranking (issue 12): under
nearest-first they see the schools that will be considered, nearest first, and why."""

import pytest
from django.utils import translation
from pyproj import Geod

from admissions.constants import ApplicationStatus
from admissions.exceptions import ApplicationInvalid
from admissions.services import application_create
from gis.geometry import make_point
from gis.selectors import school_nearest

from .conftest import BEN_THANH


@pytest.fixture
def nearest_round(admission_round):
    admission_round.mechanism = "nearest"
    admission_round.max_distance_m = 4000
    admission_round.save(update_fields=["mechanism", "max_distance_m"])
    return admission_round


def test_nearest_round_refuses_a_ranking_and_accepts_none(nearest_round, parent, make_input):
    # The message is read in Vietnamese whatever language an earlier test left active.
    with translation.override("vi"), pytest.raises(ApplicationInvalid) as exc:
        application_create(
            admission_round=nearest_round, applicant=parent, data=make_input(), submit=True
        )
    assert "không xếp thứ tự" in exc.value.errors["choices"][0]
    app, _ = application_create(
        admission_round=nearest_round, applicant=parent, data=make_input(choices=[]), submit=True
    )
    assert app.status == ApplicationStatus.SUBMITTED and not app.choices.exists()


def test_ranked_round_still_needs_a_ranking(admission_round, parent, make_input):
    with pytest.raises(ApplicationInvalid) as exc:
        application_create(
            admission_round=admission_round,
            applicant=parent,
            data=make_input(choices=[]),
            submit=True,
        )
    assert "choices" in exc.value.errors


def test_form_shows_the_schools_considered_instead_of_choices(client, parent, nearest_round):
    client.force_login(parent)
    html = client.get("/tuyen-sinh/nop-ho-so/").content.decode()
    assert 'id="schools-considered"' in html and 'name="choice_1"' not in html
    assert "không cần xếp thứ tự nguyện vọng" in html and "4,00 km" in html

    body = client.get(f"/tuyen-sinh/goi-y/?lat={BEN_THANH['lat']}&lon={BEN_THANH['lon']}").json()
    assert body["mechanism"] == "nearest"
    geod = Geod(ellps="WGS84")
    expected = [
        n.school.pk
        for n in school_nearest(point=make_point(**BEN_THANH), k=60)
        if geod.inv(BEN_THANH["lon"], BEN_THANH["lat"], n.school.location.x,
                    n.school.location.y)[2] <= 4000
    ]  # fmt: skip
    got = [r["id"] for r in body["results"]]
    assert got == expected and len(got) >= 1
    assert [r["distance_m"] for r in body["results"]] == sorted(
        r["distance_m"] for r in body["results"]
    )
    assert all(r["why"] == "trong phạm vi 4 km tính từ nơi ở" for r in body["results"])
