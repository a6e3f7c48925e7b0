"""The committee's map of a round in headless Chromium (issue #8): a committee member opens it on
a phone and a desktop, in Vietnamese and English, sees the clustered residences, filters by ward,
clicks one child's pin and lands on the application; the page passes axe (WCAG 2 A/AA). The
public map draws the same demand only as the API's hexagons of ten or more."""

import math
from collections import Counter

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client

from admissions.demo import generate_demo_round
from admissions.models import AdmissionRound, Application
from admissions.services import (
    allocation_run_create,
    allocation_run_execute,
    round_close,
)
from gis.geometry import make_point
from tests.e2e.axe import axe_violations

pytestmark = pytest.mark.usefixtures("hcmc_data")
YEAR = 2026
CHILDREN = 300


@pytest.fixture
def mapped_round(hcmc_data):
    generate_demo_round(school_year=YEAR, children=CHILDREN, seed=26)
    admission_round = round_close(
        admission_round=AdmissionRound.objects.get(school_year=YEAR), lottery_seed=26
    )
    allocation_run_execute(
        run=allocation_run_create(admission_round=admission_round, mechanism="da")
    )
    committee = Group.objects.create(name="Hội đồng tuyển sinh 2026")
    AdmissionRound.objects.filter(pk=admission_round.pk).update(committee=committee)
    user = User.objects.create_user("hoidong", password="hoi-dong-2026", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename="review_application"))
    user.groups.add(committee)
    return admission_round


def loneliest(apps):
    """The child whose nearest neighbour is farthest away: a single pin at street zoom."""
    pts = [(a, a.residence_point.x, a.residence_point.y) for a in apps]

    def gap(p):
        return min(math.hypot(p[1] - q[1], p[2] - q[2]) for q in pts if q[0] is not p[0])

    return max(pts, key=gap)


def wait_loaded(page):
    page.wait_for_function(
        "() => { const m = document.getElementById('map');"
        " return m.dataset.ready === '1' && m.dataset.loading === '0'; }"
    )


@pytest.mark.parametrize(
    ("lang", "viewport"),
    [("vi-VN", (390, 844)), ("en-GB", (390, 844)), ("vi-VN", (1366, 768)), ("en-GB", (1366, 768))],
)
def test_committee_filters_the_map_and_opens_a_childs_application(
    live_server, browser, mapped_round, lang, viewport
):
    width, height = viewport
    context = browser.new_context(locale=lang, viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(30_000)
    map_url = f"/tuyen-sinh/hoi-dong/{YEAR}/ban-do/"
    page.goto(f"{live_server.url}/accounts/dang-nhap/?next={map_url}")
    page.fill("#id_username", "hoidong")
    page.fill("#id_password", "hoi-dong-2026")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**{map_url}")
    wait_loaded(page)
    expected_lang = "vi" if lang.startswith("vi") else "en"
    assert page.locator("html").get_attribute("lang") == expected_lang
    title = page.locator("h1").inner_text()
    assert title.startswith(
        "Bản đồ đợt tuyển sinh" if expected_lang == "vi" else "Map of the round"
    )

    # Every child is on the map, in clusters rather than one marker each.
    apps = list(Application.objects.filter(round=mapped_round))
    map_el = page.locator("#map")
    assert int(map_el.get_attribute("data-total")) == CHILDREN == len(apps)
    clusters = int(map_el.get_attribute("data-clusters"))
    assert 0 < clusters < CHILDREN
    assert page.locator(".rm-cluster").count() + page.locator(".rm-pin").count() == clusters
    assert axe_violations(page) == []

    # Filter by the ward with most children: the total is that ward's.
    ward_id, in_ward = Counter(a.ward_id for a in apps).most_common(1)[0]
    page.select_option("#rm-ward", str(ward_id))
    page.wait_for_function(
        f"() => document.getElementById('map').dataset.total === '{in_ward}'"
        " && document.getElementById('map').dataset.loading === '0'"
    )
    page.select_option("#rm-ward", "")

    # Street zoom on one child: a click on the pin opens the application.
    child, lon, lat = loneliest(apps)
    page.evaluate(f"() => {{ roundMap.setView([{lat}, {lon}], 17, {{animate: false}}); }}")
    pin = page.locator(f".rm-pin[data-uuid='{child.uuid}']")
    pin.wait_for()
    assert axe_violations(page) == []
    pin.click()
    page.wait_for_url(f"**/tuyen-sinh/hoi-dong/ho-so/{child.uuid}/")
    assert child.tracking_code in page.content()
    context.close()


@pytest.mark.parametrize("viewport", [(390, 844), (1366, 768)])
def test_the_public_map_shows_demand_only_as_hexagons(live_server, browser, mapped_round, viewport):
    # Twelve neighbours: exactly the cells the API publishes are drawn, nothing finer.
    for n, a in enumerate(Application.objects.filter(round=mapped_round).order_by("pk")[:12]):
        a.residence_point = make_point(lon=106.6980 + n * 0.0001, lat=10.7725)
        a.save(update_fields=["residence_point"])
    published = Client().get("/api/v1/demand/").json()["features"]
    assert published and all(f["properties"]["children"] >= 10 for f in published)
    width, height = viewport
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(live_server.url + "/")
    page.wait_for_selector("#map[data-ready='1']")
    page.check("#show-demand")
    page.wait_for_selector(f"#map[data-demand-cells='{len(published)}']")
    assert axe_violations(page) == []
    context.close()
