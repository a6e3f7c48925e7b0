"""The public document of a nearest-first run (ADR 26): no home and no metres, yet the
published checker re-verifies the allocation from it and catches a wrong placement."""

from __future__ import annotations

import json

import numpy as np
import pytest

from admissions.allocation.hashing import result_sha256
from admissions.allocation.nearest import nearest_source, solve_nearest
from admissions.allocation.priorities import CategoryRule
from admissions.allocation.public import (
    _dense_rank_per_school,
    check_nearest_public,
    public_document,
)
from tests.admissions.allocation.test_cli import run, write


def city(seed: int = 7, children: int = 240, schools: int = 12):
    """A small city with too few seats near its centre, catchments and categories, so that
    lists, priorities and the final pass all matter."""
    rng = np.random.default_rng(seed)
    s_lon = 106.70 + rng.uniform(-0.03, 0.03, schools)
    s_lat = 10.78 + rng.uniform(-0.03, 0.03, schools)
    sids = [f"S{i:02d}" for i in range(schools)]
    c_lon = 106.70 + rng.normal(0, 0.012, children)
    c_lat = 10.78 + rng.normal(0, 0.012, children)
    catchments = [
        [sids[int(rng.integers(schools))]] if rng.random() < 0.3 else [] for _ in range(children)
    ]
    categories = [
        [
            (
                int(rng.integers(1, 4)),
                None if rng.random() < 0.5 else sids[int(rng.integers(schools))],
            )
        ]
        if rng.random() < 0.2
        else []
        for _ in range(children)
    ]
    return nearest_source(
        [f"C{i:04d}" for i in range(children)],
        c_lon,
        c_lat,
        sids,
        s_lon,
        s_lat,
        rng.integers(12, 22, schools),
        seed=seed,
        catchments=catchments,
        categories=categories,
        rule=CategoryRule(),
        max_distance_m=2500.0,
    )


@pytest.fixture(scope="module")
def published():
    source = city()
    result = json.loads(json.dumps(solve_nearest(source).to_json()))
    assert result.get("placed_by_final_pass"), "the city must exercise the final pass"
    document = json.loads(json.dumps(public_document(source, result)))
    return source, result, document


def rehash(result: dict) -> dict:
    """A tampered result with a consistent hash: only the rules can catch it."""
    result["result_sha256"] = result_sha256(result["assignment"], result["cutoffs"])
    return result


def test_ranks_order_distances_per_school_with_ties_shared():
    school = np.array([0, 1, 0, 0, 1])
    dist = np.array([300.0, 50.0, 120.0, 300.0, 80.0])
    assert _dense_rank_per_school(school, dist).tolist() == [2, 1, 1, 2, 2]


def test_the_public_document_has_no_coordinate_and_no_metre(published):
    source, _, document = published
    text = json.dumps(document)
    assert '"lon"' not in text and '"lat"' not in text and "road" not in text
    for c in range(source.n_children):
        for value in (source.child_lon[c], source.child_lat[c]):
            assert f"{value:.3f}" not in text
    ranks = [rank for child in document["children"] for _, rank in child["list"]]
    assert all(isinstance(rank, int) and rank >= 1 for rank in ranks)
    assert document["input_sha256"] == source.sha256


def test_the_public_document_verifies_the_result(published):
    _, result, document = published
    assert check_nearest_public(document, result) == []


def test_swapping_two_children_between_schools_is_caught(published):
    _, result, document = published
    assignment = result["assignment"]
    final = set(result["placed_by_final_pass"])
    a, b = [c for c in sorted(assignment) if assignment[c] and c not in final][:2]
    if assignment[a] == assignment[b]:
        b = next(
            c
            for c in sorted(assignment)
            if assignment[c] not in (None, assignment[a]) and c not in final
        )
    tampered = rehash({**result, "assignment": {**assignment, a: assignment[b], b: assignment[a]}})
    kinds = {v.kind for v in check_nearest_public(document, tampered)}
    assert "rerun_mismatch" in kinds
    assert "result_hash_mismatch" not in kinds


def test_a_wrong_final_pass_seat_is_caught(published):
    _, result, document = published
    child = result["placed_by_final_pass"][0]
    other = next(s["id"] for s in document["schools"] if s["id"] != result["assignment"][child])
    tampered = rehash({**result, "assignment": {**result["assignment"], child: other}})
    kinds = {v.kind for v in check_nearest_public(document, tampered)}
    assert "final_pass_mismatch" in kinds or "over_capacity" in kinds


def test_the_command_line_checks_the_public_file(published, tmp_path):
    _, result, document = published
    public = write(tmp_path, "input.json", document)
    assert run("check", public, write(tmp_path, "result.json", result)).stdout.strip() == "OK"

    child = next(c for c, s in sorted(result["assignment"].items()) if s)
    moved = next(s["id"] for s in document["schools"] if s["id"] != result["assignment"][child])
    tampered = rehash({**result, "assignment": {**result["assignment"], child: moved}})
    failed = run("check", public, write(tmp_path, "bad.json", tampered))
    assert failed.returncode == 1, failed.stdout
    assert "FAILED" in failed.stderr


def test_a_published_lottery_number_must_come_from_the_seed(published, tmp_path):
    _, result, document = published
    forged = json.loads(json.dumps(document))
    forged["children"][0]["lottery"] = 0.0
    failed = run(
        "check", write(tmp_path, "input.json", forged), write(tmp_path, "result.json", result)
    )
    assert failed.returncode == 1 and "lottery_mismatch" in failed.stdout
