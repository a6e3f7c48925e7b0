"""The intake queue: complete applications received in the request, created by a worker.

On the opening morning a whole city applies at once. `intake_receive` answers in the request
with what it can check without reading the database (every field, the child's age, both
personal IDs, the phone, consent, the number of choices: `application_validate` without its
references) and stores the application as received in one INSERT; a Celery worker then
creates it with the same service as the synchronous endpoint (`application_create`, with the
window judged at the time of receipt). The family polls its receipt: the tracking code, or
the reasons of a refusal field by field. docs/adr/0027."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.core.background import enqueue
from portal.core.exceptions import DomainError, TransitionNotAllowed

from .. import workflow
from ..constants import IntakeStatus
from ..exceptions import ApplicationInvalid
from ..models import AdmissionRound, ApplicationIntake
from .applications import (
    ApplicationInput,
    application_create,
    application_validate,
    round_window_require,
)
from .duplicates import duplicate_probes_guard, duplicate_refuse

logger = logging.getLogger(__name__)

#: Set while a drain is queued: a burst of intakes queues one drain task, not one each.
DRAIN_SCHEDULED_KEY = "admissions:intake:drain-scheduled"


def intake_payload(data: ApplicationInput) -> dict:
    payload = dataclasses.asdict(data)
    payload["child_dob"] = data.child_dob.isoformat() if data.child_dob else None
    return payload


def intake_input(payload: dict) -> ApplicationInput:
    values = dict(payload)
    if values.get("child_dob"):
        values["child_dob"] = dt.date.fromisoformat(values["child_dob"])
    return ApplicationInput(**values)


def intake_receive(
    *, admission_round: AdmissionRound, applicant, data: ApplicationInput
) -> tuple[ApplicationIntake, bool]:
    """Check what the input says by itself and queue it. Returns (intake, created): the same
    child already queued by the same account is the same intake (a double tap); by another
    account it is refused like a duplicate application."""
    round_window_require(admission_round)
    duplicate_probes_guard(applicant=applicant)
    cleaned = application_validate(
        admission_round=admission_round, data=data, for_submit=True, check_references=False
    )
    child_id = cleaned.values["child_personal_id"]
    fields = {
        "round": admission_round,
        "applicant": applicant,
        "child_personal_id": child_id,
        "payload": intake_payload(data),
    }
    for _attempt in range(2):
        intake = _insert_unless_queued(fields)
        if intake is not None:
            transaction.on_commit(intake_drain_schedule, robust=True)
            return intake, True
        queued = ApplicationIntake.objects.filter(
            round=admission_round, child_personal_id=child_id, status=IntakeStatus.QUEUED
        ).first()
        if queued is not None:
            if queued.applicant_id == applicant.pk:
                return queued, False
            break
        # The queued one was processed between our INSERT and our look: queue this one.
    raise duplicate_refuse(
        round_id=admission_round.pk, child_personal_id=child_id, applicant=applicant
    )


def _insert_unless_queued(fields: dict) -> ApplicationIntake | None:
    """The new intake, or None when the same child is already queued in the round."""
    try:
        with _single_statement():
            return ApplicationIntake.objects.create(**fields)
    except IntegrityError as exc:
        if "one_queued_intake_per_child_per_round" not in str(exc):
            raise
        return None


def _single_statement():
    """One INSERT is atomic by itself: in autocommit it needs no BEGIN and COMMIT (two round
    trips on the opening morning's hottest path); inside a caller's transaction a savepoint
    keeps a refused INSERT from breaking it."""
    if transaction.get_connection().in_atomic_block:
        return transaction.atomic()
    return contextlib.nullcontext()


def intake_drain_schedule() -> None:
    """Queue one drain unless one is already queued (the flag expires, so a lost task delays
    the queue by at most ADMISSIONS_INTAKE_DRAIN_FLAG_S; the beat schedule drains it too)."""
    if cache.add(DRAIN_SCHEDULED_KEY, 1, timeout=settings.ADMISSIONS_INTAKE_DRAIN_FLAG_S):
        from ..tasks import intake_drain  # tasks import the services

        enqueue(intake_drain)


def intake_drain(*, yield_to_intake: bool = False) -> dict[str, int]:
    """Process queued intakes, oldest first, until none is left. Several drains may run at
    once: each takes the next intake no other drain holds. A worker's drain yields to the
    requests while intakes keep arriving (`intake_drain_yield`)."""
    cache.delete(DRAIN_SCHEDULED_KEY)  # intakes committed from now on schedule a new drain
    counts = {IntakeStatus.ACCEPTED.value: 0, IntakeStatus.REFUSED.value: 0, "failed": 0}
    failed: set[int] = set()
    while True:
        started = time.monotonic()
        try:
            outcome = intake_process_next(exclude=failed)
        except IntakeFailed as exc:
            # Not the family's fault (a bug, the database going away): it stays queued for
            # the next drain, and the others behind it are not held up.
            logger.error("intake %s could not be processed", exc.intake_id, exc_info=exc)
            failed.add(exc.intake_id)
            counts["failed"] += 1
            continue
        if outcome is None:
            return counts
        counts[outcome] += 1
        if yield_to_intake:
            intake_drain_yield(spent_s=time.monotonic() - started)


def intake_drain_yield(*, spent_s: float) -> float:
    """While families are still handing in (an intake younger than ADMISSIONS_INTAKE_BUSY_MS
    is queued), the drain works at most ADMISSIONS_INTAKE_DRAIN_SHARE_PERCENT of its time, its
    database work included: on a shared machine the receipts come first, and the queue is
    emptied at full speed once the burst is over. Returns the seconds slept."""
    percent = settings.ADMISSIONS_INTAKE_DRAIN_SHARE_PERCENT
    if percent >= 100 or not _intakes_arriving():
        return 0.0
    pause = spent_s * (100 / max(percent, 1) - 1)
    time.sleep(pause)
    return pause


def _intakes_arriving() -> bool:
    since = timezone.now() - dt.timedelta(milliseconds=settings.ADMISSIONS_INTAKE_BUSY_MS)
    return ApplicationIntake.objects.filter(
        status=IntakeStatus.QUEUED, received_at__gte=since
    ).exists()


class IntakeFailed(Exception):
    def __init__(self, intake_id: int):
        super().__init__(intake_id)
        self.intake_id = intake_id


def intake_process_next(*, exclude: set[int] | frozenset[int] = frozenset()) -> str | None:
    """Turn the oldest queued intake into an application or a refusal, in one transaction."""
    with transaction.atomic():
        intake = (
            ApplicationIntake.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=IntakeStatus.QUEUED)
            .exclude(pk__in=exclude)
            .select_related("round", "applicant")
            .order_by("received_at", "pk")
            .first()
        )
        if intake is None:
            return None
        application, errors = None, {}
        try:
            with transaction.atomic():
                application, _created = application_create(
                    admission_round=intake.round,
                    applicant=intake.applicant,
                    data=intake_input(intake.payload),
                    submit=True,
                    received_at=intake.received_at,
                )
        except ApplicationInvalid as exc:
            errors = exc.errors
        except DomainError as exc:
            errors = {exc.field or "non_field_errors": [str(exc)]}
        except Exception as exc:
            raise IntakeFailed(intake.pk) from exc
        _intake_close(intake, application=application, errors=errors)
        return intake.status


def _intake_close(intake: ApplicationIntake, *, application, errors: dict) -> None:
    to = IntakeStatus.REFUSED if errors else IntakeStatus.ACCEPTED
    if not workflow.INTAKE_TABLE.has_move(intake.status, to):
        raise TransitionNotAllowed(f"intake {intake.pk}: {intake.status} → {to}")
    intake.status = to
    intake.application = application
    intake.errors = errors
    intake.processed_at = timezone.now()
    # Personal data lives on in the application only (or nowhere after a refusal).
    intake.payload = {}
    intake.child_personal_id = ""
    intake.save(
        update_fields=[
            "status", "application", "errors", "processed_at", "payload", "child_personal_id"
        ]
    )  # fmt: skip
    if errors:
        logger.info("intake %s refused: %s", intake.uuid, errors)
