"""Reads for the procedure catalogue, dossiers, work queues and deadlines."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.access import is_staff_with
from portal.core.exceptions import NotFound

from .constants import DECIDED, DossierStatus, HolidayKind
from .models import CalendarAdjustment, Dossier, DossierCorrection, Procedure, ProcedureVersion
from .working_days import WorkingCalendar, build_calendar

HANDLE_DOSSIER = "eservices.handle_dossier"


def procedure_list(*, query: str = "") -> list[ProcedureVersion]:
    """The current version of every offered procedure, optionally filtered by code or name."""
    procedures = Procedure.objects.filter(is_active=True).prefetch_related("versions")
    versions = [p.current_version for p in procedures]
    versions = [v for v in versions if v is not None]
    needle = query.strip().casefold()
    if needle:
        versions = [
            v
            for v in versions
            if needle in v.procedure.code.casefold()
            or needle in v.name_vi.casefold()
            or needle in v.name_en.casefold()
            or needle in v.summary_vi.casefold()
        ]
    return versions


def procedure_version_current(*, code: str) -> ProcedureVersion:
    version = (
        ProcedureVersion.objects.select_related("procedure")
        .filter(procedure__code=code, procedure__is_active=True)
        .order_by("-number")
        .first()
    )
    if version is None:
        raise NotFound("No such procedure.", field="code")
    return version


def dossier_list_for_citizen(*, user) -> QuerySet[Dossier]:
    return Dossier.objects.filter(applicant=user).select_related("procedure_version__procedure")


def dossier_get_for_citizen(*, user, uuid) -> Dossier:
    """A citizen sees only their own dossiers: someone else's is 'not found', never 'forbidden'."""
    dossier = dossier_list_for_citizen(user=user).filter(uuid=uuid).first()
    if dossier is None:
        raise NotFound("No such dossier.")
    return dossier


def staff_can_handle(*, user, procedure: Procedure) -> bool:
    """The one staff rule (active staff with the permission), then the procedure's group."""
    if not is_staff_with(user, HANDLE_DOSSIER):
        return False
    if user.is_superuser:
        return True
    return (
        procedure.handler_group_id is None
        or user.groups.filter(pk=procedure.handler_group_id).exists()
    )


def procedures_handled_by(*, user) -> QuerySet[Procedure]:
    procedures = Procedure.objects.all()
    if not is_staff_with(user, HANDLE_DOSSIER):
        return procedures.none()
    if user.is_superuser:
        return procedures
    return procedures.filter(Q(handler_group__isnull=True) | Q(handler_group__in=user.groups.all()))


def dossier_get_for_staff(*, user, uuid) -> Dossier:
    dossier = (
        Dossier.objects.select_related("procedure_version__procedure", "applicant")
        .exclude(status=DossierStatus.DRAFT)
        .filter(uuid=uuid)
        .first()
    )
    if dossier is None or not staff_can_handle(user=user, procedure=dossier.procedure):
        raise NotFound("No such dossier.")
    return dossier


def dossier_list_correctable(*, user) -> QuerySet[Dossier]:
    """The citizen's own submitted dossiers (a draft is corrected by editing it)."""
    return dossier_list_for_citizen(user=user).exclude(status=DossierStatus.DRAFT)


def correction_list_for_citizen(*, user) -> QuerySet[DossierCorrection]:
    return (
        DossierCorrection.objects.filter(dossier__applicant=user)
        .select_related("dossier")
        .order_by("-created_at", "-pk")
    )


def correction_list_open_for_staff(*, user) -> QuerySet[DossierCorrection]:
    """Open requests on dossiers of the procedures this officer handles, oldest deadline first."""
    return (
        DossierCorrection.objects.filter(
            status=DossierCorrection.Status.OPEN,
            dossier__procedure_version__procedure__in=procedures_handled_by(user=user),
        )
        .select_related("dossier__procedure_version__procedure")
        .order_by("decide_by", "pk")
    )


def correction_get_for_staff(*, user, uuid) -> DossierCorrection:
    correction = (
        DossierCorrection.objects.select_related("dossier__procedure_version__procedure")
        .filter(uuid=uuid)
        .first()
    )
    if correction is None or not staff_can_handle(
        user=user, procedure=correction.dossier.procedure
    ):
        raise NotFound("No such request.")
    return correction


@dataclass(frozen=True)
class QueueFilters:
    procedure: str = ""
    status: str = ""
    overdue: bool = False
    query: str = ""


def dossier_queue(*, user, filters: QueueFilters, today: dt.date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    dossiers = (
        Dossier.objects.exclude(status=DossierStatus.DRAFT)
        .filter(procedure_version__procedure__in=procedures_handled_by(user=user))
        .select_related("procedure_version__procedure", "applicant")
        .order_by(F("due_date").asc(nulls_last=True), "submitted_at")
    )
    if filters.procedure:
        dossiers = dossiers.filter(procedure_version__procedure__code=filters.procedure)
    if filters.status:
        dossiers = dossiers.filter(status=filters.status)
    if filters.overdue:
        dossiers = dossier_filter_overdue(dossiers, today=today)
    if filters.query:
        dossiers = dossiers.filter(code__icontains=filters.query.strip())
    return dossiers


def dossier_filter_overdue(dossiers: QuerySet, *, today: dt.date) -> QuerySet:
    """Undecided dossiers whose due date has passed (a paused clock has no due date yet)."""
    return dossiers.filter(due_date__lt=today).exclude(status__in=[*DECIDED, "withdrawn"])


def dossier_is_overdue(dossier: Dossier, *, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    if dossier.due_date is None or dossier.status in DECIDED | {DossierStatus.WITHDRAWN}:
        return False
    return dossier.due_date < today


def dossier_lookup_public(*, code: str, phone: str) -> Dossier | None:
    """The public 'tra cứu hồ sơ': code and the contact phone must both match."""
    return (
        Dossier.objects.exclude(status=DossierStatus.DRAFT)
        .select_related("procedure_version__procedure")
        .filter(code=code.strip(), contact_phone=phone)
        .first()
    )


def working_calendar(*, years: range | None = None) -> WorkingCalendar:
    this_year = timezone.localdate().year
    years = years or range(this_year - 1, this_year + 3)
    adjustments = list(CalendarAdjustment.objects.filter(day__year__in=list(years)))
    return build_calendar(
        years=years,
        added_days_off=[a.day for a in adjustments if a.kind == HolidayKind.DAY_OFF],
        removed_days_off=[a.day for a in adjustments if a.kind == HolidayKind.NOT_A_DAY_OFF],
        working_saturdays=[a.day for a in adjustments if a.kind == HolidayKind.WORKING_SATURDAY],
    )


@dataclass(frozen=True)
class OnTimeRow:
    code: str
    name: str
    decided: int
    on_time: int
    overdue_open: int

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.decided if self.decided else None


def on_time_statistics(*, user, today: dt.date | None = None) -> list[OnTimeRow]:
    """Per procedure: dossiers decided, decided by their due date, and still open but late —
    counted in one grouped query, not three per procedure."""
    today = today or timezone.localdate()
    decided = Q(
        versions__dossiers__decided_at__isnull=False,
        versions__dossiers__due_date__isnull=False,
    )
    on_time = decided & Q(
        versions__dossiers__decided_at__date__lte=F("versions__dossiers__due_date")
    )
    overdue_open = Q(versions__dossiers__due_date__lt=today) & ~Q(
        versions__dossiers__status__in=[*DECIDED, DossierStatus.WITHDRAWN]
    )
    dossier = "versions__dossiers"
    procedures = (
        procedures_handled_by(user=user)
        .annotate(
            decided=Count(dossier, filter=decided),
            on_time=Count(dossier, filter=on_time),
            overdue_open=Count(dossier, filter=overdue_open),
        )
        .prefetch_related(
            Prefetch("versions", queryset=ProcedureVersion.objects.order_by("-number"))
        )
        .order_by("code")
    )
    rows = []
    for procedure in procedures:
        versions = list(procedure.versions.all())
        rows.append(
            OnTimeRow(
                code=procedure.code,
                name=versions[0].name if versions else procedure.code,
                decided=procedure.decided,
                on_time=procedure.on_time,
                overdue_open=procedure.overdue_open,
            )
        )
    return rows
