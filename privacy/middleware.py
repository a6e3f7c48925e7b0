"""The staff access log: which staff member opened which family's record. Keyed on the URL
names of the staff record pages, so the pages themselves carry no logging code."""

from __future__ import annotations

from .models import AccessLogEntry, SubjectType

# URL name → the record it shows (the URL's `uuid` names it).
LOGGED_VIEWS = {
    "admissions:staff-application": SubjectType.APPLICATION,
    "admissions:evidence": SubjectType.EVIDENCE,
    "eservices:staff-dossier": SubjectType.DOSSIER,
    "eservices:attachment": SubjectType.ATTACHMENT,
    # Every child's home of a round (ADR 26): subject = the run.
    "admissions:staff-run-input": SubjectType.ALLOCATION_INPUT,
}


class StaffAccessLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        user = getattr(request, "user", None)
        # A staff list page names the applications it showed (request.access_logged).
        listed = getattr(request, "access_logged", None)
        if listed and response.status_code == 200 and user is not None and user.is_staff:
            AccessLogEntry.objects.bulk_create(
                AccessLogEntry(
                    staff=user, subject_type=SubjectType.APPLICATION, subject_uuid=uuid,
                    method=request.method[:8], path=request.get_full_path()[:300],
                )
                for uuid in listed
            )  # fmt: skip
        if (
            match is not None
            and match.view_name in LOGGED_VIEWS
            and response.status_code in (200, 302)
            and user is not None
            and user.is_authenticated
            and user.is_staff
            and "uuid" in match.kwargs
        ):
            AccessLogEntry.objects.create(
                staff=user,
                subject_type=LOGGED_VIEWS[match.view_name],
                subject_uuid=match.kwargs["uuid"],
                method=request.method[:8],
                path=request.path[:300],
            )
        return response
