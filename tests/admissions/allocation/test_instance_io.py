"""Reading DA instances: the fast path (msgspec + array checks) and the validating path give
the same instance for valid documents and the same one-line error, naming the child or
school, for every kind of malformed one."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from admissions.allocation.errors import InstanceError
from admissions.allocation.instance_io import (
    instance_from_dict,
    instance_from_json,
    instance_to_dict,
    read_instance,
)
from tests.admissions.allocation.helpers import instances

GOOD = {
    "schools": [{"id": "S1", "capacity": 1}, {"id": "S2", "capacity": 2}],
    "children": [
        {
            "id": "C1",
            "choices": ["S1", "S2"],
            "priority": {"S1": [1, 0, 640.5], "S2": [2, 0, 910.0]},
            "lottery": 0.4123,
        },
        {"id": "C2", "choices": ["S1"], "priority": {"S1": [1, 0, 300]}, "lottery": 0.9},
        {"id": "C3", "choices": [], "priority": {}, "lottery": 0.1},
    ],
}


def changed(change) -> dict:
    data = copy.deepcopy(GOOD)
    change(data)
    return data


def child(n: int, **fields):
    return lambda d: d["children"][n].update(fields)


def school(n: int, **fields):
    return lambda d: d["schools"][n].update(fields)


MALFORMED = [
    (lambda d: d.clear() or d.update(schools=5), 'instance: "schools" must be a list'),
    (lambda d: d.pop("children"), 'instance: "children" must be a list'),
    (lambda d: d.update(seed=-1), "instance: seed must be a non-negative integer"),
    (lambda d: d.update(seed=1.5), "instance: seed must be a non-negative integer"),
    (
        lambda d: d.update(distance_index="2"),
        "instance: distance_index must be a non-negative integer",
    ),
    (lambda d: d["schools"].append(3), "school #3: must be an object"),
    (lambda d: d["schools"].append({"id": ""}), "school #3: id must be a non-empty string"),
    (lambda d: d["schools"].append({"id": "S1", "capacity": 1}), "school S1: duplicate school id"),
    (school(0, capacity=-3), "school S1: capacity must be a non-negative integer, got -3"),
    (school(0, capacity=True), "school S1: capacity must be a non-negative integer, got True"),
    (school(0, capacity="35"), 'school S1: capacity must be a non-negative integer, got "35"'),
    (
        school(1, reserved={"x": -1}),
        "school S2: reserved must map categories to non-negative integers",
    ),
    (school(1, reserved={"x": 3}), "school S2: reserved seats exceed capacity"),
    (lambda d: d["children"].append([]), "child #4: must be an object"),
    (lambda d: d["children"].append({"id": True}), "child #4: id must be a non-empty string"),
    (lambda d: d["children"].append(dict(d["children"][1])), "child C2: duplicate child id"),
    (child(0, choices="S1"), "child C1: choices must be a list of school ids"),
    (child(0, priority=[1, 0, 3]), "child C1: priority must map school ids to lists of numbers"),
    (child(1, lottery="0.5"), 'child C2: lottery must be a number, got "0.5"'),
    (child(2, lottery=None), "child C3: lottery must be a number, got None"),
    (child(1, choices=[None]), "child C2: choice None is not a school id"),
    (child(0, choices=["S1", "S9"]), 'child C1: choice "S9" is not a known school'),
    (child(0, choices=["S1", "S1"]), 'child C1: school "S1" appears twice in choices'),
    (child(0, priority={"S1": [1, 0, 3]}), 'child C1: missing priority for school "S2"'),
    (
        child(1, priority={"S1": [1, "near", 300]}),
        'child C2: priority for school "S1" must be a non-empty list of numbers',
    ),
    (
        child(1, priority={"S1": []}),
        'child C2: priority for school "S1" must be a non-empty list of numbers',
    ),
    (
        child(1, priority={"S1": [1, 0]}),
        'child C2: priority for school "S1" has length 2, expected 3',
    ),
    (child(0, lottery={"S1": 0.5}), 'child C1: lottery for school "S2" must be a number'),
    (child(1, ward=["x"]), "child C2: ward must be a string"),
    (child(1, group={"g": 1}), "child C2: group must be a string"),
    (
        lambda d: d.update(children=[{"id": "a", "lon": 106.7, "lat": 10.7}]),
        "instance: children have coordinates but no choices; use --mechanism nearest",
    ),
]


@pytest.mark.parametrize(("change", "message"), MALFORMED, ids=[m for _, m in MALFORMED])
def test_every_validation_error_names_its_subject(change, message):
    data = changed(change)
    with pytest.raises(InstanceError) as fast:
        instance_from_json(json.dumps(data).encode())
    assert str(fast.value) == message
    if "coordinates" not in message:  # the CLI checks that before the validating path
        with pytest.raises(InstanceError) as slow:
            instance_from_dict(data)
        assert str(slow.value) == message


def test_files_that_are_not_json_or_not_there(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"schools": [', encoding="utf-8")
    with pytest.raises(InstanceError, match=r"^file .*broken\.json: invalid JSON \(.* line 1\)"):
        read_instance(broken)
    with pytest.raises(InstanceError, match=r"^file .*absent\.json: cannot be read"):
        read_instance(tmp_path / "absent.json")


def _same(a, b) -> None:
    assert a.school_ids == b.school_ids and a.child_ids == b.child_ids
    for name in ("capacity", "choice_ptr", "choice_school", "priority", "lottery"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert np.array_equal(a.distance_m, b.distance_m, equal_nan=True)
    assert (a.lottery_per_school, a.reserved, a.ward, a.group, a.policy) == (
        b.lottery_per_school,
        b.reserved,
        b.ward,
        b.group,
        b.policy,
    )
    assert a.input_sha256 == b.input_sha256


@settings(max_examples=60, deadline=None)
@given(instances(max_children=10, max_schools=4, ties=False), st.booleans(), st.booleans())
def test_fast_path_builds_the_same_instance(instance, labels, seeded):
    data = instance_to_dict(instance)
    for position, entry in enumerate(data["children"]):
        if entry["lottery"] is None:  # a child without a list: the export writes null
            entry["lottery"] = 0.5
        if labels:
            entry["ward"] = f"Phường {position % 3}"
        if seeded and position % 2:
            del entry["lottery"]  # drawn from the seed
    if seeded:
        data["seed"] = 2025
    _same(instance_from_json(json.dumps(data).encode()), instance_from_dict(data))


def test_fast_path_with_per_school_lotteries_reserved_seats_and_int_ids():
    data = changed(
        lambda d: (
            d["children"][0].update(lottery={"S1": 0.1, "S2": 0.7}),
            d["schools"][1].update(reserved={"khuyết tật": 1}),
            d["children"][1].update(group="g"),
        )
    )
    _same(instance_from_json(json.dumps(data).encode()), instance_from_dict(data))
    numeric = changed(lambda d: d["children"][2].update(id=7))  # ids may be numbers
    _same(instance_from_json(json.dumps(numeric).encode()), instance_from_dict(numeric))


def test_a_valid_document_never_needs_the_validating_path(monkeypatch):
    import admissions.allocation.instance_io as io

    def refuse(*args, **kwargs):
        raise AssertionError("the fast path handed a valid document over")

    monkeypatch.setattr(io, "instance_from_dict", refuse)
    data = changed(lambda d: d.update(seed=7) or d["children"][1].pop("lottery"))
    instance = io.instance_from_json(json.dumps(data).encode())
    assert instance.n_children == 3 and instance.policy.seed == 7
