"""KPI figures from a known set of dossiers, satisfaction answers and fees stored in PostGIS
(the same set as tests/kpi/known_set.py), through the selectors, the pages and the API."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser, Permission, User
from django.urls import reverse
from django.utils import timezone

from eservices.constants import Channel, DossierStatus, ServiceLevel
from eservices.models import Dossier, Procedure, ProcedureVersion
from kpi import selectors
from surveys import services as survey_services
from surveys.constants import OVERALL_QUESTION_KEY
from surveys.devices import device_token_new
from surveys.models import Response
from tests.admissions.services.scenario import Scenario
from tests.kpi import known_set as k

pytestmark = pytest.mark.django_db

OCTOBER = dt.date(2026, 10, 1)
# Fees: DOS-1 paid online 6/10, DOS-3 paid online 6/11, DOS-2 recorded at the counter (cash).
FEES = {
    "DOS-1": (120000, dt.date(2026, 10, 6)),
    "DOS-2": (120000, None),
    "DOS-3": (250000, dt.date(2026, 11, 6)),
}


def at_noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def late_evening(day: dt.date) -> dt.datetime:
    """23:30 in Ho Chi Minh City is 16:30 UTC: the day must be read in local time."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 30)))


@pytest.fixture
def known_dossiers(db):
    Procedure.objects.all().delete()  # only the known set's procedures in the catalogue
    applicant = User.objects.create_user("0903123456", password="x")
    versions = {}
    for fact in k.PROCEDURES:
        procedure = Procedure.objects.create(code=fact.code)
        versions[fact.code] = ProcedureVersion.objects.create(
            procedure=procedure,
            number=1,
            name_vi=fact.name,
            name_en=fact.name,
            legal_basis="Thông tư 28/2020/TT-BGDĐT",
            deadline_working_days=5,
            level=ServiceLevel.FULL if fact.full_process else ServiceLevel.PARTIAL,
            partial_reason=fact.partial_reason,
        )
    for fact in k.DOSSIERS:
        fee, paid_on = FEES.get(fact.code, (0, None))
        Dossier.objects.create(
            code=fact.code,
            procedure_version=versions[fact.procedure_code],
            applicant=applicant,
            channel=Channel.ONLINE if fact.online else Channel.COUNTER,
            status=DossierStatus.APPROVED if fact.decided_on else DossierStatus.IN_REVIEW,
            contact_phone="0903123456",
            fee_vnd=fee,
            paid_at=at_noon(paid_on) if paid_on else None,
            submitted_at=late_evening(fact.submitted_on),
            decided_at=late_evening(fact.decided_on) if fact.decided_on else None,
            due_date=fact.due_date,
        )
    Dossier.objects.create(  # a draft is never counted
        procedure_version=versions["A"], applicant=applicant, contact_phone="0903123456"
    )
    survey = survey_services.satisfaction_survey_ensure()
    overall = survey.questions.get(key=OVERALL_QUESTION_KEY)
    for rating in k.RATINGS:
        answers = {
            q.pk: q.options.first().pk for q in survey.questions.filter(kind="single_choice")
        }
        answers[overall.pk] = rating.rating
        response = survey_services.response_submit(
            survey=survey,
            answers=answers,
            user=AnonymousUser(),
            device_token=device_token_new(),
            subject_ref=rating.subject_ref,
        )
        Response.objects.filter(pk=response.pk).update(
            submitted_at=late_evening(rating.answered_on)
        )


def test_selectors_read_the_known_set_as_its_facts(known_dossiers):
    start, end = at_noon(OCTOBER) - dt.timedelta(hours=12), at_noon(dt.date(2026, 12, 1))
    facts = {d.code: d for d in selectors.dossier_facts(start=start, end=end)}
    assert set(facts) == {"DOS-0", "DOS-1", "DOS-2", "DOS-3", "DOS-4", "DOS-5"}
    for fact in k.DOSSIERS[:6]:
        assert facts[fact.code] == fact
    ratings = selectors.rating_facts(start=start, end=end)
    assert sorted((r.subject_ref, r.rating, r.answered_on) for r in ratings) == sorted(
        (r.subject_ref, r.rating, r.answered_on) for r in k.RATINGS
    )
    payments = sorted(selectors.payment_facts(start=start, end=end), key=lambda p: p.settled_on)
    assert [(p.procedure_code, p.settled_on, p.amount, p.cashless) for p in payments] == [
        ("A", dt.date(2026, 10, 6), Decimal(120000), True),
        ("A", dt.date(2026, 10, 20), Decimal(120000), False),
        ("B", dt.date(2026, 11, 6), Decimal(250000), True),
    ]
    assert [p.code for p in selectors.procedure_facts()] == ["A", "B", "C"]


def test_api_gives_the_known_figures(client, known_dossiers):
    body = client.get("/api/v1/kpi/?from_month=2026-10&to_month=2026-11").json()
    assert (body["from_month"], body["to_month"]) == ("2026-10", "2026-11")
    assert body["goals"] == {"full_process": 100.0, "online": 50.0, "satisfied": 80.0}
    total = body["total"]
    assert (total["online"]["part"], total["online"]["whole"], total["online"]["share"]) == (
        3,
        5,
        60.0,
    )
    assert total["online"]["goal_met"] is True
    assert (total["on_time"]["part"], total["on_time"]["whole"]) == (3, 4)
    assert total["satisfaction"]["mean"] == 3.8 and total["satisfaction"]["count"] == 5
    assert total["satisfaction"]["distribution"] == [
        {"rating": 1, "count": 0}, {"rating": 2, "count": 1}, {"rating": 3, "count": 1},
        {"rating": 4, "count": 1}, {"rating": 5, "count": 2},
    ]  # fmt: skip
    assert (total["satisfied"]["share"], total["satisfied"]["goal_met"]) == (60.0, False)
    assert (total["cashless"]["part"], total["cashless"]["whole"]) == (2, 3)
    assert (total["cashless_amount_vnd"], total["settled_amount_vnd"]) == (370000, 490000)
    october, november = body["by_month"]
    assert (october["online"]["part"], october["online"]["whole"]) == (1, 2)
    assert (november["on_time"]["part"], november["on_time"]["whole"]) == (1, 2)
    assert (october["cashless"]["part"], october["cashless"]["whole"]) == (1, 2)
    procedures = {row["key"]: row for row in body["by_procedure"]}
    assert procedures["A"]["satisfaction"]["mean"] == pytest.approx(11 / 3)
    assert procedures["B"]["ratings_hidden"] is True  # one rating: not shown on its row
    assert procedures["B"]["satisfaction"]["count"] == 0
    catalogue = body["catalogue"]
    assert catalogue["offered"] == 3
    assert (catalogue["eligible_full_process"]["share"], catalogue["full_process"]["part"]) == (
        100.0,
        2,
    )
    assert [p["code"] for p in catalogue["not_eligible"]] == ["C"]


def test_api_names_a_malformed_month(client, db):
    response = client.get("/api/v1/kpi/?from_month=2026-13")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["invalid_params"][0]["name"] == "from_month"
    reversed_period = client.get("/api/v1/kpi/?from_month=2026-11&to_month=2026-10")
    assert reversed_period.json()["invalid_params"][0]["name"] == "from_month"


def test_admission_round_figures_come_from_the_published_run(client, db):
    scenario = Scenario()
    scenario.school("An Khánh", seats=2)
    for name, status in [("A", "offered"), ("B", "waitlisted"), ("C", "submitted"), ("D", "draft")]:
        scenario.child(
            name, ranked=["An Khánh"], priority={"An Khánh": (1, 0, 100.0, 0.5)}, status=status
        )
    scenario.run.statistics = {"placed": 1, "placed_first_choice": 1, "distance_median_m": 812.5}
    scenario.run.save()
    fact = selectors.admission_fact()
    assert (fact.round_name, fact.applications_online, fact.verified) == (scenario.round.name, 3, 2)
    assert (fact.placed, fact.placed_first_choice, fact.median_distance_m) == (1, 1, 812.5)
    admission = client.get("/api/v1/kpi/").json()["admission"]
    assert admission["median_distance_m"] == 812.5 and admission["applications_online"] == 3


def test_pages_show_the_known_figures_and_the_staff_page_needs_the_permission(
    client, known_dossiers
):
    query = "?from_month=2026-10&to_month=2026-11"
    public = client.get(reverse("kpi:public") + query)
    assert public.status_code == 200
    html = public.content.decode()
    assert 'id="kpi-online" data-part="3" data-whole="5"' in html
    assert 'id="kpi-satisfied" data-part="3" data-whole="5"' in html
    assert "60,0 %" in html  # Vietnamese decimal comma for people
    staff_url = reverse("kpi:staff") + query
    assert client.get(staff_url).status_code == 302
    user = User.objects.create_user("lanhdao", password="x", is_staff=True)
    client.force_login(user)
    assert client.get(staff_url).status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="view_dashboard"))
    client.force_login(User.objects.get(pk=user.pk))
    staff = client.get(staff_url).content.decode()
    assert '<tr data-code="A">' in staff and "Điều 36" in staff
    bad = client.get(reverse("kpi:public") + "?from_month=2026-99")
    assert bad.status_code == 400 and 'id="period-error"' in bad.content.decode()
