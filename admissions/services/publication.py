"""Publication of an allocation run as a background job with set-based writes (ADR 0020).

`allocation_run_publish` (the committee's click) checks the run under the round lock — check
passed, reviewed, the round's lottery seed, every input unchanged (`admissions.fingerprint`) —
moves it to *publishing* and queues `admissions.publish_run`; without a broker the job runs
in-process at once (with a logged warning). The job (`allocation_run_publish_job`) does, in ONE
transaction under the round lock, a handful of set-based statements whatever the size of the
round: the children's statuses (one UPDATE … FROM placements), their offers, the history rows of
both, and one e-mail and one SMS per family in the delivery log (INSERT … SELECT each); the
messages are handed to the workers after the commit. Its progress is written through a second
database connection, so the committee's page shows it while the transaction is open; a job that
fails leaves nothing behind and the run returns to *reviewed* with the reason."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from gis.constants import DistanceMetric
from gis.models import School
from notifications.models import Channel, DeliveryStatus
from notifications.services import broker_available, deliveries_enqueue
from portal.core.exceptions import Conflict, DomainError

from ..constants import Actor, ApplicationStatus, RoundStatus, RunStage, RunStatus
from ..exceptions import CheckFailed, RunNotReady
from ..fingerprint import changed_inputs, describe, run_input_fingerprints
from ..models import AdmissionRound, AllocationRun, Placement
from ..notification_text import offer_deadline_text
from ..selectors import capacity_left, round_school_list
from .notify import SUBJECT_REF, status_message_sql
from .states import round_transition, run_transition

logger = logging.getLogger(__name__)


def publication_batch(run: AllocationRun) -> str:
    """The delivery-log batch of a run's publication (counts and resend on the run page)."""
    return f"admissions.publication:{run.uuid}"


def refuse_stale(run: AllocationRun, admission_round: AdmissionRound) -> None:
    """Under the round lock: every input of the run must still be what is in the database
    (naming what changed), and a second-stage run must still fit in the free seats."""
    stored = (run.policy or {}).get("input_fingerprints")
    if not stored:
        raise Conflict(
            _("This run was computed before all of its inputs were fingerprinted; run again."),
            field="run",
        )
    current = run_input_fingerprints(
        admission_round=admission_round, stage=run.stage, mechanism=run.mechanism, seed=run.seed
    )
    changed = changed_inputs(stored, current)
    if changed:
        raise Conflict(
            _("The input changed since this run was computed (%(inputs)s); run again.")
            % {"inputs": describe(changed)},
            field="run",
        )
    if run.stage == RunStage.MAIN:
        return
    seats = {rs.school_id: rs.seats for rs in round_school_list(admission_round=admission_round)}
    free = capacity_left(admission_round, seats, run.stage)
    wanted = (
        Placement.objects.filter(run=run, school__isnull=False)
        .values_list("school_id")
        .annotate(n=Count("pk"))
        .values_list("school_id", "n")
    )
    if any(n > free.get(school_id, 0) for school_id, n in wanted):
        raise Conflict(_("Seats were taken since this run was computed; run again."), field="run")


def _check_publishable(run: AllocationRun, admission_round: AdmissionRound, *, status: str) -> None:
    if run.check_passed is not True:
        raise CheckFailed(
            _("The independent check of this run failed; it cannot be published."),
            field="check_passed",
        )
    if run.status != status:
        raise RunNotReady(_("Review the run before publishing it."), field="status")
    if run.seed != admission_round.lottery_seed:
        raise Conflict(
            _(
                "Only a run with the round's lottery seed (fixed when the window closed) can be "
                "published; this run is a simulation."
            ),
            field="seed",
        )
    if (run.distance_metric or DistanceMetric.STRAIGHT) != admission_round.distance_metric:
        raise Conflict(
            _(
                "Only a run measuring distance as the round says (%(metric)s) can be published; "
                "this run is a simulation."
            )
            % {"metric": DistanceMetric(admission_round.distance_metric).label},
            field="distance_metric",
        )
    if run.stage == RunStage.MAIN and admission_round.status == RoundStatus.PUBLISHED:
        raise Conflict(_("The main round is already published."), field="round")
    refuse_stale(run, admission_round)


@transaction.atomic
def allocation_run_publish_request(*, run: AllocationRun, actor) -> AllocationRun:
    """Check a reviewed run and move it to *publishing* (the job does the rest)."""
    admission_round = AdmissionRound.objects.select_for_update(no_key=True).get(pk=run.round_id)
    run = (
        AllocationRun.objects.select_for_update(of=("self",)).select_related("round").get(pk=run.pk)
    )
    _check_publishable(run, admission_round, status=RunStatus.REVIEWED)
    return run_transition(
        run=run,
        to=RunStatus.PUBLISHING,
        actor=actor,
        progress=0,
        progress_message="publication queued",
        error="",
    )


def allocation_run_publish(*, run: AllocationRun, actor) -> AllocationRun:
    """The committee publishes a reviewed run whose check passed: the run moves to
    *publishing* and a background job creates the offers (verified → offered), puts the others
    on the waiting list and queues the families' messages. Without a broker the job runs here
    and its errors are raised to the caller."""
    run = allocation_run_publish_request(run=run, actor=actor)
    actor_id = getattr(actor, "pk", None)
    if broker_available():
        from ..tasks import publish_run

        transaction.on_commit(lambda: publish_run.delay(run.pk, actor_id))
        return run
    logger.warning("No Celery broker: publishing run %s in-process.", run.pk)
    return allocation_run_publish_job(run_id=run.pk, actor_id=actor_id, raise_errors=True)


class _Progress:
    """Progress of the job written through its own autocommit connection: visible to the
    committee while the job's transaction is open (the run row is not locked by the job until
    its last statement)."""

    def __init__(self, run_id: int):
        self.run_id = run_id
        self.conn = None

    def __call__(self, percent: int, message: str) -> None:
        try:
            if self.conn is None:
                self.conn = connections.create_connection(DEFAULT_DB_ALIAS)
            with self.conn.cursor() as cursor:
                cursor.execute(
                    "UPDATE admissions_allocationrun SET progress = %s, progress_message = %s "
                    "WHERE id = %s AND status = %s",
                    [percent, message[:200], self.run_id, RunStatus.PUBLISHING],
                )
        except Exception:  # progress is informative only
            logger.warning("publication progress of run %s not written", self.run_id)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def allocation_run_publish_job(
    *, run_id: int, actor_id: int | None = None, raise_errors: bool = False
) -> AllocationRun:
    """The background job of a publication (idempotent: a run that is no longer *publishing*
    is left alone, so a duplicate job does nothing)."""
    progress = _Progress(run_id)
    try:
        try:
            return _publish(run_id=run_id, actor_id=actor_id, progress=progress)
        except Exception as exc:
            if not AllocationRun.objects.filter(pk=run_id, status=RunStatus.PUBLISHING).exists():
                raise
            reason = exc.message if isinstance(exc, DomainError) else repr(exc)
            logger.exception("publication of run %s failed", run_id)
            run_transition(
                run=AllocationRun.objects.get(pk=run_id),
                to=RunStatus.REVIEWED,
                error=str(reason)[:2000],
                progress=0,
                progress_message="publication failed",
            )
            if raise_errors:
                raise
            return AllocationRun.objects.get(pk=run_id)
    finally:
        progress.close()


@transaction.atomic
def _publish(*, run_id: int, actor_id: int | None, progress) -> AllocationRun:
    run = AllocationRun.objects.select_related("round").get(pk=run_id)
    if run.status != RunStatus.PUBLISHING:
        return run
    progress(5, "checking the input")
    # Lock order: round → run → applications, as everywhere (seat moves wait for us).
    admission_round = AdmissionRound.objects.select_for_update(no_key=True).get(pk=run.round_id)
    run = AllocationRun.objects.select_related("round").get(pk=run_id)
    if run.status != RunStatus.PUBLISHING:  # a duplicate job published it meanwhile
        return run
    _check_publishable(run, admission_round, status=RunStatus.PUBLISHING)
    main = run.stage == RunStage.MAIN
    params = {
        "run": run.pk,
        "from": ApplicationStatus.VERIFIED if main else ApplicationStatus.WAITLISTED,
        "main": main,
        "offered": ApplicationStatus.OFFERED,
        "waitlisted": ApplicationStatus.WAITLISTED,
        "deadline": admission_round.offer_response_deadline,
        "from_waitlist": not main,
        "system": Actor.SYSTEM,
        "offer_kind": "offer",
        "pending": "pending",
        "batch": publication_batch(run),
        "queued": DeliveryStatus.QUEUED,
        "ref": SUBJECT_REF.replace("%s", ""),
    }
    with connection.cursor() as cursor:
        progress(20, "moving the children")
        cursor.execute(
            "CREATE TEMP TABLE admissions_publication_moved (application_id bigint PRIMARY KEY,"
            " school_id bigint, from_status varchar(30), to_status varchar(30)) ON COMMIT DROP"
        )
        cursor.execute(
            """
            WITH moved AS (
                UPDATE admissions_application a
                SET status = CASE WHEN p.school_id IS NULL THEN %(waitlisted)s
                                  ELSE %(offered)s END,
                    updated_at = now()
                FROM admissions_placement p
                WHERE p.run_id = %(run)s AND p.application_id = a.id AND a.status = %(from)s
                  AND (p.school_id IS NOT NULL OR %(main)s)
                RETURNING a.id, p.school_id, a.status)
            INSERT INTO admissions_publication_moved
            SELECT id, school_id, %(from)s, status FROM moved""",
            params,
        )
        progress(40, "creating the offers")
        cursor.execute(
            """
            INSERT INTO admissions_offer (created_at, updated_at, uuid, application_id, run_id,
                school_id, status, deadline, reminders_sent, from_waitlist, supernumerary)
            SELECT now(), now(), gen_random_uuid(), m.application_id, %(run)s, m.school_id,
                   %(pending)s, %(deadline)s, 0, %(from_waitlist)s, false
            FROM admissions_publication_moved m WHERE m.school_id IS NOT NULL""",
            params,
        )
        offers = cursor.rowcount
        progress(55, "writing the history")
        cursor.execute(
            """
            INSERT INTO admissions_statechange (kind, object_id, from_status, to_status,
                actor_id, actor_role, note, created_at)
            SELECT %(offer_kind)s, o.id, '', %(pending)s, NULL, %(system)s, '', now()
            FROM admissions_offer o WHERE o.run_id = %(run)s""",
            params,
        )
        cursor.execute(
            """
            INSERT INTO admissions_applicationstatuschange (application_id, from_status,
                to_status, actor_id, actor_role, note, created_at)
            SELECT m.application_id, m.from_status, m.to_status, NULL, %(system)s, '', now()
            FROM admissions_publication_moved m""",
            params,
        )
        progress(70, "writing the families' messages")
        delivery_ids = _queue_messages(cursor, params)
        cursor.execute("DROP TABLE admissions_publication_moved")
    progress(95, "finishing")
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    run = run_transition(
        run=run,
        to=RunStatus.PUBLISHED,
        published_by=actor,
        published_at=timezone.now(),
        progress=100,
        progress_message=f"published: {offers} offers, {len(delivery_ids)} messages queued",
    )
    if main and admission_round.status == RoundStatus.ALLOCATED:
        round_transition(admission_round=admission_round, to=RoundStatus.PUBLISHED)
    # The offers and status changes above are written set-based, without per-row signals: the
    # audit chain gets one entry for them, bound to the run's result hash (ADR 0019, 0020).
    audit.record(
        "allocation.publication",
        actor=actor,
        target=run,
        data={
            "offers": offers,
            "messages": len(delivery_ids),
            "input_sha256": run.input_sha256,
            "result_sha256": run.result_sha256,
        },
    )
    transaction.on_commit(lambda: deliveries_enqueue(delivery_ids))
    return run


def _queue_messages(cursor, params: dict) -> list[int]:
    """One e-mail (families with an address) and one SMS per moved child, from the texts of
    `notify.status_message` (synthetic demo children get none)."""
    user_table = get_user_model()._meta.db_table
    school_table = School._meta.db_table
    deadline = offer_deadline_text(params["deadline"]) if params.get("deadline") else ""
    ids: list[int] = []
    for to_status in (ApplicationStatus.OFFERED, ApplicationStatus.WAITLISTED):
        text = status_message_sql(status=to_status, deadline=deadline)
        values = {**params, "subject": text.subject, "body": text.body, "sms": text.sms}
        values["to"] = to_status
        for channel, recipient, body, join in (
            (Channel.EMAIL, "u.email", "%(body)s", f"JOIN {user_table} u ON u.id = a.applicant_id"),
            (Channel.SMS, "a.guardian_phone", "%(sms)s", ""),
        ):
            cursor.execute(
                f"""
                INSERT INTO notifications_delivery (channel, recipient, subject, body, status,
                    attempts, error, backend, batch, subject_ref, created_at, updated_at)
                SELECT %(channel)s, {recipient},
                       left(format(%(subject)s, a.tracking_code, a.child_full_name, a.uuid,
                                   coalesce(s.name, '')), 200),
                       format({body}, a.tracking_code, a.child_full_name, a.uuid,
                              coalesce(s.name, '')),
                       %(queued)s, 0, '', '', %(batch)s, %(ref)s || a.id, now(), now()
                FROM admissions_publication_moved m
                JOIN admissions_application a ON a.id = m.application_id
                LEFT JOIN {school_table} s ON s.id = m.school_id
                {join}
                WHERE m.to_status = %(to)s AND NOT a.is_synthetic AND {recipient} <> ''
                RETURNING id""",
                {**values, "channel": channel},
            )
            ids.extend(r[0] for r in cursor.fetchall())
    return ids
