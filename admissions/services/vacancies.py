"""Vacancy chains after publication: a freed seat moves in the engine's order.

When a seat frees at school S (decline, expiry, an appellant leaving it), it goes to the child
with the best priority *at S* — the engine's own tuple stored with the published run (group,
category rank, distance, then the run's lottery number; tracking code as the last tie-break) —
among the children who

* still take part: waiting list, open offer, or accepted offer not yet enrolled
  (``waitlisted`` / ``offered`` / ``accepted``; see ADR 0008 for why accepted-not-enrolled
  children may still move up),
* ranked S strictly *above* their current position (no live offer = below every choice; an
  offer at a school outside their ranked list, e.g. from the nearest-first second round, also
  counts as below every ranked choice), and
* never declined S nor let an offer at S expire.

If that child held a seat elsewhere, the old offer is withdrawn and that seat frees in turn:
the chain continues until a freed seat finds nobody who wants it. The new offer keeps the
state of the old one (an accepted seat stays accepted: the family ranked the new school
higher; an open offer stays open with a fresh deadline). A school is only refilled while its
live offers are below its seats, so a supernumerary seat after an appeal is never refilled.

Concurrency: every chain first locks the round row (``SELECT … FOR UPDATE``), so chains in one
round run one after the other in a fixed lock order (round → seat rows → offers →
applications) and two simultaneous declines can never hand one seat to two children.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..constants import ApplicationStatus, OfferStatus, RunStage
from ..models import AdmissionRound, Application, ApplicationChoice, Offer, Placement, RoundSchool
from ..selectors import placements_of
from .applications import application_transition
from .states import offer_created, offer_transition

LIVE_OFFER = (OfferStatus.PENDING, OfferStatus.ACCEPTED)
# Who may still move: waiting list, open offer, accepted but not yet enrolled.
MOVABLE = (ApplicationStatus.WAITLISTED, ApplicationStatus.OFFERED, ApplicationStatus.ACCEPTED)
# Answers that rule a school out for good for that child.
REFUSED = (OfferStatus.DECLINED, OfferStatus.EXPIRED)
WAITLIST_OFFER_DAYS = 3
BELOW_ALL = 10**6  # "rank" of no seat / a seat outside the ranked list
MAX_CHAIN = 10_000  # safety net; every step strictly improves one child's rank


def round_lock(*, round_id: int) -> AdmissionRound:
    """Serialise seat moves of one round (always the first lock taken). ``FOR NO KEY UPDATE``:
    it excludes every other seat move, yet a parent creating an application (whose foreign key
    takes ``FOR KEY SHARE`` on the round) never waits for it (ADR 0020)."""
    return AdmissionRound.objects.select_for_update(no_key=True).get(pk=round_id)


def _priority_key(explanation: dict, school_id: int) -> tuple | None:
    for entry in explanation.get("choices", []):
        if entry["school"] == str(school_id):
            return (
                float(entry["group"]),
                float(entry["category_rank"]),
                float(entry["distance_m"]),
                float(entry["lottery"]),
            )
    return None


def vacancy_candidates(*, round_id: int, school_id: int) -> list[tuple[tuple, int]]:
    """Children eligible for a seat at the school, best first: [(priority key, application id)]."""
    refused = Offer.objects.filter(
        application_id=OuterRef("application_id"), school_id=school_id, status__in=REFUSED
    )
    ranked = dict(
        ApplicationChoice.objects.filter(
            school_id=school_id,
            application__round_id=round_id,
            application__status__in=MOVABLE,
        )
        .annotate(refused=Exists(refused))
        .filter(refused=False)
        .values_list("application_id", "rank")
    )
    if not ranked:
        return []
    current = dict(
        Offer.objects.filter(application_id__in=ranked, status__in=LIVE_OFFER).values_list(
            "application_id", "school_id"
        )
    )
    current_rank = {
        (a, s): r
        for a, s, r in ApplicationChoice.objects.filter(
            application_id__in=list(current), school_id__in=set(current.values())
        ).values_list("application_id", "school_id", "rank")
    }
    eligible = [
        a
        for a, rank in ranked.items()
        if rank < (current_rank.get((a, current[a]), BELOW_ALL) if a in current else BELOW_ALL)
    ]
    placements = placements_of(application_ids=eligible).values_list(
        "application_id", "explanation", "application__tracking_code"
    )
    out = []
    for application_id, explanation, code in placements:
        key = _priority_key(explanation, school_id)
        if key is not None:  # no stored priority at this school: not comparable, skipped
            out.append(((*key, code), application_id))
    out.sort()
    return out


def _free_seats(*, round_id: int, school_id: int) -> int:
    seat_row = (
        RoundSchool.objects.select_for_update(of=("self",))
        .select_related("round")
        .filter(round_id=round_id, school_id=school_id)
        .first()
    )
    if seat_row is None:
        return 0
    taken = Offer.objects.filter(
        application__round_id=round_id, school_id=school_id, status__in=LIVE_OFFER
    ).count()
    return seat_row.seats - taken


def _move(
    *, application_id: int, school_id: int, admission_round: AdmissionRound
) -> tuple[Offer, int | None]:
    """Give the child a seat at the school; returns (new offer, school id of the seat left)."""
    old = (
        Offer.objects.select_for_update()
        .filter(application_id=application_id, status__in=LIVE_OFFER)
        .first()
    )
    application = Application.objects.select_for_update().get(pk=application_id)
    placement = placements_of(application_ids=[application_id]).first()
    offer = offer_move(
        application=application,
        current=old,
        school_id=school_id,
        run=placement.run if placement else old.run,
        admission_round=admission_round,
        answer_within=dt.timedelta(days=WAITLIST_OFFER_DAYS),
        note=SEAT_FREED_NOTE,
        from_waitlist=True,
    )
    return offer, (old.school_id if old is not None else None)


SEAT_FREED_NOTE = gettext_lazy(
    "A seat became free: your child moves up to choice %(rank)s, %(school)s."
)


def offer_move(
    *,
    application: Application,
    current: Offer | None,
    school_id: int,
    run,
    admission_round: AdmissionRound,
    answer_within: dt.timedelta,
    note,
    from_waitlist: bool = False,
    supernumerary: bool = False,
    history_note: str = "vacancy chain",
) -> Offer:
    """Move a child to a school it ranked higher (vacancy chain or upheld appeal).

    The current live offer, if any, is withdrawn and a new one made that keeps its state: an
    accepted seat stays accepted (the family ranked the new school higher), an open offer
    stays open. The deadline is the latest of the round's, the old offer's and ``now +
    answer_within``. The move goes through `application_transition` (system actor, with
    ``note`` — a lazy text with ``%(rank)s`` and ``%(school)s`` — in Vietnamese), so it is in
    the history and the family is notified after commit. The caller holds the locks (round →
    offer → application) and decides what happens to the seat left behind."""
    now = timezone.now()
    accepted = current is not None and current.status == OfferStatus.ACCEPTED
    if current is not None:
        offer_transition(offer=current, to=OfferStatus.WITHDRAWN, note=history_note)
    offer = Offer.objects.create(
        application=application,
        run=run,
        school_id=school_id,
        status=OfferStatus.ACCEPTED if accepted else OfferStatus.PENDING,
        responded_at=now if accepted else None,
        deadline=max(
            admission_round.offer_response_deadline,
            current.deadline if current is not None else now,
            now + answer_within,
        ),
        from_waitlist=from_waitlist,
        supernumerary=supernumerary,
    )
    offer_created(offer=offer, note=history_note)
    rank = application.choices.filter(school_id=school_id).values_list("rank", flat=True).first()
    with translation.override("vi"):
        text = str(note) % {"rank": rank, "school": offer.school.name}
        if accepted:
            text += " " + _("Your acceptance carries over to the new school.")
    to = (
        ApplicationStatus.OFFERED
        if application.status == ApplicationStatus.WAITLISTED
        else application.status
    )
    application_transition(application=application, to=to, actor=None, note=text)
    return offer


# The tie-break number of a child verified after publication: after every lottery number of
# the run ([0, 1)), so among equal priorities the children verified in time come first; among
# late children the tracking code decides (the last key of `vacancy_candidates`). ADR 0008.
LATE_LOTTERY = 1.0


def late_verified_placement(*, application: Application) -> Placement | None:
    """A child verified after the main run was published joins the waiting list of that run:
    their priority at every ranked school is computed now under the published run's policy
    (group from the catchments holding the pin, category, distance — the appeal's rule) and
    stored as the run's placement of the child (no school, ``late_verified`` in the
    explanation), so the vacancy chains consider them like every other child; then every
    ranked school with a free seat is offered down its chain. Call under the round lock."""
    from ..selectors import run_published
    from .appeals import ranked_priorities

    run = run_published(admission_round=application.round, stage=RunStage.MAIN)
    if run is None or Placement.objects.filter(run=run, application=application).exists():
        return None
    in_group_1 = bool(
        (run.policy or {}).get("categories_in_group_1", application.round.categories_in_group_1)
    )
    entries = [
        {
            "school": str(school_id),
            "rank": rank,
            "group": int(priority[0]),
            "category_rank": int(priority[1]),
            "distance_m": float(priority[2]),
            "lottery": LATE_LOTTERY,
            "outcome": "late_verified",
            "cutoff": None,
        }
        for rank, (school_id, priority) in enumerate(
            ranked_priorities(application, in_group_1=in_group_1), start=1
        )
    ]
    texts = {}
    for language in ("vi", "en"):
        with translation.override(language):
            texts[language] = _(
                "Verified after the allocation was published: the child joins the waiting list."
            )
    text_vi, text_en = texts["vi"], texts["en"]
    placement = Placement.objects.create(
        run=run,
        application=application,
        school=None,
        lottery=LATE_LOTTERY,
        explanation_vi=text_vi,
        explanation_en=text_en,
        explanation={
            "late_verified": True,
            "placed_school": None,
            "seed": run.seed,
            "mechanism": run.mechanism,
            "categories_in_group_1": in_group_1,
            "choices": entries,
        },
    )
    for entry in entries:
        waitlist_fill_seat(school_id=int(entry["school"]), round_id=application.round_id)
    return placement


@transaction.atomic
def waitlist_fill_seat(*, school_id: int, round_id: int) -> list[Offer]:
    """Fill the freed seat(s) at the school and follow the vacancy chain to its end.

    Returns the offers made, in order (empty when nobody wants the seat)."""
    admission_round = round_lock(round_id=round_id)
    made: list[Offer] = []
    queue = [school_id]
    while queue:
        if len(made) > MAX_CHAIN:  # pragma: no cover - impossible: each move improves a rank
            raise RuntimeError("vacancy chain did not end")
        school = queue.pop(0)
        if _free_seats(round_id=round_id, school_id=school) <= 0:
            continue
        candidates = vacancy_candidates(round_id=round_id, school_id=school)
        if not candidates:
            continue
        offer, left = _move(
            application_id=candidates[0][1], school_id=school, admission_round=admission_round
        )
        made.append(offer)
        queue.append(school)  # more than one seat may be free there
        if left is not None:
            queue.append(left)
    return made
