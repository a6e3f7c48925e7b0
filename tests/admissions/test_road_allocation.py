"""A round allocated by walking distance on the real 2018 road network: the metric is stored
with the run and in its published input (so in its hash), the exported documents pass the
command-line check, every explanation says how distances were measured, and homes the network
does not reach keep the straight line with their reason (stored per child and shown)."""

import gzip
import json

import pytest
from django.utils import translation

from admissions.allocation.cli import main as cli_main
from admissions.audit import audit_export
from admissions.demo import generate_demo_round
from admissions.models import Placement, RoundSchool
from admissions.services import (
    allocation_run_create,
    allocation_run_execute,
    allocation_run_publish,
    allocation_run_review,
    round_close,
)
from portal.core.exceptions import Conflict

WALKING_VI = "khoảng cách đi bộ theo đường"
STRAIGHT_VI = "đường chim bay"


@pytest.fixture
def closed_round(db):
    summary = generate_demo_round(school_year=2032, children=150, seed=11)
    RoundSchool.objects.filter(round=summary.round).update(classes=0, seats_override=2)
    return round_close(admission_round=summary.round, lottery_seed=5)


def computed(round_, mechanism, metric=None):
    run = allocation_run_create(admission_round=round_, mechanism=mechanism, distance_metric=metric)
    allocation_run_execute(run=run)
    run.refresh_from_db()
    return run


@pytest.mark.parametrize("mechanism", ["nearest", "da"])
def test_a_round_by_walking_distance(closed_round, mechanism, tmp_path, capsys):
    straight = computed(closed_round, mechanism)
    walking = computed(closed_round, mechanism, "walking")
    assert (straight.distance_metric, walking.distance_metric) == ("straight", "walking")
    assert straight.check_passed and walking.check_passed, walking.violations
    assert walking.input_sha256 != straight.input_sha256  # the metric is part of the input
    assert walking.policy["distance_metric"] == "walking"
    assert "road_distances_s" in walking.timings

    document = json.loads(gzip.decompress(bytes(walking.input_document)))
    assert document["metric"] == "walking"
    assert "metric" not in json.loads(gzip.decompress(bytes(straight.input_document)))

    placements = list(Placement.objects.filter(run=walking))
    fallbacks = [p for p in placements if p.distance_fallback]
    routed = [p for p in placements if not p.distance_fallback]
    # the 2018 extract covers the south of the city: some homes are routed, others are not
    assert fallbacks and routed
    assert walking.statistics["distance_fallbacks"] == len(fallbacks)
    assert {p.distance_fallback for p in fallbacks} <= {
        "outside_coverage", "off_network", "unreachable"
    }  # fmt: skip
    for p in routed:
        assert WALKING_VI in p.explanation_vi and "walking distances by road" in p.explanation_en
    for p in fallbacks:
        assert STRAIGHT_VI in p.explanation_vi and "no route could be found" in p.explanation_en
        assert WALKING_VI not in p.explanation_vi
    outside = next((p for p in fallbacks if p.distance_fallback == "outside_coverage"), None)
    if outside is not None:
        with translation.override("vi"):
            assert "nằm ngoài vùng có dữ liệu đường" in outside.explanation_vi
    for p in Placement.objects.filter(run=straight)[:20]:
        assert STRAIGHT_VI in p.explanation_vi and WALKING_VI not in p.explanation_vi

    # a routed child's stored distance is its road distance, never below the straight line
    children = {c["id"]: c for c in document.get("children", [])}
    if mechanism == "nearest":
        road_children = [c for c in children.values() if "road" in c]
        assert road_children and all("road_fallback" not in c for c in road_children)

    export = audit_export(run=walking)
    assert export.manifest["distance_metric"] == "walking"
    (tmp_path / "input.json").write_bytes(export.input_json)
    (tmp_path / "result.json").write_bytes(export.result_json)
    assert cli_main(["check", str(tmp_path / "input.json"), str(tmp_path / "result.json")]) == 0
    assert capsys.readouterr().out.strip() == "OK"
    # the public file (ADR 26) ranks the road metres too, and checks OK on its own
    (tmp_path / "public-input.json").write_bytes(export.public_input_json)
    public = json.loads(export.public_input_json)
    assert public["metric"] == "walking" and b"road" not in export.public_input_json
    if mechanism == "da":
        assert public["format"] == "da-public"
        for child in public["children"]:
            for sid, (_, _, rank) in child["priority"].items():
                assert rank != children[child["id"]]["priority"][sid][2]
    paths = [str(tmp_path / "public-input.json"), str(tmp_path / "result.json")]
    assert cli_main(["check", *paths]) == 0
    assert capsys.readouterr().out.strip() == "OK"


def test_only_a_run_with_the_rounds_metric_can_be_published(closed_round, django_user_model):
    committee = django_user_model.objects.create_user("hoidong", is_staff=True)
    closed_round.distance_metric = "walking"
    closed_round.save(update_fields=["distance_metric"])
    assert allocation_run_create(
        admission_round=closed_round, mechanism="nearest"
    ).distance_metric == ("walking")  # the round's choice by default
    simulation = computed(closed_round, "nearest", "straight")
    allocation_run_review(run=simulation, actor=committee)
    with pytest.raises(Conflict) as exc:
        allocation_run_publish(run=simulation, actor=committee)
    assert exc.value.field == "distance_metric"
    run = computed(closed_round, "nearest")
    allocation_run_review(run=run, actor=committee)
    assert allocation_run_publish(run=run, actor=committee).status == "published"
