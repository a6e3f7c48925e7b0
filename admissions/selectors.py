"""Reads for admissions. Spatial reads go through gis.selectors or one SQL statement here."""

from __future__ import annotations

import time
import uuid as uuid_module

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from admissions.allocation.priorities import NO_CATEGORY_RANK
from gis import selectors as gis_selectors
from gis.constants import LocationSource
from gis.models import School
from portal.core.i18n import language_is_vietnamese

from .constants import (
    RUN_PROGRESS_STEPS,
    RUN_TIMING_LABELS,
    ApplicationStatus,
    OfferStatus,
    RunStage,
    RunStatus,
)
from .models import (
    AdmissionRound,
    AllocationRun,
    Application,
    ApplicationChoice,
    ApplicationIntake,
    Evidence,
    Offer,
    Placement,
    PriorityCategory,
    RoundSchool,
    Ticket,
)


def round_latest() -> AdmissionRound | None:
    """The round with the highest school year, whatever its status (open, closed, allocated,
    published) and demo or not: callers check what they need (e.g. an open window)."""
    return AdmissionRound.objects.order_by("-school_year").first()


def round_by_year(*, school_year: int) -> AdmissionRound | None:
    return AdmissionRound.objects.filter(school_year=school_year).first()


_recent_rounds: dict[int | None, tuple[float, AdmissionRound]] = {}


def round_recent(*, school_year: int | None) -> AdmissionRound | None:
    """The round of `school_year` (the latest round without one) as this process read it at
    most ADMISSIONS_INTAKE_ROUND_READ_MS ago, for the intake queue: every family's intake of the
    opening morning needs it, and the worker judges the window again from the database when it
    creates the application, so a round closed by hand meanwhile still refuses it (docs/adr/
    0027). Never for a decision taken in the request itself. A missing round is not kept."""
    max_age_s = settings.ADMISSIONS_INTAKE_ROUND_READ_MS / 1000
    remembered = _recent_rounds.get(school_year)
    if remembered is not None and time.monotonic() - remembered[0] < max_age_s:
        return remembered[1]
    found = round_latest() if school_year is None else round_by_year(school_year=school_year)
    if found is not None and max_age_s > 0:
        _recent_rounds[school_year] = (time.monotonic(), found)
    return found


def round_seat_rows(*, admission_round: AdmissionRound) -> QuerySet[RoundSchool]:
    """Every school of the round with its seats (located or not), for the committee."""
    return RoundSchool.objects.filter(round=admission_round).select_related("school")


def run_by_uuid(*, uuid) -> AllocationRun | None:
    """The run with this uuid, or None (also for a malformed uuid); with its round, which the
    callers check the user's scope on."""
    try:
        return AllocationRun.objects.select_related("round").filter(uuid=uuid).first()
    except (ValueError, ValidationError):
        return None


def run_placements_per_school(*, run: AllocationRun) -> QuerySet:
    """Rows ``{school_id, school__name, n}``: children placed at each school by the run."""
    return (
        run.placements.exclude(school=None)
        .values("school_id", "school__name")
        .order_by("school__name")
        .annotate(n=Count("pk"))
    )


def round_categories(*, admission_round: AdmissionRound) -> QuerySet[PriorityCategory]:
    return PriorityCategory.objects.filter(round=admission_round).order_by("rank", "code")


def round_school_list(*, admission_round: AdmissionRound) -> QuerySet[RoundSchool]:
    return (
        RoundSchool.objects.filter(round=admission_round, school__location__isnull=False)
        .select_related("school", "round", "school__admin_unit")
        .order_by("school__name")
    )


def round_seats(*, admission_round: AdmissionRound) -> dict[int, int]:
    return {
        school_id: row["seats"]
        for school_id, row in round_public_seats(admission_round=admission_round).items()
    }


def round_public_seats(*, admission_round: AdmissionRound) -> dict[int, dict]:
    """The grade-1 seats of the round as the public sees them, per school: the one source for
    the application form, its suggestions and the public map's school popup (issue #8)."""
    return {
        rs.school_id: {"code": rs.school.code, "seats": rs.seats, "demo_figure": rs.is_demo_figure}
        for rs in round_school_list(admission_round=admission_round)
    }


def capacity_left(
    admission_round: AdmissionRound, seats: dict[int, int], stage: str
) -> dict[int, int]:
    """Seats a run of this stage may fill: all of them in the main round, the seats without a
    live offer in the second."""
    if stage == RunStage.MAIN:
        return seats
    taken = dict(
        Offer.objects.filter(
            application__round=admission_round,
            status__in=[OfferStatus.PENDING, OfferStatus.ACCEPTED],
        )
        .values_list("school_id")
        .annotate(n=Count("pk"))
        .values_list("school_id", "n")
    )
    return {s: max(0, n - taken.get(s, 0)) for s, n in seats.items()}


def application_list_for_parent(*, user) -> QuerySet[Application]:
    return (
        Application.objects.filter(applicant=user)
        .select_related("round", "ward")
        .order_by("-created_at")
    )


def application_list_for_round(
    *,
    admission_round: AdmissionRound,
    status: str | None = None,
    school_id: int | None = None,
    ward_id: int | None = None,
    search: str = "",
    staff=None,
) -> QuerySet[Application]:
    apps = Application.objects.filter(round=admission_round).select_related(
        "ward", "priority_category"
    )
    if staff is not None:
        apps = apps.filter(staff_application_filter(staff))
    if status:
        apps = apps.filter(status=status)
    if school_id:
        apps = apps.filter(choices__school_id=school_id, choices__rank=1)
    if ward_id:
        apps = apps.filter(ward_id=ward_id)
    if search:
        apps = apps.filter(
            Q(tracking_code__icontains=search)
            | Q(child_full_name__icontains=search)
            | Q(child_personal_id=search)
        )
    return apps.order_by("submitted_at", "pk")


def ticket_open_list(*, admission_round: AdmissionRound) -> QuerySet[Ticket]:
    """The round's open appeals and correction requests, the nearest decision deadline first."""
    return (
        Ticket.objects.filter(application__round=admission_round, status=Ticket.Status.OPEN)
        .select_related("application")
        .order_by("decide_by", "pk")
    )


def application_status_counts(*, admission_round: AdmissionRound, **filters) -> dict[str, int]:
    apps = application_list_for_round(admission_round=admission_round, **filters).order_by()
    return dict(apps.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))


def applications_in_catchments(*, application_ids: list[int], school_year: int) -> set[tuple]:
    """(application id, school id) pairs where the residence pin lies in the school's current
    catchment for the school year: one spatial join in PostGIS (GiST index on catchments)."""
    if not application_ids:
        return set()
    sql = """
        SELECT a.id, c.school_id
        FROM admissions_application a
        JOIN geo_catchment c
          ON c.school_year = %(year)s AND c.is_current
         AND ST_Intersects(c.geom, a.residence_point::geometry)
        WHERE a.id = ANY(%(ids)s)
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"year": school_year, "ids": application_ids})
        return {(a, s) for a, s in cursor.fetchall()}


def run_list(*, admission_round: AdmissionRound) -> QuerySet[AllocationRun]:
    return AllocationRun.objects.filter(round=admission_round).select_related("created_by")


def run_is_simulation(*, run: AllocationRun) -> bool:
    """A run whose seed is not the round's lottery seed (or computed before the seed was
    fixed): it can be compared, never published (services.allocation_run_publish refuses)."""
    return run.round.lottery_seed is None or run.seed != run.round.lottery_seed


def run_actions(*, run: AllocationRun) -> dict[str, bool]:
    """What the committee may do with a run now; the page shows only what can succeed."""
    simulation = run_is_simulation(run=run)
    return {
        "simulation": simulation,
        "review": run.status == RunStatus.DRY_RUN and not simulation,
        "publish": run.status == RunStatus.REVIEWED and run.check_passed is True and not simulation,
    }


def run_progress(*, run: AllocationRun) -> dict:
    """The run's state for its progress bar (polled while it is queued or running)."""
    label = RUN_PROGRESS_STEPS.get(run.progress_message, run.progress_message)
    return {
        "status": run.status,
        "status_label": str(RunStatus(run.status).label),
        "progress": run.progress,
        "message": str(label),
        "finished": run.status not in (RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.PUBLISHING),
        "error": run.error,
    }


def run_timing_rows(*, run: AllocationRun) -> list[tuple[str, float]]:
    """(label, seconds) of the run's named timings, known steps first."""
    timings = run.timings or {}
    known = [
        (str(label), timings[key]) for key, label in RUN_TIMING_LABELS.items() if key in timings
    ]
    other = [(key, value) for key, value in timings.items() if key not in RUN_TIMING_LABELS]
    return known + other


def catchment_schools_at(*, point, school_year: int) -> set[int]:
    """Every school whose current catchment holds the point (overlaps: all of them)."""
    return set(
        gis_selectors.catchment_list_current(school_year=school_year)
        .filter(geom__intersects=point)
        .values_list("school_id", flat=True)
    )


def published_runs(*, admission_round: AdmissionRound) -> QuerySet[AllocationRun]:
    """A round's published runs for the public audit page (documents not loaded)."""
    return (
        AllocationRun.objects.filter(round=admission_round, status=RunStatus.PUBLISHED)
        .defer("input_document", "result_document")
        .annotate(
            has_documents=ExpressionWrapper(
                Q(input_document__isnull=False), output_field=BooleanField()
            )
        )
        .order_by("published_at")
    )


def published_run_documents(*, uuid) -> AllocationRun | None:
    return (
        AllocationRun.objects.filter(uuid=uuid, status=RunStatus.PUBLISHED)
        .select_related("round")
        .first()
    )


def run_by_reference(*, reference: str) -> AllocationRun | None:
    """A run by database id or UUID (the `export_run` argument)."""
    runs = AllocationRun.objects.select_related("round")
    if reference.isdigit():
        return runs.filter(pk=int(reference)).first()
    try:
        return runs.filter(uuid=uuid_module.UUID(reference)).first()
    except ValueError:
        return None


def run_published(*, admission_round: AdmissionRound, stage: str = "main") -> AllocationRun | None:
    return AllocationRun.objects.filter(
        round=admission_round, stage=stage, status=RunStatus.PUBLISHED
    ).first()


def placements_of(*, application_ids) -> QuerySet[Placement]:
    """THE placement of each child (ADR 0020): the one in the published run of the round's MAIN
    stage. It holds the child's priority and lottery number at every ranked school under the
    published policy — children verified after publication get one when they are verified
    (ADR 0008) — so the vacancy chains, appeals, the status page and the explanation all read
    the same row. A seat won later (second round, vacancy chain, appeal) is an offer, not a
    placement."""
    return Placement.objects.filter(
        application_id__in=application_ids,
        run__status=RunStatus.PUBLISHED,
        run__stage=RunStage.MAIN,
    ).select_related("school", "run")


def placement_for_application(*, application: Application) -> Placement | None:
    return placements_of(application_ids=[application.pk]).first()


def application_choice_list(*, application: Application) -> list[dict]:
    """The ranked schools with the straight-line distance from the residence pin and whether
    the school's position is only illustrative (a demo placement, not surveyed)."""
    choices = application.ranked_choices
    distances = gis_selectors.school_distances(
        point=application.residence_point, school_ids=[c.school_id for c in choices]
    )
    return [
        {
            "rank": c.rank,
            "school": c.school,
            "distance_m": distances.get(c.school_id),
            "illustrative": c.school.location_source == LocationSource.DEMO_PLACED,
        }
        for c in choices
    ]


def explanation_rows(*, placement: Placement) -> list[dict]:
    """The stored explanation (ADR 7) as rows a family can read: for each school the child
    ranked, the child's own group / priority category / distance and, for every school ranked
    above the placement, the cutoff reached there (the last child admitted)."""
    data = placement.explanation or {}
    entries = data.get("choices") or []
    schools = School.objects.in_bulk([e["school"] for e in entries])
    labels = {
        c.rank: (c.label_vi if language_is_vietnamese() else c.label_en)
        for c in PriorityCategory.objects.filter(round_id=placement.run.round_id)
    }

    def category(rank):
        return labels.get(rank) if rank is not None and rank != NO_CATEGORY_RANK else None

    rows = []
    for e in entries:
        cutoff = e.get("cutoff")
        rows.append(
            {
                "rank": e["rank"],
                "school": schools.get(e["school"]),
                "outcome": e["outcome"],
                "group": e["group"],
                "category": category(e["category_rank"]),
                "distance_m": e["distance_m"],
                "cutoff": {
                    "group": cutoff["group"],
                    "category": category(cutoff["category_rank"]),
                    "distance_m": cutoff["distance_m"],
                }
                if cutoff
                else None,
            }
        )
    return rows


def offer_current(*, application: Application) -> Offer | None:
    return (
        Offer.objects.filter(application=application)
        .select_related("school")
        .order_by("-created_at")
        .first()
    )


def previous_round_cutoffs(*, admission_round: AdmissionRound) -> dict[int, float]:
    """Last round's cutoff distance per school (metres of the farthest child admitted in
    group 1 or 2 as published), when a published run exists."""
    previous = (
        AdmissionRound.objects.filter(school_year__lt=admission_round.school_year)
        .order_by("-school_year")
        .first()
    )
    if previous is None:
        return {}
    run = run_published(admission_round=previous)
    if run is None:
        return {}
    cutoffs = run.statistics.get("cutoff_distance_m", {})
    return {int(k): float(v) for k, v in cutoffs.items()}


# --------------------------------------------------------------------------- staff scopes


def staff_sees_everything(user) -> bool:
    """Superusers and the education office (accounts.view_all_records) read every record."""
    return bool(user.is_superuser or user.has_perm("accounts.view_all_records"))


def _staff_scopes(user) -> tuple[set[int], set[int]]:
    from accounts.models import StaffScope

    rows = StaffScope.objects.filter(user=user).values_list("round_id", "school_id")
    rounds = {r for r, _ in rows if r}
    # A round's committee group (ADR 0022) is a round scope too: one rule for the map and pages.
    rounds |= set(
        AdmissionRound.objects.filter(committee__in=user.groups.all()).values_list("pk", flat=True)
    )
    return rounds, {s for _, s in rows if s}


def staff_application_filter(user) -> Q:
    """The applications a staff member may see: its rounds' (committee) and those naming its
    school as a choice or as the priority school (clerk, principal). Nothing without a scope."""
    if staff_sees_everything(user):
        return Q()
    rounds, schools = _staff_scopes(user)
    if not (rounds or schools):
        return Q(pk__in=[])
    return (
        Q(round_id__in=rounds)
        | Q(
            Exists(
                ApplicationChoice.objects.filter(application=OuterRef("pk"), school_id__in=schools)
            )
        )
        | Q(priority_school_id__in=schools)
    )


def application_list_for_staff(*, user) -> QuerySet[Application]:
    return Application.objects.filter(staff_application_filter(user))


# What the application pages (parent's and committee's) read beside the application itself.
APPLICATION_PAGE_RELATIONS = ("round", "ward", "ward_typed", "priority_category", "priority_school")


def application_list_of_parent(*, user) -> QuerySet[Application]:
    """The signed-in parent's own applications, with what their pages show."""
    return Application.objects.filter(applicant=user).select_related(*APPLICATION_PAGE_RELATIONS)


def application_list_for_staff_pages(*, user) -> QuerySet[Application]:
    """The applications this staff member may open, with what the committee's page shows."""
    return application_list_for_staff(user=user).select_related(*APPLICATION_PAGE_RELATIONS)


def application_for_api(*, application_id: int) -> Application:
    return Application.objects.select_related(*APPLICATION_PAGE_RELATIONS).get(pk=application_id)


def intake_of_applicant(*, uuid, user) -> ApplicationIntake | None:
    """A receipt of the intake queue, to the account that handed it in only."""
    return (
        ApplicationIntake.objects.select_related("application")
        .filter(uuid=uuid, applicant_id=user.pk)
        .first()
    )


def application_history(*, application: Application) -> QuerySet:
    """Status changes, oldest first, with the actor's profile (its name, not the username)."""
    return application.history.select_related("actor__profile").all()


def application_in_staff_scope(*, user, application_id: int) -> bool:
    return application_list_for_staff(user=user).filter(pk=application_id).exists()


def evidence_by_uuid(*, uuid) -> Evidence | None:
    try:
        return Evidence.objects.select_related("application").filter(uuid=uuid).first()
    except (ValueError, ValidationError):
        return None


def ticket_list_for_staff(*, user) -> QuerySet[Ticket]:
    return Ticket.objects.select_related("application").filter(
        application__in=application_list_for_staff(user=user)
    )


def staff_school_allowed(*, user, school_id: int) -> bool:
    """A school's own staff (StaffScope.school), the education office and superusers."""
    return staff_sees_everything(user) or school_id in _staff_scopes(user)[1]


def school_application_choices(*, user, school_id: int) -> QuerySet[ApplicationChoice]:
    """The submitted applications that chose ``school_id`` (one row per choice: its rank),
    within the user's scope; nothing for another school's staff."""
    if not staff_school_allowed(user=user, school_id=school_id):
        return ApplicationChoice.objects.none()
    return (
        ApplicationChoice.objects.filter(
            school_id=school_id, application__in=application_list_for_staff(user=user)
        )
        .exclude(application__status=ApplicationStatus.DRAFT)
        .select_related("application__round")
        .order_by("rank", "application__submitted_at", "application_id")
    )


def staff_round_allowed(*, user, admission_round: AdmissionRound) -> bool:
    """Round-wide work (closing, allocation runs, exports) belongs to the round's committee."""
    if staff_sees_everything(user):
        return True
    rounds, _ = _staff_scopes(user)
    return admission_round.pk in rounds
