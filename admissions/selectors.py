"""Reads for admissions. Spatial reads go through gis.selectors or one SQL statement here."""

from __future__ import annotations

import uuid as uuid_module

from django.db import connection
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from gis import selectors as gis_selectors

from .constants import RunStatus
from .models import (
    AdmissionRound,
    AllocationRun,
    Application,
    ApplicationChoice,
    Offer,
    Placement,
    PriorityCategory,
    RoundSchool,
)


def round_current() -> AdmissionRound | None:
    return AdmissionRound.objects.order_by("-school_year").first()


def round_categories(*, round: AdmissionRound) -> QuerySet[PriorityCategory]:
    return PriorityCategory.objects.filter(round=round).order_by("rank", "code")


def round_school_list(*, round: AdmissionRound) -> QuerySet[RoundSchool]:
    return (
        RoundSchool.objects.filter(round=round, school__location__isnull=False)
        .select_related("school", "round", "school__admin_unit")
        .order_by("school__name")
    )


def round_seats(*, round: AdmissionRound) -> dict[int, int]:
    return {rs.school_id: rs.seats for rs in round_school_list(round=round)}


def application_list_for_parent(*, user) -> QuerySet[Application]:
    return (
        Application.objects.filter(applicant=user)
        .select_related("round", "ward")
        .order_by("-created_at")
    )


def application_list_for_round(
    *,
    round: AdmissionRound,
    status: str | None = None,
    school_id: int | None = None,
    ward_id: int | None = None,
    search: str = "",
    staff=None,
) -> QuerySet[Application]:
    apps = Application.objects.filter(round=round).select_related("ward", "priority_category")
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


def application_status_counts(*, round: AdmissionRound, **filters) -> dict[str, int]:
    apps = application_list_for_round(round=round, **filters).order_by()
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


def run_list(*, round: AdmissionRound) -> QuerySet[AllocationRun]:
    return AllocationRun.objects.filter(round=round).select_related("created_by")


def catchment_schools_at(*, point, school_year: int) -> set[int]:
    """Every school whose current catchment holds the point (overlaps: all of them)."""
    return set(
        gis_selectors.catchment_list_current(school_year=school_year)
        .filter(geom__intersects=point)
        .values_list("school_id", flat=True)
    )


def published_runs(*, round: AdmissionRound) -> QuerySet[AllocationRun]:
    """A round's published runs for the public audit page (documents not loaded)."""
    return (
        AllocationRun.objects.filter(round=round, status=RunStatus.PUBLISHED)
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


def run_published(*, round: AdmissionRound, stage: str = "main") -> AllocationRun | None:
    return AllocationRun.objects.filter(
        round=round, stage=stage, status=RunStatus.PUBLISHED
    ).first()


def placement_for_application(*, application: Application) -> Placement | None:
    """The placement from the latest published run that includes the application."""
    return (
        Placement.objects.filter(application=application, run__status=RunStatus.PUBLISHED)
        .select_related("school", "run")
        .order_by("-run__published_at")
        .first()
    )


def offer_current(*, application: Application) -> Offer | None:
    return (
        Offer.objects.filter(application=application)
        .select_related("school")
        .order_by("-created_at")
        .first()
    )


def previous_round_cutoffs(*, round: AdmissionRound) -> dict[int, float]:
    """Last round's cutoff distance per school (metres of the farthest child admitted in
    group 1 or 2 as published), when a published run exists."""
    previous = (
        AdmissionRound.objects.filter(school_year__lt=round.school_year)
        .order_by("-school_year")
        .first()
    )
    if previous is None:
        return {}
    run = run_published(round=previous)
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
    return {r for r, _ in rows if r}, {s for _, s in rows if s}


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


def staff_round_allowed(*, user, round: AdmissionRound) -> bool:
    """Round-wide work (closing, allocation runs, exports) belongs to the round's committee."""
    if staff_sees_everything(user):
        return True
    rounds, _ = _staff_scopes(user)
    return round.pk in rounds
