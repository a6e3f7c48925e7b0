"""Explanations (vi/en), statistics, min-cost plan, lotteries and hashing."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings

from admissions.allocation.explanations import explain, explain_all, render_explanation
from admissions.allocation.hashing import canonical_json
from admissions.allocation.instance_io import instance_from_dict
from admissions.allocation.lottery import lottery_per_school, lottery_single
from admissions.allocation.mechanisms import solve
from admissions.allocation.mincost import min_total_distance_plan
from admissions.allocation.model import Instance
from admissions.allocation.stats import compute_stats
from tests.admissions.allocation.helpers import instances

NAMES = {"Y": "Trường Tiểu học Lê Văn Tám", "X": "Trường Tiểu học Nguyễn Bỉnh Khiêm"}


def two_school_instance() -> Instance:
    return instance_from_dict(
        {
            "schools": [{"id": "Y", "capacity": 1}, {"id": "X", "capacity": 2}],
            "children": [
                {
                    "id": "kid",
                    "choices": ["Y", "X"],
                    "priority": {"Y": [1, 0, 910], "X": [2, 0, 1200]},
                    "lottery": 0.5,
                    "ward": "Bến Nghé",
                    "group": "g1",
                },
                {
                    "id": "rival",
                    "choices": ["Y"],
                    "priority": {"Y": [1, 0, 640]},
                    "lottery": 0.9,
                    "ward": "Bến Nghé",
                    "group": "g2",
                },
                {
                    "id": "third",
                    "choices": ["Y", "X"],
                    "priority": {"Y": [1, 1, 100], "X": [2, 1, 50]},
                    "lottery": 0.2,
                    "ward": "Đa Kao",
                },
            ],
        }
    )


def test_explanation_data_and_sentences_in_both_languages():
    result = solve(two_school_instance())
    expl = explain(result, "kid")
    assert expl.school_id == "X" and expl.assigned_rank == 2
    first, second = expl.choices
    assert first.school_id == "Y" and first.reason == "school_full_with_better_priority"
    assert first.cutoff.priority == (1, 0, 640) and first.deciding == "distance_m"
    assert second.reason == "admitted"
    en = render_explanation(expl, "en", NAMES)
    assert en == (
        "Placed at your 2nd choice Trường Tiểu học Nguyễn Bỉnh Khiêm. Your 1st choice "
        "Trường Tiểu học Lê Văn Tám filled with children living in its catchment area up to "
        "0.64 km away; your child, living in its catchment area, is 0.91 km away."
    )
    vi = render_explanation(expl, "vi", NAMES)
    assert vi == (
        "Con được xếp vào nguyện vọng 2: Trường Tiểu học Nguyễn Bỉnh Khiêm. Nguyện vọng 1 "
        "(Trường Tiểu học Lê Văn Tám) đã đủ chỉ tiêu với các trẻ cư trú trong địa bàn tuyển "
        "sinh của trường ở khoảng cách đến 0,64 km; con cư trú trong địa bàn tuyển sinh của "
        "trường, cách trường 0,91 km."
    )


def test_category_decides_sentence_names_the_category():
    result = solve(two_school_instance())
    expl = explain(result, "third")
    assert expl.choices[0].deciding == "category"
    en = render_explanation(expl, "en", category_names={0: "Children of martyrs", 1: "Poor"})
    assert (
        'children living in its catchment area with priority category "Children of martyrs", '
        "up to 0.64 km away; your child, living in its catchment area with priority category "
        '"Poor", is 0.10 km away.'
    ) in en
    vi = render_explanation(expl, "vi", category_names={0: "Con liệt sĩ", 1: "Hộ nghèo"})
    assert (
        "con cư trú trong địa bàn tuyển sinh của trường, thuộc đối tượng ưu tiên “Hộ nghèo”" in vi
    )
    assert "diện ưu tiên" not in vi and "ưu tiên 1" not in vi


def test_lottery_decides_and_unplaced_sentences():
    instance = Instance.from_lists(
        [("A", 1)],
        [("a", ["A"], {"A": [1, 0, 300.0]}, 0.1), ("b", ["A"], {"A": [1, 0, 300.0]}, 0.7)],
    )
    expl = explain(solve(instance), "b")
    assert expl.school_id is None and expl.choices[0].deciding == "lottery"
    en = render_explanation(expl, "en")
    assert en.startswith("Not placed at any of your choices.")
    assert "yours 0.7000, last admitted 0.1000" in en
    assert "số bốc thăm" in render_explanation(expl, "vi")


def test_not_reached_and_every_child_explained():
    result = solve(two_school_instance())
    assert [c.reason for c in explain(result, "rival").choices] == ["admitted"]
    all_expl = explain_all(result)
    assert [e.child_id for e in all_expl] == ["kid", "rival", "third"]
    for e in all_expl:
        assert e.to_dict()["child_id"] == e.child_id


def test_stats_overall_by_ward_and_group():
    stats = compute_stats(solve(two_school_instance()))
    assert stats["children"] == 3 and stats["placed"] == 3 and stats["first_choice"] == 1
    assert stats["top3"] == 3 and stats["unplaced"] == 0
    assert stats["distance_m"]["median"] == 640
    assert set(stats["by_ward"]) == {"Bến Nghé", "Đa Kao"}
    assert stats["by_ward"]["Bến Nghé"]["children"] == 2
    assert set(stats["by_group"]) == {"g1", "g2", ""}


@settings(max_examples=50, deadline=None)
@given(instances(max_children=10, max_schools=4, ties=False))
def test_min_cost_plan_never_travels_more_than_da_when_everyone_fits(instance):
    # Complete lists + enough seats: both place everyone, so totals are comparable.
    children = []
    n_schools = instance.n_schools
    for c, cid in enumerate(instance.child_ids):
        prio = {f"S{s}": [1, 0, float((c * 37 + s * 101) % 997)] for s in range(n_schools)}
        order = sorted(prio, key=lambda s, prio=prio: prio[s][2])
        children.append((cid, order, prio, float(instance.lottery[0]) if instance.n_pairs else 0.5))
    seats = max(1, -(-instance.n_children // n_schools))
    full = Instance.from_lists([(f"S{s}", seats) for s in range(n_schools)], children)
    da = solve(full)
    plan = min_total_distance_plan(full)
    assert plan.placed == (da.assignment >= 0).sum() == full.n_children
    da_total = float(np.nansum(da.assigned_distance_m))
    assert plan.total_distance_m <= da_total + 1e-6
    assert plan.justified_envy_pairs == _brute_force_envy_pairs(full, children, plan.assignment)
    assert _brute_force_envy_pairs(full, children, da.assignment) == 0


def _brute_force_envy_pairs(instance, children, assignment) -> int:
    """(child, school) pairs where the child ranks the school above its own seat and the school
    admitted someone it ranks below the child: counted by hand from the raw lists."""
    school_of = {
        c: instance.school_ids[s] if s >= 0 else None
        for c, s in zip(instance.child_ids, assignment.tolist(), strict=True)
    }
    raw = {cid: (order, prio, lottery) for cid, order, prio, lottery in children}
    pairs = 0
    for cid, (order, prio, lottery) in raw.items():
        own = school_of[cid]
        better = order if own is None else order[: order.index(own)]
        for school in better:
            mine = (*prio[school], lottery, cid)
            admitted = [
                (*raw[d][1][school], raw[d][2], d) for d, s in school_of.items() if s == school
            ]
            if any(other > mine for other in admitted):
                pairs += 1
    return pairs


@settings(max_examples=60, deadline=None)
@given(instances(max_children=6, max_schools=3, max_list=3, ties=False))
def test_min_cost_plan_places_the_most_children_then_travels_least(instance):
    # Brute force over every assignment: first the most children placed, then the least
    # total distance (in the plan's decimetre units) among those.
    import itertools

    options = [[-1, *instance.choices_of(c).tolist()] for c in range(instance.n_children)]
    best = None
    for combo in itertools.product(*options):
        seats = np.bincount([s for s in combo if s >= 0], minlength=instance.n_schools)
        if (seats > instance.capacity).any():
            continue
        placed = sum(s >= 0 for s in combo)
        total = sum(
            round(
                float(instance.distance_m[instance.choice_ptr[c] + list(options[c]).index(s) - 1])
                * 10
            )
            for c, s in enumerate(combo)
            if s >= 0
        )
        key = (-placed, total)
        best = key if best is None or key < best else best
    plan = min_total_distance_plan(instance)
    used = plan.assignment >= 0
    pairs = [
        instance.choice_ptr[c] + instance.choices_of(c).tolist().index(s)
        for c, s in enumerate(plan.assignment.tolist())
        if s >= 0
    ]
    assert plan.placed == int(used.sum()) == -best[0]
    assert sum(round(float(instance.distance_m[p]) * 10) for p in pairs) == best[1]


def test_min_cost_plan_gives_up_distance_to_place_one_more_child():
    # "near" could walk 100 m to A, but only A is on "only_a"'s list: both are placed.
    instance = Instance.from_lists(
        [("A", 1), ("B", 1)],
        [
            ("near", ["A", "B"], {"A": [1, 0, 100.0], "B": [1, 0, 3900.0]}, 0.5),
            ("only_a", ["A"], {"A": [1, 0, 2000.0]}, 0.5),
        ],
    )
    plan = min_total_distance_plan(instance)
    assert plan.placed == 2
    assert plan.total_distance_m == 5900.0


def test_min_cost_plan_reports_envy():
    # Both prefer A (1 seat). DA gives A to the higher-priority far child; the plan to the
    # near child, which is a justified-envy pair.
    instance = Instance.from_lists(
        [("A", 1), ("B", 1)],
        [
            ("far", ["A", "B"], {"A": [1, 0, 900.0], "B": [1, 0, 300.0]}, 0.5),
            ("near", ["A", "B"], {"A": [2, 0, 100.0], "B": [2, 0, 2000.0]}, 0.5),
        ],
    )
    plan = min_total_distance_plan(instance)
    assert plan.total_distance_m == 400.0  # near→A, far→B; DA: 900 + 2000
    assert plan.justified_envy_pairs == 1
    assert solve(instance).assignment_dict() == {"far": "A", "near": "B"}


def test_lotteries_are_reproducible_and_order_independent():
    ids = [f"C{i}" for i in range(100)]
    first = lottery_single(ids, 42)
    assert (first == lottery_single(ids, 42)).all()
    shuffled = list(reversed(ids))
    again = dict(zip(shuffled, lottery_single(shuffled, 42), strict=True))
    assert all(again[c] == v for c, v in zip(ids, first, strict=True))
    assert ((first >= 0) & (first < 1)).all()
    value = lottery_per_school("C1", "S1", 7)
    assert value == lottery_per_school("C1", "S1", 7) and 0 <= value < 1
    assert value != lottery_per_school("C1", "S2", 7)


def test_canonical_json_form():
    assert canonical_json({"b": [1, 2.5], "a": "Lê"}) == '{"a":"Lê","b":[1,2.5]}'.encode()
    a = instance_from_dict(
        {
            "schools": [{"id": "S", "capacity": 1}],
            "children": [
                {"id": "c", "choices": ["S"], "priority": {"S": [1, 0, 640.0]}, "lottery": 0.5}
            ],
        }
    )
    b = instance_from_dict(
        {
            "schools": [{"id": "S", "capacity": 1}],
            "children": [
                {"id": "c", "choices": ["S"], "priority": {"S": [1, 0, 640]}, "lottery": 0.5}
            ],
        }
    )
    assert a.input_sha256 == b.input_sha256


@settings(max_examples=60, deadline=None)
@given(instances(max_children=12, max_schools=5, ties=False))
def test_fast_canonical_writer_equals_json_dumps(instance):
    from admissions.allocation.hashing import instance_canonical_json, instance_document

    assert instance_canonical_json(instance) == canonical_json(instance_document(instance))


def test_fast_canonical_writer_with_labels_and_per_school_lottery():
    from admissions.allocation.hashing import instance_canonical_json, instance_document

    instance = instance_from_dict(
        {
            "schools": [
                {"id": 'B\\"x', "capacity": 1, "reserved": {"khuyết tật": 1}},
                {"id": "A", "capacity": 2},
            ],
            "children": [
                {
                    "id": "z",
                    "choices": ['B\\"x', "A"],
                    "priority": {'B\\"x': [1, 0.5], "A": [2, 3]},
                    "lottery": {"A": 0.1, 'B\\"x': 0.25},
                    "ward": "Phường 1",
                    "group": "g",
                },
                {"id": "a", "choices": [], "priority": {}, "lottery": {}},
            ],
        }
    )
    assert instance_canonical_json(instance) == canonical_json(instance_document(instance))


def _v2_by_hand(schools, children, *, per_school=False, labels=None) -> str:
    """Input hash version 2 spelled out with ``struct`` (the ADR 25 format, independently).

    ``schools``: [(id, capacity, reserved or None)]; ``children``: [(id, [(school, priority
    tuple, lottery)])], both already sorted by id."""
    import hashlib
    import json
    import struct

    def canonical(obj) -> bytes:
        return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    position = {sid: i for i, (sid, _, _) in enumerate(schools)}
    length = len(children[0][1][0][1])
    meta = {"version": 2, "priority_length": length, "lottery_per_school": per_school}
    sections = [
        ("admissions.instance", canonical(meta)),
        ("schools", canonical([[sid, cap, res] for sid, cap, res in schools])),
        ("children", canonical([cid for cid, _ in children])),
        ("list_length", b"".join(struct.pack("<q", len(pairs)) for _, pairs in children)),
        ("choice", b"".join(struct.pack("<q", position[s]) for _, p in children for s, _, _ in p)),
    ]  # fmt: skip
    values = [v for _, pairs in children for _, prio, _ in pairs for v in prio]
    sections.append(("priority", b"".join(struct.pack("<d", v) for v in values)))
    if per_school:
        lottery = [lot for _, pairs in children for _, _, lot in pairs]
    else:
        lottery = [pairs[0][2] if pairs else float("nan") for _, pairs in children]
    sections.append(("lottery", b"".join(struct.pack("<d", v) for v in lottery)))
    if labels:
        sections.append(("labels", canonical(labels)))
    digest = hashlib.sha256()
    for name, payload in sections:
        digest.update(name.encode() + b"\0" + struct.pack("<Q", len(payload)) + payload)
    return digest.hexdigest()


def test_input_hash_version_2_is_the_documented_byte_stream():
    instance = instance_from_dict(
        {
            "schools": [
                {"id": "B", "capacity": 2, "reserved": {"khuyết tật": 1}},
                {"id": "A", "capacity": 1},
            ],
            "children": [
                {"id": "z", "choices": ["B", "A"],
                 "priority": {"A": [2, 0, 10.5], "B": [1, -0.0, 7]},
                 "lottery": 0.25, "ward": "Phường 1"},
                {"id": "m", "choices": [], "priority": {}, "lottery": 0.5},
                {"id": "a", "choices": ["A"], "priority": {"A": [1, 1, 640.0]}, "lottery": 0.75},
            ],
        }
    )  # fmt: skip
    expected = _v2_by_hand(
        [("A", 1, None), ("B", 2, {"khuyết tật": 1})],
        [
            ("a", [("A", (1.0, 1.0, 640.0), 0.75)]),
            ("m", []),
            ("z", [("B", (1.0, 0.0, 7.0), 0.25), ("A", (2.0, 0.0, 10.5), 0.25)]),
        ],
        labels={"group": [None, None, None], "ward": [None, None, "Phường 1"]},
    )
    assert instance.input_sha256 == expected


def test_input_hash_version_2_with_per_school_lotteries():
    instance = instance_from_dict(
        {
            "schools": [{"id": "S", "capacity": 1}, {"id": "R", "capacity": 1}],
            "children": [
                {"id": "c", "choices": ["S", "R"], "priority": {"S": [1], "R": [2]},
                 "lottery": {"R": 0.1, "S": 0.9}},
            ],
            "distance_index": None,
        }
    )  # fmt: skip
    expected = _v2_by_hand(
        [("R", 1, None), ("S", 1, None)],
        [("c", [("S", (1.0,), 0.9), ("R", (2.0,), 0.1)])],
        per_school=True,
    )
    assert instance.input_sha256 == expected


def test_input_hash_changes_with_every_input_and_not_with_order():
    base = {
        "schools": [{"id": "A", "capacity": 1}, {"id": "B", "capacity": 1}],
        "children": [
            {"id": "c1", "choices": ["A", "B"], "priority": {"A": [1, 0, 5], "B": [2, 0, 9]},
             "lottery": 0.5},
            {"id": "c2", "choices": ["B"], "priority": {"B": [1, 0, 3]}, "lottery": 0.25},
        ],
    }  # fmt: skip
    import copy

    reference = instance_from_dict(base).input_sha256
    reordered = copy.deepcopy(base)
    reordered["schools"].reverse()
    reordered["children"].reverse()
    assert instance_from_dict(reordered).input_sha256 == reference
    changes = [
        lambda d: d["schools"][0].update(capacity=2),
        lambda d: d["children"][0].update(choices=["B", "A"]),
        lambda d: d["children"][0]["priority"]["B"].__setitem__(2, 9.5),
        lambda d: d["children"][1].update(lottery=0.26),
        lambda d: d["children"][1].update(ward="Phường 2"),
        lambda d: d["children"][1].update(id="c3"),
    ]
    for change in changes:
        changed = copy.deepcopy(base)
        change(changed)
        assert instance_from_dict(changed).input_sha256 != reference


def test_checker_accepts_a_result_carrying_the_version_1_input_hash():
    from admissions.allocation.checker import check
    from admissions.allocation.hashing import instance_sha256_v1

    instance = two_school_instance()
    document = solve(instance).to_json()
    assert check(instance, document) == []
    document["input_sha256"] = instance_sha256_v1(instance)
    assert document["input_sha256"] != instance.input_sha256
    assert check(instance, document) == []
    document["input_sha256"] = "0" * 64
    assert [v.kind for v in check(instance, document)] == ["input_hash_mismatch"]


def test_run_statistics_of_a_small_run():
    from admissions.allocation.stats import run_statistics

    stats = run_statistics(solve(two_school_instance()))
    # rival → Y at 640 m (its 1st choice, in catchment); kid → X at 1200 m and third → X at
    # 50 m (2nd choices, group 2). X's worst admitted is third (category 1 after kid's 0).
    assert stats == {
        "children": 3,
        "schools": 2,
        "seats": 3,
        "placed": 3,
        "unplaced": 0,
        "placed_first_choice": 1,
        "placed_top3": 3,
        "share_first_choice": 0.3333,
        "in_catchment": 1,
        "distance_mean_m": 630.0,
        "distance_median_m": 640.0,
        "distance_p95_m": 1144.0,  # 640 + 0.9 × (1200 − 640)
        "envy_pairs": 0,
        "wasted_seat_pairs": 0,
        "cutoff_distance_m": {"Y": 640.0, "X": 50.0},
    }
