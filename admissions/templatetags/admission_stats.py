"""Readable, translated labels for the statistics keys the allocation engine produces."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

STAT_LABELS = {
    "children": _("Children"),
    "placed": _("Placed"),
    "placed_first_choice": _("Placed at 1st choice"),
    "placed_top3": _("Placed within the top 3 choices"),
    "unplaced": _("Not placed"),
    "distance_mean_m": _("Mean distance (m)"),
    "distance_median_m": _("Median distance (m)"),
    "distance_p95_m": _("95th percentile distance (m)"),
    "envy_pairs": _("Justified-envy pairs"),
}


@register.filter
def stat_label(key: str) -> str:
    return STAT_LABELS.get(key, key)
