"""Allocation by walking distance on the hand-drawn canal (tests/gis/road_fixture.py): the
straight-line nearest school lies across the canal, so walking changes who goes where.

Schools A (100, 60) north of the canal, 2 seats; B (120, -410) south of it, 1 seat. Children
(metres east/north of the fixture's origin):

* H1 = (130, -60): straight A 123.7, B 350.1; walking B 420 (10 + 30 + 350 + 20 + 10),
  A 1890 (10 + 870 + 100 + 900 + 10);
* H2 = (200, -60): straight A 156.2, B 359.0; walking B 490 (10 + 100 + 350 + 20 + 10),
  A 1820 (10 + 800 + 100 + 900 + 10);
* H3 = (1300, -250): 200 m from the nearest footpath (the snap limit here is 100 m), so it
  falls back to the straight line: B 1190.8, A 1239.4.

Straight line: A takes H1 and H2 (both nearest to A), H3 goes to B.
Walking: B's one seat goes to H1 (420 m beats H2's 490 m and H3's 1190.8 m); H2 and H3 go to A.
"""

import json

import numpy as np
import pytest

from admissions.allocation.checker_nearest import check_nearest
from admissions.allocation.cli import main as cli_main
from admissions.allocation.mechanisms import solve
from admissions.allocation.nearest import nearest_source, nearest_source_from_dict, solve_nearest
from admissions.engine import road_distances
from gis.routing import OFF_NETWORK, RoadRouter
from tests.gis.road_fixture import SCHOOL_A, SCHOOL_B, canal_network, points

HOMES = [(130, -60), (200, -60), (1300, -250)]
CHILDREN = ("H1", "H2", "H3")
SCHOOLS = ("A", "B")


@pytest.fixture(scope="module")
def walking():
    router = RoadRouter(canal_network(), "walking", max_snap_m=100)
    table = router.distance_table(
        *points(*HOMES), *points(SCHOOL_A, SCHOOL_B), k=5, within_m=4000, max_distance_m=10_000
    )
    return road_distances(3, table, limit_m=10_000, network="canal")


def source(metric="straight", road=None):
    (clon, clat), (slon, slat) = points(*HOMES), points(SCHOOL_A, SCHOOL_B)
    return nearest_source(
        CHILDREN, clon, clat, SCHOOLS, slon, slat, [2, 1], seed=7, metric=metric, road=road
    )


def placed(result):
    seats = (SCHOOLS[s] if s >= 0 else None for s in result.assignment.tolist())
    return dict(zip(CHILDREN, seats, strict=True))


def test_the_road_table_holds_the_hand_computed_walking_metres(walking):
    assert walking.fallback == ("", "", OFF_NETWORK)
    assert walking.lookup([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx([1890, 420, 1820, 490])
    assert np.isnan(walking.lookup([2, 2], [0, 1])).all()


def test_straight_line_sends_both_south_bank_homes_across_the_canal():
    result = solve_nearest(source())
    assert placed(result) == {"H1": "A", "H2": "A", "H3": "B"}
    assert result.instance.policy.metric == "straight"


def test_walking_distance_drives_priority_and_the_checker_agrees(walking):
    src = source("walking", walking)
    result = solve_nearest(src)
    assert placed(result) == {"H1": "B", "H2": "A", "H3": "A"}
    inst = result.instance
    lists = {
        CHILDREN[c]: [
            (SCHOOLS[s], d)
            for s, d in zip(inst.choices_of(c).tolist(), inst.distance_m[inst.choice_ptr[c] :
                            inst.choice_ptr[c + 1]].tolist(), strict=True)
        ]
        for c in range(3)
    }  # fmt: skip
    assert lists["H1"] == [("B", 420.0)]  # placed at its first school: the list ends there
    assert lists["H2"] == [("B", 490.0), ("A", 1820.0)]
    assert [s for s, _ in lists["H3"]] == ["B", "A"]  # straight line: the fallback
    assert [d for _, d in lists["H3"]] == pytest.approx([1190.8, 1239.4], abs=1.5)
    assert result.cutoffs["B"].priority[2] == 420.0  # the last admitted at B, by road
    assert check_nearest(src, result, rerun=lambda: solve_nearest(src, verify=False)) == []


def test_the_metric_and_the_road_metres_are_part_of_the_input_hash(walking):
    straight, by_road = source(), source("walking", walking)
    assert straight.sha256 != by_road.sha256
    document = by_road.document()
    assert (document["metric"], document["road_limit_m"], document["road_network"]) == (
        "walking", 10_000, "canal"
    )  # fmt: skip
    children = {c["id"]: c for c in document["children"]}
    assert children["H1"]["road"] == {"A": 1890, "B": 420}
    assert children["H3"]["road_fallback"] == OFF_NETWORK and "road" not in children["H3"]
    assert "metric" not in straight.document()
    # the same metres measured by driving are another input
    driving = nearest_source_from_dict({**document, "metric": "driving"})
    assert driving.sha256 != by_road.sha256
    # the document alone reproduces the source, and so its hash and result
    again = nearest_source_from_dict(json.loads(json.dumps(document)))
    assert again.sha256 == by_road.sha256
    assert solve_nearest(again).result_sha256 == solve_nearest(by_road).result_sha256


def test_the_command_line_check_reproduces_a_walking_run(walking, tmp_path, capsys):
    src = source("walking", walking)
    (tmp_path / "input.json").write_text(json.dumps(src.document()))
    (tmp_path / "result.json").write_text(json.dumps(solve(src, "nearest").to_json()))
    assert cli_main(["check", str(tmp_path / "input.json"), str(tmp_path / "result.json")]) == 0
    assert capsys.readouterr().out.strip() == "OK"
    # a result computed in a straight line does not pass against the walking input
    (tmp_path / "result.json").write_text(json.dumps(solve(source(), "nearest").to_json()))
    assert cli_main(["check", str(tmp_path / "input.json"), str(tmp_path / "result.json")]) == 1


def test_the_final_pass_goes_by_road_for_routed_children(walking):
    """One seat in all (A: 0, B: 1) and max 300 m, so nobody has a school on the list: the
    final pass serves by lottery; whoever is routed takes the nearest free seat by road."""
    (clon, clat), (slon, slat) = points(*HOMES), points(SCHOOL_A, SCHOOL_B)
    src = nearest_source(
        CHILDREN, clon, clat, SCHOOLS, slon, slat, [0, 1], lottery=[0.1, 0.2, 0.3],
        max_distance_m=300, metric="walking", road=walking,
    )  # fmt: skip
    result = solve_nearest(src)
    assert placed(result) == {"H1": "B", "H2": None, "H3": None} and result.outside_list[0]
    assert result.assigned_distance_m[0] == 420.0
    assert check_nearest(src, result) == []
