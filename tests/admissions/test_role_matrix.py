"""Every staff page × every role × someone else's object (ADR 0019): refused (log-in page for
anonymous visitors, 403 or 404 otherwise) or, on list and statistics pages a role may open,
without the other family's data; GET and POST change nothing. The roles are the groups that
`setup_roles` creates, scoped to another school or another round; positive controls show the
same pages open for the scope that owns the object (so the test can fail)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import StaffScope
from admissions import services
from admissions.demo import round_ensure
from admissions.models import AdmissionRound, AllocationRun, Application, Ticket
from eservices.models import Dossier, DossierCorrection
from eservices.payments.models import Payment
from eservices.selectors import procedure_version_current
from eservices.services import dossier_correction_open
from gis.models import School
from surveys.models import Survey
from tests.eservices.test_dossier_services import submitted as submitted_dossier

pytestmark = pytest.mark.django_db
ROLE = {
    "clerk": "Văn thư trường",
    "committee": "Hội đồng tuyển sinh",
    "eservice_officer": "Cán bộ dịch vụ công",
    "principal": "Hiệu trưởng",
    "education_officer": "Cán bộ phòng giáo dục",
    "sysadmin": "Quản trị hệ thống",
    "accountant": "Kế toán",
}
# Staff pages that show no single family's record (lists, statistics, dashboards): a role with
# the permission opens them, but the other family's data must not be on them.
LIST_PAGES = {
    "admissions:staff-queue", "eservices:staff-queue", "eservices:staff-statistics",
    "payments:staff", "kpi:staff", "surveys:staff-list", "surveys:staff-results",
    "surveys:staff-export", "eservices:staff-counter", "eservices:staff-corrections",
}  # fmt: skip


@pytest.fixture
def world(admission_round, parent, make_input):
    call_command("setup_roles", verbosity=0)
    call_command("surveys_setup", verbosity=0)
    application, _ = services.application_create(
        admission_round=admission_round, applicant=parent, data=make_input()
    )
    upload = SimpleUploadedFile("ct07.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    services.evidence_add(application=application, actor=parent, kind="residence", upload=upload)
    application = services.application_submit(application=application, actor=parent, consent=True)
    run = AllocationRun.objects.create(round=admission_round, mechanism="da", seed=1)
    ticket = Ticket.objects.create(
        application=application, kind=Ticket.Kind.DATA_CORRECTION, reason="Sai tên",
        opened_by=parent, decide_by=admission_round.closes_at,
    )  # fmt: skip
    evidence_school = application.ranked_choices[0].school
    other_school = (
        School.objects.filter(level="primary")
        .exclude(pk__in=[c.school_id for c in application.ranked_choices])
        .first()
    )
    other_round = round_ensure(school_year=2029, is_demo=False)
    dossier = submitted_dossier(
        parent, lambda code="1.005099": procedure_version_current(code=code)
    )
    correction = dossier_correction_open(dossier=dossier, reason="Sai lớp học", actor=parent)
    payment = Payment.objects.create(
        purpose="dossier", purpose_ref=str(dossier.uuid), order_code="DVC-MATRIX-1", payer=parent,
        description="Lệ phí", amount=20000, provider="vnpay", txn_ref="MATRIX-1",
    )  # fmt: skip
    return {
        "application": application, "run": run, "ticket": ticket, "dossier": dossier,
        "attachment": dossier.attachments.get(), "payment": payment, "own_school": evidence_school,
        "other_school": other_school, "other_round": other_round,
        "survey": Survey.objects.first(), "correction": correction,
    }  # fmt: skip


def staff_urls(w) -> dict[str, tuple[str, dict]]:
    app, run, ticket = w["application"].uuid, w["run"].uuid, w["ticket"].uuid
    dossier, survey = w["dossier"].uuid, w["survey"].uuid
    evidence = w["application"].evidence.get().uuid
    return {
        "admissions:staff-queue": ("/tuyen-sinh/hoi-dong/", {"ids": [w["application"].pk]}),
        "admissions:staff-application": (
            f"/tuyen-sinh/hoi-dong/ho-so/{app}/", {"to": "verified", "note": "x"}
        ),
        "admissions:staff-round": ("/tuyen-sinh/hoi-dong/dot/?round=2026", {"action": "close"}),
        "admissions:staff-run": (f"/tuyen-sinh/hoi-dong/lan-chay/{run}/", {"action": "review"}),
        "admissions:staff-run-progress": (f"/tuyen-sinh/hoi-dong/lan-chay/{run}/tien-do/", {}),
        "admissions:staff-run-export": (f"/tuyen-sinh/hoi-dong/lan-chay/{run}/xuat.csv", {}),
        "admissions:staff-run-input": (f"/tuyen-sinh/hoi-dong/lan-chay/{run}/dau-vao.json", {}),
        "admissions:staff-compare": (f"/tuyen-sinh/hoi-dong/so-sanh/?a={run}&b={run}", {}),
        "admissions:staff-school-applications": (
            f"/tuyen-sinh/hoi-dong/truong/{w['own_school'].pk}/ho-so/", {}
        ),
        "admissions:staff-ticket-decide": (
            f"/tuyen-sinh/hoi-dong/yeu-cau/{ticket}/quyet-dinh/",
            {"decision": "upheld", "note": "x"},
        ),
        "admissions:evidence": (f"/tuyen-sinh/minh-chung/{evidence}/", {}),
        "eservices:staff-queue": ("/dich-vu-cong/can-bo/", {}),
        "eservices:staff-dossier": (
            f"/dich-vu-cong/can-bo/ho-so/{dossier}/", {"to": "received", "note": "x"}
        ),
        "eservices:staff-statistics": ("/dich-vu-cong/can-bo/thong-ke/", {}),
        "eservices:staff-counter": ("/dich-vu-cong/can-bo/tai-quay/", {}),
        "eservices:staff-corrections": ("/dich-vu-cong/can-bo/dinh-chinh/", {}),
        "eservices:staff-correction-decide": (
            f"/dich-vu-cong/can-bo/dinh-chinh/{w['correction'].uuid}/",
            {"decision": "corrected", "note": "x"},
        ),
        "admissions:staff-round-map": ("/tuyen-sinh/hoi-dong/2026/ban-do/", {}),
        "eservices:attachment": (f"/dich-vu-cong/tep/{w['attachment'].uuid}/", {}),
        "payments:staff": ("/thanh-toan/quan-ly/", {}),
        "payments:staff-payment": (
            f"/thanh-toan/quan-ly/{w['payment'].uuid}/", {"amount": "20000", "reason": "x"}
        ),
        "payments:staff-line-resolve": ("/thanh-toan/quan-ly/sao-ke/dong/999999/", {"note": "x"}),
        "kpi:staff": ("/chi-so/quan-ly/", {}),
        "surveys:staff-list": ("/khao-sat/quan-ly/", {}),
        "surveys:staff-results": (f"/khao-sat/quan-ly/{survey}/", {}),
        "surveys:staff-export": (f"/khao-sat/quan-ly/{survey}/xuat.csv", {}),
        "documents:revoke": ("/xac-thuc/KHONGCO123/thu-hoi/", {"reason": "x"}),
    }  # fmt: skip


def admin_urls(w) -> dict[str, tuple[str, dict]]:
    """The admin's record pages: model permissions are not scoped, so no scoped role holds them."""
    app, dossier = w["application"].pk, w["dossier"].pk
    return {
        "application-list": ("/admin/admissions/application/", {}),
        "application": (f"/admin/admissions/application/{app}/change/", {"child_full_name": "x"}),
        "application-history": ("/admin/admissions/applicationstatuschange/", {}),
        "dossier-list": ("/admin/eservices/dossier/", {}),
        "dossier": (f"/admin/eservices/dossier/{dossier}/change/", {"contact_phone": "1"}),
        "payment-list": ("/admin/payments/payment/", {}),
    }


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            yield prefix + str(p.pattern), f"{namespace}{p.name}"


# Staff pages, and the private files staff may open (evidence, dossier attachments).
STAFF_MARKERS = ("hoi-dong/", "can-bo/", "quan-ly/", "thu-hoi/", "minh-chung/", "cong/tep/")


def test_the_matrix_covers_every_staff_url(world):
    found = {
        name for route, name in _walk(get_resolver().url_patterns)
        if not route.startswith(("admin/", "api/")) and any(m in route for m in STAFF_MARKERS)
    }  # fmt: skip
    assert found == set(staff_urls(world))


def _scoped(name: str, role: str, *, school=None, admission_round=None) -> User:
    user = User.objects.create_user(name, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=ROLE[role]))
    if school or admission_round:
        StaffScope.objects.create(user=user, school=school, round=admission_round)
    return User.objects.get(pk=user.pk)


def _someone(who: str, w, other_parent):
    return {
        "anonymous": lambda: None,
        "other_parent": lambda: other_parent,
        "clerk_of_another_school": lambda: _scoped(who, "clerk", school=w["other_school"]),
        "committee_of_another_round": lambda: _scoped(
            who, "committee", admission_round=w["other_round"]
        ),
        "eservice_officer_of_another_procedure": lambda: _scoped(who, "eservice_officer"),
        "principal_of_another_school": lambda: _scoped(who, "principal", school=w["other_school"]),
        "education_officer": lambda: _scoped(who, "education_officer"),
        "system_administrator": lambda: _scoped(who, "sysadmin"),
    }[who]()


def _state(w) -> tuple:
    return (
        Application.objects.get(pk=w["application"].pk).status,
        AdmissionRound.objects.get(pk=w["run"].round_id).status,
        AllocationRun.objects.get(pk=w["run"].pk).status,
        Ticket.objects.get(pk=w["ticket"].pk).status,
        Dossier.objects.get(pk=w["dossier"].pk).status,
        Payment.objects.get(pk=w["payment"].pk).refunded_amount,
        DossierCorrection.objects.get(pk=w["correction"].pk).status,
    )


def _secrets(w) -> list[str]:
    app = w["application"]
    dossier = w["dossier"]
    return [
        app.child_full_name, app.tracking_code, app.child_personal_id, dossier.code,
        dossier.form_data["student_full_name"], w["payment"].order_code, "Sai tên",
        "Sai lớp học",
    ]  # fmt: skip


WHO = [
    "anonymous", "other_parent", "clerk_of_another_school", "committee_of_another_round",
    "eservice_officer_of_another_procedure", "principal_of_another_school", "education_officer",
    "system_administrator",
]  # fmt: skip


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("method", ["get", "post"])
def test_nobody_sees_or_changes_someone_elses_record(client, world, other_parent, who, method):
    user = _someone(who, world, other_parent)
    if user is not None:
        client.force_login(user)
    before = _state(world)
    for name, (url, data) in staff_urls(world).items():
        response = getattr(client, method)(url, data if method == "post" else None)
        body = response.content.decode(errors="replace")
        for secret in _secrets(world):
            assert secret not in body, (who, method, name, secret)
        if who == "anonymous" and response.status_code == 405:
            assert method == "get", name  # POST-only page: GET is refused before the login
        elif who == "anonymous":
            assert response.status_code == 302, (name, response.status_code)
            assert response["Location"].startswith("/accounts/dang-nhap/"), name
        elif name in LIST_PAGES:
            assert response.status_code in (200, 302, 400, 403, 404, 405), (who, name)
        else:
            assert response.status_code in (403, 404, 405), (
                who,
                method,
                name,
                response.status_code,
            )
    if who not in ("anonymous", "education_officer"):  # the education office reads everything
        for name, (url, data) in admin_urls(world).items():
            response = getattr(client, method)(url, data if method == "post" else None)
            assert response.status_code in (302, 403, 404), (who, method, name)
            body = response.content.decode(errors="replace")
            assert not any(s in body for s in _secrets(world)), (who, method, name)
    assert _state(world) == before


def test_the_owning_scopes_get_through(client, world):
    """Positive controls: the clerk of a school the family chose and the round's committee."""
    app = world["application"]
    clerk = _scoped("vanthu", "clerk", school=world["own_school"])
    committee = _scoped("hoidong-vong", "committee", admission_round=app.round)
    client.force_login(clerk)
    assert client.get(f"/tuyen-sinh/hoi-dong/ho-so/{app.uuid}/").status_code == 200
    assert app.tracking_code in client.get("/tuyen-sinh/hoi-dong/?round=2026").content.decode()
    # Runs are round-wide work: a clerk has no run_allocation permission.
    assert client.get(f"/tuyen-sinh/hoi-dong/lan-chay/{world['run'].uuid}/").status_code == 403
    client.force_login(committee)
    assert client.get(f"/tuyen-sinh/hoi-dong/ho-so/{app.uuid}/").status_code == 200
    assert client.get(f"/tuyen-sinh/hoi-dong/lan-chay/{world['run'].uuid}/").status_code == 200
    client.post(f"/tuyen-sinh/hoi-dong/ho-so/{app.uuid}/", {"to": "verified"})
    assert Application.objects.get(pk=app.pk).status == "verified"


def test_setup_roles_is_idempotent_and_exact():
    call_command("setup_roles", verbosity=0)
    group = Group.objects.get(name=ROLE["education_officer"])
    extra = group.permissions.model.objects.get(codename="delete_user")
    group.permissions.add(extra)
    call_command("setup_roles", verbosity=0)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert "delete_user" not in codenames and "view_all_records" in codenames
    assert Group.objects.filter(name__in=ROLE.values()).count() == len(ROLE)


def api_object_urls(w) -> dict[str, str]:
    app, dossier, payment = w["application"].uuid, w["dossier"].uuid, w["payment"].uuid
    offer = w["offer"].uuid
    return {
        "admissions-api:application-detail": f"/api/v1/applications/{app}/",
        "admissions-api:application-submit": f"/api/v1/applications/{app}/submit/",
        "admissions-api:application-withdraw": f"/api/v1/applications/{app}/withdraw/",
        "admissions-api:application-evidence": f"/api/v1/applications/{app}/evidence/",
        "admissions-api:intake-receipt": f"/api/v1/applications/intake/{w['intake'].uuid}/",
        "admissions-api:offer-accept": f"/api/v1/offers/{offer}/accept/",
        "admissions-api:offer-decline": f"/api/v1/offers/{offer}/decline/",
        "eservices-api:dossier-detail": f"/api/v1/dossiers/{dossier}/",
        "eservices-api:dossier-submit": f"/api/v1/dossiers/{dossier}/submit/",
        "eservices-api:dossier-payment": f"/api/v1/dossiers/{dossier}/payment/",
        "eservices-api:dossier-attachments": f"/api/v1/dossiers/{dossier}/attachments/",
        "payments-api:payment-detail": f"/api/v1/payments/{payment}/",
        "payments-api:payment-checkout": f"/api/v1/payments/{payment}/checkout/",
    }


@pytest.mark.parametrize("who", WHO)
def test_no_api_endpoint_gives_someone_elses_object(client, world, other_parent, who):
    from admissions.models import ApplicationIntake, Offer

    world["offer"] = Offer.objects.create(
        application=world["application"], run=world["run"], school=world["own_school"],
        deadline=world["application"].round.offer_response_deadline,
    )  # fmt: skip
    world["intake"] = ApplicationIntake.objects.create(
        round=world["application"].round, applicant=world["application"].applicant,
        child_personal_id="", status="accepted", application=world["application"],
    )  # fmt: skip
    routes = {name for route, name in _walk(get_resolver().url_patterns)
              if route.startswith("api/") and "<uuid" in route}  # fmt: skip
    assert routes == set(api_object_urls(world))
    user = _someone(who, world, other_parent)
    if user is not None:
        client.force_login(user)
    before = (_state(world), Offer.objects.get(pk=world["offer"].pk).status)
    for name, url in api_object_urls(world).items():
        for method in ("get", "post", "patch", "delete"):
            response = getattr(client, method)(url, {}, content_type="application/json")
            assert response.status_code in (401, 403, 404, 405), (who, name, method)
            body = response.content.decode(errors="replace")
            assert not any(s in body for s in _secrets(world)), (who, name, method)
    assert (_state(world), Offer.objects.get(pk=world["offer"].pk).status) == before


def test_a_principal_lists_the_applications_that_chose_the_school(client, world):
    """Positive control: the school's principal reads rank, status and date, read-only, and
    every application shown is in the access log; another school's principal gets 404."""
    from privacy.models import AccessLogEntry

    app = world["application"]
    url = f"/tuyen-sinh/hoi-dong/truong/{world['own_school'].pk}/ho-so/"
    principal = _scoped("hieutruong", "principal", school=world["own_school"])
    client.force_login(principal)
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert app.tracking_code in body and app.child_full_name not in body
    assert AccessLogEntry.objects.filter(staff=principal, subject_uuid=app.uuid).count() == 1
    before = Application.objects.get(pk=app.pk).status
    assert client.post(url, {"to": "verified"}).status_code in (200, 405)
    assert Application.objects.get(pk=app.pk).status == before
    client.force_login(_scoped("hieutruong-khac", "principal", school=world["other_school"]))
    assert client.get(url).status_code == 404
