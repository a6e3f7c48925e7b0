"""The application form in a round that measures distance by walking: a pin in District 7
lists the proposed schools with the walking distance and the straight line next to it (the
numbers the allocation uses), and the page stays accessible (axe-core, 0 violations)."""

import pytest
from django.conf import settings as django_settings
from django.test import Client

from accounts.services import parent_register
from admissions.demo import round_ensure
from admissions.models import RoundSchool
from gis.geometry import make_point
from gis.models import School
from gis.selectors import school_nearest_by_road

from .axe import axe_violations
from .test_public_map import shown_km

pytestmark = pytest.mark.usefixtures("hcmc_data")
TAN_PHONG = (10.7320, 106.7215)


def click_on(page, map_name: str, selector: str, lat: float, lon: float) -> None:
    x, y = page.evaluate(
        f"([lat, lon]) => {{ const p = {map_name}.latLngToContainerPoint([lat, lon]);"
        " return [p.x, p.y]; }",
        [lat, lon],
    )
    page.locator(selector).click(position={"x": x, "y": y})


@pytest.fixture
def walking_round(hcmc_data):
    admission_round = round_ensure(school_year=2026, is_demo=False)
    admission_round.distance_metric = "walking"
    admission_round.save(update_fields=["distance_metric"])
    RoundSchool.objects.bulk_create(
        RoundSchool(round=admission_round, school=s, classes=1)
        for s in School.objects.filter(level="primary", location__isnull=False)
    )
    return admission_round


def test_a_pin_in_district_7_shows_the_walking_and_the_straight_distance(
    live_server, page, walking_round
):
    parent = parent_register(full_name="Nguyễn Thị Lan", password="mật-khẩu-dài-2026",
                             phone="0912345678")  # fmt: skip
    client = Client()
    client.force_login(parent)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page.goto(f"{live_server.url}/tuyen-sinh/nop-ho-so/")
    page.wait_for_selector("#pin-map[data-ready='1']")
    page.locator("#pin-map").scroll_into_view_if_needed()
    page.evaluate("([lat, lon]) => { pinMap.setView([lat, lon], 15); }", list(TAN_PHONG))
    click_on(page, "pinMap", "#pin-map", *TAN_PHONG)
    page.wait_for_selector("#suggestion-list li")
    lat, lon = float(page.input_value("#id_lat")), float(page.input_value("#id_lon"))
    expected = school_nearest_by_road(point=make_point(lon=lon, lat=lat), k=5, metric="walking")
    items = page.locator("#suggestion-list li")
    assert items.count() == 5
    for item, near in zip(items.all(), expected.results, strict=True):
        assert item.get_attribute("data-school") == str(near.school.pk)
        road = item.locator(".distance.road").inner_text()
        straight = item.locator(".distance.straight").inner_text()
        assert "đi bộ theo đường" in road and "đường chim bay" in straight
        assert shown_km(road) == pytest.approx(near.road_distance_m / 1000, abs=0.006)
        assert shown_km(straight) == pytest.approx(near.distance_m / 1000, abs=0.006)
    assert page.locator("#distance-fallback").count() == 0
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 1366, "height": 768})
    assert axe_violations(page) == []
