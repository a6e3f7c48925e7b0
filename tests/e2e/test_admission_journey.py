"""One admission journey in headless Chromium: a parent registers and applies with a click on
the map, the committee verifies and allocates, the parent accepts the offer and reads why."""

import re

import pytest
from django.contrib.auth.models import Permission, User

from accounts.models import StaffScope
from admissions.demo import round_ensure
from admissions.models import AdmissionRound, Application, Offer, RoundSchool
from gis.models import School

pytestmark = pytest.mark.usefixtures("hcmc_data")


@pytest.fixture
def open_round(hcmc_data):
    admission_round = round_ensure(school_year=2026, is_demo=False)
    RoundSchool.objects.bulk_create(
        RoundSchool(round=admission_round, school=s, classes=1)
        for s in School.objects.filter(level="primary", location__isnull=False)
    )
    return admission_round


@pytest.fixture
def committee_member(hcmc_data, open_round):
    user = User.objects.create_user("hoidong", password="hoi-dong-2026", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["review_application", "run_allocation"])
    )
    StaffScope.objects.create(user=user, round=open_round)  # this round's committee
    return user


def test_parent_applies_committee_allocates_parent_accepts(
    live_server, page, browser, open_round, committee_member, sms_outbox
):
    url = live_server.url
    # 1. The parent signs up with a mobile number, types the code from the SMS and lands on
    #    the form.
    page.goto(f"{url}/accounts/dang-ky/?next=/tuyen-sinh/nop-ho-so/")
    page.fill("#id_full_name", "Nguyễn Thị Lan")
    page.fill("#id_phone", "+84 912 345 678")
    page.fill("#id_password1", "mật-khẩu-dài-2026")
    page.fill("#id_password2", "mật-khẩu-dài-2026")
    page.click("button[type=submit]")
    page.wait_for_selector("#signup-sent")
    page.fill("#id_code", re.search(r"\b(\d{6})\b", sms_outbox[-1]["body"]).group(1))
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/tuyen-sinh/nop-ho-so/$"))

    # 2. The application: child, guardian, a click on the map, schools proposed from the pin.
    page.fill("#id_child_full_name", "Nguyễn Minh Anh")
    page.fill("#id_child_dob", "2020-03-14")
    page.select_option("#id_child_gender", "female")
    page.fill("#id_child_personal_id", "079320123456")
    page.fill("#id_guardian_full_name", "Nguyễn Thị Lan")
    page.fill("#id_guardian_personal_id", "079190654321")
    page.fill("#id_guardian_phone", "0912345678")
    page.select_option("#id_guardian_relationship", "mother")
    page.fill("#id_address_text", "12 Lê Lợi")
    page.select_option("#id_residence_type", "permanent")
    page.wait_for_selector("#pin-map[data-ready='1']")
    assert page.locator("#pin-map").get_attribute("data-wards-loaded") == "168"
    page.locator("#pin-map").scroll_into_view_if_needed()
    box = page.locator("#pin-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector("#pin-ward-name")
    ward_from_pin = page.locator("#pin-ward-name").inner_text()
    assert ward_from_pin.startswith(("Phường", "Xã"))
    assert page.locator("#suggestion-list li").count() == 5
    first_choice = page.input_value("#id_choice_1")
    assert first_choice == page.locator("#suggestion-list li").first.get_attribute("data-school")
    page.check("#id_consent")
    # A review step shows everything the committee will read before anything is submitted.
    page.click("#review-application")
    page.wait_for_selector("#review-page")
    summary = page.locator("#application-summary").inner_text()
    assert "079320123456" in summary and "12 Lê Lợi" in summary
    assert page.locator("#summary-schools li").count() == 5
    assert re.search(r"\d+,\d\d km", page.locator("#summary-schools li").first.inner_text())
    page.click("#confirm-submit")
    page.wait_for_selector("#tracking-code")
    tracking = page.locator("#tracking-code").inner_text()
    assert re.fullmatch(r"ADM-2026-\d{6}", tracking)
    assert page.locator("#application-status").get_attribute("data-status") == "submitted"
    assert page.locator("#status-ward").inner_text() == ward_from_pin
    application = Application.objects.get(tracking_code=tracking)
    assert application.applicant.profile.phone == "0912345678"
    assert str(application.ranked_choices[0].school_id) == first_choice

    # 3. The committee verifies, closes the window, allocates, reviews and publishes.
    staff_context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    staff = staff_context.new_page()
    staff.set_default_timeout(20_000)
    confirmations = []  # closing the window and publishing ask first (issue #8)
    staff.on("dialog", lambda d: (confirmations.append(d.message), d.accept()))
    staff.goto(f"{url}/accounts/dang-nhap/?next=/tuyen-sinh/hoi-dong/")
    staff.fill("#id_username", "hoidong")
    staff.fill("#id_password", "hoi-dong-2026")
    staff.click("button[type=submit]")
    staff.wait_for_selector("#queue")
    staff.click(f"#queue tr[data-code='{tracking}'] a")
    staff.wait_for_selector("#pin-map[data-ready='1']")
    staff.select_option("#id_to", "verified")
    staff.click("#decide")
    staff.wait_for_selector("#staff-status[data-status='verified']")
    staff.goto(f"{url}/tuyen-sinh/hoi-dong/dot/?round=2026")
    staff.click("#close-round")
    staff.wait_for_selector("#run-allocation")
    # Closing fixed the round's lottery seed; the form proposes it (the only publishable one).
    round_seed = AdmissionRound.objects.get(school_year=2026).lottery_seed
    assert round_seed is not None
    assert staff.input_value("#id_seed") == str(round_seed)
    staff.click("#run-allocation")
    staff.wait_for_selector("#check-verdict")
    assert staff.locator("#check-verdict").get_attribute("data-passed") == "1"
    assert staff.locator("#stat-placed").inner_text() == "1"
    staff.click("#review-run")
    staff.click("#publish-run")  # opens the dialog saying publication cannot be undone
    assert "cannot be undone" in staff.locator("#publish-dialog").inner_text() or (
        "không thể hoàn tác" in staff.locator("#publish-dialog").inner_text()
    )
    staff.click("#publish-confirm")
    staff.wait_for_selector("#run-status[data-status='published']")
    assert len(confirmations) == 1 and "hoàn tác" in confirmations[0]  # closing the window
    staff_context.close()

    # 4. The parent sees the offer, accepts it and reads the explanation.
    page.goto(f"{url}/tuyen-sinh/ho-so/{application.uuid}/")
    assert page.locator("#application-status").get_attribute("data-status") == "offered"
    offer = Offer.objects.get(application=application)
    assert str(offer.school_id) == first_choice
    assert offer.school.name in page.locator("#offer h2").inner_text()
    page.click("#accept-offer")
    page.wait_for_selector("#application-status[data-status='accepted']")
    explanation = page.locator("#explanation-text").inner_text()
    assert explanation.startswith(f"Con được xếp vào nguyện vọng 1: {offer.school.name}.")
    assert "Đối tượng ưu tiên của con: không thuộc đối tượng ưu tiên." in explanation
    assert f"hạt giống công khai {round_seed}" in explanation
    history = page.locator("#history li").evaluate_all("els => els.map(e => e.dataset.to)")
    assert history == ["accepted", "offered", "verified", "submitted", "draft"]
    with page.expect_download() as download:
        page.click("#explanation-pdf")
    assert download.value.suggested_filename == f"{tracking}.pdf"
    offer.refresh_from_db()
    assert offer.status == "accepted"
