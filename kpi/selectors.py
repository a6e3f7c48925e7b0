"""Facts for the KPI report, read from the other apps: e-service dossiers and procedures,
satisfaction answers (surveys), and the admission round (through admissions' selectors)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from admissions import selectors as admission_selectors
from admissions.constants import ApplicationStatus
from eservices.constants import Channel, ServiceLevel
from eservices.models import Dossier, Procedure
from surveys.selectors import satisfaction_rating_list

from .figures import (
    AdmissionFact,
    DossierFact,
    KpiReport,
    PaymentFact,
    ProcedureFact,
    RatingFact,
    kpi_report,
)
from .periods import add_months

# An application that reached these states was verified by the committee.
VERIFIED_OR_LATER = frozenset(
    {
        ApplicationStatus.VERIFIED,
        ApplicationStatus.OFFERED,
        ApplicationStatus.WAITLISTED,
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.DECLINED,
        ApplicationStatus.EXPIRED,
        ApplicationStatus.ENROLLED,
    }
)


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def procedure_facts() -> list[ProcedureFact]:
    facts = []
    for procedure in Procedure.objects.order_by("code"):
        version = procedure.current_version
        if version is not None:
            facts.append(
                ProcedureFact(
                    code=procedure.code,
                    name=version.name,
                    full_process=version.level == ServiceLevel.FULL,
                    partial_reason=version.partial_reason,
                    offered=procedure.is_active,
                )
            )
    return facts


def dossier_facts(*, start: dt.datetime, end: dt.datetime) -> list[DossierFact]:
    """Dossiers submitted (online or recorded at the counter) or decided in [start, end)."""
    rows = (
        Dossier.objects.filter(submitted_at__isnull=False)
        .filter(
            Q(submitted_at__gte=start, submitted_at__lt=end)
            | Q(decided_at__gte=start, decided_at__lt=end)
        )
        .values_list(
            "code",
            "procedure_version__procedure__code",
            "channel",
            "submitted_at",
            "decided_at",
            "due_date",
        )
    )
    return [
        DossierFact(
            code=code,
            procedure_code=procedure,
            online=channel == Channel.ONLINE,
            submitted_on=_local_date(submitted),
            decided_on=_local_date(decided) if decided else None,
            due_date=due,
        )
        for code, procedure, channel, submitted, decided, due in rows
    ]


def procedure_of_dossiers(*, codes: set[str]) -> dict[str, str]:
    return dict(
        Dossier.objects.filter(code__in=codes).values_list(
            "code", "procedure_version__procedure__code"
        )
    )


def payment_facts(*, start: dt.datetime, end: dt.datetime) -> list[PaymentFact]:
    """Fees settled in [start, end). A dossier's `paid_at` is set only by the payments module's
    settlement (VNPay or bank transfer): cashless. A fee-bearing dossier recorded at the counter
    and not paid online was paid in cash at the counter, on the day it was received."""
    paid_online = Dossier.objects.filter(
        fee_vnd__gt=0, paid_at__gte=start, paid_at__lt=end
    ).values_list("procedure_version__procedure__code", "paid_at", "fee_vnd")
    paid_in_cash = Dossier.objects.filter(
        fee_vnd__gt=0,
        paid_at__isnull=True,
        channel=Channel.COUNTER,
        submitted_at__gte=start,
        submitted_at__lt=end,
    ).values_list("procedure_version__procedure__code", "submitted_at", "fee_vnd")
    return [
        PaymentFact(code, _local_date(at), Decimal(fee), cashless=True)
        for code, at, fee in paid_online
    ] + [
        PaymentFact(code, _local_date(at), Decimal(fee), cashless=False)
        for code, at, fee in paid_in_cash
    ]


def rating_facts(*, start: dt.datetime, end: dt.datetime) -> list[RatingFact]:
    return [
        RatingFact(r.subject_ref, r.rating, _local_date(r.submitted_at))
        for r in satisfaction_rating_list(since=start, until=end)
    ]


def admission_fact() -> AdmissionFact | None:
    """The current admission round: applications submitted online (the portal is the only
    channel), verified, and the published main run's first-choice placements and median
    distance (straight-line, as the allocation used)."""
    admission_round = admission_selectors.round_latest()
    if admission_round is None:
        return None
    counts = admission_selectors.application_status_counts(admission_round=admission_round)
    run = admission_selectors.run_published(admission_round=admission_round)
    statistics = run.statistics if run is not None else {}
    return AdmissionFact(
        round_name=admission_round.name,
        is_demo=admission_round.is_demo,
        applications_online=sum(n for s, n in counts.items() if s != ApplicationStatus.DRAFT),
        verified=sum(counts.get(s, 0) for s in VERIFIED_OR_LATER),
        placed=statistics.get("placed"),
        placed_first_choice=statistics.get("placed_first_choice"),
        median_distance_m=statistics.get("distance_median_m"),
    )


def kpi_report_get(*, first_month: dt.date, last_month: dt.date) -> KpiReport:
    start, end = _aware(first_month), _aware(add_months(last_month, 1))
    ratings = rating_facts(start=start, end=end)
    return kpi_report(
        first_month=first_month,
        last_month=last_month,
        procedures=procedure_facts(),
        dossiers=dossier_facts(start=start, end=end),
        ratings=ratings,
        payments=payment_facts(start=start, end=end),
        procedure_of_dossier=procedure_of_dossiers(codes={r.subject_ref for r in ratings}),
        admission=admission_fact(),
        month_label=lambda month: date_format(month, "m/Y"),
        min_ratings=settings.KPI_MIN_RATINGS_SHOWN,
    )
