"""Citizen and committee pages. Views parse input, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from accounts.access import is_staff_with, staff_permission_required
from documents.selectors import document_signed_bytes
from gis import selectors as gis_selectors
from gis.constants import DistanceMetric, LocationSource, RoadFallbackReason
from gis.geometry import make_point
from notifications.selectors import delivery_counts
from notifications.services import deliveries_resend_failed
from portal.core.background import enqueue
from portal.core.exceptions import DomainError
from portal.core.ratelimit import Limit, rate_limited

from . import audit as audit_module
from . import exports, selectors, services, workflow
from .constants import (
    EDITABLE_STATUSES,
    REVIEW_STATUSES,
    Actor,
    ApplicationStatus,
    Mechanism,
    OfferStatus,
    RunStatus,
)
from .exceptions import ApplicationInvalid
from .forms import MAX, ApplicationForm, RunForm, StaffDecisionForm
from .models import (
    AdmissionRound,
    AllocationRun,
    Application,
    Offer,
    Ticket,
)
from .services.explanations import explanation_document_issue
from .services.publication import publication_batch
from .services.tickets import FAMILY_TICKETS
from .tasks import run_allocation

# --------------------------------------------------------------------------- parents


def home(request):
    admission_round = selectors.round_latest()
    apps = (
        selectors.application_list_for_parent(user=request.user)
        if request.user.is_authenticated
        else []
    )
    return render(
        request,
        "admissions/home.html",
        {
            "round": admission_round,
            "window_open": bool(admission_round and services.round_window_open(admission_round)),
            "applications": apps,
        },
    )


def _form_input(form: ApplicationForm) -> services.ApplicationInput:
    d = form.cleaned_data
    text = {
        name: d.get(name) or ""
        for name in (
            "child_gender",
            "child_personal_id",
            "late_entry_reason",
            "guardian_full_name",
            "guardian_personal_id",
            "guardian_phone",
            "guardian_relationship",
            "address_text",
            "ward_code",
            "residence_type",
            "priority_category",
        )
    }
    return services.ApplicationInput(
        child_full_name=d.get("child_full_name") or "",
        child_dob=d.get("child_dob"),
        lat=d.get("lat"),
        lon=d.get("lon"),
        priority_school=d.get("priority_school"),
        choices=form.choices_list(),
        consent=d.get("consent", False),
        **text,
    )


def _apply_errors(form: ApplicationForm, exc: DomainError) -> None:
    errors = exc.errors if isinstance(exc, ApplicationInvalid) else {exc.field: [exc.message]}
    for field, msgs in errors.items():
        if field == "location":  # shown beside the pin map, not at the top of the form
            form.location_errors = [*getattr(form, "location_errors", []), *msgs]
            continue
        target = {"choices": "choice_1", "evidence": "residence_evidence"}.get(field, field)
        if target not in form.fields:
            target = None
        for msg in msgs:
            if target is not None and msg in form.errors.get(target, []):
                continue  # the same problem found by the draft save and the full check
            form.add_error(target, msg)


def _initial(application: Application) -> dict:
    initial = {
        f: getattr(application, f)
        for f in (
            "child_full_name",
            "child_dob",
            "child_gender",
            "child_personal_id",
            "late_entry_reason",
            "guardian_full_name",
            "guardian_personal_id",
            "guardian_phone",
            "guardian_relationship",
            "address_text",
            "residence_type",
        )
    }
    point = application.residence_point
    initial.update(
        lat=point.y if point else None,
        lon=point.x if point else None,
        ward_code=application.ward_typed.code if application.ward_typed else "",
        priority_category=application.priority_category.code
        if application.priority_category
        else "",
        priority_school=application.priority_school_id,
    )
    for choice in application.ranked_choices:
        initial[f"choice_{choice.rank}"] = choice.school_id
    return initial


EVIDENCE_FIELDS = (
    ("residence_evidence", "residence"),
    ("priority_evidence", "priority"),
    ("late_entry_evidence", "late_entry"),
)


@login_required
def application_form(request, uuid=None):
    application = None
    if uuid is not None:
        application = get_object_or_404(Application, uuid=uuid, applicant=request.user)
        if application.status not in EDITABLE_STATUSES:
            messages.info(request, _("This application can no longer be edited."))
            return redirect("admissions:status", uuid=application.uuid)
        admission_round = application.round
    else:
        admission_round = selectors.round_latest()
        if admission_round is None or not services.round_window_open(admission_round):
            messages.error(request, _("There is no admission round open for applications."))
            return redirect("admissions:home")
    form = ApplicationForm(
        request.POST or None,
        request.FILES or None,
        admission_round=admission_round,
        initial=_initial(application) if application else None,
    )
    if request.method == "POST" and form.is_valid():
        # The review page's button is the only submission of the HTML flow (ADR 0017): a
        # "submit" posted straight to the form (an old page, a script) saves and goes to the
        # review like "Review and submit"; API clients use the API's submit endpoint.
        review = "review" in request.POST or "submit" in request.POST
        created_now = False
        data = _form_input(form)
        # 1. Save what was typed (a draft may be partial) and the uploads; this is kept even
        #    when submission finds problems, so nothing typed on a phone is lost. The files are
        #    hashed and written first, outside the transaction, and removed if it fails.
        stored: list[tuple[str, services.StoredUpload]] = []
        try:
            stored = _store_uploads(form)
            with transaction.atomic():
                if application is None:
                    application, created_now = services.application_create(
                        admission_round=admission_round, applicant=request.user, data=data
                    )
                    if not created_now:
                        services.evidence_discard([item for _kind, item in stored])
                        messages.info(
                            request,
                            _("This child already has application %(code)s.")
                            % {"code": application.tracking_code},
                        )
                        return redirect("admissions:status", uuid=application.uuid)
                else:
                    application = services.application_update(
                        application=application, actor=request.user, data=data
                    )
                for kind, item in stored:
                    services.evidence_attach(
                        application=application, kind=kind, stored=item, actor=request.user
                    )
        except BaseException as exc:
            services.evidence_discard([item for _kind, item in stored])
            if not isinstance(exc, DomainError):
                raise
            if created_now or uuid is None:
                application = None
            _apply_errors(form, exc)
            if review and isinstance(exc, ApplicationInvalid):
                # Every problem at once, each beside its field, not only the first one.
                full = _full_check(admission_round, data, application)
                if full is not None:
                    _apply_errors(form, full)
            return _apply_page(request, form, admission_round, application)
        # 2. On to the review: the full check on what was saved, each problem on its field.
        if review:
            consent = form.cleaned_data.get("consent", False)
            problems = _full_check(
                admission_round,
                services.application_input_from(application, consent=consent),
                application,
            )
            if problems is not None:
                _apply_errors(form, problems)
                messages.info(
                    request,
                    _("Draft %(code)s was saved but not submitted: correct the fields marked.")
                    % {"code": application.tracking_code},
                )
                return _apply_page(request, form, admission_round, application)
            request.session[_consent_key(application)] = bool(consent)
            return redirect("admissions:review", uuid=application.uuid)
        messages.success(
            request,
            _("Draft %(code)s was saved. Submit it before the window closes.")
            % {"code": application.tracking_code},
        )
        return redirect("admissions:status", uuid=application.uuid)
    return _apply_page(request, form, admission_round, application)


EVIDENCE_FIELDS = (
    ("residence_evidence", "residence"),
    ("priority_evidence", "priority"),
    ("late_entry_evidence", "late_entry"),
)


def _store_uploads(form) -> list[tuple[str, services.StoredUpload]]:
    """Check, hash and write each uploaded file before the transaction (ADR 0020). A refused
    file is reported on its own field, and then nothing of this save is kept."""
    stored: list[tuple[str, services.StoredUpload]] = []
    problems: dict[str, list[str]] = {}
    for field, kind in EVIDENCE_FIELDS:
        upload = form.cleaned_data.get(field)
        if not upload:
            continue
        try:
            stored.append((kind, services.evidence_store(upload=upload)))
        except DomainError as exc:
            problems.setdefault(field, []).append(exc.message)
    if problems:
        services.evidence_discard([item for _kind, item in stored])
        raise ApplicationInvalid(problems)
    return stored


def _full_check(admission_round, data, application) -> ApplicationInvalid | None:
    """The submission check on `data`, every problem at once (None when there is none)."""
    kinds = set(application.evidence.values_list("kind", flat=True)) if application else set()
    try:
        services.application_validate(
            admission_round=admission_round, data=data, for_submit=True, evidence_kinds=kinds
        )
    except ApplicationInvalid as exc:
        return exc
    return None


def _consent_key(application) -> str:
    return f"admissions-review-consent:{application.uuid}"


def _review_version(application) -> str:
    """What a review page shows: the application as last saved and its evidence files. The
    page's button sends it back, so a submission is always of the version the parent read."""
    evidence = sorted(application.evidence.values_list("pk", flat=True))
    return f"{application.updated_at.isoformat()}|{','.join(map(str, evidence))}"


@login_required
def application_review(request, uuid):
    """The last step before submitting: everything the committee will read, once more, with
    the ranked schools and their distance; "Submit" here is the only submission. A POST that
    does not name the version shown (no page shown, or the draft changed since) shows the
    review again instead of submitting."""
    application = get_object_or_404(
        selectors.application_list_of_parent(user=request.user), uuid=uuid
    )
    if application.status not in EDITABLE_STATUSES:
        return redirect("admissions:status", uuid=application.uuid)
    consent = request.session.get(_consent_key(application), False)
    version = _review_version(application)
    if request.method == "POST" and request.POST.get("reviewed") != version:
        messages.info(
            request,
            _("Check your application once more: this is what will be submitted."),
        )
        return redirect("admissions:review", uuid=application.uuid)
    if request.method == "POST":
        try:
            services.application_submit(
                application=application, actor=request.user, consent=consent
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("admissions:edit", uuid=application.uuid)
        request.session.pop(_consent_key(application), None)
        messages.success(
            request,
            _("Application %(code)s was submitted.") % {"code": application.tracking_code},
        )
        return redirect("admissions:status", uuid=application.uuid)
    return render(
        request,
        "admissions/review.html",
        {
            "application": application,
            "choices": selectors.application_choice_list(application=application),
            "evidence": application.evidence.all(),
            "consent": consent,
            "review_version": version,
        },
    )


def _apply_page(request, form, admission_round, application):
    return render(
        request,
        "admissions/apply.html",
        {"form": form, "round": admission_round, "application": application, "max_choices": MAX},
    )


@login_required
def application_status(request, uuid):
    application = get_object_or_404(
        selectors.application_list_of_parent(user=request.user), uuid=uuid
    )
    placement = selectors.placement_for_application(application=application)
    offer = selectors.offer_current(application=application)
    return render(
        request,
        "admissions/status.html",
        {
            "application": application,
            "history": selectors.application_history(application=application),
            "placement": placement,
            "explanation": placement.explanation_in(get_language()) if placement else "",
            "explanation_rows": selectors.explanation_rows(placement=placement)
            if placement
            else [],
            "choices": selectors.application_choice_list(application=application),
            "offer": offer,
            "offer_open": offer is not None and offer.status == OfferStatus.PENDING,
            "editable": application.status in EDITABLE_STATUSES,
            "evidence": application.evidence.all(),
            "tickets": application.tickets.prefetch_related("decisions"),
            "ticket_kinds": [
                (kind, label) for kind, label in Ticket.Kind.choices if kind in FAMILY_TICKETS
            ],
            "can_withdraw": workflow.can_transition(
                application.status, ApplicationStatus.WITHDRAWN, Actor.PARENT
            ),
        },
    )


@login_required
@require_POST
def application_withdraw(request, uuid):
    application = get_object_or_404(Application, uuid=uuid, applicant=request.user)
    try:
        services.application_withdraw(application=application, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("admissions:status", uuid=uuid)


@login_required
@require_POST
def offer_answer(request, uuid):
    offer = get_object_or_404(Offer, uuid=uuid, application__applicant=request.user)
    try:
        if request.POST.get("answer") == "accept":
            services.offer_accept(offer=offer, actor=request.user)
            messages.success(request, _("You accepted the seat."))
        elif request.POST.get("answer") == "decline":
            services.offer_decline(offer=offer, actor=request.user)
            messages.success(request, _("You declined the seat."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("admissions:status", uuid=offer.application.uuid)


@login_required
def explanation_pdf(request, uuid):
    application = get_object_or_404(Application, uuid=uuid, applicant=request.user)
    placement = selectors.placement_for_application(application=application)
    if placement is None:
        raise Http404
    document = explanation_document_issue(
        application=application, placement=placement, language=get_language() or "vi"
    )
    response = HttpResponse(document_signed_bytes(document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{application.tracking_code}.pdf"'
    return response


@login_required
@xframe_options_sameorigin
def evidence_download(request, uuid):
    """Private evidence: only the applicant and reviewing staff, never a public URL."""
    evidence = selectors.evidence_by_uuid(uuid=uuid)
    if evidence is None:
        raise Http404
    owner = evidence.application.applicant_id == request.user.pk
    staff = is_staff_with(
        request.user, "admissions.review_application"
    ) and selectors.application_in_staff_scope(
        user=request.user, application_id=evidence.application_id
    )
    if not (owner or staff):
        raise Http404
    response = FileResponse(
        evidence.file.open("rb"), content_type=evidence.content_type, as_attachment=False
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@rate_limited(Limit("suggestions-ip", 60, 60), methods=("GET",), as_json=True)
def suggestions(request):
    """Nearest schools with seats in the current round, distance, last round's cutoff and a
    warning when the proposed list risks no placement. JSON for the application form."""
    admission_round = selectors.round_latest()
    try:
        point = make_point(lon=request.GET["lon"], lat=request.GET["lat"])
    except (KeyError, ValueError):
        return JsonResponse({"detail": _("Give lat and lon.")}, status=400)
    ward = gis_selectors.admin_unit_containing(point=point)
    if ward is None or admission_round is None:
        return JsonResponse(
            {"detail": _("The pin lies outside Ho Chi Minh City, the area of this portal.")},
            status=422,
        )
    seats = selectors.round_seats(admission_round=admission_round)
    if admission_round.mechanism == Mechanism.NEAREST:
        return JsonResponse(_schools_considered(admission_round, point, ward, seats))
    nearby, distances = _nearby(admission_round, point, k=30)
    near = [n for n in nearby if n.school.pk in seats][:MAX]
    cutoffs = selectors.previous_round_cutoffs(admission_round=admission_round)
    catchment = gis_selectors.catchment_containing(
        point=point, school_year=admission_round.school_year
    )
    results = [
        {
            "id": n.school.pk,
            "name": n.school.name,
            "distance_m": round_1(n.distance_m),
            "road_distance_m": n.road_distance_m,
            "seats": seats[n.school.pk],
            "last_cutoff_m": cutoffs.get(n.school.pk),
            "in_catchment": bool(catchment and catchment.school_id == n.school.pk),
            "illustrative": n.school.location_source == LocationSource.DEMO_PLACED,
        }
        for n in near
    ]
    risky = all(
        r["last_cutoff_m"] is not None and _priority_m(r) > r["last_cutoff_m"] for r in results
    )
    warning = ""
    if results and (risky or all(_priority_m(r) > admission_round.max_distance_m for r in results)):
        warning = _(
            "Risk of no placement: your residence is farther than last year's cutoff or the "
            "legal maximum distance for all proposed schools. Rank more schools."
        )
    return JsonResponse(
        {
            "ward": {"code": ward.code, "name": ward.name},
            "results": results,
            "warning": warning,
            **distances,
        }
    )


def _priority_m(result: dict) -> float:
    """The distance that counts for priority: by road when the round measures by road."""
    road = result.get("road_distance_m")
    return road if road is not None else result["distance_m"]


def _nearby(admission_round, point, *, k: int):
    """The k schools nearest to the pin in the round's distance (straight or by road), each
    with its straight-line distance too, and what the form says about the distances: the
    labels of both and, when the pin cannot be routed, why distances are straight lines."""
    labels = {
        DistanceMetric.WALKING: _("on foot, by road"),
        DistanceMetric.DRIVING: _("by vehicle, by road"),
    }
    info = {
        "metric": admission_round.distance_metric,
        "straight_label": _("in a straight line"),
        "metric_label": labels.get(admission_round.distance_metric, ""),
        "fallback": "",
    }
    if admission_round.distance_metric == DistanceMetric.STRAIGHT:
        near = gis_selectors.school_nearest(point=point, k=k)
        return [_Nearby(n.school, n.distance_m, None) for n in near], info
    by_road = gis_selectors.school_nearest_by_road(
        point=point, k=k, metric=admission_round.distance_metric
    )
    if by_road.fallback_reason:
        try:
            reason = str(RoadFallbackReason(by_road.fallback_reason).label)
        except ValueError:
            reason = by_road.fallback_reason
        info["fallback"] = _(
            "No route by road from this point (%(reason)s): distances are in a straight line."
        ) % {"reason": reason}
    return [_Nearby(n.school, n.distance_m, n.road_distance_m) for n in by_road.results], info


class _Nearby:
    __slots__ = ("distance_m", "road_distance_m", "school")

    def __init__(self, school, distance_m, road_distance_m):
        self.school, self.distance_m, self.road_distance_m = school, distance_m, road_distance_m


def public_seats(request):
    """Public: the current round's grade-1 seats per school (JSON for the school map's popup),
    from the same selector as the application form."""
    admission_round = selectors.round_latest()
    if admission_round is None:
        return JsonResponse({"school_year": None, "schools": {}})
    seats = selectors.round_public_seats(admission_round=admission_round)
    response = JsonResponse(
        {
            "school_year": admission_round.school_year,
            "schools": {
                row["code"]: {"seats": row["seats"], "demo_figure": row["demo_figure"]}
                for row in seats.values()
            },
        }
    )
    response["Cache-Control"] = "public, max-age=300"
    return response


def _schools_considered(admission_round, point, ward, seats: dict[int, int]) -> dict:
    """Nearest-first: families do not rank; they see the schools that will be considered —
    every school within the maximum distance, nearest first, and each catchment school
    holding the home at any distance — and why each is on the list."""
    catchments = selectors.catchment_schools_at(
        point=point, school_year=admission_round.school_year
    )
    near, distances = _nearby(admission_round, point, k=60)
    listed = [
        n
        for n in near
        if n.school.pk in seats
        and (
            _priority_m({"distance_m": n.distance_m, "road_distance_m": n.road_distance_m})
            <= admission_round.max_distance_m
            or n.school.pk in catchments
        )
    ]
    km = _kilometres(admission_round.max_distance_m)
    within = _("within %(km)s km of your home") % {"km": km}
    results = [
        {
            "id": n.school.pk,
            "name": n.school.name,
            "distance_m": round_1(n.distance_m),
            "road_distance_m": n.road_distance_m,
            "seats": seats[n.school.pk],
            "in_catchment": n.school.pk in catchments,
            "illustrative": n.school.location_source == LocationSource.DEMO_PLACED,
            "why": _("your home lies in its catchment area")
            if n.school.pk in catchments
            else within,
        }
        for n in listed
    ]
    return {
        "ward": {"code": ward.code, "name": ward.name},
        "mechanism": admission_round.mechanism,
        **distances,
        "results": results,
        "warning": ""
        if results
        else _(
            "No school lies within %(km)s km: your child will be placed at the nearest school "
            "with a free seat."
        )
        % {"km": km},
    }


def _kilometres(metres: float) -> str:
    """``1500`` → "1,5" in Vietnamese, "1.5" in English (text for people, not for scripts)."""
    return f"{metres / 1000:g}".replace(".", get_format("DECIMAL_SEPARATOR"))


def round_1(x: float) -> float:
    return round(x, 1)


# --------------------------------------------------------------------------- committee

staff_required = staff_permission_required("admissions.review_application")
runner_required = staff_permission_required("admissions.run_allocation")


def _int_param(request, name: str) -> int | None:
    """A numeric query parameter; anything else (typed or tampered with) counts as absent."""
    value = request.GET.get(name, "").strip()
    return int(value) if value.isdigit() else None


QUEUE_PAGE_SIZE = 50


def _staff_round(request) -> AdmissionRound:
    year = _int_param(request, "round")
    found = selectors.round_by_year(school_year=year) if year else selectors.round_latest()
    if found is None:
        raise Http404
    return found


@staff_required
def staff_queue(request):
    admission_round = _staff_round(request)
    status = request.GET.get("status", "")
    school = _int_param(request, "school")
    ward = _int_param(request, "ward")
    search = request.GET.get("q", "").strip()
    filters = {"school_id": school, "ward_id": ward, "search": search, "staff": request.user}
    apps = selectors.application_list_for_round(
        admission_round=admission_round, status=status or None, **filters
    )
    counts = selectors.application_status_counts(admission_round=admission_round, **filters)
    if request.method == "POST":
        ids = [int(x) for x in request.POST.getlist("ids") if x.isdigit()]
        ids = list(apps.filter(pk__in=ids).values_list("pk", flat=True))  # own scope only
        if not ids:
            messages.error(request, _("Tick the applications to verify first: none was chosen."))
            return redirect(request.get_full_path())
        done = services.application_bulk_verify(application_ids=ids, actor=request.user)
        messages.success(request, _("%(n)s applications verified.") % {"n": done})
        return redirect(request.get_full_path())
    page = Paginator(apps, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    now = timezone.now()
    return render(
        request,
        "admissions/staff/queue.html",
        {
            "round": admission_round,
            "applications": page.object_list,
            "page": page,
            "page_query": query.urlencode(),
            "total": page.paginator.count,
            "tickets": selectors.ticket_open_list(admission_round=admission_round),
            "now": now,
            "counts": [
                (value, label, counts.get(value, 0)) for value, label in ApplicationStatus.choices
            ],
            "status": status,
            "schools": selectors.round_school_list(admission_round=admission_round),
            "school": school,
            "wards": gis_selectors.admin_unit_list().values("pk", "name"),
            "ward": ward,
            "q": search,
            "review_statuses": REVIEW_STATUSES,
        },
    )


@staff_required
def staff_application(request, uuid):
    application = get_object_or_404(
        selectors.application_list_for_staff_pages(user=request.user), uuid=uuid
    )
    form = StaffDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_transition(
                application=application,
                to=form.cleaned_data["to"],
                actor=request.user,
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Status changed."))
            return redirect("admissions:staff-application", uuid=uuid)
    placement = selectors.placement_for_application(application=application)
    return render(
        request,
        "admissions/staff/application.html",
        {
            "application": application,
            "form": form,
            "history": selectors.application_history(application=application),
            "evidence": application.evidence.all(),
            "placement": placement,
            "explanation": placement.explanation_in(get_language()) if placement else "",
            "offer": selectors.offer_current(application=application),
            "tickets": application.tickets.prefetch_related("decisions"),
        },
    )


@runner_required
def staff_round(request):
    admission_round = _staff_round(request)
    if not selectors.staff_round_allowed(user=request.user, admission_round=admission_round):
        raise Http404
    form = RunForm(
        request.POST or None,
        initial={
            "mechanism": "da",
            "seed": admission_round.lottery_seed,
            "distance_metric": admission_round.distance_metric,
        },
    )
    if request.method == "POST" and request.POST.get("action") == "close":
        try:
            services.round_close(admission_round=admission_round, actor=request.user)
            messages.success(request, _("The application window is closed."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(f"{reverse('admissions:staff-round')}?round={admission_round.school_year}")
    if request.method == "POST" and form.is_valid():
        try:
            run = services.allocation_run_create(
                admission_round=admission_round,
                mechanism=form.cleaned_data["mechanism"],
                seed=form.cleaned_data["seed"],
                stage=form.cleaned_data["stage"],
                actor=request.user,
                distance_metric=form.cleaned_data["distance_metric"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            transaction.on_commit(lambda: enqueue(run_allocation, run.pk))
            return redirect("admissions:staff-run", uuid=run.uuid)
    return render(
        request,
        "admissions/staff/round.html",
        {
            "round": admission_round,
            "form": form,
            "runs": selectors.run_list(admission_round=admission_round),
            "seats": selectors.round_seat_rows(admission_round=admission_round),
            "counts": selectors.application_status_counts(admission_round=admission_round),
        },
    )


def _staff_run_or_404(request, uuid) -> AllocationRun:
    run = selectors.run_by_uuid(uuid=uuid)
    if run is None or not selectors.staff_round_allowed(
        user=request.user, admission_round=run.round
    ):
        raise Http404
    return run


@runner_required
def staff_run(request, uuid):
    run = _staff_run_or_404(request, uuid)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "review":
                services.allocation_run_review(run=run, actor=request.user)
                messages.success(request, _("Run marked as reviewed."))
            elif action == "publish":
                run = services.allocation_run_publish(run=run, actor=request.user)
                if run.status == RunStatus.PUBLISHED:
                    messages.success(request, _("Results published; offers were sent."))
                else:
                    messages.info(
                        request,
                        _(
                            "Publication started. You may leave this page: it runs in the "
                            "background and this page shows its progress."
                        ),
                    )
            elif action == "resend":
                n = deliveries_resend_failed(batch=publication_batch(run))
                messages.success(request, _("%(n)s failed message(s) queued again.") % {"n": n})
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("admissions:staff-run", uuid=uuid)
    per_school = selectors.run_placements_per_school(run=run)
    return render(
        request,
        "admissions/staff/run.html",
        {
            "run": run,
            "per_school": per_school,
            "others": selectors.run_list(admission_round=run.round),
            "deliveries": (
                delivery_counts(batch=publication_batch(run))
                if run.status == RunStatus.PUBLISHED
                else None
            ),
            "actions": selectors.run_actions(run=run),
            "progress": selectors.run_progress(run=run),
            "timing_rows": selectors.run_timing_rows(run=run),
        },
    )


@runner_required
def staff_run_progress(request, uuid):
    run = _staff_run_or_404(request, uuid)
    return JsonResponse(selectors.run_progress(run=run))


@runner_required
def staff_run_export(request, uuid, fmt):
    run = _staff_run_or_404(request, uuid)
    school = request.GET.get("school")
    school_id = int(school) if school and school.isdigit() else None
    name = f"allocation-{run.round.school_year}-{str(run.uuid)[:8]}" + (
        f"-school-{school_id}" if school_id else ""
    )
    if fmt == "csv":
        body, ctype = exports.placements_csv(run=run, school_id=school_id), "text/csv"
    elif fmt == "xlsx":
        body = exports.placements_xlsx(run=run, school_id=school_id)
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise Http404
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@runner_required
def staff_compare(request):
    chosen = {column: request.GET.get(column, "") for column in ("a", "b")}
    a, b = (selectors.run_by_uuid(uuid=value) for value in chosen.values())
    if all(chosen.values()) and (a is None or b is None):
        raise Http404  # an unknown or malformed run in the link
    if a is None or b is None:
        # Nothing (or only one run) chosen: say so on the list of runs, not a 404.
        messages.error(
            request, _("Choose two runs to compare: one in column A and one in column B.")
        )
        known = a or b
        year = known.round.school_year if known else _int_param(request, "round")
        return redirect(reverse("admissions:staff-round") + (f"?round={year}" if year else ""))
    if a.round_id != b.round_id:
        raise PermissionDenied
    if not selectors.staff_round_allowed(user=request.user, admission_round=a.round):
        raise Http404
    return render(
        request,
        "admissions/staff/compare.html",
        {"a": a, "b": b, "comparison": services.allocation_run_compare(a=a, b=b)},
    )


@login_required
@require_POST
def ticket_open_view(request, uuid):
    application = get_object_or_404(Application, uuid=uuid, applicant=request.user)
    try:
        services.ticket_open(
            application=application,
            kind=request.POST.get("kind", ""),
            reason=request.POST.get("reason", ""),
            actor=request.user,
        )
        messages.success(request, _("Your request was sent to the committee."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("admissions:status", uuid=uuid)


@staff_required
@require_POST
def staff_ticket_decide(request, uuid):
    ticket = get_object_or_404(selectors.ticket_list_for_staff(user=request.user), uuid=uuid)
    try:
        services.ticket_decide(
            ticket=ticket,
            decision=request.POST.get("decision", ""),
            note=request.POST.get("note", ""),
            actor=request.user,
        )
        messages.success(request, _("Decision recorded."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("admissions:staff-application", uuid=ticket.application.uuid)


# --------------------------------------------------------------------------- public audit


def audit(request):
    """Public: the published runs of the current round with their input hash, seed and result
    hash, and the anonymised input and result to download and re-run (ADR 13)."""
    admission_round = selectors.round_latest()
    runs = selectors.published_runs(admission_round=admission_round) if admission_round else []
    items = [{"run": run, "available": bool(run.has_documents)} for run in runs]
    return render(
        request,
        "admissions/audit.html",
        {
            "round": admission_round,
            "runs": items,
            "public_verify_command": audit_module.PUBLIC_VERIFY_COMMAND,
        },
    )


def audit_download(request, uuid, part):
    """Public: the stored input or result of a published run, as JSON."""
    run = selectors.published_run_documents(uuid=uuid)
    if run is None or part not in ("input", "result"):
        raise Http404
    try:
        export = audit_module.audit_export(run=run)
    except audit_module.AuditUnavailable as exc:
        raise Http404 from exc
    # The public input of a nearest-first run has no homes (ADR 26); the full one is staff-only.
    body = export.public_input_json if part == "input" else export.result_json
    label = "public-input" if part == "input" else part
    return _json_attachment(body, f"{run.round.school_year}-{run.stage}-{run.mechanism}-{label}")


def _json_attachment(body: bytes, name: str, *, private: bool = False) -> HttpResponse:
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    if private:
        response["Cache-Control"] = "private, no-store"
    return response


@staff_permission_required("admissions.view_school_applications")
def staff_school_applications(request, school_id):
    """The principal's read-only list of the applications that chose the school (rank,
    status, submitted). Every application shown is in the access log (privacy middleware)."""
    school = get_object_or_404(gis_selectors.school_list(), pk=school_id)
    if not selectors.staff_school_allowed(user=request.user, school_id=school.pk):
        raise Http404
    choices = selectors.school_application_choices(user=request.user, school_id=school.pk)
    page = Paginator(choices, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    request.access_logged = [c.application.uuid for c in page.object_list]
    return render(
        request,
        "admissions/staff/school_applications.html",
        {"school": school, "choices": page.object_list, "page": page},
    )


@runner_required
def staff_run_input(request, uuid):
    """Staff (the round's committee, auditors with the round): the complete input of a run,
    homes included, for checking distances (ADR 26). Each download is in the access log."""
    run = _staff_run_or_404(request, uuid)
    try:
        export = audit_module.audit_export(run=run)
    except audit_module.AuditUnavailable as exc:
        raise Http404 from exc
    name = f"{run.round.school_year}-{run.stage}-{run.mechanism}-input"
    return _json_attachment(export.input_json, name, private=True)
