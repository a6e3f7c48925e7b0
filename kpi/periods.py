"""The months a KPI report covers, from `YYYY-MM` parameters (pages and API alike)."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

from portal.core.exceptions import InvalidInput

from .figures import month_start

MONTH_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
DEFAULT_MONTHS = 12
MAX_MONTHS = 36


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + (month.month - 1) + count
    return dt.date(index // 12, index % 12 + 1, 1)


def parse_month(text: str, *, field: str) -> dt.date:
    match = MONTH_PATTERN.match(text.strip())
    if not match:
        raise InvalidInput(_("Give a month as YYYY-MM, for example 2026-09."), field=field)
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def report_period(*, from_month: str, to_month: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """(first month, last month); by default the last twelve months up to this one."""
    last = parse_month(to_month, field="to_month") if to_month else month_start(today)
    first = (
        parse_month(from_month, field="from_month")
        if from_month
        else add_months(last, 1 - DEFAULT_MONTHS)
    )
    if first > last:
        raise InvalidInput(_("The first month must not come after the last."), field="from_month")
    if add_months(first, MAX_MONTHS) <= last:
        raise InvalidInput(
            _("A report covers at most %(n)s months.") % {"n": MAX_MONTHS}, field="from_month"
        )
    return first, last
