"""The portal's explanation sentences and pages write distances with the engine's one rule."""

from __future__ import annotations

from django.utils import translation

from admissions import explain
from admissions.allocation.messages import km
from admissions.templatetags.admission_tags import km as km_filter

NEAREST_UNPLACED = {
    "placed_school": None,
    "seed": 42,
    "mechanism": "nearest",
    "max_distance_m": 2370.0,
    "categories_in_group_1": False,
    "choices": [],
}


def test_the_page_filter_and_the_engine_write_the_same_distance():
    for lang, expected in (("vi", "2,37 km"), ("en", "2.37 km")):
        with translation.override(lang):
            assert km_filter(2370) == km_filter("2370.0") == km(2370, lang) == expected
            assert km_filter(None) == ""


def test_portal_sentences_write_the_legal_distance_in_km():
    vi, en = explain.render_both(NEAREST_UNPLACED, [])
    assert "trong phạm vi 2,37 km; con có tên trong danh sách chờ" in vi
    assert "mọi trường trong phạm vi 2,37 km tính từ nơi ở" in vi
    assert "within 2.37 km; the child is on the waiting list" in en
    assert "every school within 2.37 km of the home" in en
