"""The public map in headless Chromium: a click on the map lists the nearest schools."""

import pytest
from pyproj import Geod

from gis.geometry import make_point
from gis.selectors import school_nearest, school_nearest_by_road
from tests.e2e.axe import axe_violations

pytestmark = pytest.mark.usefixtures("hcmc_data")


def test_click_on_the_map_lists_the_nearest_schools(live_server, page):
    page.goto(live_server.url + "/")
    page.wait_for_selector("#map[data-ready='1']")
    assert page.locator("#map").get_attribute("data-wards-loaded") == "168"
    assert int(page.locator("#map").get_attribute("data-schools-loaded")) >= 59

    # Click a spot of Bình Chánh away from any marker, then compare with an independent
    # geodesic computation.
    page.select_option("#metric", "straight")
    x, y = page.evaluate(
        "() => { const p = portalMap.latLngToContainerPoint([10.735, 106.585]);"
        " return [p.x, p.y]; }"
    )
    page.locator("#map").click(position={"x": x, "y": y})
    page.wait_for_selector("#nearest-results li")
    lat = float(page.input_value("#lat"))
    lon = float(page.input_value("#lon"))
    items = page.locator("#nearest-results li")
    assert items.count() == 5
    expected = school_nearest(point=make_point(lon=lon, lat=lat), k=5)
    geod = Geod(ellps="WGS84")
    for item, near in zip(items.all(), expected, strict=True):
        assert item.get_attribute("data-code") == near.school.code
        _, _, metres = geod.inv(lon, lat, near.school.location.x, near.school.location.y)
        assert abs(float(item.get_attribute("data-distance-m")) - metres) < 0.5
        shown_km = item.locator(".distance.straight").inner_text()
        assert shown_km.replace(",", ".").split()[0] == f"{metres / 1000:.2f}"  # "2,37 km"
    assert page.locator("#result-ward").inner_text().startswith(("Phường", "Xã", "Đặc khu"))


def test_typed_coordinates_outside_the_city_show_a_clear_message(live_server, page):
    page.goto(live_server.url + "/")
    page.wait_for_selector("#map[data-ready='1']")
    page.fill("#lat", "21.0285")
    page.fill("#lon", "105.8542")
    page.click("button[form='nearest-form']")
    page.wait_for_selector("#nearest-results .errorlist")
    assert "Hồ Chí Minh" in page.locator("#nearest-results").inner_text()


def shown_km(text: str) -> float:
    return float(text.replace(",", ".").split()[0])


def click(page, lat: float, lon: float) -> None:
    x, y = page.evaluate(
        "([lat, lon]) => { const p = portalMap.latLngToContainerPoint([lat, lon]);"
        " return [p.x, p.y]; }",
        [lat, lon],
    )
    page.locator("#map").click(position={"x": x, "y": y})


def test_a_click_in_nha_be_shows_the_walking_and_the_straight_distance(live_server, page):
    page.goto(live_server.url + "/")
    page.wait_for_selector("#map[data-ready='1']")
    assert page.input_value("#metric") == "walking"
    page.evaluate("() => { portalMap.setView([10.6952, 106.7149], 15); }")
    click(page, 10.6952, 106.7149)
    page.wait_for_selector("#nearest-results li")
    lat, lon = float(page.input_value("#lat")), float(page.input_value("#lon"))
    expected = school_nearest_by_road(point=make_point(lon=lon, lat=lat), k=5, metric="walking")
    assert expected.fallback_reason == ""
    items = page.locator("#nearest-results li")
    assert items.count() == 5
    for item, near in zip(items.all(), expected.results, strict=True):
        assert item.get_attribute("data-code") == near.school.code
        road_km = item.locator(".distance.road").inner_text()
        straight_km = item.locator(".distance.straight").inner_text()
        assert shown_km(road_km) == pytest.approx(near.road_distance_m / 1000, abs=0.051)
        assert shown_km(straight_km) == pytest.approx(near.distance_m / 1000, abs=0.051)
        assert "đi bộ" in road_km and "đường chim bay" in straight_km
    assert page.locator("#result-fallback").count() == 0
    assert axe_violations(page) == []


def test_a_point_without_roads_says_why_distances_are_straight(live_server, page):
    page.goto(live_server.url + "/")
    page.wait_for_selector("#map[data-ready='1']")
    page.fill("#lat", "10.4115")  # Cần Giờ: in the city, outside the 2018 road extract
    page.fill("#lon", "106.9547")
    page.click("button[form='nearest-form']")
    page.wait_for_selector("#nearest-results li")
    assert "đường chim bay" in page.locator("#result-fallback").inner_text()
    assert page.locator("#nearest-results .distance.road").count() == 0
    assert axe_violations(page) == []
