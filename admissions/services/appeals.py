"""Re-placement after an upheld appeal, limited to the affected seats.

The appellant's priority is recomputed from the corrected file (distance from the pin,
catchment of the pin, category) and compared with the published cutoff of every school ranked
above the current result. At the first school where the child would have been admitted (better
than the last child admitted there), the child receives an offer on an extra seat above
capacity: nobody who was placed by the published run moves. A seat the child leaves is offered
to the waiting list in the engine's order."""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db import transaction
from django.utils.translation import gettext_lazy

from admissions.allocation.distances import geodesic_m
from admissions.allocation.priorities import CategoryRule, ChildMemberships, pair_priorities

from ..constants import ApplicationStatus as S
from ..constants import CategoryScope, OfferStatus
from ..models import NO_CATEGORY_RANK, Application, Offer
from ..selectors import applications_in_catchments, placement_for_application, round_seats
from .vacancies import offer_move, round_lock, waitlist_fill_seat


def ranked_priorities(
    application: Application, *, in_group_1: bool | None = None
) -> list[tuple[int, tuple[float, float, float]]]:
    """(school, priority tuple) of each ranked school by the engine's one rule (ADR 12):
    group 1 at every catchment holding the pin, a scoped category only at its school.
    `in_group_1` is the published run's category rule (the round's when not given)."""
    choices = application.ranked_choices
    pin = application.residence_point
    lon = np.array([c.school.location.x for c in choices])
    lat = np.array([c.school.location.y for c in choices])
    distance = np.round(geodesic_m(np.full(len(choices), pin.x), np.full(len(choices), pin.y),
                                   lon, lat), 1)  # fmt: skip
    position = {c.school_id: i for i, c in enumerate(choices)}
    inside = [
        position[s]
        for _, s in applications_in_catchments(
            application_ids=[application.pk], school_year=application.round.school_year
        )
        if s in position
    ]
    category = application.priority_category
    categories = []
    if category is not None and category.scope == CategoryScope.SCHOOL:
        if application.priority_school_id in position:
            categories = [(category.rank, position[application.priority_school_id])]
    elif category is not None:
        categories = [(category.rank, -1)]
    members = ChildMemberships.from_lists([sorted(inside)], [categories])
    if in_group_1 is None:
        in_group_1 = application.round.categories_in_group_1
    rule = CategoryRule(in_group_1=in_group_1, none_rank=NO_CATEGORY_RANK)
    n = len(choices)
    priority = pair_priorities(
        members, np.zeros(n, dtype=np.int64), np.arange(n), distance, n, rule
    )
    return [
        (c.school_id, tuple(float(v) for v in row))
        for c, row in zip(choices, priority.tolist(), strict=True)
    ]


APPEAL_UPHELD_NOTE = gettext_lazy(
    "Appeal upheld: your child is re-placed at choice %(rank)s, %(school)s."
)


@transaction.atomic
def appeal_replace(*, application: Application, actor) -> Offer | None:
    """Offer the best ranked school the corrected priority would have won; None if none.

    The move is the vacancy chain's (`vacancies.offer_move`): the new offer keeps the state of
    the old one — an accepted seat stays accepted (the family ranked the new school higher), an
    open offer stays open. The move always goes through `application_transition` (system actor,
    with a note), so it is in the history and the family is notified after commit.
    Lock order: round → offer → application, as everywhere else."""
    round_lock(round_id=application.round_id)
    current = (
        Offer.objects.select_for_update()
        .filter(
            application_id=application.pk, status__in=[OfferStatus.PENDING, OfferStatus.ACCEPTED]
        )
        .first()
    )
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in (S.WAITLISTED, S.OFFERED, S.ACCEPTED):
        return None
    placement = placement_for_application(application=application)
    if placement is None:
        return None
    cutoffs = placement.run.statistics.get("cutoffs", {})
    seats = round_seats(admission_round=application.round)
    ranks = {c.school_id: c.rank for c in application.ranked_choices}
    limit = ranks.get(current.school_id, 99) if current else 99
    for school_id, priority in ranked_priorities(
        application, in_group_1=placement.run.policy.get("categories_in_group_1")
    ):
        if ranks[school_id] >= limit:
            break
        cutoff = cutoffs.get(str(school_id))
        if cutoff is None:
            wins = seats.get(school_id, 0) > 0
        else:
            wins = (priority, placement.lottery) < (
                tuple(float(v) for v in cutoff["priority"]),
                float(cutoff["lottery"]),
            )
        if not wins:
            continue
        offer = offer_move(
            application=application,
            current=current,
            school_id=school_id,
            run=placement.run,
            admission_round=application.round,
            answer_within=dt.timedelta(0),
            note=APPEAL_UPHELD_NOTE,
            supernumerary=True,
            history_note="appeal upheld",
        )
        if current is not None:
            waitlist_fill_seat(school_id=current.school_id, round_id=application.round_id)
        return offer
    return None
