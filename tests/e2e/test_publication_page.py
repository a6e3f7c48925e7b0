"""The committee's run page around publication, in headless Chromium on a phone and a laptop,
in Vietnamese and English: the publish button opens a dialog saying publication cannot be undone,
the page shows the background job's progress, and both pass axe-core (ADR 0020)."""

import pytest
from django.contrib.auth.models import Permission, User

from admissions.demo import generate_demo_round
from admissions.models import RoundSchool
from admissions.services import (
    allocation_run_create,
    allocation_run_execute,
    allocation_run_review,
    round_close,
)
from admissions.services.publication import allocation_run_publish_request
from tests.e2e.axe import axe_violations

pytestmark = pytest.mark.usefixtures("hcmc_data")

SIZES = [(390, 844), (1366, 768)]
LANGUAGES = [("vi-VN", "không thể hoàn tác"), ("en-US", "cannot be undone")]


@pytest.fixture
def reviewed_run(transactional_db):
    summary = generate_demo_round(school_year=2035, children=60, seed=8)
    RoundSchool.objects.filter(round=summary.round).update(classes=0, seats_override=2)
    round_ = round_close(admission_round=summary.round, lottery_seed=99)
    run = allocation_run_create(admission_round=round_, mechanism="da")
    allocation_run_execute(run=run)
    user = User.objects.create_user("hoidong-cb", password="hoi-dong-2026", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["run_allocation", "view_all_records"])
    )
    allocation_run_review(run=run, actor=user)
    run.refresh_from_db()
    return run


def _login(browser, url, locale, size):
    context = browser.new_context(locale=locale, viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{url}/accounts/dang-nhap/?next=/tuyen-sinh/hoi-dong/dot/")
    page.fill("#id_username", "hoidong-cb")
    page.fill("#id_password", "hoi-dong-2026")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return context, page


def test_publish_dialog_and_progress_pass_axe(live_server, browser, reviewed_run):
    run_url = f"{live_server.url}/tuyen-sinh/hoi-dong/lan-chay/{reviewed_run.uuid}/"
    for locale, warning in LANGUAGES:
        for size in SIZES:
            context, page = _login(browser, live_server.url, locale, size)
            page.goto(run_url)
            page.click("#publish-run")
            dialog = page.locator("#publish-dialog")
            assert dialog.is_visible() and warning in dialog.inner_text()
            assert axe_violations(page) == [], (locale, size)
            page.click("#publish-cancel")
            assert not dialog.is_visible()
            context.close()
    allocation_run_publish_request(run=reviewed_run, actor=None)  # the job has not run yet
    for locale, _warning in LANGUAGES:
        for size in SIZES:
            context, page = _login(browser, live_server.url, locale, size)
            page.goto(run_url)
            assert page.locator("#run-status").get_attribute("data-status") == "publishing"
            assert page.locator("#run-progress").is_visible()
            assert page.locator("#publishing-note").is_visible()
            assert axe_violations(page) == [], (locale, size)
            assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
            context.close()
