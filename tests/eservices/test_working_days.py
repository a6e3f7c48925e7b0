"""Working-day deadlines on the real Vietnamese calendar (holidays library + staff changes)."""

import datetime as dt

import pytest

from eservices.working_days import WorkingCalendar, build_calendar, deadline_days

D = dt.date


@pytest.fixture(scope="module")
def calendar_2026():
    return build_calendar(years=[2026, 2027])


def test_tet_2026_is_skipped(calendar_2026):
    # Received Friday 13/02/2026; Tết closes Mon 16 – Fri 20/02; weekends off.
    # Working days after it: 23, 24, 25, 26, 27/02 → the 5th is Friday 27/02.
    assert calendar_2026.add_working_days(D(2026, 2, 13), 5) == D(2026, 2, 27)
    assert calendar_2026.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 23)


def test_compensatory_day_off_and_the_saturday_worked_in_exchange(calendar_2026):
    # 27/04/2026 (Monday) is the compensatory day for Giỗ Tổ on a Sunday; 30/04 and 01/05 off.
    # From Friday 24/04: 28, 29/04, then 04/05 → 3 working days end on Monday 04/05.
    assert calendar_2026.add_working_days(D(2026, 4, 24), 3) == D(2026, 5, 4)
    # Saturday 22/08/2026 is worked in exchange for Monday 31/08 off.
    assert calendar_2026.is_working_day(D(2026, 8, 22))
    assert not calendar_2026.is_working_day(D(2026, 8, 31))
    # From Friday 21/08: Sat 22 (worked), Mon 24 → 2 working days end on 24/08.
    assert calendar_2026.add_working_days(D(2026, 8, 21), 2) == D(2026, 8, 24)


def test_school_transfer_nine_working_days_across_national_day(calendar_2026):
    # Received Thursday 27/08/2026: 28/08, (29–30 weekend), (31/08, 01–02/09 off), 03, 04,
    # 07, 08, 09, 10, 11/09 → the 9th working day is Monday 14/09... counted by hand:
    # 1=28/08, 2=03/09, 3=04/09, 4=07/09, 5=08/09, 6=09/09, 7=10/09, 8=11/09, 9=14/09.
    assert calendar_2026.add_working_days(D(2026, 8, 27), 9) == D(2026, 9, 14)


def test_staff_adjustments_add_and_remove_days():
    base = build_calendar(years=[2027])
    assert base.add_working_days(D(2027, 3, 1), 1) == D(2027, 3, 2)
    changed = build_calendar(years=[2027], added_days_off=[D(2027, 3, 2)],
                             removed_days_off=[D(2027, 9, 3)])  # fmt: skip
    assert changed.add_working_days(D(2027, 3, 1), 1) == D(2027, 3, 3)
    assert changed.is_working_day(D(2027, 9, 3)) and not base.is_working_day(D(2027, 9, 3))


def test_working_days_between_counts_the_pause():
    calendar = WorkingCalendar(days_off=frozenset({D(2027, 3, 3)}))
    # (Mon 1/3, Mon 8/3]: 2, 4, 5, 8 (3/3 off, weekend) → 4
    assert calendar.working_days_between(D(2027, 3, 1), D(2027, 3, 8)) == 4
    assert calendar.working_days_between(D(2027, 3, 8), D(2027, 3, 8)) == 0


def test_deadline_rule_for_a_transfer_from_abroad():
    rules = [{"field": "from_abroad", "equals": True, "days": 10}]
    assert deadline_days(default=9, rules=rules, form_data={"from_abroad": True}) == 10
    assert deadline_days(default=9, rules=rules, form_data={"from_abroad": False}) == 9
    assert deadline_days(default=9, rules=rules, form_data={}) == 9
