"""Chart rows for the dashboard pages, from a KPI report (presentation only)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.utils.translation import gettext as _

from portal.core.charts import Bar, bar_chart
from surveys.constants import RATING_LABELS

from .figures import Breakdown, Ratio


def share_bars(rows: Sequence[Breakdown], ratio: Callable[[Breakdown], Ratio]) -> list[Bar]:
    """One bar per row: the share in per cent, labelled with its counts ("11/2026 · 3/5")."""
    return bar_chart(
        [
            (f"{row.label} · {ratio(row).part}/{ratio(row).whole}", ratio(row).share or 0.0)
            for row in rows
        ],
        scale_max=100.0,
    )


def satisfaction_bars(row: Breakdown) -> list[Bar]:
    summary = row.satisfaction
    return bar_chart(
        [(str(RATING_LABELS[level]), n) for level, n in summary.distribution.items()],
        whole=summary.count,
    )


def mean_rating_bars(rows: Sequence[Breakdown]) -> list[Bar]:
    return bar_chart(
        [
            (
                f"{row.label} · {row.satisfaction.count}"
                if not row.ratings_hidden
                else f"{row.label} · {_('too few answers to show')}",
                row.satisfaction.mean or 0.0,
            )
            for row in rows
        ],
        scale_max=5.0,
    )
