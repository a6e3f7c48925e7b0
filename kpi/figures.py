"""The digital-transformation plan's indicators, computed from plain facts (no ORM).

Selectors turn dossiers, procedures, satisfaction answers, payments and the admission round into
the fact dataclasses below; `kpi_report` counts them overall, per month and per procedure. Each
fact is counted in the month of its own event: a dossier's channel in the month it was
submitted, its timeliness in the month it was decided, a rating in the month it was given, a
payment in the month it was settled.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from surveys.results import RatingSummary, rating_summary

GOAL_FULL_PROCESS = 100.0  # per cent of the eligible catalogue procedures
GOAL_ONLINE = 50.0  # per cent of dossiers submitted online
GOAL_SATISFIED = 80.0  # per cent of ratings "satisfied" or "very satisfied"


# --------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class ProcedureFact:
    code: str
    name: str
    full_process: bool
    partial_reason: str = ""  # why the procedure cannot be offered at full process
    offered: bool = True  # in the current catalogue (a withdrawn one keeps its dossiers)


@dataclass(frozen=True)
class DossierFact:
    code: str
    procedure_code: str
    online: bool
    submitted_on: dt.date
    decided_on: dt.date | None = None
    due_date: dt.date | None = None


@dataclass(frozen=True)
class RatingFact:
    subject_ref: str  # the dossier code the answer is about ("" when unknown)
    rating: int
    answered_on: dt.date


@dataclass(frozen=True)
class PaymentFact:
    procedure_code: str
    settled_on: dt.date
    amount: Decimal
    cashless: bool


@dataclass(frozen=True)
class AdmissionFact:
    round_name: str
    is_demo: bool
    applications_online: int
    verified: int
    placed: int | None
    placed_first_choice: int | None
    median_distance_m: float | None


# --------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class Ratio:
    part: int
    whole: int
    goal: float | None = None

    @property
    def share(self) -> float | None:
        """Per cent, or None when there is nothing to count."""
        return 100.0 * self.part / self.whole if self.whole else None

    @property
    def goal_met(self) -> bool | None:
        if self.goal is None or self.share is None:
            return None
        return self.share >= self.goal


@dataclass(frozen=True)
class CatalogueFigures:
    offered: int
    full_process: Ratio  # of every offered procedure
    eligible_full_process: Ratio  # of those the law allows at full process (goal 100 %)
    not_eligible: tuple[ProcedureFact, ...]


@dataclass(frozen=True)
class Breakdown:
    """The indicators of one month or one procedure."""

    key: str  # "2026-11" or a procedure code
    label: str
    online: Ratio
    on_time: Ratio
    satisfaction: RatingSummary
    cashless: Ratio
    cashless_amount: Decimal = Decimal(0)
    settled_amount: Decimal = Decimal(0)
    ratings_hidden: bool = False  # too few ratings to show without exposing one family's

    @property
    def satisfied(self) -> Ratio:
        return Ratio(self.satisfaction.satisfied, self.satisfaction.count, GOAL_SATISFIED)


@dataclass(frozen=True)
class KpiReport:
    first_month: dt.date
    last_month: dt.date
    catalogue: CatalogueFigures
    total: Breakdown
    by_month: list[Breakdown] = field(default_factory=list)
    by_procedure: list[Breakdown] = field(default_factory=list)
    admission: AdmissionFact | None = None


# --------------------------------------------------------------------------- computation


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of every month from `first`'s month to `last`'s month, inclusive."""
    months, current, end = [], month_start(first), month_start(last)
    while current <= end:
        months.append(current)
        current = (current + dt.timedelta(days=32)).replace(day=1)
    return months


def is_on_time(dossier: DossierFact) -> bool:
    """Decided by its due date (a dossier without a due date cannot be late)."""
    return dossier.due_date is None or dossier.decided_on <= dossier.due_date


def catalogue_figures(procedures: Iterable[ProcedureFact]) -> CatalogueFigures:
    """A partially-online procedure whose catalogue entry records the legal reason is not
    eligible for full process; the goal is every eligible procedure at full process."""
    procedures = [p for p in procedures if p.offered]
    full = sum(1 for p in procedures if p.full_process)
    not_eligible = tuple(p for p in procedures if not p.full_process and p.partial_reason.strip())
    eligible = len(procedures) - len(not_eligible)
    return CatalogueFigures(
        offered=len(procedures),
        full_process=Ratio(full, len(procedures), GOAL_FULL_PROCESS),
        eligible_full_process=Ratio(full, eligible, GOAL_FULL_PROCESS),
        not_eligible=not_eligible,
    )


@dataclass(frozen=True)
class _Facts:
    submitted: list[DossierFact]
    decided: list[DossierFact]
    ratings: list[tuple[RatingFact, str]]  # with the procedure code of its subject ("" unknown)
    payments: list[PaymentFact]


def _breakdown(key: str, label: str, facts: _Facts, *, min_ratings: int = 1) -> Breakdown:
    distribution: dict[int, int] = defaultdict(int)
    for rating, _procedure in facts.ratings:
        distribution[rating.rating] += 1
    hidden = 0 < len(facts.ratings) < min_ratings
    cashless = [p for p in facts.payments if p.cashless]
    return Breakdown(
        key=key,
        label=label,
        online=Ratio(sum(d.online for d in facts.submitted), len(facts.submitted), GOAL_ONLINE),
        on_time=Ratio(sum(is_on_time(d) for d in facts.decided), len(facts.decided)),
        satisfaction=rating_summary({} if hidden else distribution),
        ratings_hidden=hidden,
        cashless=Ratio(len(cashless), len(facts.payments)),
        cashless_amount=sum((p.amount for p in cashless), Decimal(0)),
        settled_amount=sum((p.amount for p in facts.payments), Decimal(0)),
    )


def _select(facts: _Facts, keep_day: Callable[[dt.date], bool], procedure: str | None) -> _Facts:
    def keep(day: dt.date, code: str) -> bool:
        return keep_day(day) and (procedure is None or code == procedure)

    return _Facts(
        submitted=[d for d in facts.submitted if keep(d.submitted_on, d.procedure_code)],
        decided=[d for d in facts.decided if keep(d.decided_on, d.procedure_code)],
        ratings=[(r, code) for r, code in facts.ratings if keep(r.answered_on, code)],
        payments=[p for p in facts.payments if keep(p.settled_on, p.procedure_code)],
    )


def kpi_report(
    *,
    first_month: dt.date,
    last_month: dt.date,
    procedures: Sequence[ProcedureFact],
    dossiers: Iterable[DossierFact],
    ratings: Iterable[RatingFact],
    payments: Iterable[PaymentFact],
    procedure_of_dossier: Mapping[str, str],
    admission: AdmissionFact | None = None,
    month_label: Callable[[dt.date], str] = lambda m: m.strftime("%m/%Y"),
    min_ratings: int = 1,
) -> KpiReport:
    """Every indicator for the months from `first_month` to `last_month` (inclusive).
    `procedure_of_dossier` maps a dossier code to its procedure code, so that a rating about a
    dossier submitted before the period still counts for its procedure. A month or procedure
    with fewer than `min_ratings` ratings shows none of them (the period's total still counts
    them): one closed dossier's rating must not be readable from its procedure's row."""
    months = months_between(first_month, last_month)
    start, end = months[0], (months[-1] + dt.timedelta(days=32)).replace(day=1)

    def in_period(day: dt.date) -> bool:
        return start <= day < end

    dossiers = list(dossiers)
    everything = _Facts(
        submitted=dossiers,
        decided=[d for d in dossiers if d.decided_on is not None],
        ratings=[(r, procedure_of_dossier.get(r.subject_ref, "")) for r in ratings],
        payments=list(payments),
    )
    period = _select(everything, in_period, None)
    by_month = [
        _breakdown(
            month.strftime("%Y-%m"),
            month_label(month),
            _select(period, lambda day, m=month: month_start(day) == m, None),
            min_ratings=min_ratings,
        )
        for month in months
    ]
    by_procedure = [
        _breakdown(p.code, p.name, _select(period, in_period, p.code), min_ratings=min_ratings)
        for p in procedures
    ]
    return KpiReport(
        first_month=start,
        last_month=months[-1],
        catalogue=catalogue_figures(procedures),
        total=_breakdown("total", "", period),
        by_month=by_month,
        by_procedure=by_procedure,
        admission=admission,
    )
