"""Issue #8 in headless Chromium, on a phone (390×844) and two desktops (1366×768, 1280×720),
in Vietnamese and English: the public map fits (search button visible, map above the fold,
boundaries selector readable, credits on one line), the chosen ward stands out, the map popup
and the form show the same seats, the parent's pages (form, review, status) and the committee's
pages (queue, round, run) pass axe, confirmations and "choose first" messages appear."""

import re
from datetime import date

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from accounts.services import parent_register
from admissions.demo import round_ensure
from admissions.models import AllocationRun, RoundSchool
from admissions.services import (
    ApplicationInput,
    allocation_run_create,
    allocation_run_execute,
    application_create,
    application_transition,
    round_close,
)
from gis.models import School
from tests.e2e.axe import axe_violations

pytestmark = pytest.mark.usefixtures("hcmc_data")

VIEWPORTS = [(390, 844), (1366, 768), (1280, 720)]
LANGUAGES = [("vi", "vi-VN"), ("en", "en-GB")]


def _context(browser, live_server, *, size, lang, user=None, **extra):
    width, height = size
    context = browser.new_context(
        locale=lang[1], viewport={"width": width, "height": height}, **extra
    )
    host = live_server.url.split("//")[1].split(":")[0]
    context.add_cookies([{"name": "django_language", "value": lang[0], "domain": host,
                          "path": "/"}])  # fmt: skip
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                              "domain": host, "path": "/"}])  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(30_000)
    return context, page


def _child(name, dob, gender, child_id, schools) -> ApplicationInput:
    return ApplicationInput(
        child_full_name=name,
        child_dob=dob,
        child_gender=gender,
        child_personal_id=child_id,
        guardian_full_name="Trần Thị Mai",
        guardian_personal_id="079190333444",
        guardian_phone="0933444555",
        guardian_relationship="mother",
        address_text="5 Nguyễn Huệ",
        lat=10.7745,
        lon=106.7030,
        residence_type="permanent",
        choices=[s.pk for s in schools],
        consent=True,
    )


def _inside(box, width, height) -> bool:
    return (
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= width + 0.5
        and box["y"] + box["height"] <= height + 0.5
    )


# --------------------------------------------------------------------------- public map


def test_public_map_fits_every_screen_in_both_languages(live_server, browser):
    for size in VIEWPORTS:
        for lang in LANGUAGES:
            context, page = _context(browser, live_server, size=size, lang=lang)
            page.goto(live_server.url + "/")
            page.wait_for_selector("#map[data-ready='1']")
            width, height = size
            where = f"{size} {lang[0]}"
            button = page.locator("#nearest-submit").bounding_box()
            the_map = page.locator("#map").bounding_box()
            if width >= 1000:
                # The search button is fully visible without scrolling, the map fills the rest.
                assert _inside(button, width, height), where
                assert the_map["y"] + the_map["height"] <= height + 0.5, where
            else:
                # On a phone the map starts above the fold with a good part of it visible.
                assert the_map["y"] + 250 <= height, where
            # The boundaries selector shows its whole label (not "2025 (chính quyề…").
            cut = page.evaluate(
                """() => { const s = document.getElementById("vintage");
                  const c = document.createElement("canvas").getContext("2d");
                  const st = getComputedStyle(s); c.font = `${st.fontSize} ${st.fontFamily}`;
                  const text = s.options[s.selectedIndex].text;
                  return c.measureText(text).width > s.clientWidth - 40; }"""
            )
            assert not cut, where
            label = page.locator("#vintage option:checked").inner_text()
            assert ("chính quyền" in label) == (lang[0] == "vi"), where
            # The credits stay on one line and the page's credits never cover the map.
            credits = page.locator(".leaflet-control-attribution").bounding_box()
            assert credits["height"] <= 22, where
            footer = page.locator(".site-footer").bounding_box()
            assert footer["y"] >= the_map["y"] + the_map["height"] - 0.5, where
            assert axe_violations(page) == [], where
            context.close()


def test_the_chosen_ward_stands_out_and_the_popup_shows_the_round_seats(live_server, browser):
    round_ = round_ensure(school_year=2026, is_demo=False)
    school = School.objects.filter(level="primary", location__isnull=False).first()
    RoundSchool.objects.create(round=round_, school=school, classes=3)  # 3 × 35 = 105 seats
    context, page = _context(browser, live_server, size=(1366, 768), lang=LANGUAGES[0])
    page.goto(live_server.url + "/")
    page.wait_for_selector("#map[data-ready='1']")
    code = page.locator("#ward option").nth(5).get_attribute("value")
    page.select_option("#ward", code)
    page.wait_for_function(f"() => document.getElementById('map').dataset.chosenWard === '{code}'")
    weights = page.evaluate(
        """(code) => { const out = {}; portalLayers.wards.eachLayer((l) => {
             out[l.feature.properties.code] = l.options.weight; }); return out; }""",
        code,
    )
    assert weights[code] == 3 and {w for c, w in weights.items() if c != code} == {1}
    page.select_option("#ward", "")
    page.wait_for_function(
        "(code) => portalLayers.schools.getLayers().some((m) => m.feature.id === code)",
        arg=school.code,
    )
    text = page.evaluate(
        """(code) => {
             const wanted = portalLayers.schools.getLayers().find((m) => m.feature.id === code);
             const content = wanted.getPopup().getContent();
             const div = document.createElement("div");
             div.innerHTML = typeof content === "function" ? content(wanted) : content;
             return div.querySelector(".popup-seats").textContent;
           }""",
        school.code,
    )
    assert text.endswith(": 105") and "2026–2027" in text
    context.close()


# --------------------------------------------------------------------------- parents


def test_parent_pages_pass_axe_and_help_to_place_the_pin(live_server, browser):
    round_ = round_ensure(school_year=2026, is_demo=False)
    RoundSchool.objects.bulk_create(
        RoundSchool(round=round_, school=s, classes=1)
        for s in School.objects.filter(level="primary", location__isnull=False)
    )
    parent = parent_register(full_name="Trần Thị Mai", password="mật-khẩu-dài-2026",
                             phone="0933444555")  # fmt: skip
    for size in VIEWPORTS:
        for lang in LANGUAGES:
            where = f"{size} {lang[0]}"
            context, page = _context(
                browser,
                live_server,
                size=size,
                lang=lang,
                user=parent,
                geolocation={"latitude": 10.7725, "longitude": 106.6980},
                permissions=["geolocation"],
            )
            page.goto(live_server.url + "/tuyen-sinh/nop-ho-so/")
            page.wait_for_selector("#pin-map[data-ready='1']")
            # An empty form: every missing field at once, each beside its field.
            page.click("#review-application")
            page.wait_for_selector("#field-child_full_name .errorlist")
            for field in ("child_dob", "guardian_full_name", "address_text", "residence_type"):
                assert page.locator(f"#field-{field} .errorlist").count() == 1, (where, field)
            assert page.locator("#location-errors").count() == 1
            assert axe_violations(page) == [], where
            page.wait_for_selector("#pin-map[data-ready='1']")
            # The ward picker zooms the pin map there.
            ward = page.locator("#id_ward_code option").nth(3).get_attribute("value")
            page.select_option("#id_ward_code", ward)
            page.wait_for_function(
                f"() => document.getElementById('pin-map').dataset.zoomedWard === '{ward}'"
            )
            # "Use my location" puts the pin at the phone's position and proposes schools.
            page.click("#use-my-location")
            page.wait_for_selector("#suggestion-list li")
            assert page.input_value("#id_lat").startswith("10.772")
            first = page.locator("#suggestion-list li .distance").first.inner_text()
            decimal = "," if lang[0] == "vi" else "."
            assert re.fullmatch(rf"\d+\{decimal}\d\d km( .+)?", first), (where, first)
            context.close()


def test_status_page_passes_axe_and_asks_before_withdrawing(live_server, browser):
    round_ = round_ensure(school_year=2026, is_demo=False)
    schools = list(School.objects.filter(level="primary", location__isnull=False)[:20])
    RoundSchool.objects.bulk_create(RoundSchool(round=round_, school=s, classes=1) for s in schools)
    parent = parent_register(full_name="Trần Thị Mai", password="mật-khẩu-dài-2026",
                             phone="0933444555")  # fmt: skip
    app, _ = application_create(
        admission_round=round_,
        applicant=parent,
        data=_child("Trần Minh Khôi", date(2020, 5, 1), "male", "079220111222", schools[:2]),
        submit=True,
    )
    for size in VIEWPORTS:
        for lang in LANGUAGES:
            where = f"{size} {lang[0]}"
            context, page = _context(browser, live_server, size=size, lang=lang, user=parent)
            page.goto(f"{live_server.url}/tuyen-sinh/ho-so/{app.uuid}/")
            page.wait_for_selector("#application-summary")
            assert page.locator("#summary-schools li").count() == 2
            assert axe_violations(page) == [], where
            asked = []
            page.once("dialog", lambda d, asked=asked: (asked.append(d.message), d.dismiss()))
            page.click("#withdraw")
            page.wait_for_timeout(200)
            assert asked and ("hoàn tác" in asked[0] or "undone" in asked[0]), where
            context.close()
    app.refresh_from_db()
    assert app.status == "submitted"  # dismissing the confirmation sent nothing


# --------------------------------------------------------------------------- committee


def test_committee_pages_pass_axe_and_ask_to_choose(live_server, browser):
    round_ = round_ensure(school_year=2026, is_demo=False)
    schools = list(School.objects.filter(level="primary", location__isnull=False)[:20])
    RoundSchool.objects.bulk_create(RoundSchool(round=round_, school=s, classes=1) for s in schools)
    parent = parent_register(full_name="Trần Thị Mai", password="mật-khẩu-dài-2026",
                             phone="0933444555")  # fmt: skip
    staff = User.objects.create_user("hoidong", password="x", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["review_application", "run_allocation", "view_all_records"]
        )
    )
    staff = User.objects.get(pk=staff.pk)
    app, _ = application_create(
        admission_round=round_,
        applicant=parent,
        data=_child("Trần Minh Khôi", date(2020, 5, 1), "male", "079220111222", schools[:2]),
        submit=True,
    )
    other, _ = application_create(
        admission_round=round_,
        applicant=parent,
        data=_child("Trần Minh An", date(2020, 6, 1), "female", "079320111333", schools[:2]),
        submit=True,
    )
    application_transition(application=app, to="verified", actor=staff)
    closed = round_close(admission_round=round_, lottery_seed=9)
    simulation = allocation_run_create(
        admission_round=closed, mechanism="da", seed=1234567890123456789
    )
    allocation_run_execute(run=simulation)
    for size in VIEWPORTS:
        for lang in LANGUAGES:
            where = f"{size} {lang[0]}"
            context, page = _context(browser, live_server, size=size, lang=lang, user=staff)
            page.goto(f"{live_server.url}/tuyen-sinh/hoi-dong/?round=2026")
            page.wait_for_selector("#queue")
            assert page.locator("#open-tickets").count() == 1
            assert axe_violations(page) == [], where
            # Verifying with nothing ticked asks to choose and sends nothing.
            page.click("#bulk-verify")
            page.wait_for_selector("#choose-first:not([hidden])")
            assert page.url.endswith("?round=2026")
            page.goto(f"{live_server.url}/tuyen-sinh/hoi-dong/dot/?round=2026")
            page.wait_for_selector("#runs")
            seed = page.locator("#id_seed")
            page.fill("#id_seed", "1234567890123456789")
            box = seed.bounding_box()
            text_width = page.evaluate(
                """() => { const s = document.getElementById("id_seed");
                  const c = document.createElement("canvas").getContext("2d");
                  const st = getComputedStyle(s); c.font = `${st.fontSize} ${st.fontFamily}`;
                  return c.measureText(s.value).width; }"""
            )
            assert box["width"] >= text_width + 16, where  # all 19 digits readable
            assert axe_violations(page) == [], where
            # Comparing with nothing chosen: a message on this page, not a 404.
            page.click("#compare-form button[type=submit]")
            page.wait_for_selector(".messages .error")
            assert "/hoi-dong/dot/" in page.url
            page.goto(f"{live_server.url}/tuyen-sinh/hoi-dong/lan-chay/{simulation.uuid}/")
            page.wait_for_selector("#run-simulation")
            assert page.locator("#publish-run, #review-run").count() == 0
            assert page.locator("#run-timings tr").count() >= 2
            assert axe_violations(page) == [], where
            page.goto(f"{live_server.url}/tuyen-sinh/hoi-dong/ho-so/{other.uuid}/")
            page.wait_for_selector("#staff-status")
            assert "Trần Thị Mai" in page.locator(".history").inner_text()
            assert axe_violations(page) == [], where
            context.close()


def test_run_progress_shows_and_survives_leaving_the_page(live_server, browser):
    round_ = round_ensure(school_year=2026, is_demo=False)
    schools = list(School.objects.filter(level="primary", location__isnull=False)[:20])
    RoundSchool.objects.bulk_create(RoundSchool(round=round_, school=s, classes=1) for s in schools)
    parent = parent_register(full_name="Trần Thị Mai", password="mật-khẩu-dài-2026",
                             phone="0933444555")  # fmt: skip
    staff = User.objects.create_user("hoidong", password="x", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["run_allocation", "view_all_records"])
    )
    staff = User.objects.get(pk=staff.pk)
    app, _ = application_create(
        admission_round=round_,
        applicant=parent,
        data=_child("Trần Minh Khôi", date(2020, 5, 1), "male", "079220111222", schools[:2]),
        submit=True,
    )
    application_transition(application=app, to="verified", actor=staff_reviewer())
    run = allocation_run_create(
        admission_round=round_close(admission_round=round_, lottery_seed=9), mechanism="da"
    )
    AllocationRun.objects.filter(pk=run.pk).update(progress=20, progress_message="solving")
    for size in ((390, 844), (1366, 768)):
        context, page = _context(browser, live_server, size=size, lang=LANGUAGES[0], user=staff)
        page.goto(f"{live_server.url}/tuyen-sinh/hoi-dong/lan-chay/{run.uuid}/")
        page.wait_for_selector("#run-progress[aria-valuenow='20']")
        assert "Đang phân chỗ học" in page.locator("#run-progress-message").inner_text()
        assert axe_violations(page) == []
        # Leave for the list of runs: the running run is listed with its progress and a link.
        page.goto(f"{live_server.url}/tuyen-sinh/hoi-dong/dot/?round=2026")
        page.click(f"#runs tr[data-run='{run.uuid}'] .run-progress-link")
        page.wait_for_selector("#run-progress")
        context.close()
    # The worker finishes while a page watches: the page shows the result by itself.
    context, page = _context(browser, live_server, size=(1280, 720), lang=LANGUAGES[1], user=staff)
    page.goto(f"{live_server.url}/tuyen-sinh/hoi-dong/lan-chay/{run.uuid}/")
    page.wait_for_selector("#run-progress")
    allocation_run_execute(run=AllocationRun.objects.get(pk=run.pk))
    page.wait_for_selector("#check-verdict", timeout=30_000)
    assert page.locator("#run-progress").count() == 0
    context.close()


def staff_reviewer():
    user = User.objects.create_user("xetduyet", password="x", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["review_application", "view_all_records"])
    )
    return User.objects.get(pk=user.pk)
