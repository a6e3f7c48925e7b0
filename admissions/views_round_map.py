"""The committee's map of a round: every applicant's residence, catchments with their demand,
placements after a run (docs/adr/0022). Data comes from the staff-only /api/v1/rounds/…/map/
endpoints; this view renders the page for members of the round's committee only."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.access import staff_permission_required
from gis import selectors as gis_selectors

from . import selectors, selectors_map
from .constants import ApplicationStatus

# A placeholder UUID the script replaces with an application's.
_UUID = "00000000-0000-0000-0000-000000000000"


def round_map_strings() -> dict[str, str]:
    """Translated strings the map script shows (the page's language)."""
    return {
        "children": _("children"),
        "child": _("child"),
        "open": _("Open the application"),
        "zoomIn": _("Zoom in to see the applications"),
        "demand": _("Applicants living inside"),
        "seats": _("Seats"),
        "placedAt": _("Placed at"),
        "distance": _("Distance"),
        "km": _("km"),
        "unplaced": _("Not placed by the run"),
        "none": _("Not in the run"),
        "loading": _("Loading…"),
        "error": _("The map data could not be loaded"),
        "shown": _("Children on the map"),
        "linesTruncated": _("Only the first %(n)s lines are drawn: zoom in or choose a school."),
        "linesZoom": _("Zoom in (or choose a school) to draw each child's line to the school."),
        "noTiles": _("No background map is configured: ward boundaries are shown instead."),
        "farthest": _("Farthest placement"),
    }


@staff_permission_required(selectors_map.COMMITTEE_PERMISSION)
def staff_round_map(request, school_year: int):
    admission_round = selectors_map.round_get_for_committee(
        school_year=school_year, user=request.user
    )
    runs = list(selectors_map.run_list_drawable(admission_round=admission_round))
    default_run = selectors_map.run_get_drawable(admission_round=admission_round)
    schools = selectors.round_school_list(admission_round=admission_round)
    wards = list(gis_selectors.admin_unit_list().values("pk", "code", "name"))
    config = {
        "schoolYear": admission_round.school_year,
        "api": f"/api/v1/rounds/{admission_round.school_year}/map/",
        "applicationUrl": reverse("admissions:staff-application", args=[_UUID]),
        "uuidPlaceholder": _UUID,
        "lang": request.LANGUAGE_CODE,
        "statuses": dict(ApplicationStatus.choices),
        "schools": {str(rs.school_id): rs.school.name for rs in schools},
        "wardCodes": {str(w["pk"]): w["code"] for w in wards},
    }
    return render(
        request,
        "admissions/staff/round_map.html",
        {
            "round": admission_round,
            "runs": runs,
            "default_run": default_run,
            "schools": schools,
            "wards": wards,
            "statuses": ApplicationStatus.choices,
            "map_strings": round_map_strings(),
            "map_config": config,
        },
    )
