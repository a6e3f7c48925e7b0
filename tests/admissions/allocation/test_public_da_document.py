"""The public document of a deferred-acceptance run (ADR 26): the priority tuples carry ranks
by distance instead of metres, yet the published checker re-verifies the allocation from it
and catches a changed placement."""

from __future__ import annotations

import json

import numpy as np
import pytest

from admissions.allocation.instance_io import instance_from_dict, instance_to_dict
from admissions.allocation.mechanisms import solve_da
from admissions.allocation.public_da import check_da_public, public_da_document
from tests.admissions.allocation.test_cli import run, write
from tests.admissions.allocation.test_public_document import rehash


def da_input(seed: int = 11, children: int = 200, schools: int = 8, metric: str = "straight"):
    """The complete input of a DA run as the portal stores it: pseudonyms, choices, priority
    tuples (group, category rank, metres to 0.1 m, some equal), the seed; few seats."""
    rng = np.random.default_rng(seed)
    sids = [f"S{i}" for i in range(schools)]
    kids = []
    for i in range(children):
        choices = [
            sids[s] for s in rng.choice(schools, size=int(rng.integers(1, 5)), replace=False)
        ]
        priority = {}
        for sid in choices:
            metres = float(np.round(rng.choice([350.0, rng.uniform(80, 4000)]), 1))
            group = 1 if rng.random() < 0.3 else 2
            category = int(rng.choice([1, 2, 99, 99, 99]))
            priority[sid] = [group, category, metres]
        kids.append({"id": f"C{i:04d}", "choices": choices, "priority": priority})
    document = {
        "schools": [{"id": sid, "capacity": int(rng.integers(8, 20))} for sid in sids],
        "children": kids,
        "seed": seed,
    }
    if metric != "straight":
        document["metric"] = metric
    full = instance_from_dict(document)
    stored = {**instance_to_dict(full), "seed": seed}  # as allocation_run_execute stores it
    if metric != "straight":
        stored["road_network"] = "hcmc-2026-11"
    return stored


@pytest.fixture(scope="module", params=["straight", "walking"])
def published(request):
    stored = json.loads(json.dumps(da_input(metric=request.param)))
    instance = instance_from_dict(stored)
    result = json.loads(json.dumps(solve_da(instance).to_json()))
    document = json.loads(json.dumps(public_da_document(stored)))
    return stored, instance, result, document


def test_no_metre_of_the_complete_input_is_published(published):
    stored, instance, _, document = published
    full = {c["id"]: c["priority"] for c in stored["children"]}
    chose = np.bincount(instance.choice_school, minlength=instance.n_schools)
    for child in document["children"]:
        assert set(child) == {"id", "choices", "priority", "lottery"}
        for sid, (group, category, rank) in child["priority"].items():
            assert [group, category] == full[child["id"]][sid][:2]
            assert rank != full[child["id"]][sid][2]
            assert isinstance(rank, int) and 1 <= rank <= chose[instance.school_index[sid]]
    assert "road" not in json.dumps(document)
    assert document["input_sha256"] == instance.input_sha256
    assert document["metric"] == stored.get("metric", "straight")


def test_equal_distances_at_a_school_share_a_rank(published):
    stored, _, _, document = published
    public = {c["id"]: c["priority"] for c in document["children"]}
    seen: dict[tuple[str, float], int] = {}
    for child in stored["children"]:
        for sid, (_, _, metres) in child["priority"].items():
            rank = public[child["id"]][sid][2]
            assert seen.setdefault((sid, metres), rank) == rank


def test_the_public_document_verifies_the_result(published):
    _, _, result, document = published
    assert check_da_public(document, result) == []


def test_swapping_two_childrens_seats_is_caught(published):
    _, _, result, document = published
    assignment = result["assignment"]
    a = next(c for c in sorted(assignment) if assignment[c])
    b = next(c for c in sorted(assignment) if assignment[c] not in (None, assignment[a]))
    tampered = rehash({**result, "assignment": {**assignment, a: assignment[b], b: assignment[a]}})
    kinds = {v.kind for v in check_da_public(document, tampered)}
    assert "rerun_mismatch" in kinds
    assert "result_hash_mismatch" not in kinds


def test_the_command_line_checks_the_public_file(published, tmp_path):
    _, _, result, document = published
    public = write(tmp_path, "public-input.json", document)
    checked = run("check", public, write(tmp_path, "result.json", result))
    assert checked.returncode == 0 and checked.stdout.strip() == "OK", checked.stdout

    assignment = result["assignment"]
    a = next(c for c in sorted(assignment) if assignment[c])
    b = next(c for c in sorted(assignment) if assignment[c] not in (None, assignment[a]))
    tampered = rehash({**result, "assignment": {**assignment, a: assignment[b], b: assignment[a]}})
    failed = run("check", public, write(tmp_path, "bad.json", tampered))
    assert failed.returncode == 1 and "rerun_mismatch" in failed.stdout, failed.stdout
    assert "FAILED" in failed.stderr


def test_a_published_lottery_number_must_come_from_the_seed(published, tmp_path):
    _, _, result, document = published
    forged = json.loads(json.dumps(document))
    forged["children"][0]["lottery"] = 0.0
    failed = run(
        "check", write(tmp_path, "input.json", forged), write(tmp_path, "result.json", result)
    )
    assert failed.returncode == 1 and "lottery_mismatch" in failed.stdout


def test_a_public_file_must_name_the_complete_inputs_hash(published, tmp_path):
    _, _, result, document = published
    headless = {k: v for k, v in document.items() if k != "input_sha256"}
    failed = run(
        "check", write(tmp_path, "input.json", headless), write(tmp_path, "result.json", result)
    )
    assert failed.returncode == 2 and "input_sha256" in failed.stderr
