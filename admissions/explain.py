"""Explanations of each child's placement, in Vietnamese and English.

Built from the engine's result (cutoffs, priority tuples, lottery numbers): for every school the
child ranked above its placement, why it was not admitted there. Sentences are gettext strings
rendered in both languages and stored with the run, so the family reads exactly what the
committee published.
"""

from __future__ import annotations

import numpy as np
from django.utils import translation
from django.utils.translation import gettext as _

from admissions.allocation.model import Result


def explanation_data(result: Result, child: int) -> dict:
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
        "child": inst.child_ids[child],
        "placed_school": inst.school_ids[school] if school >= 0 else None,
        "seed": inst.policy.seed,
        "choices": entries,
    }


def render(data: dict, school_names: dict[str, str], category_labels: dict[int, str]) -> str:
    """The portal's sentences (active language) added after the engine's explanation: the
    child's priority category by name, the waiting list, and how ties are broken."""
    lines = []
    if data["choices"]:
        rank = data["choices"][0]["category_rank"]
        lines.append(
            _("Your child's priority category: %(category)s.")
            % {"category": category_labels.get(rank, _("no priority category"))}
        )
    if data["placed_school"] is None:
        lines.append(
            _(
                "Your child could not be placed at any ranked school; the child is on the "
                "waiting list and will be considered in the second round."
            )
        )
    lines.append(
        _(
            "Order of priority at each school: group, then priority category, then distance "
            "(shorter first), then a lottery number drawn from the published seed %(seed)s."
        )
        % {"seed": data["seed"]}
    )
    return " ".join(lines)


def render_both(
    data: dict, school_names: dict[str, str], categories: list[tuple[int, str, str]]
) -> tuple[str, str]:
    out = []
    for lang in ("vi", "en"):
        labels = {rank: (vi if lang == "vi" else en) for rank, vi, en in categories}
        with translation.override(lang):
            out.append(render(data, school_names, labels))
    return out[0], out[1]


def assigned_rank(result: Result) -> np.ndarray:
    inst = result.instance
    rank = np.full(inst.n_children, -1, dtype=np.int64)
    pair = result.assigned_pair
    rank[pair >= 0] = inst.pair_rank[pair[pair >= 0]] + 1
    return rank
