"""The public audit page in headless Chromium, on a phone and on a laptop: a published run's
seed and fingerprints are shown, its input downloads, and the page passes axe-core."""

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from admissions.demo import generate_demo_round
from admissions.models import RoundSchool
from admissions.services import (
    allocation_run_create,
    allocation_run_execute,
    allocation_run_publish,
    allocation_run_review,
    round_close,
)
from tests.e2e.axe import axe_violations

pytestmark = pytest.mark.usefixtures("hcmc_data")


@pytest.fixture
def published_run(transactional_db):
    summary = generate_demo_round(school_year=2033, children=80, seed=5)
    RoundSchool.objects.filter(round=summary.round).update(classes=0, seats_override=2)
    round_ = round_close(admission_round=summary.round, lottery_seed=4242)
    run = allocation_run_create(admission_round=round_, mechanism="nearest")
    allocation_run_execute(run=run)
    committee = User.objects.create_user("kiemchung")
    allocation_run_review(run=run, actor=committee)
    allocation_run_publish(run=run, actor=committee)
    run.refresh_from_db()
    return run


@pytest.mark.parametrize("viewport", [(390, 844), (1280, 720)], ids=["phone", "laptop"])
def test_anyone_reads_the_fingerprints_and_downloads_the_input(
    live_server, browser, published_run, viewport
):
    width, height = viewport
    context = browser.new_context(
        locale="vi-VN", viewport={"width": width, "height": height}, accept_downloads=True
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/tuyen-sinh/kiem-chung/")
    assert page.locator("h1").inner_text() == "Tự kiểm chứng kết quả phân tuyến"
    run = page.locator(".audit-run")
    assert run.locator(".audit-seed").inner_text() == "4242"
    assert run.locator(".audit-input-sha256").inner_text() == published_run.input_sha256
    assert run.locator(".audit-result-sha256").inner_text() == published_run.result_sha256
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []

    with page.expect_download() as download:
        run.locator("a[href$='/input/']").click()
    data = Path(download.value.path()).read_bytes()
    public = json.loads(data)  # the public input names the complete input's hash (ADR 26)
    assert public["format"] == "nearest-public"
    assert public["input_sha256"] == published_run.input_sha256
    context.close()
