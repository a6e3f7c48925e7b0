"""Explanations of each child's placement, in Vietnamese and English.

Built from the engine's result (cutoffs, priority tuples, lottery numbers): for every school the
child ranked above its placement, why it was not admitted there. Sentences are gettext strings
rendered in both languages and stored with the run, so the family reads exactly what the
committee published.
"""

from __future__ import annotations

import numpy as np
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from admissions.allocation.messages import km
from admissions.allocation.model import Result
from admissions.allocation.priorities import NO_CATEGORY_RANK
from gis.constants import RoadFallbackReason


def explanation_data(result: Result, child: int, *, in_group_1: bool = False) -> dict:
    inst = result.instance
    lo, hi = int(inst.choice_ptr[child]), int(inst.choice_ptr[child + 1])
    assigned_pair = int(result.assigned_pair[child])
    cutoffs = result.cutoffs
    entries = []
    for pair in range(lo, hi):
        sid = inst.school_ids[int(inst.choice_school[pair])]
        prio = [float(v) for v in inst.priority[pair]]
        if pair == assigned_pair:
            outcome = "admitted"
        elif assigned_pair >= 0 and pair > assigned_pair:
            outcome = "not_needed"
        elif int(inst.capacity[int(inst.choice_school[pair])]) == 0:
            outcome = "no_seats"
        else:
            outcome = "full_with_better_priority"
        cutoff = cutoffs.get(sid)
        entries.append(
            {
                "school": sid,
                "rank": pair - lo + 1,
                "group": int(prio[0]),
                "category_rank": int(prio[1]),
                "distance_m": prio[2],
                "lottery": float(inst.lottery[pair]),
                "outcome": outcome,
                "cutoff": (
                    {"group": int(cutoff.priority[0]), "category_rank": int(cutoff.priority[1]),
                     "distance_m": float(cutoff.priority[2]), "lottery": cutoff.lottery}
                    if cutoff else None
                ),
            }
        )  # fmt: skip
    school = int(result.assignment[child])
    return {
        "child": inst.child_ids[child],  # the child's pseudonym in the published input
        "placed_school": inst.school_ids[school] if school >= 0 else None,
        "seed": inst.policy.seed,
        "mechanism": result.mechanism,
        "max_distance_m": float(inst.policy.max_distance_m),
        "categories_in_group_1": in_group_1,
        "choices": entries,
    }


def render(data: dict, category_labels: dict[int, str]) -> str:
    """The portal's sentences (active language) added after the engine's explanation: the
    child's priority category by name, the waiting list, and the order of priority in plain
    words (which depends on the mechanism and on where categories count)."""
    nearest = data.get("mechanism") == "nearest"
    lines = []
    ranks = {c["category_rank"] for c in data["choices"]} - {NO_CATEGORY_RANK}
    named = [category_labels[r] for r in sorted(ranks) if r in category_labels]
    lines.append(
        _("Your child's priority category (đối tượng ưu tiên): %(category)s.")
        % {"category": ", ".join(named) if named else _("no priority category")}
    )
    if data["placed_school"] is None:
        if nearest:
            lines.append(
                _(
                    "Your child could not be placed at any school within %(max)s; the child "
                    "is on the waiting list and will be considered in the second round."
                )
                % {"max": _max_distance(data)}
            )
        else:
            lines.append(
                _(
                    "Your child could not be placed at any ranked school; the child is on the "
                    "waiting list and will be considered in the second round."
                )
            )
    if data.get("categories_in_group_1"):
        order = _(
            "Order of priority at each school: first the children who live in the school's "
            "catchment area, then the others; within each, by priority category, then by "
            "distance (shorter first); a lottery number drawn from the published seed "
            "%(seed)s breaks remaining ties."
        )
    else:
        order = _(
            "Order of priority at each school: first the children who live in the school's "
            "catchment area, by distance (shorter first); then the others, by priority "
            "category, then by distance; a lottery number drawn from the published seed "
            "%(seed)s breaks remaining ties."
        )
    lines.append(order % {"seed": data["seed"]})
    lines.append(distance_sentence(data))
    if nearest:
        lines.append(
            _(
                "Under this year's rule every school within %(max)s of the home is "
                "considered, nearest first, and the catchment school at any distance; children "
                "still without a seat are then served by group, priority category and lottery, "
                "each at the nearest school that still has a free seat."
            )
            % {"max": _max_distance(data)}
        )
    return " ".join(lines)


def _max_distance(data: dict) -> str:
    """The legal distance of the round, written as every page writes a distance."""
    return km(data.get("max_distance_m", 0), get_language() or "vi")


def distance_sentence(data: dict) -> str:
    """How the distances of this explanation were measured (active language): in a straight
    line, or by road — and, for a home that could not be routed, that its distances are
    straight lines and why (never silently)."""
    metric = data.get("metric", "straight")
    fallback = data.get("distance_fallback", "")
    if metric == "straight":
        return _("Distances are measured in a straight line (as the crow flies).")
    if fallback:
        try:
            reason = str(RoadFallbackReason(fallback).label)
        except ValueError:
            reason = fallback
        return _(
            "This round measures distance by road, but no route could be found from your "
            "home (%(reason)s), so your child's distances are measured in a straight line "
            "(as the crow flies)."
        ) % {"reason": reason}
    if metric == "walking":
        return _("Distances are walking distances by road, from the home to the school.")
    return _(
        "Distances are driving distances by road (one-way streets respected), from the home "
        "to the school."
    )


def render_both(data: dict, categories: list[tuple[int, str, str]]) -> tuple[str, str]:
    out = []
    for lang in ("vi", "en"):
        labels = {rank: (vi if lang == "vi" else en) for rank, vi, en in categories}
        with translation.override(lang):
            out.append(render(data, labels))
    return out[0], out[1]


def assigned_rank(result: Result) -> np.ndarray:
    inst = result.instance
    rank = np.full(inst.n_children, -1, dtype=np.int64)
    pair = result.assigned_pair
    rank[pair >= 0] = inst.pair_rank[pair[pair >= 0]] + 1
    return rank
