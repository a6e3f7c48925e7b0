"""Allocation runs: compute (dry run) → review → publish (creates offers); second round."""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable

import numpy as np
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from admissions.allocation.instance_io import instance_to_dict
from admissions.allocation.priorities import CategoryRule, ChildMemberships
from admissions.allocation.stats import run_statistics
from gis.selectors import school_points
from portal.core.exceptions import Conflict

from .. import audit, engine, explain
from ..constants import (
    ApplicationStatus,
    CategoryScope,
    Mechanism,
    OfferStatus,
    RoundStatus,
    RunStage,
    RunStatus,
)
from ..exceptions import CheckFailed, RunNotReady
from ..models import (
    NO_CATEGORY_RANK,
    AdmissionRound,
    AllocationRun,
    Offer,
    Placement,
    PriorityCategory,
)
from ..selectors import applications_in_catchments, round_school_list
from .applications import application_transition


def _progress(run: AllocationRun, percent: int, message: str) -> None:
    """Committed immediately (the service runs outside one big transaction) so the committee
    page can poll it while the run is going."""
    AllocationRun.objects.filter(pk=run.pk).update(progress=percent, progress_message=message)
    run.progress, run.progress_message = percent, message


@transaction.atomic
def round_close(*, round: AdmissionRound, lottery_seed: int | None = None) -> AdmissionRound:
    """Close the window and fix the round's lottery seed (drawn here unless the committee
    supplies one, e.g. from a public draw), before any allocation result exists: publication
    accepts only a run with this seed, so nobody can shop for a favourable lottery."""
    locked = AdmissionRound.objects.select_for_update().get(pk=round.pk)
    if locked.status != RoundStatus.OPEN:
        raise Conflict(_("The round is not open."), field="status")
    locked.lottery_seed = lottery_seed if lottery_seed is not None else secrets.randbelow(2**62)
    locked.audit_key = locked.audit_key or secrets.token_hex(32)
    locked.status = RoundStatus.CLOSED
    locked.closes_at = min(locked.closes_at, timezone.now())
    if locked.closes_at <= locked.opens_at:
        locked.opens_at = locked.closes_at - timezone.timedelta(seconds=1)
    locked.save(
        update_fields=["status", "lottery_seed", "audit_key", "closes_at", "opens_at", "updated_at"]
    )
    return locked


def allocation_run_create(
    *,
    round: AdmissionRound,
    mechanism: str,
    seed: int | None = None,
    actor=None,
    stage: str = RunStage.MAIN,
) -> AllocationRun:
    """A queued run. `seed` defaults to the round's lottery seed; any other seed makes the run a
    simulation that can be reviewed and compared but never published. The second stage always
    follows the round's configured mechanism (the Department's plan), whatever was asked."""
    if round.status == RoundStatus.OPEN:
        raise Conflict(_("Close the application window before allocating."), field="round")
    if stage == RunStage.MAIN and round.status == RoundStatus.PUBLISHED:
        raise Conflict(_("The main round is already published."), field="round")
    if seed is None:
        seed = round.lottery_seed
    if stage == RunStage.SECOND:
        mechanism = round.mechanism
    return AllocationRun.objects.create(
        round=round, mechanism=mechanism, seed=seed, stage=stage, created_by=actor
    )


def _load_children(round: AdmissionRound, stage: str):
    status = ApplicationStatus.VERIFIED if stage == RunStage.MAIN else ApplicationStatus.WAITLISTED
    sql = """
        SELECT a.id, a.tracking_code, ST_X(a.residence_point::geometry),
               ST_Y(a.residence_point::geometry), COALESCE(pc.rank, %(none)s),
               COALESCE(pc.scope, ''), a.priority_school_id
        FROM admissions_application a
        LEFT JOIN admissions_prioritycategory pc ON pc.id = a.priority_category_id
        WHERE a.round_id = %(round)s AND a.status = %(status)s
        ORDER BY a.tracking_code
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"round": round.pk, "status": status, "none": NO_CATEGORY_RANK})
        rows = cursor.fetchall()
        ids = [r[0] for r in rows]
        cursor.execute(
            """SELECT application_id, school_id FROM admissions_applicationchoice
               WHERE application_id = ANY(%s) ORDER BY application_id, rank""",
            [ids],
        )
        choice_rows = cursor.fetchall()
    return rows, choice_rows


def _memberships(rows, in_catchment_set, child_pos, school_index) -> ChildMemberships:
    """Every catchment that holds each home (overlaps give group 1 at each school), and the
    child's priority category: city-wide, or scoped to the school named in the application
    (a scoped category without a school of this round counts nowhere)."""
    catchments: list[list[int]] = [[] for _ in rows]
    for application_id, school_id in in_catchment_set:
        if school_id in school_index:
            catchments[child_pos[application_id]].append(school_index[school_id])
    categories: list[list[tuple[int, int]]] = []
    for _id, _code, _lon, _lat, rank, scope, priority_school in rows:
        if rank == NO_CATEGORY_RANK:
            categories.append([])
        elif scope == CategoryScope.SCHOOL:
            school = school_index.get(priority_school)
            categories.append([] if school is None else [(rank, school)])
        else:
            categories.append([(rank, -1)])
    return ChildMemberships.from_lists([sorted(c) for c in catchments], categories)


def _audit_key(round: AdmissionRound) -> str:
    """The round's pseudonym key; set once (conditional update) for rounds closed before keys
    existed, so that two runs of one round always publish the same pseudonyms."""
    if not round.audit_key:
        AdmissionRound.objects.filter(pk=round.pk, audit_key="").update(
            audit_key=secrets.token_hex(32)
        )
        round.audit_key = AdmissionRound.objects.values_list("audit_key", flat=True).get(
            pk=round.pk
        )
    return round.audit_key


def _input_fingerprint(rows, choice_rows) -> str:
    """SHA-256 of exactly what a run reads: the children (id, code, pin, category) and their
    ranked choices. Publication compares it with the database to refuse a stale run."""
    digest = hashlib.sha256()
    for row in rows:
        digest.update(repr((int(row[0]), row[1], round(float(row[2]), 9), round(float(row[3]), 9),
                            int(row[4]), row[5], row[6])).encode())  # fmt: skip
    digest.update(b"|choices|")
    for application_id, school_id in choice_rows:
        digest.update(f"{int(application_id)}:{int(school_id)};".encode())
    return digest.hexdigest()


def _capacity_left(round: AdmissionRound, seats: dict[int, int], stage: str) -> dict[int, int]:
    if stage == RunStage.MAIN:
        return seats
    taken = dict(
        Offer.objects.filter(
            application__round=round, status__in=[OfferStatus.PENDING, OfferStatus.ACCEPTED]
        )
        .values_list("school_id")
        .annotate(n=Count("pk"))
        .values_list("school_id", "n")
    )
    return {s: max(0, n - taken.get(s, 0)) for s, n in seats.items()}


def allocation_run_execute(
    *, run: AllocationRun, progress: Callable[[int, str], None] | None = None
) -> AllocationRun:
    """Compute a run: bulk distances (KD-tree + geodesic), catchment membership in one spatial
    join, DA in the engine, the engine's independent checker, statistics and an explanation
    for every child. Leaves the run as a dry run (or failed)."""
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def step(percent: int, message: str) -> None:
        _progress(run, percent, message)
        if progress:
            progress(percent, message)

    # Only a queued (or failed, retried) run is computed: a conditional update, so a run that
    # is running, reviewed or published (its placements are the published result) is never
    # recomputed behind the committee's back, and two workers never compute the same run.
    started_rows = AllocationRun.objects.filter(
        pk=run.pk, status__in=[RunStatus.QUEUED, RunStatus.FAILED]
    ).update(status=RunStatus.RUNNING, error="")
    if not started_rows:
        raise Conflict(
            _("Only a queued or failed run can be computed; create a new run."), field="status"
        )
    run.status, run.error = RunStatus.RUNNING, ""
    try:
        round = run.round
        step(5, "loading applications")
        t = time.perf_counter()
        rows, choice_rows = _load_children(round, run.stage)
        round_schools = list(round_school_list(round=round))
        seats = _capacity_left(round, {rs.school_id: rs.seats for rs in round_schools}, run.stage)
        ids, lons, lats = school_points(school_ids=list(seats))
        order = np.argsort(ids)
        ids, lons, lats = ids[order], lons[order], lats[order]
        school_index = {int(pk): i for i, pk in enumerate(ids)}
        schools = engine.SchoolArrays(
            ids=[str(pk) for pk in ids.tolist()],
            capacity=np.array([seats[int(pk)] for pk in ids.tolist()], dtype=np.int64),
            lon=lons,
            lat=lats,
        )
        app_ids = np.array([r[0] for r in rows], dtype=np.int64)
        child_pos = {int(a): i for i, a in enumerate(app_ids.tolist())}
        timings["load_s"] = round_s(time.perf_counter() - t)

        step(20, "building ranked lists")
        t = time.perf_counter()
        in_catchment_set = applications_in_catchments(
            application_ids=app_ids.tolist(), school_year=round.school_year
        )
        # Membership as one vectorised lookup on combined (application, school) keys.
        known = np.array([a * 2**24 + s for a, s in in_catchment_set], dtype=np.int64)
        children = engine.ChildArrays(
            ids=audit.pseudonyms(_audit_key(round), [r[1] for r in rows]),
            lon=audit.rounded([r[2] for r in rows]),
            lat=audit.rounded([r[3] for r in rows]),
            members=_memberships(rows, in_catchment_set, child_pos, school_index),
            choice_ptr=np.zeros(len(rows) + 1, dtype=np.int64),
            choice_school=np.zeros(0, dtype=np.int64),
        )
        rule = CategoryRule(in_group_1=round.categories_in_group_1, none_rank=NO_CATEGORY_RANK)
        step(45, "solving")
        t = time.perf_counter()
        if run.mechanism == Mechanism.NEAREST:
            source = engine.nearest_source_of(
                children, schools, rule=rule, seed=run.seed, max_distance_m=round.max_distance_m
            )
            result, violations = engine.solve_nearest_and_check(source)
            instance = result.instance
            input_document = source.document()
        else:
            choice_app = np.array([child_pos[a] for a, _ in choice_rows], dtype=np.int64)
            choice_school = np.array(
                [school_index.get(s, -1) for _, s in choice_rows], dtype=np.int64
            )
            keep = choice_school >= 0  # schools without seats in this round are skipped
            choice_app, choice_school = choice_app[keep], choice_school[keep]
            ptr = np.zeros(len(rows) + 1, dtype=np.int64)
            np.cumsum(np.bincount(choice_app, minlength=len(rows)), out=ptr[1:])
            children.choice_ptr, children.choice_school = ptr, choice_school
            instance = engine.build_instance(
                children, schools, rule=rule, seed=run.seed, max_distance_m=round.max_distance_m
            )
            result, violations = engine.solve_and_check(instance)
            input_document = {**instance_to_dict(instance), "seed": run.seed}
        timings["solve_and_check_s"] = round_s(time.perf_counter() - t)
        stats = run_statistics(result)
        stats["cutoff_distance_m"] = {
            int(k): v for k, v in stats["cutoff_distance_m"].items()
        }  # keyed by school pk
        stats["placed_by_final_pass"] = int(result.outside_list.sum())
        # Full cutoffs (priority tuple + lottery of the last child admitted from the lists),
        # keyed by school pk: appeals compare a corrected priority against them.
        stats["cutoffs"] = {int(k): v for k, v in result.cutoffs_dict().items()}
        assigned_school_pk = np.where(result.assignment >= 0, ids[result.assignment], -1)
        placed_in_catchment = np.isin(app_ids * 2**24 + assigned_school_pk, known)

        step(70, "writing explanations")
        t = time.perf_counter()
        names = {str(rs.school_id): rs.school.name for rs in round_schools}
        categories = list(
            PriorityCategory.objects.filter(round=round).values_list("rank", "label_vi", "label_en")
        )
        ranks = explain.assigned_rank(result)
        placements = []
        sentences = engine.explanations(result, names, categories)
        for c in range(instance.n_children):
            data = explain.explanation_data(result, c, in_group_1=round.categories_in_group_1)
            engine_vi, engine_en = next(sentences)
            text_vi, text_en = explain.render_both(data, categories)
            text_vi, text_en = f"{engine_vi} {text_vi}", f"{engine_en} {text_en}"
            school = int(result.assignment[c])
            placements.append(
                Placement(
                    run=run,
                    application_id=int(app_ids[c]),
                    school_id=int(ids[school]) if school >= 0 else None,
                    choice_rank=int(ranks[c]) if ranks[c] > 0 else None,
                    distance_m=float(result.assigned_distance_m[c]) if school >= 0 else None,
                    in_catchment=bool(placed_in_catchment[c]),
                    lottery=float(instance.lottery[instance.choice_ptr[c]])
                    if instance.list_length[c]
                    else 0.0,
                    explanation_vi=text_vi,
                    explanation_en=text_en,
                    explanation=data,
                )
            )
        timings["explain_s"] = round_s(time.perf_counter() - t)
        step(90, "saving")
        with transaction.atomic():
            Placement.objects.filter(run=run).delete()
            Placement.objects.bulk_create(placements, batch_size=2000)
            run.policy = {
                "mechanism": run.mechanism,
                "stage": run.stage,
                "priority": ["group (1 = in catchment)", "category rank", "distance_m"],
                "tie_break": "lottery_single(seed) over the published pseudonyms",
                "max_distance_m": round.max_distance_m,
                "class_size_norm": round.class_size_norm,
                "categories": [
                    {"rank": r, "label_vi": vi, "label_en": en} for r, vi, en in categories
                ],
                "distance": "WGS 84 geodesic, straight line, from homes rounded to "
                f"{audit.COORDINATE_DECIMALS} decimals",
                "categories_in_group_1": round.categories_in_group_1,
                "input_fingerprint": _input_fingerprint(rows, choice_rows),
            }
            run.input_sha256 = result.input_sha256
            run.input_document = audit.pack(input_document)
            run.result_document = audit.pack(result.to_json())
            run.result_sha256 = result.result_sha256
            run.statistics = stats
            run.check_passed = not violations
            run.violations = [
                {"kind": v.kind, "message": v.message, "child": v.child_id, "school": v.school_id}
                for v in violations
            ]
            timings["total_s"] = round_s(time.perf_counter() - started)
            run.timings = timings
            run.status = RunStatus.DRY_RUN
            run.progress = 100
            run.progress_message = "done"
            run.finished_at = timezone.now()
            run.save()
            if run.stage == RunStage.MAIN:
                AdmissionRound.objects.filter(pk=round.pk, status=RoundStatus.CLOSED).update(
                    status=RoundStatus.ALLOCATED
                )
    except Exception as exc:
        AllocationRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=repr(exc)[:2000], finished_at=timezone.now()
        )
        raise
    return run


def round_s(seconds: float) -> float:
    return round(seconds, 3)


@transaction.atomic
def allocation_run_review(*, run: AllocationRun, actor) -> AllocationRun:
    run = AllocationRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.DRY_RUN:
        raise RunNotReady(_("Only a finished dry run can be marked as reviewed."), field="status")
    run.status = RunStatus.REVIEWED
    run.reviewed_by = actor
    run.save(update_fields=["status", "reviewed_by"])
    return run


def _refuse_stale(run: AllocationRun, round: AdmissionRound) -> None:
    """Under the round lock: the run's input must still be what is in the database, and a
    second-stage run must still fit in the free seats of every school."""
    rows, choice_rows = _load_children(round, run.stage)
    stored = (run.policy or {}).get("input_fingerprint")
    if stored is not None:
        changed = stored != _input_fingerprint(rows, choice_rows)
    else:  # a run computed before fingerprints were stored: compare the children at least
        changed = {r[0] for r in rows} != set(
            Placement.objects.filter(run=run).values_list("application_id", flat=True)
        )
    if changed:
        raise Conflict(
            _("The applications changed since this run was computed; run again."),
            field="run",
        )
    if run.stage == RunStage.MAIN:
        return
    seats = {rs.school_id: rs.seats for rs in round_school_list(round=round)}
    free = _capacity_left(round, seats, run.stage)
    wanted = (
        Placement.objects.filter(run=run, school__isnull=False)
        .values_list("school_id")
        .annotate(n=Count("pk"))
        .values_list("school_id", "n")
    )
    if any(n > free.get(school_id, 0) for school_id, n in wanted):
        raise Conflict(
            _("Seats were taken since this run was computed; run again."),
            field="run",
        )


@transaction.atomic
def allocation_run_publish(*, run: AllocationRun, actor) -> AllocationRun:
    """Publish a reviewed run whose check passed: offers for placed children (verified →
    offered), the others go to the waiting list. A failing check blocks publication, and so
    does a stale run (applications or free seats changed since it was computed).

    Lock order: round → run → applications (the round lock serialises publication with
    verification, vacancy chains, appeals and expiry)."""
    round = AdmissionRound.objects.select_for_update().get(pk=run.round_id)
    run = AllocationRun.objects.select_for_update().select_related("round").get(pk=run.pk)
    if run.check_passed is not True:
        raise CheckFailed(
            _("The independent check of this run failed; it cannot be published."),
            field="check_passed",
        )
    if run.status != RunStatus.REVIEWED:
        raise RunNotReady(_("Review the run before publishing it."), field="status")
    if run.seed != round.lottery_seed:
        raise Conflict(
            _(
                "Only a run with the round's lottery seed (fixed when the window closed) can be "
                "published; this run is a simulation."
            ),
            field="seed",
        )
    _refuse_stale(run, round)
    from_status = (
        ApplicationStatus.VERIFIED if run.stage == RunStage.MAIN else ApplicationStatus.WAITLISTED
    )
    placements = Placement.objects.filter(run=run).select_related("application")
    for placement in placements:
        application = placement.application
        if application.status != from_status:  # pragma: no cover - refused above
            continue
        if placement.school_id:
            Offer.objects.create(
                application=application,
                run=run,
                school_id=placement.school_id,
                deadline=round.offer_response_deadline,
                from_waitlist=run.stage != RunStage.MAIN,
            )
            application_transition(
                application=application, to=ApplicationStatus.OFFERED, actor=None
            )
        elif run.stage == RunStage.MAIN:
            application_transition(
                application=application, to=ApplicationStatus.WAITLISTED, actor=None
            )
    run.status = RunStatus.PUBLISHED
    run.published_by = actor
    run.published_at = timezone.now()
    run.save(update_fields=["status", "published_by", "published_at"])
    round.status = RoundStatus.PUBLISHED
    round.save(update_fields=["status", "updated_at"])
    return run


def allocation_run_compare(*, a: AllocationRun, b: AllocationRun) -> dict:
    keys = [
        "children",
        "placed",
        "placed_first_choice",
        "placed_top3",
        "unplaced",
        "distance_mean_m",
        "distance_median_m",
        "distance_p95_m",
        "envy_pairs",
    ]
    moved = 0
    if a.pk != b.pk:
        pa = dict(Placement.objects.filter(run=a).values_list("application_id", "school_id"))
        pb = dict(Placement.objects.filter(run=b).values_list("application_id", "school_id"))
        moved = sum(1 for k, v in pa.items() if k in pb and pb[k] != v)
    basis_a, basis_b = _list_basis(a), _list_basis(b)
    return {
        "rows": [
            (
                k,
                a.statistics.get(k),
                b.statistics.get(k),
                *((basis_a, basis_b) if k in LIST_RELATIVE_STATISTICS else ("", "")),
            )
            for k in keys
        ],
        "children_moved": moved,
    }


# What these figures count depends on the lists the run used (issue 12): a first choice and
# an envy pair mean the family's ranking under deferred acceptance, the distance list under
# nearest-first — so the comparison says which, beside each figure.
LIST_RELATIVE_STATISTICS = frozenset({"placed_first_choice", "placed_top3", "envy_pairs"})


def _list_basis(run: AllocationRun) -> str:
    if run.mechanism == Mechanism.NEAREST:
        return _("against the distance lists (1st = the nearest school)")
    return _("against the families' rankings")
