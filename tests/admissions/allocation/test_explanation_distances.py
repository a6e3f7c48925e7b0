"""Explanation sentences write distances as every page does: "2,37 km" (vi), "2.37 km" (en)."""

from __future__ import annotations

import pytest

from admissions.allocation.explanations import explain, render_explanation
from admissions.allocation.mechanisms import solve
from admissions.allocation.messages import km
from admissions.allocation.model import Instance
from admissions.allocation.nearest import solve_nearest
from tests.admissions.allocation.test_nearest_and_distances import line_source

NAMES = {"Y": "Trường Y", "X": "Trường X"}


@pytest.mark.parametrize(
    ("metres", "vi", "en"),
    [
        (2370, "2,37 km", "2.37 km"),
        (2370.4, "2,37 km", "2.37 km"),
        (850, "0,85 km", "0.85 km"),
        (2000, "2,00 km", "2.00 km"),
        (12_345, "12,35 km", "12.35 km"),
    ],
)
def test_km_in_both_languages(metres, vi, en):
    assert km(metres, "vi") == vi
    assert km(metres, "en") == en


def test_cutoff_and_own_distance_are_written_in_km():
    # Y has one seat, taken by "rival" at 1500 m; "kid" at 2370 m is refused there.
    instance = Instance.from_lists(
        [("Y", 1), ("X", 1)],
        [
            ("rival", ["Y"], {"Y": [1, 0, 1500.0]}, 0.5),
            ("kid", ["Y", "X"], {"Y": [1, 0, 2370.0], "X": [2, 0, 400.0]}, 0.1),
        ],
    )
    expl = explain(solve(instance), "kid")
    vi = render_explanation(expl, "vi", NAMES)
    en = render_explanation(expl, "en", NAMES)
    assert "ở khoảng cách đến 1,50 km; con cư trú trong địa bàn tuyển sinh của trường, " in vi
    assert "cách trường 2,37 km." in vi
    assert "up to 1.50 km away; your child, living in its catchment area, is 2.37 km away." in en
    for text in (vi, en):
        assert " m " not in text and " m." not in text and " m;" not in text


def test_max_range_sentence_is_written_in_km():
    # c1 lives 50 km from the only school, which c0 fills; the legal distance is 2370 m.
    expl = explain(solve_nearest(line_source([1], [0, 50_000], [0], 2370.0)), "c1")
    assert render_explanation(expl, "vi").startswith(
        "Không có trường nào trong phạm vi 2,37 km tính từ nơi ở của con."
    )
    assert render_explanation(expl, "en").startswith("No school lies within 2.37 km of your home.")


def test_final_pass_sentence_writes_both_distances_in_km():
    # c1 loses s0 to c0 by lottery; s1 lies 2370 m away, beyond the 2000 m of the rule.
    expl = explain(solve_nearest(line_source([1, 1], [0, 0], [0, 2370])), "c1")
    assert expl.placed_by_final_pass
    vi = render_explanation(expl, "vi", {"s1": "Trường Xa"})
    en = render_explanation(expl, "en", {"s1": "Trường Xa"})
    assert (
        "Các trường trong phạm vi 2,00 km đều đã đủ chỉ tiêu, nên con được xếp vào trường gần "
        "nhất còn chỗ: Trường Xa, cách 2,37 km."
    ) in vi
    assert (
        "No school within 2.00 km had a free seat, so you were placed at the nearest school "
        "with a free seat: Trường Xa, 2.37 km away."
    ) in en
