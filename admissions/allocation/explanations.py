"""Per-child explanations: language-neutral data plus Vietnamese/English sentences.

:func:`explain` returns, for every school the child ranked (in order), the school id, the
child's priority tuple and lottery there, the school's cutoff (worst admitted child) and a
reason code:

* ``admitted`` — the assigned school;
* ``school_full_with_better_priority`` — a school ranked higher that filled with children
  of better priority (``deciding`` names the tuple element that decided, e.g. ``group``,
  ``category``, ``distance_m`` or ``lottery``);
* ``school_has_no_seats`` — capacity 0;
* ``not_reached`` — ranked below the assigned school (never needed);
* ``rejected`` — anything else (never happens for a stable result).

:func:`render_explanation` turns it into sentences (templates in ``messages.py``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cached_property
from typing import Any

import numpy as np

from admissions.allocation.messages import LANGUAGES, MESSAGES, capitalised, km, place, placed
from admissions.allocation.model import (
    ADMITTED,
    FULL_WITH_BETTER_PRIORITY,
    NO_FREE_SEAT_ANYWHERE,
    NO_SEATS,
    NONE_WITHIN_MAX_AND_ALL_FULL,
    NOT_REACHED,
    PLACED_BY_FINAL_PASS,
    REJECTED_OTHER,
    Cutoff,
    Result,
    plain_number,
)


@dataclass(frozen=True)
class ChoiceExplanation:
    """What happened at one ranked school."""

    rank: int  # 1-based position in the child's list
    school_id: str
    priority: tuple[int | float, ...]
    lottery: float
    distance_m: float | None
    cutoff: Cutoff | None
    school_full: bool
    reason: str
    deciding: str | None = None


@dataclass(frozen=True)
class Explanation:
    """Why a child got its seat (or none)."""

    child_id: str
    school_id: str | None
    assigned_rank: int | None  # 1-based rank of the assigned school in the list
    placed_by_final_pass: bool
    distance_m: float | None
    choices: tuple[ChoiceExplanation, ...]
    unplaced_reason: str | None
    max_distance_m: float
    priority_labels: tuple[str, ...]
    distance_index: int | None
    #: ``"nearest"``: positions are places in the distance list, not the family's choices.
    mechanism: str = "da"
    no_category_rank: int = 99

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return asdict(self)


class Explainer:
    """Builds explanations for many children of one result (shared precomputation)."""

    def __init__(self, result: Result) -> None:
        self.result = result
        inst = result.instance
        self.seated = np.bincount(
            result.assignment[result.assignment >= 0], minlength=inst.n_schools
        )
        self.unplaced = {u.child_id: u for u in result.unplaced}

    @cached_property
    def cutoffs(self) -> dict[str, Cutoff]:
        return self.result.cutoffs

    def explain(self, child_id: str) -> Explanation:
        result, inst = self.result, self.result.instance
        c = inst.child_index[child_id]
        labels = _labels(inst.policy.priority_labels, inst.priority_length)
        assigned_pair = int(result.assigned_pair[c])
        lo, hi = int(inst.choice_ptr[c]), int(inst.choice_ptr[c + 1])
        items = []
        for pair in range(lo, hi):
            s = int(inst.choice_school[pair])
            sid = inst.school_ids[s]
            prio = tuple(plain_number(v) for v in inst.priority[pair])
            lottery = plain_number(inst.lottery[pair])
            cutoff = self.cutoffs.get(sid)
            full = bool(self.seated[s] >= inst.capacity[s])
            deciding = None
            if pair == assigned_pair:
                reason = ADMITTED
            elif 0 <= assigned_pair < pair:
                reason = NOT_REACHED
            elif inst.capacity[s] == 0:
                reason = NO_SEATS
            elif (
                full
                and cutoff is not None
                and (*prio, lottery) > (*cutoff.priority, cutoff.lottery)
            ):
                reason = FULL_WITH_BETTER_PRIORITY
                deciding = _deciding(prio, lottery, cutoff, labels)
            else:
                reason = REJECTED_OTHER
            dist = inst.distance_m[pair]
            items.append(
                ChoiceExplanation(
                    rank=pair - lo + 1,
                    school_id=sid,
                    priority=prio,
                    lottery=lottery,
                    distance_m=None if np.isnan(dist) else float(dist),
                    cutoff=cutoff,
                    school_full=full,
                    reason=reason,
                    deciding=deciding,
                )
            )
        s = int(result.assignment[c])
        dist = result.assigned_distance_m[c]
        report = self.unplaced.get(child_id)
        return Explanation(
            child_id=child_id,
            school_id=inst.school_ids[s] if s >= 0 else None,
            assigned_rank=assigned_pair - lo + 1 if assigned_pair >= 0 else None,
            placed_by_final_pass=bool(result.outside_list[c]),
            distance_m=None if np.isnan(dist) else float(dist),
            choices=tuple(items),
            unplaced_reason=report.reason if report and s < 0 else None,
            max_distance_m=float(inst.policy.max_distance_m),
            priority_labels=labels,
            distance_index=inst.policy.distance_index
            if inst.policy.distance_index is not None
            and inst.policy.distance_index < inst.priority_length
            else None,
            mechanism=result.mechanism,
            no_category_rank=int(inst.policy.no_category_rank),
        )


def _labels(labels: tuple[str, ...], length: int) -> tuple[str, ...]:
    return tuple(labels[k] if k < len(labels) else f"priority_{k}" for k in range(length))


def _deciding(prio: tuple, lottery: float, cutoff: Cutoff, labels: tuple[str, ...]) -> str:
    for k, (mine, theirs) in enumerate(zip(prio, cutoff.priority, strict=True)):
        if mine != theirs:
            return labels[k]
    return "lottery"


def explain(result: Result, child_id: str) -> Explanation:
    """Explanation of one child's placement (use :class:`Explainer` for many children)."""
    return Explainer(result).explain(child_id)


def explain_all(result: Result) -> list[Explanation]:
    """Explanations of every child, in instance order."""
    explainer = Explainer(result)
    return [explainer.explain(cid) for cid in result.instance.child_ids]


# -- rendering ---------------------------------------------------------------------------


def _distance(value: float | None, lang: str) -> str:
    return "?" if value is None else km(value, lang)


def _num(value: Any) -> str:
    value = plain_number(value)
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _group_words(group: Any, lang: str) -> str:
    return MESSAGES[lang]["group_1" if plain_number(group) == 1 else "group_2"]


def _category_words(rank: Any, expl: Explanation, lang: str, names: dict[int, str]) -> str:
    rank = int(plain_number(rank))
    if rank == expl.no_category_rank:
        return MESSAGES[lang]["no_category"]
    return MESSAGES[lang]["category"].format(name=names.get(rank, str(rank)))


def _choice_sentence(
    item: ChoiceExplanation, expl: Explanation, lang: str, name, categories: dict[int, str]
) -> str | None:
    text = MESSAGES[lang]
    where = place(item.rank, name(item.school_id), lang, nearest=expl.mechanism == "nearest")
    base = {"Place": capitalised(where)}
    if item.reason == NO_SEATS:
        return text["no_seats"].format(**base)
    if item.reason != FULL_WITH_BETTER_PRIORITY or item.cutoff is None:
        return text["rejected"].format(**base) if item.reason == REJECTED_OTHER else None
    cut = item.cutoff
    standard = expl.distance_index is not None and expl.priority_labels[0] == "group"
    if not standard:
        return text["full_generic"].format(
            **base,
            cut_priority=", ".join(_num(v) for v in cut.priority),
            priority=", ".join(_num(v) for v in item.priority),
        )
    d = expl.distance_index
    with_category = len(item.priority) > 2
    fields = {
        **base,
        "group": _group_words(item.priority[0], lang),
        "cut_group": _group_words(cut.priority[0], lang),
        "distance": _distance(float(item.priority[d]), lang),
        "cut_distance": _distance(float(cut.priority[d]), lang),
        "category": _category_words(item.priority[1], expl, lang, categories)
        if with_category
        else "",
        "cut_category": _category_words(cut.priority[1], expl, lang, categories)
        if with_category
        else "",
        "lottery": f"{float(item.lottery):.4f}",
        "cut_lottery": f"{float(cut.lottery):.4f}",
    }
    if item.deciding == "lottery":
        return text["full_lottery"].format(**fields)
    if item.deciding not in ("group", expl.priority_labels[d]):
        return text["full_category"].format(**fields)
    return text["full_group_distance"].format(**fields)


def render_explanation(
    expl: Explanation,
    lang: str = "vi",
    school_names: dict[str, str] | None = None,
    category_names: dict[int, str] | None = None,
) -> str:
    """Sentences explaining a placement, in Vietnamese (``"vi"``) or English (``"en"``).

    ``school_names`` maps school ids to display names (ids are used when missing);
    ``category_names`` maps category ranks to their names in ``lang``.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {LANGUAGES}")
    text = MESSAGES[lang]
    names = school_names or {}
    categories = category_names or {}
    nearest = expl.mechanism == "nearest"
    max_m = km(expl.max_distance_m, lang)

    def name(sid: str) -> str:
        return names.get(sid, sid)

    sentences: list[str] = []
    if expl.school_id is not None and not expl.placed_by_final_pass:
        rank = expl.assigned_rank or 0
        sentences.append(placed(rank, name(expl.school_id), lang, nearest=nearest))
    elif not expl.choices and (expl.placed_by_final_pass or expl.unplaced_reason is not None):
        # Nearest-first: the list is every school within the legal distance, and it was empty.
        sentences.append(text["none_in_range"].format(max_m=max_m))
    elif not expl.choices:
        sentences.append(text["no_choices"])
    else:
        sentences.append(text["unplaced_nearest" if nearest else "unplaced"].format(max_m=max_m))
    for item in expl.choices:
        sentence = _choice_sentence(item, expl, lang, name, categories)
        if sentence:
            sentences.append(sentence)
    if expl.placed_by_final_pass and expl.school_id is not None:
        sentences.append(
            text["placed_final"].format(
                max_m=max_m, school=name(expl.school_id), distance=_distance(expl.distance_m, lang)
            )
        )
    elif expl.unplaced_reason == NO_FREE_SEAT_ANYWHERE:
        sentences.append(text["no_free_seat"])
    elif expl.unplaced_reason == NONE_WITHIN_MAX_AND_ALL_FULL:
        sentences.append(text["none_within"].format(max_m=max_m))
    return " ".join(sentences)


__all__ = [
    "PLACED_BY_FINAL_PASS",
    "ChoiceExplanation",
    "Explainer",
    "Explanation",
    "explain",
    "explain_all",
    "render_explanation",
]
