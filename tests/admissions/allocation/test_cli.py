"""Command-line contract: solve/check round trip and malformed-instance errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]

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
        {
            "id": "C3",
            "choices": ["S2", "S1"],
            "priority": {"S1": [2, 0, 3000], "S2": [1, 0, 100]},
            "lottery": 0.1,
        },
    ],
}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "admissions.allocation", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )


def write(tmp_path: Path, name: str, data) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_solve_then_check_ok_and_tampering_fails(tmp_path):
    instance = write(tmp_path, "instance.json", GOOD)
    result_path = tmp_path / "result.json"
    solved = run("solve", instance, "-o", str(result_path))
    assert solved.returncode == 0, solved.stderr
    result = json.loads(result_path.read_text())
    assert result["assignment"] == {"C1": "S2", "C2": "S1", "C3": "S2"}
    assert result["cutoffs"]["S1"] == {"priority": [1, 0, 300], "lottery": 0.9}
    assert result["stable"] is True
    assert len(result["input_sha256"]) == 64 and len(result["result_sha256"]) == 64

    checked = run("check", instance, str(result_path))
    assert checked.returncode == 0 and checked.stdout.strip() == "OK"

    result["assignment"]["C2"] = None  # wasted seat at S1 + hash mismatch
    bad = write(tmp_path, "bad.json", result)
    failed = run("check", instance, bad)
    assert failed.returncode == 1
    assert "wasted_seat" in failed.stdout and "result_hash_mismatch" in failed.stdout


def mutate(change):
    data = json.loads(json.dumps(GOOD))
    change(data)
    return data


def _set(path, value):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


MALFORMED = [
    (_set(["children", 0, "choices"], ["S1", "S9"]), 'child C1: choice "S9" is not a known school'),
    (
        _set(["children", 0, "choices"], ["S1", "S1"]),
        'child C1: school "S1" appears twice in choices',
    ),
    (
        _set(["schools", 1, "capacity"], -3),
        "school S2: capacity must be a non-negative integer, got -3",
    ),
    (
        _set(["children", 2, "priority"], {"S2": [1, 0, 100]}),
        'child C3: missing priority for school "S1"',
    ),
    (lambda d: d["schools"].append({"id": "S1", "capacity": 4}), "school S1: duplicate school id"),
    (lambda d: d["children"].append(dict(d["children"][1])), "child C2: duplicate child id"),
    (
        _set(["children", 1, "priority", "S1"], [1, "near", 300]),
        'child C2: priority for school "S1" must be a non-empty list of numbers',
    ),
    (_set(["children", 1, "lottery"], "0.5"), 'child C2: lottery must be a number, got "0.5"'),
    (
        _set(["schools", 0, "capacity"], "35"),
        'school S1: capacity must be a non-negative integer, got "35"',
    ),
]


@pytest.mark.parametrize(("change", "message"), MALFORMED, ids=[m for _, m in MALFORMED])
def test_malformed_instance_exits_2_with_one_line(tmp_path, change, message):
    instance = write(tmp_path, "instance.json", mutate(change))
    completed = run("solve", instance, "-o", str(tmp_path / "out.json"))
    assert completed.returncode == 2
    assert completed.stderr.strip() == message
    assert len(completed.stderr.strip().splitlines()) == 1


def test_nearest_mechanism_from_coordinates(tmp_path):
    source = {
        "max_distance_m": 2000,
        "seed": 7,
        "schools": [
            {"id": "near", "capacity": 1, "lon": 106.700, "lat": 10.780},
            {"id": "far", "capacity": 5, "lon": 106.750, "lat": 10.780},
        ],
        "children": [
            {"id": "a", "lon": 106.701, "lat": 10.780},
            {"id": "b", "lon": 106.702, "lat": 10.780},
        ],
    }
    instance = write(tmp_path, "source.json", source)
    out = tmp_path / "result.json"
    solved = run("solve", instance, "-o", str(out), "--mechanism", "nearest")
    assert solved.returncode == 0, solved.stderr
    result = json.loads(out.read_text())
    assert result["mechanism"] == "nearest"
    assert result["assignment"] == {"a": "near", "b": "far"}
    assert result["placed_by_final_pass"] == ["b"]  # "far" is 5 km away: beyond 2000 m
    checked = run("check", instance, str(out))
    assert checked.returncode == 0, checked.stdout
