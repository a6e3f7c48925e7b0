"""Horizontal bar charts drawn on the server as inline SVG (no script, no CDN, readable on a phone).

Geometry is computed here and handed to the template as unlocalised strings, so a Vietnamese
decimal comma never reaches an SVG attribute.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    share: float | None  # per cent of a whole, when the caller knows the whole
    width: str  # per cent of the chart's width, "42.5"


def bar_chart(
    rows: Sequence[tuple[str, float]],
    *,
    whole: float | None = None,
    scale_max: float | None = None,
) -> list[Bar]:
    """Bars scaled to `scale_max` (the largest value by default); `whole` gives each bar a share."""
    top = scale_max if scale_max is not None else max((value for _, value in rows), default=0)
    bars = []
    for label, value in rows:
        width = 100.0 * value / top if top > 0 else 0.0
        share = 100.0 * value / whole if whole else None
        bars.append(Bar(label=label, value=value, share=share, width=f"{min(width, 100.0):.1f}"))
    return bars
