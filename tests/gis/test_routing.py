"""Road distances on the hand-drawn canal network (tests/gis/road_fixture.py): every expected
value is worked out by hand from the drawing."""

import numpy as np
import pytest
import shapely

from gis.routing import OFF_NETWORK, OUTSIDE_COVERAGE, UNREACHABLE, RoadRouter, geodesic_m
from gis.voronoi import labelled_cells, voronoi_catchments

from .road_fixture import HOME, SCHOOL_A, SCHOOL_B, canal_network, lonlat, points

SCHOOLS = points(SCHOOL_A, SCHOOL_B)


@pytest.fixture(scope="module")
def network():
    return canal_network()


def from_home(router, home=HOME, schools=SCHOOLS):
    lon, lat = lonlat(*home)
    return router.from_point(lon, lat, *schools, max_distance_m=10_000)


def test_the_straight_line_nearest_school_is_across_the_canal(network):
    straight = geodesic_m(*lonlat(*HOME), *SCHOOLS)
    assert straight == pytest.approx([123.7, 350.1], abs=0.2)


def test_walking_crosses_the_canal_only_on_the_bridge(network):
    road, reason = from_home(RoadRouter(network, "walking"))
    # A: 10 to the road + 870 east + 100 bridge + 900 west + 10
    # B: 10 + 30 west + 350 down the lane (one-way for vehicles only) + 20 + 10
    assert reason == ""
    assert road == pytest.approx([1890.0, 420.0], abs=0.01)


def test_driving_respects_the_one_way_lane(network):
    road, _ = from_home(RoadRouter(network, "driving"))
    # B: the lane is northbound only, so 10 + 870 east + 350 south + 880 west + 10
    assert road == pytest.approx([1890.0, 2120.0], abs=0.01)


def test_driving_back_up_the_one_way_lane_is_short(network):
    router = RoadRouter(network, "driving")
    road, _ = from_home(router, home=SCHOOL_B, schools=points(HOME))
    assert road == pytest.approx([420.0], abs=0.01)  # 10 + 20 west + 350 up the lane + 30 + 10


def test_bulk_nearest_agrees_with_the_single_point_answer(network):
    children = points(HOME, (1900, 45), SCHOOL_B)
    for mode, expected_nearest, expected_m in (
        ("walking", [1, 0, 1], [420.0, 1815.0, 20.0]),
        ("driving", [0, 0, 1], [1890.0, 1815.0, 20.0]),
    ):
        result = RoadRouter(network, mode).nearest(*children, *SCHOOLS, k=2)
        assert result.school[:, 0].tolist() == expected_nearest, mode
        assert result.road_m[:, 0] == pytest.approx(expected_m, abs=0.01), mode
        assert result.reason.tolist() == ["", "", ""]
        single = [from_home(RoadRouter(network, mode), home=xy)[0] for xy in (HOME, (1900, 45))]
        assert np.sort(single[0]) == pytest.approx(result.road_m[0], abs=0.01)


def test_walking_never_uses_the_motorway(network):
    lon, lat = points((1500, -210))
    walking = RoadRouter(network, "walking").snap(lon, lat)
    driving = RoadRouter(network, "driving").snap(lon, lat)
    assert network.way_id[walking.edge[0]] == 2  # the south bank road, 160 m away
    assert walking.offset_m[0] == pytest.approx(160.0, abs=0.01)
    assert network.way_id[driving.edge[0]] == 7  # vehicles may snap onto the motorway


def test_a_home_off_the_network_falls_back_with_its_reason(network):
    router = RoadRouter(network, "walking", max_snap_m=100)
    road, reason = from_home(router, home=(1300, -250))  # 200 m from the nearest road
    assert reason == OFF_NETWORK
    assert np.isinf(road).all()
    _, reason = from_home(router, home=(5000, 5000))
    assert reason == OUTSIDE_COVERAGE
    bulk = router.nearest(*points((1300, -250), (5000, 5000), HOME), *SCHOOLS, k=1)
    assert bulk.reason.tolist() == [OFF_NETWORK, OUTSIDE_COVERAGE, ""]
    assert bulk.school[:, 0].tolist() == [-1, -1, 1]


def test_schools_beyond_the_limit_are_unreachable(network):
    lon, lat = lonlat(*HOME)
    road, reason = RoadRouter(network, "driving").from_point(
        lon, lat, *SCHOOLS, max_distance_m=1000
    )
    assert reason == UNREACHABLE
    assert np.isinf(road).all()


def test_road_catchments_put_the_home_with_the_school_on_its_bank(network):
    """Straight-line Voronoi gives the home to A (across the canal); by road on foot the
    junctions of the south bank lead to B first, so the home's cell is B's."""
    router = RoadRouter(network, "walking")
    x, y, school = router.nearest_school_per_vertex(*SCHOOLS, max_distance_m=10_000)
    home_lon, home_lat = lonlat(*HOME)
    area = shapely.box(*lonlat(-300, -700), *lonlat(2300, 300))
    home = shapely.Point(home_lon, home_lat)
    by_road = labelled_cells(x, y, school, area)
    assert by_road[1].contains(home) and not by_road[0].contains(home)
    straight = voronoi_catchments([(0, *lonlat(*SCHOOL_A)), (1, *lonlat(*SCHOOL_B))], area)
    assert straight[0].contains(home)
    canal_y = router.project(*lonlat(0, 0))[1][0]
    assert set(school[y > canal_y].tolist()) == {0}  # the north bank walks to A


def test_the_allocation_table_holds_the_k_nearest_the_schools_within_reach_and_the_pairs(
    network,
):
    """distance_table (the bulk road metres of an allocation): k nearest by road, every
    school within a distance by road, explicit pairs; unroutable homes keep their reason."""
    router = RoadRouter(network, "walking", max_snap_m=100)
    children = points(HOME, (1900, 45), SCHOOL_B, (1300, -250))

    def rows(table):
        return sorted(
            zip(table.child.tolist(), table.school.tolist(), table.road_m.round(2).tolist(),
                strict=True)
        )  # fmt: skip

    nearest_one = router.distance_table(*children, *SCHOOLS, k=1, within_m=0)
    assert rows(nearest_one) == [(0, 1, 420.0), (1, 0, 1815.0), (2, 1, 20.0)]
    assert nearest_one.reason.tolist() == ["", "", "", OFF_NETWORK]
    within = router.distance_table(*children, *SCHOOLS, k=0, within_m=1900)
    assert rows(within) == [(0, 0, 1890.0), (0, 1, 420.0), (1, 0, 1815.0), (2, 1, 20.0)]
    # from (1900, 45) to B: 5 + 900 west + 100 bridge + 350 south + 880 west + 10 = 2245 m,
    # beyond 1900 m, so only an explicit pair asks for it
    pairs = router.distance_table(
        *children, *SCHOOLS, k=0, within_m=0, pairs=(np.array([1, 3]), np.array([1, 1]))
    )
    assert rows(pairs) == [(1, 1, 2245.0)]
    assert pairs.reason.tolist() == ["", "", "", OFF_NETWORK]  # only child 1 was asked
    limited = router.distance_table(*children, *SCHOOLS, k=2, within_m=0, max_distance_m=1000)
    assert rows(limited) == [(0, 1, 420.0), (2, 1, 20.0)]
    assert limited.reason.tolist() == ["", UNREACHABLE, "", OFF_NETWORK]
