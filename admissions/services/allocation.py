"""Allocation runs: compute (dry run) → review → publish (creates offers); second round."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from admissions.allocation.instance_io import instance_to_dict
from admissions.allocation.priorities import CategoryRule, ChildMemberships
from admissions.allocation.stats import run_statistics
from gis.constants import DistanceMetric
from gis.selectors import road_distance_table, school_points
from portal.core.exceptions import Conflict, InvalidInput, TransitionNotAllowed

from .. import audit, engine, explain
from ..constants import (
    ApplicationStatus,
    CategoryScope,
    Mechanism,
    RoundStatus,
    RunStage,
    RunStatus,
)
from ..exceptions import RunNotReady
from ..fingerprint import combined as fingerprint_combined
from ..fingerprint import run_input_fingerprints
from ..models import (
    NO_CATEGORY_RANK,
    AdmissionRound,
    AllocationRun,
    Placement,
    PriorityCategory,
)
from ..selectors import applications_in_catchments, capacity_left, round_school_list
from .states import round_transition, run_transition


def _progress(run: AllocationRun, percent: int, message: str) -> None:
    """Committed immediately (the service runs outside one big transaction) so the committee
    page can poll it while the run is going."""
    AllocationRun.objects.filter(pk=run.pk).update(progress=percent, progress_message=message)
    run.progress, run.progress_message = percent, message


@transaction.atomic
def round_close(
    *, admission_round: AdmissionRound, lottery_seed: int | None = None, actor=None
) -> AdmissionRound:
    """Close the window and fix the round's lottery seed (drawn here unless the committee
    supplies one, e.g. from a public draw), before any allocation result exists: publication
    accepts only a run with this seed, so nobody can shop for a favourable lottery."""
    locked = AdmissionRound.objects.select_for_update(no_key=True).get(pk=admission_round.pk)
    if locked.status != RoundStatus.OPEN:
        raise Conflict(_("The round is not open."), field="status")
    closes_at = min(locked.closes_at, timezone.now())
    opens_at = locked.opens_at
    if closes_at <= opens_at:
        opens_at = closes_at - timezone.timedelta(seconds=1)
    return round_transition(
        admission_round=locked,
        to=RoundStatus.CLOSED,
        actor=actor,
        lottery_seed=lottery_seed if lottery_seed is not None else secrets.randbelow(2**62),
        audit_key=locked.audit_key or secrets.token_hex(32),
        closes_at=closes_at,
        opens_at=opens_at,
    )


def allocation_run_create(
    *,
    admission_round: AdmissionRound,
    mechanism: str,
    seed: int | None = None,
    actor=None,
    stage: str = RunStage.MAIN,
    distance_metric: str | None = None,
) -> AllocationRun:
    """A queued run. `seed` defaults to the round's lottery seed; any other seed makes the run a
    simulation that can be reviewed and compared but never published. `distance_metric`
    defaults to the round's (the committee's choice); another metric is a simulation too. The
    second stage always follows the round's configured mechanism and metric (the Department's
    plan), whatever was asked."""
    if admission_round.status == RoundStatus.OPEN:
        raise Conflict(_("Close the application window before allocating."), field="round")
    if stage == RunStage.MAIN and admission_round.status == RoundStatus.PUBLISHED:
        raise Conflict(_("The main round is already published."), field="round")
    if seed is None:
        seed = admission_round.lottery_seed
    if stage == RunStage.SECOND or not distance_metric:
        distance_metric = admission_round.distance_metric
    if stage == RunStage.SECOND:
        mechanism = admission_round.mechanism
    if distance_metric not in DistanceMetric.values:
        raise InvalidInput(_("Unknown distance metric."), field="distance_metric")
    return AllocationRun.objects.create(
        round=admission_round,
        mechanism=mechanism,
        seed=seed,
        stage=stage,
        created_by=actor,
        distance_metric=distance_metric,
    )


def _load_children(admission_round: AdmissionRound, stage: str):
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
        cursor.execute(
            sql, {"round": admission_round.pk, "status": status, "none": NO_CATEGORY_RANK}
        )
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


def _audit_key(admission_round: AdmissionRound) -> str:
    """The round's pseudonym key; set once (conditional update) for rounds closed before keys
    existed, so that two runs of one round always publish the same pseudonyms."""
    if not admission_round.audit_key:
        AdmissionRound.objects.filter(pk=admission_round.pk, audit_key="").update(
            audit_key=secrets.token_hex(32)
        )
        admission_round.audit_key = AdmissionRound.objects.values_list("audit_key", flat=True).get(
            pk=admission_round.pk
        )
    return admission_round.audit_key


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
    try:
        run_transition(run=run, to=RunStatus.RUNNING, error="")
    except TransitionNotAllowed as exc:
        raise Conflict(
            _("Only a queued or failed run can be computed; create a new run."), field="status"
        ) from exc
    try:
        admission_round = run.round
        # Fingerprinted first: an input changed while the run computes makes it stale too.
        fingerprints = run_input_fingerprints(
            admission_round=admission_round, stage=run.stage, mechanism=run.mechanism, seed=run.seed
        )
        step(5, "loading applications")
        t = time.perf_counter()
        rows, choice_rows = _load_children(admission_round, run.stage)
        round_schools = list(round_school_list(admission_round=admission_round))
        seats = capacity_left(
            admission_round, {rs.school_id: rs.seats for rs in round_schools}, run.stage
        )
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
            application_ids=app_ids.tolist(), school_year=admission_round.school_year
        )
        # Membership as one vectorised lookup on combined (application, school) keys.
        known = np.array([a * 2**24 + s for a, s in in_catchment_set], dtype=np.int64)
        children = engine.ChildArrays(
            ids=audit.pseudonyms(_audit_key(admission_round), [r[1] for r in rows]),
            lon=audit.rounded([r[2] for r in rows]),
            lat=audit.rounded([r[3] for r in rows]),
            members=_memberships(rows, in_catchment_set, child_pos, school_index),
            choice_ptr=np.zeros(len(rows) + 1, dtype=np.int64),
            choice_school=np.zeros(0, dtype=np.int64),
        )
        rule = CategoryRule(
            in_group_1=admission_round.categories_in_group_1, none_rank=NO_CATEGORY_RANK
        )
        nearest = run.mechanism == Mechanism.NEAREST
        if not nearest:
            choice_app = np.array([child_pos[a] for a, _ in choice_rows], dtype=np.int64)
            choice_school = np.array(
                [school_index.get(s, -1) for _, s in choice_rows], dtype=np.int64
            )
            keep = choice_school >= 0  # schools without seats in this round are skipped
            choice_app, choice_school = choice_app[keep], choice_school[keep]
            ptr = np.zeros(len(rows) + 1, dtype=np.int64)
            np.cumsum(np.bincount(choice_app, minlength=len(rows)), out=ptr[1:])
            children.choice_ptr, children.choice_school = ptr, choice_school
        metric = run.distance_metric or DistanceMetric.STRAIGHT
        road = None
        if metric != DistanceMetric.STRAIGHT:
            step(30, "distances by road")
            t = time.perf_counter()
            road = _road_distances(
                children, schools, nearest=nearest, metric=metric, admission_round=admission_round
            )
            timings["road_distances_s"] = round_s(time.perf_counter() - t)
        step(45, "solving")
        t = time.perf_counter()
        rules = {
            "rule": rule,
            "seed": run.seed,
            "max_distance_m": admission_round.max_distance_m,
            "metric": metric,
            "road": road,
        }
        if nearest:
            source = engine.nearest_source_of(children, schools, **rules)
            result, violations = engine.solve_nearest_and_check(source)
            instance = result.instance
            input_document = source.document()
        else:
            instance = engine.build_instance(children, schools, **rules)
            result, violations = engine.solve_and_check(instance)
            input_document = {**instance_to_dict(instance), "seed": run.seed}
            if road is not None:
                input_document["road_network"] = road.network
        timings["solve_and_check_s"] = round_s(time.perf_counter() - t)
        stats = run_statistics(result)
        stats["cutoff_distance_m"] = {
            int(k): v for k, v in stats["cutoff_distance_m"].items()
        }  # keyed by school pk
        stats["placed_by_final_pass"] = int(result.outside_list.sum())
        if road is not None:  # homes measured in a straight line although the run is by road
            stats["distance_fallbacks"] = sum(1 for reason in road.fallback if reason)
        # Full cutoffs (priority tuple + lottery of the last child admitted from the lists),
        # keyed by school pk: appeals compare a corrected priority against them.
        stats["cutoffs"] = {int(k): v for k, v in result.cutoffs_dict().items()}
        assigned_school_pk = np.where(result.assignment >= 0, ids[result.assignment], -1)
        placed_in_catchment = np.isin(app_ids * 2**24 + assigned_school_pk, known)

        step(70, "writing explanations")
        t = time.perf_counter()
        names = {str(rs.school_id): rs.school.name for rs in round_schools}
        categories = list(
            PriorityCategory.objects.filter(round=admission_round).values_list(
                "rank", "label_vi", "label_en"
            )
        )
        ranks = explain.assigned_rank(result)
        placements = []
        sentences = engine.explanations(result, names, categories)
        fallback = road.fallback if road is not None else ("",) * instance.n_children
        for c in range(instance.n_children):
            data = explain.explanation_data(
                result, c, in_group_1=admission_round.categories_in_group_1
            )
            data["metric"] = metric
            data["distance_fallback"] = fallback[c]
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
                    distance_fallback=fallback[c],
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
                "max_distance_m": admission_round.max_distance_m,
                "class_size_norm": admission_round.class_size_norm,
                "categories": [
                    {"rank": r, "label_vi": vi, "label_en": en} for r, vi, en in categories
                ],
                "distance": _distance_policy(metric, road),
                "distance_metric": metric,
                "categories_in_group_1": admission_round.categories_in_group_1,
                "input_fingerprint": fingerprint_combined(fingerprints),
                "input_fingerprints": fingerprints,
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
            run.progress = 100
            run.progress_message = "done"
            run.finished_at = timezone.now()
            run.save(update_fields=[f.name for f in AllocationRun._meta.concrete_fields
                                    if f.name not in ("id", "status")])  # fmt: skip
            run_transition(run=run, to=RunStatus.DRY_RUN)
            if run.stage == RunStage.MAIN:
                locked_round = AdmissionRound.objects.select_for_update(no_key=True).get(
                    pk=admission_round.pk
                )
                if locked_round.status == RoundStatus.CLOSED:
                    round_transition(admission_round=locked_round, to=RoundStatus.ALLOCATED)
    except Exception as exc:
        run_transition(
            run=run, to=RunStatus.FAILED, error=repr(exc)[:2000], finished_at=timezone.now()
        )
        raise
    return run


#: Nearest-first by road: besides every school within the maximum distance by road, each
#: child's table holds its k nearest schools by road (the final pass looks there first).
ROAD_NEAREST_K = 5


def _road_distances(
    children, schools, *, nearest: bool, metric: str, admission_round: AdmissionRound
):
    """Road metres of the run in one bulk computation in `gis` (one limited shortest-path tree
    per school, children snapped to the network): nearest-first needs every school within the
    maximum distance, the k nearest and the catchment schools; deferred acceptance the ranked
    schools. Children who cannot be routed keep the straight line and the reason."""
    n = len(children.ids)
    if nearest:
        members = children.members
        pairs = (
            np.repeat(np.arange(n, dtype=np.int64), np.diff(members.catchment_ptr)),
            np.asarray(members.catchment_school, dtype=np.int64),
        )
        k, within = ROAD_NEAREST_K, float(admission_round.max_distance_m)
    else:
        pairs = (
            np.repeat(np.arange(n, dtype=np.int64), np.diff(children.choice_ptr)),
            np.asarray(children.choice_school, dtype=np.int64),
        )
        k, within = 0, 0.0
    limit = float(max(settings.ROAD_MAX_DISTANCE_M, admission_round.max_distance_m))
    table, network = road_distance_table(
        mode=metric,
        child_lon=children.lon,
        child_lat=children.lat,
        school_lon=schools.lon,
        school_lat=schools.lat,
        k=k,
        within_m=within,
        pairs=pairs,
        max_distance_m=limit,
    )
    return engine.road_distances(
        n, table, limit_m=limit, network=network, pairs=None if nearest else pairs
    )


def _distance_policy(metric: str, road) -> str:
    homes = f"from homes rounded to {audit.COORDINATE_DECIMALS} decimals"
    if road is None:
        return f"WGS 84 geodesic, straight line, {homes}"
    return (
        f"{metric} distance by road (OpenStreetMap network {road.network or 'none'}, limit "
        f"{road.limit_m:.0f} m), {homes}; homes that cannot be routed: straight line, with "
        "the reason per child"
    )


def round_s(seconds: float) -> float:
    return round(seconds, 3)


@transaction.atomic
def allocation_run_review(*, run: AllocationRun, actor) -> AllocationRun:
    run = AllocationRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.DRY_RUN:
        raise RunNotReady(_("Only a finished dry run can be marked as reviewed."), field="status")
    return run_transition(run=run, to=RunStatus.REVIEWED, actor=actor, reviewed_by=actor)


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
