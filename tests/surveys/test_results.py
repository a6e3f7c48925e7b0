"""The pure result computations: shares, means, the satisfied share, bar geometry."""

from django.utils import translation

from portal.core.charts import bar_chart
from surveys.constants import QuestionKind
from surveys.results import AnswerCounts, QuestionSpec, question_result, rating_summary


def test_rating_summary_mean_satisfied_share_and_every_level():
    summary = rating_summary({5: 3, 4: 1, 2: 1})
    assert summary.count == 5
    assert summary.mean == (5 * 3 + 4 + 2) / 5
    assert summary.satisfied == 4
    assert summary.satisfied_share == 80.0
    assert summary.distribution == {1: 0, 2: 1, 3: 0, 4: 1, 5: 3}


def test_rating_summary_without_answers_has_no_mean():
    summary = rating_summary({})
    assert (summary.count, summary.mean, summary.satisfied_share) == (0, None, None)


def test_multiple_choice_shares_are_of_people_who_answered():
    spec = QuestionSpec(
        id=7, kind=QuestionKind.MULTIPLE_CHOICE, text="?", required=True,
        options=((1, "Cơm"), (2, "Phở"), (3, "Bánh mì")),
    )  # fmt: skip
    counts = AnswerCounts(answered={7: 4}, options={(7, 1): 4, (7, 2): 2}, ratings={}, texts={})
    result = question_result(spec, counts, {})
    assert result.answered == 4
    assert [(b.label, b.value, b.share, b.width) for b in result.bars] == [
        ("Cơm", 4, 100.0, "100.0"),
        ("Phở", 2, 50.0, "50.0"),
        ("Bánh mì", 0, 0.0, "0.0"),
    ]


def test_rating_question_bars_cover_all_five_levels():
    spec = QuestionSpec(id=3, kind=QuestionKind.RATING, text="?", required=True)
    counts = AnswerCounts(answered={3: 3}, options={}, ratings={(3, 4): 2, (3, 1): 1}, texts={})
    result = question_result(spec, counts, {n: f"L{n}" for n in range(1, 6)})
    assert [b.value for b in result.bars] == [1, 0, 0, 2, 0]
    assert result.rating.mean == 3.0
    assert round(result.rating.satisfied_share, 4) == round(200 / 3, 4)


def test_bar_widths_are_never_localised():
    with translation.override("vi"):
        bars = bar_chart([("a", 1), ("b", 3)])
    assert [b.width for b in bars] == ["33.3", "100.0"]
    assert bar_chart([("a", 0)])[0].width == "0.0"
