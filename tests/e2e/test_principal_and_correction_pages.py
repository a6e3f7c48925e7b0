"""Two staff pages in headless Chromium, on a phone (390×844) and a laptop (1366×768), in
Vietnamese and English: the principal's read-only list of the applications that chose the
school, and the dossier correction requests (#11, Law 91/2025 Art. 14) — the citizen asks from
the personal-data page, the officer of the procedure records the outcome, the citizen reads it.
Every page fits the screen (no sideways scrolling) and axe-core finds 0 WCAG 2 A/AA
violations."""

from datetime import date

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from accounts.models import StaffScope
from accounts.services import parent_register
from admissions.demo import round_ensure
from admissions.models import RoundSchool
from admissions.services import application_create
from eservices import services as eservices
from eservices.models import DossierCorrection, Procedure
from eservices.selectors import procedure_version_current
from gis.models import School
from tests.e2e.axe import axe_violations
from tests.e2e.test_issue8_pages import _child, _context
from tests.eservices.conftest import VALID_FORMS, pdf_upload

pytestmark = pytest.mark.usefixtures("hcmc_data")

SIZES = [(390, 844), (1366, 768)]
LANGUAGES = [("vi", "vi-VN"), ("en", "en-GB")]


def _fits_and_passes_axe(browser, live_server, path: str, user, ready: str) -> None:
    for size in SIZES:
        for lang in LANGUAGES:
            where = f"{path} {size} {lang[0]}"
            context, page = _context(browser, live_server, size=size, lang=lang, user=user)
            response = page.goto(live_server.url + path)
            assert response.status == 200, where
            page.wait_for_selector(ready)
            assert page.locator("html").get_attribute("lang") == lang[0], where
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= size[0], f"{where}: the page scrolls sideways ({width}px)"
            assert axe_violations(page) == [], where
            context.close()


def test_the_principals_list_fits_and_passes_axe(live_server, browser):
    call_command("setup_roles", verbosity=0)
    round_ = round_ensure(school_year=2026, is_demo=False)
    schools = list(School.objects.filter(level="primary", location__isnull=False)[:3])
    RoundSchool.objects.bulk_create(RoundSchool(round=round_, school=s, classes=1) for s in schools)
    parent = parent_register(full_name="Trần Thị Mai", password="mật-khẩu-dài-2026",
                             phone="0933444555")  # fmt: skip
    children = [("Trần Minh Khôi", "male", "079220111222"), ("Trần Minh An", "female",
                "079320111333"), ("Trần Gia Bảo", "male", "079220111444")]  # fmt: skip
    tracking = []
    for i, (name, gender, child_id) in enumerate(children):
        order = schools[i:] + schools[:i]  # the principal's school at rank 1, 3 and 2
        data = _child(name, date(2020, 5, 1), gender, child_id, order)
        app, _ = application_create(
            admission_round=round_, applicant=parent, data=data, submit=True
        )
        tracking.append(app.tracking_code)
    principal = User.objects.create_user("hieutruong-e2e", password="x", is_staff=True)
    principal.groups.add(Group.objects.get(name="Hiệu trưởng"))
    StaffScope.objects.create(user=principal, school=schools[0])
    principal = User.objects.get(pk=principal.pk)
    path = f"/tuyen-sinh/hoi-dong/truong/{schools[0].pk}/ho-so/"
    _fits_and_passes_axe(browser, live_server, path, principal, "#school-applications-table")
    context, page = _context(browser, live_server, size=SIZES[0], lang=LANGUAGES[0],
                             user=principal)  # fmt: skip
    page.goto(live_server.url + path)
    rows = page.locator("#school-applications-table td:first-child").all_inner_texts()
    assert sorted(rows) == sorted(tracking)
    assert page.locator("#school-applications form, #school-applications button").count() == 0
    context.close()


@pytest.fixture
def dossier_world(hcmc_data):
    call_command("load_eservices_catalogue", verbosity=0)
    citizen = parent_register(full_name="Phạm Thị Hoa", password="mật-khẩu-dài-2026",
                              phone="0903123456", email="hoa@example.com")  # fmt: skip
    dossier = eservices.dossier_create(
        version=procedure_version_current(code="1.005099"), applicant=citizen,
        form_data=VALID_FORMS["1.005099"], contact_phone="0903123456",
    )  # fmt: skip
    eservices.attachment_add(dossier=dossier, actor=citizen, document_code="hoc_ba",
                             upload=pdf_upload())  # fmt: skip
    dossier = eservices.dossier_submit(dossier=dossier, actor=citizen)
    officer = User.objects.create_user("motcua-e2e", password="x", is_staff=True)
    officer.groups.add(Procedure.objects.get(code="1.005099").handler_group)
    return citizen, User.objects.get(pk=officer.pk), dossier


def test_correction_pages_fit_pass_axe_and_carry_the_outcome(live_server, browser, dossier_world):
    citizen, officer, dossier = dossier_world
    # The citizen asks from the personal-data page, in the browser.
    context, page = _context(browser, live_server, size=SIZES[0], lang=LANGUAGES[0], user=citizen)
    page.goto(f"{live_server.url}/du-lieu-ca-nhan/")
    page.select_option("#correction-dossier", str(dossier.uuid))
    page.fill("#correction-reason", "Ngày sinh của cháu là 12/03/2018, hồ sơ ghi sai.")
    page.click("#dossier-correction button[type=submit]")
    page.wait_for_selector("#dossier-corrections tr[data-status='open']")
    context.close()
    assert DossierCorrection.objects.get().reason.startswith("Ngày sinh của cháu")

    _fits_and_passes_axe(browser, live_server, "/du-lieu-ca-nhan/", citizen, "#dossier-corrections")
    _fits_and_passes_axe(
        browser, live_server, f"/dich-vu-cong/ho-so/{dossier.uuid}/", citizen, "#correction-form"
    )
    _fits_and_passes_axe(browser, live_server, "/dich-vu-cong/can-bo/dinh-chinh/", officer,
                         f".correction[data-dossier='{dossier.code}']")  # fmt: skip

    # The officer records the outcome; the citizen reads it on the personal-data page.
    context, page = _context(browser, live_server, size=SIZES[1], lang=LANGUAGES[0], user=officer)
    page.goto(f"{live_server.url}/dich-vu-cong/can-bo/dinh-chinh/")
    card = page.locator(f".correction[data-dossier='{dossier.code}']")
    card.locator("input[value=corrected]").check()
    card.locator("textarea[name=note]").fill("Đã sửa ngày sinh thành 12/03/2018.")
    card.locator("button[type=submit]").click()
    page.wait_for_selector(".messages")
    assert page.locator(".correction").count() == 0
    context.close()
    _fits_and_passes_axe(browser, live_server, "/du-lieu-ca-nhan/", citizen,
                         "#dossier-corrections tr[data-status='corrected']")  # fmt: skip
    assert dossier.notifications.filter(subject__contains="đính chính").count() == 2
