"""Survey results from answer counts: pure functions on plain data (no ORM), fed by selectors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from portal.core.charts import Bar, bar_chart

from .constants import CHOICE_KINDS, RATING_MAX, RATING_MIN, SATISFIED_MIN_RATING, QuestionKind


@dataclass(frozen=True)
class QuestionSpec:
    id: int
    kind: str
    text: str
    required: bool
    options: tuple[tuple[int, str], ...] = ()  # (option id, label) in display order


@dataclass(frozen=True)
class AnswerCounts:
    """What the database counted: answer sheets per question, choices, ratings and texts."""

    answered: Mapping[int, int]  # question id → answer sheets that answered it
    options: Mapping[tuple[int, int], int]  # (question id, option id) → times chosen
    ratings: Mapping[tuple[int, int], int]  # (question id, rating) → count
    texts: Mapping[int, Sequence[str]]  # question id → free texts, newest first


@dataclass(frozen=True)
class RatingSummary:
    count: int
    mean: float | None
    satisfied: int
    satisfied_share: float | None  # per cent of ratings ≥ SATISFIED_MIN_RATING
    distribution: dict[int, int]  # 1..5 → count, every level present


@dataclass
class QuestionResult:
    spec: QuestionSpec
    answered: int
    bars: list[Bar] = field(default_factory=list)
    rating: RatingSummary | None = None
    texts: Sequence[str] = ()


def rating_summary(distribution: Mapping[int, int]) -> RatingSummary:
    """Mean and share of satisfied answers of a 1–5 rating."""
    levels = {level: int(distribution.get(level, 0)) for level in range(RATING_MIN, RATING_MAX + 1)}
    count = sum(levels.values())
    satisfied = sum(n for level, n in levels.items() if level >= SATISFIED_MIN_RATING)
    if count == 0:
        return RatingSummary(0, None, 0, None, levels)
    mean = sum(level * n for level, n in levels.items()) / count
    return RatingSummary(count, mean, satisfied, 100.0 * satisfied / count, levels)


def rating_bars(summary: RatingSummary, labels: Mapping[int, str]) -> list[Bar]:
    return bar_chart(
        [(labels.get(level, str(level)), n) for level, n in summary.distribution.items()],
        whole=summary.count,
    )


def question_result(
    spec: QuestionSpec, counts: AnswerCounts, rating_labels: Mapping[int, str]
) -> QuestionResult:
    answered = counts.answered.get(spec.id, 0)
    result = QuestionResult(spec=spec, answered=answered)
    if spec.kind in CHOICE_KINDS:
        # A multiple choice's shares are of the people who answered it, so they may exceed 100 %.
        result.bars = bar_chart(
            [(label, counts.options.get((spec.id, option), 0)) for option, label in spec.options],
            whole=answered,
        )
    elif spec.kind == QuestionKind.RATING:
        result.rating = rating_summary(
            {level: n for (question, level), n in counts.ratings.items() if question == spec.id}
        )
        result.bars = rating_bars(result.rating, rating_labels)
    else:
        result.texts = counts.texts.get(spec.id, ())
    return result


def survey_results(
    specs: Sequence[QuestionSpec], counts: AnswerCounts, rating_labels: Mapping[int, str]
) -> list[QuestionResult]:
    return [question_result(spec, counts, rating_labels) for spec in specs]
