"""The KPI dashboard for staff and its public summary (charts drawn on the server)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from accounts.access import staff_permission_required
from portal.core.exceptions import InvalidInput

from . import charts, selectors
from .figures import GOAL_FULL_PROCESS, GOAL_ONLINE, GOAL_SATISFIED
from .periods import report_period


def _report_context(request) -> tuple[dict, int]:
    today = timezone.localdate()
    from_month = request.GET.get("from_month", "")
    to_month = request.GET.get("to_month", "")
    error, status = None, 200
    try:
        first, last = report_period(from_month=from_month, to_month=to_month, today=today)
    except InvalidInput as exc:
        error, status = exc, 400
        first, last = report_period(from_month="", to_month="", today=today)
    report = selectors.kpi_report_get(first_month=first, last_month=last)
    return {
        "report": report,
        "period_error": error,
        "from_month": first.strftime("%Y-%m"),
        "to_month": last.strftime("%Y-%m"),
        "goals": {"full": GOAL_FULL_PROCESS, "online": GOAL_ONLINE, "satisfied": GOAL_SATISFIED},
        "online_by_month": charts.share_bars(report.by_month, lambda row: row.online),
        "on_time_by_month": charts.share_bars(report.by_month, lambda row: row.on_time),
        "cashless_by_month": charts.share_bars(report.by_month, lambda row: row.cashless),
        "satisfaction_total": charts.satisfaction_bars(report.total),
        "satisfaction_by_month": charts.mean_rating_bars(report.by_month),
    }, status


def public_dashboard(request):
    context, status = _report_context(request)
    return render(request, "kpi/public.html", context, status=status)


@staff_permission_required("kpi.view_dashboard")
def staff_dashboard(request):
    context, status = _report_context(request)
    rows = context["report"].by_procedure
    context |= {
        "online_by_procedure": charts.share_bars(rows, lambda row: row.online),
        "on_time_by_procedure": charts.share_bars(rows, lambda row: row.on_time),
        "satisfaction_by_procedure": charts.mean_rating_bars(rows),
    }
    return render(request, "kpi/staff.html", context, status=status)
