"""Working-day arithmetic for processing deadlines (pure: no ORM).

A working day is Monday–Friday that is not a public holiday, or a Saturday the government
declared a working day in exchange for a bridge holiday. The public holidays (Tết, 30/4, 1/5,
2/9, Giỗ Tổ, the compensatory days) come from the `holidays` library; staff add or remove days
on top of it as announcements arrive (`CalendarAdjustment`, applied by the selector that
builds a `WorkingCalendar`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import holidays

SATURDAY = 5


@dataclass(frozen=True)
class WorkingCalendar:
    days_off: frozenset[dt.date]
    working_weekend_days: frozenset[dt.date] = frozenset()

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.working_weekend_days:
            return True
        return day.weekday() < SATURDAY and day not in self.days_off

    def add_working_days(self, start: dt.date, count: int) -> dt.date:
        """The `count`-th working day after `start` (the start day itself is not counted:
        a dossier received on a Monday with 1 working day is due on Tuesday)."""
        if count < 0:
            raise ValueError("count must not be negative")
        day = start
        remaining = count
        while remaining:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: how many a paused clock must give back."""
        count = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def public_holidays(years: Iterable[int]) -> tuple[dict[dt.date, str], frozenset[dt.date]]:
    """Vietnam's public holidays (Vietnamese names) and the Saturdays worked in exchange."""
    calendar = holidays.country_holidays("VN", years=sorted(set(years)), language="vi")
    return dict(calendar.items()), frozenset(calendar.weekend_workdays)


def build_calendar(
    *,
    years: Iterable[int],
    added_days_off: Iterable[dt.date] = (),
    removed_days_off: Iterable[dt.date] = (),
    working_saturdays: Iterable[dt.date] = (),
) -> WorkingCalendar:
    holidays_by_day, library_saturdays = public_holidays(years)
    days_off = (set(holidays_by_day) | set(added_days_off)) - set(removed_days_off)
    return WorkingCalendar(
        days_off=frozenset(days_off),
        working_weekend_days=frozenset(library_saturdays | set(working_saturdays)),
    )


def deadline_days(*, default: int, rules: list[dict], form_data: dict) -> int:
    """The procedure's deadline for this dossier: the first rule whose form field equals its
    value wins (e.g. a transfer from abroad takes 10 working days instead of 9)."""
    for rule in rules:
        if form_data.get(rule.get("field")) == rule.get("equals"):
            return int(rule["days"])
    return default
