"""The application form's school suggestions in a round that measures distance by road: each
school with its walking distance and its straight-line distance, ranked by walking; a pin the
network does not reach says so and keeps the straight line."""

import pytest
from django.utils import translation

from gis.geometry import make_point
from gis.selectors import school_nearest_by_road

NHA_BE = {"lat": 10.6952, "lon": 106.7149}
TAN_PHONG = {"lat": 10.7320, "lon": 106.7215}  # District 7: schools within 2 km on foot
CAN_GIO = {"lat": 10.4115, "lon": 106.9547}  # in the city, outside the 2018 road extract
URL = "/tuyen-sinh/goi-y/"


@pytest.fixture
def walking_round(admission_round):
    admission_round.distance_metric = "walking"
    admission_round.save(update_fields=["distance_metric"])
    return admission_round


@pytest.mark.parametrize("mechanism", ["da", "nearest"])
def test_suggestions_show_the_walking_and_the_straight_distance(client, walking_round, mechanism):
    walking_round.mechanism = mechanism
    walking_round.save(update_fields=["mechanism"])
    with translation.override("vi"):
        body = client.get(URL, TAN_PHONG, headers={"accept-language": "vi"}).json()
    assert (body["metric"], body["metric_label"], body["straight_label"]) == (
        "walking", "đi bộ theo đường", "đường chim bay"
    )  # fmt: skip
    assert body["fallback"] == "" and body["results"], body
    road = [r["road_distance_m"] for r in body["results"]]
    assert road == sorted(road)  # ranked by walking distance
    for r in body["results"]:
        assert r["road_distance_m"] >= r["distance_m"] - 0.1  # a road is never shorter
    expected = school_nearest_by_road(point=make_point(**TAN_PHONG), k=1, metric="walking")
    assert body["results"][0]["id"] == expected.results[0].school.pk
    assert body["results"][0]["road_distance_m"] == expected.results[0].road_distance_m
    if mechanism == "nearest":  # the considered list: within the legal distance by road
        assert all(
            r["road_distance_m"] <= walking_round.max_distance_m or r["in_catchment"]
            for r in body["results"]
        )


def test_a_pin_without_roads_says_why_distances_are_straight(client, walking_round):
    body = client.get(URL, CAN_GIO, headers={"accept-language": "vi"}).json()
    assert "nằm ngoài vùng có dữ liệu đường" in body["fallback"]
    assert "đường chim bay" in body["fallback"]
    assert body["results"] and all(r["road_distance_m"] is None for r in body["results"])


def test_a_straight_line_round_shows_only_the_straight_line(client, admission_round):
    body = client.get(URL, NHA_BE, headers={"accept-language": "vi"}).json()
    assert body["metric"] == "straight" and body["metric_label"] == ""
    assert all(r["road_distance_m"] is None for r in body["results"])
