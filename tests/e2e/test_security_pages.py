"""The Content-Security-Policy in a real browser, and the new pages' accessibility (ADR 0019).

Pages that used inline scripts (the language menu, withdraw confirmations, the application
form's texts, the allocation-run progress) and the new pages (personal data, second-factor
enrolment, recovery codes, verification) load with the policy and produce no CSP violation in
the console; axe-core finds 0 WCAG 2 A/AA violations on the new pages at phone and laptop
sizes, in Vietnamese and English."""

from __future__ import annotations

import base64

import pytest
from django.contrib.auth.models import Permission, User
from django_otp.oath import totp

from accounts.services import parent_register
from admissions.demo import round_ensure
from admissions.models import AllocationRun, RoundSchool
from gis.models import School
from tests.e2e.axe import axe_violations

pytestmark = pytest.mark.usefixtures("hcmc_data")
SIZES = [{"width": 390, "height": 844}, {"width": 1366, "height": 768}]


@pytest.fixture
def otp_required(settings):
    settings.STAFF_OTP_REQUIRED = True


@pytest.fixture
def open_round(hcmc_data):
    admission_round = round_ensure(school_year=2026, is_demo=False)
    RoundSchool.objects.bulk_create(
        RoundSchool(round=admission_round, school=s, classes=1)
        for s in School.objects.filter(level="primary", location__isnull=False)
    )
    return admission_round


def _watch(page) -> list[str]:
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if "Content Security Policy" in m.text or "Refused to" in m.text
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def _log_in(page, url, username, password, next_url):
    page.goto(f"{url}/accounts/dang-nhap/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form.card button[type=submit]").click()
    page.wait_for_load_state()


def _totp_now(secret: str) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key, step=30, t0=0, digits=6, drift=0):06d}"


def _axe_everywhere(browser, url: str, storage_state) -> None:
    for size in SIZES:
        for locale, lang in (("vi-VN", "vi"), ("en-GB", "en")):
            context = browser.new_context(locale=locale, viewport=size, storage_state=storage_state)
            context.add_cookies([{"name": "django_language", "value": lang, "url": url}])
            page = context.new_page()
            page.goto(url)
            assert axe_violations(page) == [], (url, size, lang)
            context.close()


def test_pages_keep_the_content_security_policy(
    live_server, page, browser, open_round, otp_required
):
    url = live_server.url
    problems = _watch(page)
    parent_register(full_name="Lê Thị Mai", password="mật-khẩu-dài-2026", phone="0911222333")
    response = page.goto(f"{url}/")
    policy = response.headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"].startswith("'self'")  # plus a nonce when a page uses one
    assert "unsafe-inline" not in directives["script-src"]
    assert directives["object-src"] == "'none'"
    page.wait_for_selector(".leaflet-container")
    _log_in(page, url, "0911222333", "mật-khẩu-dài-2026", "/tuyen-sinh/nop-ho-so/")
    page.wait_for_selector("#id_child_full_name")
    page.locator(".leaflet-container").first.click()  # the pin map runs under the policy
    page.goto(f"{url}/du-lieu-ca-nhan/")
    page.wait_for_selector("#download-pdf")
    with page.expect_navigation():  # the menu submits itself (site.js)
        page.select_option("select[name=language]", "en")
    page.wait_for_selector("html[lang=en]")
    assert page.locator("h1").inner_text() == "My personal data"
    _axe_everywhere(browser, f"{url}/du-lieu-ca-nhan/", page.context.storage_state())
    assert problems == []


def test_staff_enrol_a_second_factor_and_staff_pages_keep_the_policy(
    live_server, page, browser, open_round, otp_required
):
    url = live_server.url
    problems = _watch(page)
    user = User.objects.create_user("hoidong-csp", password="hoi-dong-2026", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["review_application", "run_allocation", "view_all_records"]
        )
    )
    run = AllocationRun.objects.create(round=open_round, mechanism="da", seed=1)
    _log_in(page, url, "hoidong-csp", "hoi-dong-2026", f"/tuyen-sinh/hoi-dong/lan-chay/{run.uuid}/")
    assert "/accounts/xac-thuc-2-buoc/dang-ky/" in page.url
    assert page.locator("#otp-qr svg").count() == 1
    _axe_everywhere(browser, page.url, page.context.storage_state())
    page.fill("#id_token", _totp_now(page.locator("#otp-secret").inner_text()))
    page.locator("form.card button[type=submit]").click()
    page.wait_for_selector("#recovery-codes")
    assert page.locator("#recovery-codes li").count() == 10
    assert axe_violations(page) == []
    page.locator("#otp-continue").click()
    page.wait_for_selector("#run-progress")  # run-progress.js polls under the policy
    page.wait_for_timeout(1500)
    page.goto(f"{url}/api/docs/")
    page.wait_for_selector("#swagger-ui .info", timeout=30_000)
    # A new log-in asks for the code again.
    page.context.clear_cookies()
    _log_in(page, url, "hoidong-csp", "hoi-dong-2026", "/tuyen-sinh/hoi-dong/")
    assert "/accounts/xac-thuc-2-buoc/?next=" in page.url
    _axe_everywhere(browser, page.url, page.context.storage_state())
    assert problems == []
