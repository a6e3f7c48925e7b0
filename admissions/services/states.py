"""The one transition service of rounds, allocation runs and offers (ADR 0020).

`state_transition` locks the row (`SELECT … FOR UPDATE`), checks the move against the table of
`admissions.workflow` for the actor's role (system when `actor` is None; for a round or a run a
user is the committee, whose permission the views check; for an offer the family is the
parent), sets the status and the given fields, and writes a `StateChange` history row (who,
when, from, to). No other code sets these statuses."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.access import is_staff_with
from portal.core.exceptions import TransitionNotAllowed

from .. import workflow
from ..constants import Actor
from ..models import AdmissionRound, AllocationRun, Offer, StateChange

MODELS = {
    StateChange.Kind.ROUND: AdmissionRound,
    StateChange.Kind.RUN: AllocationRun,
    StateChange.Kind.OFFER: Offer,
}


def _roles(kind: str, obj, actor) -> set[str]:
    if actor is None:
        return {Actor.SYSTEM}
    roles = set()
    if kind == StateChange.Kind.OFFER:
        applicant_id = obj.application.applicant_id
        if applicant_id and applicant_id == actor.pk:
            roles.add(Actor.PARENT)
        if is_staff_with(actor, "admissions.review_application"):
            roles.add(Actor.STAFF)
    else:  # rounds and runs: the committee pages check the permission (runner_required)
        roles.add(Actor.STAFF)
    return roles


@transaction.atomic
def state_transition(*, kind: str, pk: int, to: str, actor=None, note: str = "", **fields):
    """Move one round, run or offer to `to`; returns the locked, updated row.

    `fields` are saved with the status (e.g. the run's `published_by`). Raises
    TransitionNotAllowed (field ``status``) for a move the table does not allow this actor."""
    model = MODELS[kind]
    queryset = model.objects.select_for_update(no_key=True)
    if kind == StateChange.Kind.OFFER:
        queryset = queryset.select_related("application")
    locked = queryset.get(pk=pk)
    from_status = locked.status
    allowed = workflow.allowed_state_actors(kind, from_status, to) & _roles(kind, locked, actor)
    if not allowed:
        raise TransitionNotAllowed(
            _("Moving from %(a)s to %(b)s is not allowed.") % {"a": from_status, "b": to},
            field="status",
        )
    locked.status = to
    for name, value in fields.items():
        setattr(locked, name, value)
    update = ["status", *fields]
    if any(f.name == "updated_at" for f in model._meta.fields):
        update.append("updated_at")
    locked.save(update_fields=update)
    StateChange.objects.create(
        kind=kind,
        object_id=pk,
        from_status=from_status,
        to_status=to,
        actor=actor,
        actor_role=sorted(allowed)[0],
        note=note,
    )
    return locked


def round_transition(
    *, admission_round: AdmissionRound, to: str, actor=None, **fields
) -> AdmissionRound:
    return state_transition(
        kind=StateChange.Kind.ROUND, pk=admission_round.pk, to=to, actor=actor, **fields
    )


def run_transition(*, run: AllocationRun, to: str, actor=None, **fields) -> AllocationRun:
    locked = state_transition(kind=StateChange.Kind.RUN, pk=run.pk, to=to, actor=actor, **fields)
    run.status = locked.status
    for name in fields:
        setattr(run, name, getattr(locked, name))
    return locked


def offer_transition(*, offer: Offer, to: str, actor=None, note: str = "", **fields) -> Offer:
    locked = state_transition(
        kind=StateChange.Kind.OFFER, pk=offer.pk, to=to, actor=actor, note=note, **fields
    )
    offer.status = locked.status
    for name in fields:
        setattr(offer, name, getattr(locked, name))
    return offer


def offer_created(*, offer: Offer, actor=None, note: str = "") -> None:
    """History row of a new offer (from nothing to its first state)."""
    StateChange.objects.create(
        kind=StateChange.Kind.OFFER,
        object_id=offer.pk,
        from_status="",
        to_status=offer.status,
        actor=actor,
        actor_role=Actor.SYSTEM if actor is None else Actor.STAFF,
        note=note,
    )
