"""KPI figures computed by the pure module from a known set (tests/kpi/known_set.py)."""

import datetime as dt
from decimal import Decimal

from kpi.figures import ProcedureFact, Ratio, catalogue_figures, kpi_report, months_between
from tests.kpi import known_set as k


def report():
    return kpi_report(
        first_month=dt.date(2026, 10, 1),
        last_month=dt.date(2026, 11, 30),
        procedures=k.PROCEDURES,
        dossiers=k.DOSSIERS,
        ratings=k.RATINGS,
        payments=k.PAYMENTS,
        procedure_of_dossier=k.PROCEDURE_OF_DOSSIER,
    )


def test_totals_of_the_period():
    total = report().total
    assert (total.online.part, total.online.whole, total.online.share) == (3, 5, 60.0)
    assert total.online.goal_met is True  # goal ≥ 50 %
    assert (total.on_time.part, total.on_time.whole, total.on_time.share) == (3, 4, 75.0)
    assert total.satisfaction.count == 5
    assert total.satisfaction.mean == 3.8
    assert total.satisfaction.distribution == {1: 0, 2: 1, 3: 1, 4: 1, 5: 2}
    assert (total.satisfied.part, total.satisfied.whole, total.satisfied.share) == (3, 5, 60.0)
    assert total.satisfied.goal_met is False  # goal ≥ 80 %
    assert (total.cashless.part, total.cashless.whole) == (2, 3)
    assert (total.cashless_amount, total.settled_amount) == (Decimal(370000), Decimal(490000))


def test_each_fact_counts_in_the_month_of_its_own_event():
    october, november = report().by_month
    assert (october.key, october.label, november.key) == ("2026-10", "10/2026", "2026-11")
    assert (october.online.part, october.online.whole) == (1, 2)
    assert (november.online.part, november.online.whole) == (2, 3)
    assert (october.on_time.part, october.on_time.whole) == (2, 2)  # DOS-0 submitted in Sept
    assert (november.on_time.part, november.on_time.whole) == (1, 2)
    assert october.satisfaction.mean == 4.5 and november.satisfaction.count == 3
    assert (october.cashless.part, october.cashless.whole) == (1, 1)
    assert (november.cashless.part, november.cashless.whole) == (1, 2)


def test_per_procedure_ratings_follow_their_dossier():
    a, b, c = report().by_procedure
    assert (a.key, b.key, c.key) == ("A", "B", "C")
    assert a.satisfaction.count == 3 and a.satisfaction.mean == 11 / 3
    assert (a.satisfied.part, a.satisfied.whole) == (2, 3)
    assert (b.satisfied.part, b.satisfied.whole) == (1, 1)
    assert c.satisfaction.count == 0 and c.satisfaction.mean is None
    assert (a.online.part, a.online.whole) == (1, 2)
    assert (b.online.part, b.online.whole) == (2, 2)
    assert (c.online.part, c.online.whole) == (0, 1)
    assert (a.on_time.part, a.on_time.whole) == (2, 3)


def test_catalogue_goal_counts_only_eligible_procedures():
    catalogue = report().catalogue
    assert catalogue.offered == 3
    assert (catalogue.full_process.part, catalogue.full_process.whole) == (2, 3)
    assert (catalogue.eligible_full_process.part, catalogue.eligible_full_process.whole) == (2, 2)
    assert catalogue.eligible_full_process.goal_met is True
    assert [p.code for p in catalogue.not_eligible] == ["C"]
    # A partial procedure without a recorded reason is eligible and misses the goal.
    gap = catalogue_figures([*k.PROCEDURES, ProcedureFact("D", "D", full_process=False)])
    assert (
        gap.eligible_full_process.share == 200 / 3 and gap.eligible_full_process.goal_met is False
    )
    withdrawn = ProcedureFact("E", "E", full_process=False, offered=False)
    assert catalogue_figures([*k.PROCEDURES, withdrawn]).offered == 3


def test_empty_figures_have_no_share_and_no_verdict():
    assert Ratio(0, 0, 50.0).share is None and Ratio(0, 0, 50.0).goal_met is None


def test_months_between_crosses_the_year():
    months = months_between(dt.date(2026, 11, 15), dt.date(2027, 2, 3))
    assert [m.isoformat() for m in months] == [
        "2026-11-01", "2026-12-01", "2027-01-01", "2027-02-01"
    ]  # fmt: skip


def test_rows_with_too_few_ratings_hide_them_but_the_total_counts_them():
    hidden = kpi_report(
        first_month=dt.date(2026, 10, 1),
        last_month=dt.date(2026, 11, 30),
        procedures=k.PROCEDURES,
        dossiers=k.DOSSIERS,
        ratings=k.RATINGS,
        payments=k.PAYMENTS,
        procedure_of_dossier=k.PROCEDURE_OF_DOSSIER,
        min_ratings=3,
    )
    a, b, c = hidden.by_procedure
    assert (a.ratings_hidden, a.satisfaction.count) == (False, 3)
    assert (b.ratings_hidden, b.satisfaction.count, b.satisfaction.mean) == (True, 0, None)
    assert c.ratings_hidden is False  # no ratings at all: nothing to hide
    october, november = hidden.by_month
    assert october.ratings_hidden and not november.ratings_hidden
    assert hidden.total.satisfaction.count == 5
