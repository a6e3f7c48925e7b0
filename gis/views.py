from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from gis import selectors
from gis.constants import VINTAGE_LABELS, DistanceMetric
from gis.models import AdminVintage


def public_map(request):
    """The public school map: schools, wards, catchments, nearest schools. Never households."""
    context = {
        "vintages": [
            {"code": v.code, "name": VINTAGE_LABELS.get(v.code, v.name)}
            for v in AdminVintage.objects.order_by("-valid_from")
        ],
        "current_vintage": settings.CURRENT_ADMIN_VINTAGE,
        "school_year": selectors.catchment_latest_school_year(),
        "unplaced_count": selectors.school_list_unplaced().filter(location__isnull=True).count(),
        "max_k": settings.NEAREST_SCHOOLS_MAX_K,
        "metrics": DistanceMetric.choices,
        "map_strings": map_strings(),
        # The admission round's seats (one selector with the application form; served by the
        # admissions app, reached by URL name only: gis never imports admissions).
        "seats_url": reverse("admissions:public-seats"),
    }
    return render(request, "gis/map.html", context)


def map_strings() -> dict[str, str]:
    """Translated strings the map script shows (the page's language)."""
    return {
        "grade1Seats": _("Grade-1 seats"),
        "roundSeats": _("Grade-1 seats %(year)s"),
        "demoFigure": _("demo figure, not official"),
        "notPublished": _("not published yet"),
        "locationSource": _("Position"),
        "ward": _("Ward / commune"),
        "catchmentOf": _("Catchment school"),
        "noCatchment": _("No catchment contains this point."),
        "nearest": _("Nearest schools"),
        "km": _("km"),
        "searching": _("Searching…"),
        "demoNote": _("Demo placement: this is not the school's real position."),
        "error": _("The search failed"),
        "outside": _("The point is outside Ho Chi Minh City."),
        "noTiles": _("No background map is configured: ward boundaries are shown instead."),
        "osm": _("OpenStreetMap"),
        "surveyed": _("Surveyed"),
        "geocoded": _("Geocoded"),
        "demo_placed": _("Demo placement"),
        "unknown": _("Unknown"),
        "demandChildren": _("Children applying to grade 1 in this area"),
        "demandNone": _("No area has 10 or more applicants yet."),
        "address": _("Address"),
        "population": _("Population"),
        "yourPoint": _("Chosen point"),
        "straightLine": _("straight line"),
        "walking": _("on foot"),
        "driving": _("by road (vehicle)"),
        "fallback": _(
            "No distance by road for this point (%(reason)s): schools are ranked by "
            "the straight line."
        ),
    }
