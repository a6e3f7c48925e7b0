"""Which of two positions of a school the school shows. Pure."""

from __future__ import annotations

import datetime as dt

from .constants import PLACEHOLDER_LOCATION_SOURCES, PROTECTED_LOCATION_SOURCES


def position_wins(
    *,
    current_source: str,
    current_date: dt.date | None,
    new_source: str,
    new_date: dt.date | None,
) -> bool:
    """Whether a new position replaces the school's current one.

    A placeholder (none, demo) always gives way. A person's position (staff correction,
    survey) is the latest word of a person: it replaces anything, and no import replaces it.
    Between imported positions the newer source date wins; an undated import replaces only an
    undated one."""
    if current_source in PLACEHOLDER_LOCATION_SOURCES:
        return True
    if new_source in PROTECTED_LOCATION_SOURCES:
        return True
    if current_source in PROTECTED_LOCATION_SOURCES:
        return False
    if new_date is None:
        return current_date is None
    return current_date is None or new_date > current_date
