"""HCMC nearest-first rules (issue 12), on small hand-computed cases along one street.

Everything lies on the parallel lat 10.78 near 106.7 °E; positions are metres east of
106.7 °E (1° of longitude ≈ 109.4 km there), so distances are differences of positions.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from pyproj import Geod

from admissions.allocation.checker_nearest import check_nearest
from admissions.allocation.distances import SchoolLocator
from admissions.allocation.mechanisms import solve_da
from admissions.allocation.nearest import (
    build_nearest_instance,
    nearest_source,
    nearest_source_from_dict,
    solve_nearest,
)
from admissions.allocation.priorities import CategoryRule, ChildMemberships
from admissions.engine import ChildArrays, SchoolArrays, build_instance
from tests.admissions.allocation.test_cli import run, write

PER_DEGREE = Geod(ellps="WGS84").inv(106.0, 10.78, 107.0, 10.78)[2]
LAT = 10.78


def lon(metres: float) -> float:
    return 106.7 + metres / PER_DEGREE


def street(schools, children, *, max_distance_m=2000.0, rule=None):
    """``schools``: [(id, position m, seats)]; ``children``: [(id, position m, lottery,
    catchments, categories)] with categories as [(rank, school id or None)]."""
    return nearest_source(
        [c[0] for c in children],
        [lon(c[1]) for c in children],
        [LAT] * len(children),
        [s[0] for s in schools],
        [lon(s[1]) for s in schools],
        [LAT] * len(schools),
        [s[2] for s in schools],
        lottery=[c[2] for c in children],
        catchments=[c[3] for c in children],
        categories=[c[4] for c in children],
        rule=rule,
        max_distance_m=max_distance_m,
    )


def solved(source):
    result = solve_nearest(source)
    assert check_nearest(source, result) == []
    assert check_nearest(source, json.loads(json.dumps(result.to_json()))) == []
    return result


def lists(result) -> dict[str, list[str]]:
    inst = result.instance
    ids = inst.school_ids
    return {cid: [ids[s] for s in inst.choices_of(c)] for c, cid in enumerate(inst.child_ids)}


# -- the farthest school in range is no longer dropped ---------------------------------------

TWO_SCHOOLS = {
    "max_distance_m": 2000,
    "schools": [
        {"id": "s0", "capacity": 1, "lon": lon(0), "lat": LAT},
        {"id": "s1", "capacity": 0, "lon": lon(1200), "lat": LAT},
    ],
    "children": [
        {"id": "a", "lon": lon(896), "lat": LAT, "lottery": 0.9},
        {"id": "b", "lon": lon(995), "lat": LAT, "lottery": 0.1},
    ],
}


def test_cli_keeps_every_school_in_range_and_the_nearer_child_wins(tmp_path):
    # Both lists are [s1 (304/205 m), s0 (896/995 m)]; s1 has no seat; at s0 both children are
    # group 2 without category, so the nearer child a (896 m) takes it: b has nowhere to go.
    source = write(tmp_path, "source.json", TWO_SCHOOLS)
    out = tmp_path / "result.json"
    solved_cli = run("solve", source, "-o", str(out), "--mechanism", "nearest")
    assert solved_cli.returncode == 0, solved_cli.stderr
    result = json.loads(out.read_text())
    assert result["assignment"] == {"a": "s0", "b": None}
    assert "placed_by_final_pass" not in result
    assert run("check", source, str(out)).stdout.strip() == "OK"


def test_cli_check_refuses_the_result_that_dropped_the_farthest_school(tmp_path):
    source = write(tmp_path, "source.json", TWO_SCHOOLS)
    wrong = {
        "mechanism": "nearest",
        "assignment": {"a": None, "b": "s0"},
        "cutoffs": {},
        "placed_by_final_pass": ["b"],
    }
    checked = run("check", source, write(tmp_path, "wrong.json", wrong), "--no-rerun")
    assert checked.returncode == 1
    assert "wasted_seat: school s0 had a free seat (0/1 from the lists) but child a" in (
        checked.stdout
    )
    assert "final_pass_on_list: child b" in checked.stdout


def test_within_returns_every_school_when_k_equals_the_number_of_schools():
    locator = SchoolLocator([lon(0), lon(1200)], [LAT, LAT])
    found = locator.within([lon(896)], [LAT], 2000.0, 2)
    assert found.school[0].tolist() == [1, 0]
    assert found.distance_m[0] == pytest.approx([304, 896], abs=0.01)
    assert not found.maybe_more[0]


# -- the checker rebuilds the lists itself ---------------------------------------------------


def test_checker_rebuilds_lists_and_refuses_a_solver_list_that_lost_a_school():
    source = nearest_source_from_dict(TWO_SCHOOLS)
    result = solve_nearest(source)
    short = build_nearest_instance(source, k=1)  # only the nearest school: s1
    object.__setattr__(short, "truncated", np.zeros(2, dtype=bool))  # claims to be complete
    from dataclasses import replace

    broken = replace(result, instance=short)
    kinds = {v.kind for v in check_nearest(source, broken)}
    assert "list_mismatch" in kinds


# -- one catchment rule in both mechanisms ---------------------------------------------------

CATCHMENT_SCHOOLS = [("s0", 0, 1), ("s1", 1000, 1), ("s2", 6000, 1), ("s3", 3200, 1)]


def test_overlapping_missing_and_out_of_range_catchments_nearest_first():
    source = street(
        CATCHMENT_SCHOOLS,
        [
            ("h", 500, 0.5, ["s0", "s1"], []),  # home in two overlapping catchments
            ("k", 300, 0.1, ["s2"], []),  # catchment school 5.7 km away, beyond 2 km
            ("n", 900, 0.9, [], []),  # no catchment: group 2 everywhere
        ],
    )
    result = solved(source)
    # h: s0 and s1 both at 500 m (ties by school id), group 1 at both.
    # k: s0 300 m, s1 700 m, then its catchment school s2 (5700 m) although beyond 2 km;
    #    s3 (2900 m) is beyond 2 km and not its catchment: not on the list.
    complete = build_nearest_instance(source)
    assert {
        cid: [complete.school_ids[s] for s in complete.choices_of(c)]
        for c, cid in enumerate(complete.child_ids)
    } == {"h": ["s0", "s1"], "k": ["s0", "s1", "s2"], "n": ["s1", "s0"]}
    # Published lists end at the placed school (ADR 29): h and n got their first school.
    assert lists(result) == {"h": ["s0"], "k": ["s0", "s1", "s2"], "n": ["s1"]}
    priority = {
        (complete.child_ids[c], complete.school_ids[s]): tuple(p[:2])
        for c in range(3)
        for s, p in zip(
            complete.choices_of(c),
            complete.priority[complete.choice_ptr[c] : complete.choice_ptr[c + 1]],
            strict=True,
        )
    }
    assert priority[("h", "s0")] == (1, 99) and priority[("h", "s1")] == (1, 99)
    assert priority[("k", "s2")] == (1, 99) and priority[("k", "s0")] == (2, 99)
    assert priority[("n", "s1")] == (2, 99)
    # s0: h (group 1) beats k (group 2, nearer); s1: n (100 m) beats k (700 m); k takes its
    # catchment school s2 from its list — not the nearer free s3 by the final pass.
    assert result.assignment_dict() == {"h": "s0", "k": "s2", "n": "s1"}
    assert not result.outside_list.any()


def test_overlapping_catchments_give_group_1_at_each_school_under_deferred_acceptance():
    members = ChildMemberships.from_lists([[0, 1], []], [[], []])
    children = ChildArrays(
        ids=["h", "n"],
        lon=np.array([lon(500), lon(900)]),
        lat=np.array([LAT, LAT]),
        members=members,
        choice_ptr=np.array([0, 2, 4]),
        choice_school=np.array([1, 0, 0, 1]),
    )
    schools = SchoolArrays(
        ids=["s0", "s1"],
        capacity=np.array([1, 1]),
        lon=np.array([lon(0), lon(1000)]),
        lat=np.array([LAT, LAT]),
    )
    instance = build_instance(children, schools, rule=CategoryRule(), seed=1, max_distance_m=2000)
    assert instance.priority[:, 0].tolist() == [1, 1, 2, 2]
    assert instance.priority[:, 2].tolist() == [500.0, 500.0, 900.0, 100.0]
    # n ranks s0 first but h (group 1 there too) is ranked s1 first and gets it; n gets s0.
    assert solve_da(instance).assignment_dict() == {"h": "s1", "n": "s0"}


# -- scoped priority categories --------------------------------------------------------------

SIBLING_SCHOOLS = [("s0", 0, 1), ("s1", 3000, 1)]


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        # Sibling at s1: counts only at s1. At s0 both are group 2 without category, q is
        # nearer (900 m vs 1000 m) and wins; p goes to s1.
        ([(1, "s1")], {"p": "s1", "q": "s0"}),
        # City-wide category: p ranks above q at s0 despite the distance.
        ([(1, None)], {"p": "s0", "q": "s1"}),
    ],
    ids=["scoped-to-s1", "city-wide"],
)
def test_a_scoped_category_counts_only_at_its_school(category, expected):
    source = street(
        SIBLING_SCHOOLS,
        [("p", 1000, 0.5, [], category), ("q", 900, 0.5, [], [])],
        max_distance_m=4000,
    )
    assert solved(source).assignment_dict() == expected


@pytest.mark.parametrize(
    ("in_group_1", "expected"),
    [(False, {"p": "s1", "q": "s0"}), (True, {"p": "s0", "q": "s1"})],
    ids=["group-2-only", "both-groups"],
)
def test_round_data_says_whether_categories_order_group_1(in_group_1, expected):
    # Both homes lie in s0's catchment (group 1 there); p has a city-wide category.
    source = street(
        SIBLING_SCHOOLS,
        [("p", 1000, 0.5, ["s0"], [(1, None)]), ("q", 900, 0.5, ["s0"], [])],
        max_distance_m=4000,
        rule=CategoryRule(in_group_1=in_group_1),
    )
    assert solved(source).assignment_dict() == expected


# -- the exact final pass --------------------------------------------------------------------

FINAL_PASS_SCHOOLS = [("s0", 0, 1), ("f9", 9000, 1), ("f30", -30000, 1), ("f50", 50000, 1)]
FINAL_PASS_CHILDREN = [
    ("c", 10, 0.99, ["s0"], []),  # takes s0 (group 1, 10 m)
    ("w", 300, 0.95, ["s0"], []),  # group 1 but farther: loses s0
    ("z", 200, 0.90, [], [(1, None)]),  # group 2 with a city-wide category
    ("x", 100, 0.20, [], []),  # group 2, best lottery
    ("y", 150, 0.70, [], []),  # group 2
]


def test_final_pass_serves_group_then_category_then_lottery_nearest_free_seat():
    source = street(FINAL_PASS_SCHOOLS, FINAL_PASS_CHILDREN)
    result = solved(source)
    # Only s0 lies within 2 km. Order of service: w (group 1), z (category 1), x (0.20),
    # y (0.70). Free seats: f9 (≈9 km), f30 (≈30 km), f50 (≈50 km).
    assert result.assignment_dict() == {"c": "s0", "w": "f9", "z": "f30", "x": "f50", "y": None}
    assert result.outside_list.tolist() == [False, True, True, True, False]
    assert result.assigned_distance_m[1] == pytest.approx(8700, abs=0.5)


def test_checker_replays_the_final_pass_and_refuses_another_order():
    source = street(FINAL_PASS_SCHOOLS, FINAL_PASS_CHILDREN)
    claim = solve_nearest(source).to_json()
    claim["assignment"]["x"], claim["assignment"]["z"] = "f30", "f50"  # lottery before category
    kinds = [v.kind for v in check_nearest(source, claim)]
    assert kinds.count("final_pass_mismatch") == 2


# -- what families read under nearest-first --------------------------------------------------


def test_nearest_first_explanation_speaks_of_nearest_schools_not_choices():
    from admissions.allocation.explanations import explain, render_explanation

    result = solved(nearest_source_from_dict(TWO_SCHOOLS))
    names = {"s0": "Trường A", "s1": "Trường B"}
    en = render_explanation(explain(result, "a"), "en", names)
    assert en.startswith("Placed at the 2nd nearest school: Trường A. The nearest school, ")
    assert "Trường B, has no seats this year." in en
    assert "choice" not in en
    vi = render_explanation(explain(result, "a"), "vi", names)
    assert vi.startswith("Con được xếp vào trường gần thứ 2: Trường A. Trường gần nhất (Trường B)")
    assert "nguyện vọng" not in vi
    unplaced = render_explanation(explain(result, "b"), "vi", names)
    assert unplaced.startswith("Con chưa được xếp vào trường nào trong phạm vi 2,00 km")
    assert "Trường gần thứ 2 (Trường A) đã đủ chỉ tiêu với các trẻ cư trú ngoài địa bàn" in (
        unplaced
    )
