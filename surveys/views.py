"""Public answer pages (phone-first) and the staff result pages with exports."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import staff_permission_required
from portal.core.exceptions import DomainError, InvalidInput

from . import exports, selectors, services
from .constants import RATING_LABELS, Audience
from .devices import (
    DEVICE_COOKIE,
    DEVICE_COOKIE_MAX_AGE,
    device_hash,
    device_token_is_wellformed,
    device_token_new,
)
from .forms import SurveyAnswerForm
from .results import survey_results
from .throttle import answer_attempt_allowed


def _notice(request, survey, message: str, *, status: int = 200):
    return render(
        request, "surveys/notice.html", {"survey": survey, "message": message}, status=status
    )


def _device_token(request) -> tuple[str, bool]:
    """The device's token from its cookie, or a new one (True: the cookie must be set)."""
    token = request.COOKIES.get(DEVICE_COOKIE)
    if device_token_is_wellformed(token):
        return token, False
    return device_token_new(), True


def _already_answered(request, survey, *, token: str, subject_ref: str) -> bool:
    if survey.audience == Audience.SIGNED_IN:
        return selectors.response_exists(
            survey=survey, respondent=request.user, subject_ref=subject_ref
        )
    return selectors.response_exists(
        survey=survey,
        device_hash=device_hash(survey_uuid=survey.uuid, token=token),
        subject_ref=subject_ref,
    )


@require_http_methods(["GET", "POST"])
def survey_answer(request, uuid):
    survey = selectors.survey_get_published(uuid=uuid)
    if survey.audience == Audience.SIGNED_IN and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        subject_ref = (
            services.survey_subject_read(token=request.GET["s"], user=request.user)
            if request.GET.get("s")
            else ""
        )
    except DomainError as exc:
        return _notice(request, survey, exc.message, status=exc.status_code)
    if not survey.is_open_at(timezone.now()):
        return _notice(request, survey, _("This survey is not open for answers."))
    token, new_cookie = _device_token(request)
    if _already_answered(request, survey, token=token, subject_ref=subject_ref):
        return _notice(request, survey, _("You have already answered this survey. Thank you!"))

    form = SurveyAnswerForm(
        request.POST if request.method == "POST" else None,
        questions=selectors.survey_questions(survey=survey),
    )
    status = 200
    if request.method == "POST":
        outcome = _submit(request, survey, form, token=token, subject_ref=subject_ref)
        if outcome is None:
            response = redirect("surveys:thanks", uuid=survey.uuid)
            return _with_device_cookie(response, token) if new_cookie else response
        status = outcome
    response = render(
        request, "surveys/answer.html", {"survey": survey, "form": form}, status=status
    )
    return _with_device_cookie(response, token) if new_cookie else response


def _submit(request, survey, form, *, token: str, subject_ref: str) -> int | None:
    """Store the answers; None when stored, else the status code of the page shown again."""
    client = request.META.get("REMOTE_ADDR", "")
    if not answer_attempt_allowed(survey_uuid=survey.uuid, client_address=client):
        form.add_error(
            None, _("Too many answers from your network in a short time. Please try later.")
        )
        return 429
    if not form.is_valid():
        return 400
    try:
        services.response_submit(
            survey=survey,
            answers=form.answers(),
            user=request.user,
            device_token=token,
            subject_ref=subject_ref,
            language=get_language() or "",
        )
    except InvalidInput as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return 400
    except DomainError as exc:
        form.add_error(None, exc.message)
        return exc.status_code
    return None


def _with_device_cookie(response, token: str):
    response.set_cookie(
        DEVICE_COOKIE,
        token,
        max_age=DEVICE_COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def survey_thanks(request, uuid):
    survey = selectors.survey_get_published(uuid=uuid)
    return _notice(request, survey, _("Thank you! Your answers have been recorded."))


# --------------------------------------------------------------------------- staff

staff_required = staff_permission_required("surveys.view_survey")


@staff_required
def staff_survey_list(request):
    return render(
        request, "surveys/staff/list.html", {"surveys": selectors.survey_list_for_staff()}
    )


@staff_required
def staff_survey_results(request, uuid):
    survey = selectors.survey_get(uuid=uuid)
    questions = selectors.survey_questions(survey=survey)
    results = survey_results(
        selectors.question_specs(questions=questions),
        selectors.survey_answer_counts(survey=survey),
        RATING_LABELS,
    )
    return render(
        request,
        "surveys/staff/results.html",
        {
            "survey": survey,
            "results": results,
            "response_count": survey.responses.count(),
            "is_open": survey.is_open_at(timezone.now()),
        },
    )


@staff_required
def staff_survey_export(request, uuid, fmt):
    survey = selectors.survey_get(uuid=uuid)
    if fmt == "csv":
        body, content_type = exports.responses_csv(survey=survey), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = exports.responses_xlsx(survey=survey)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.uuid}-{stamp}.{fmt}"'
    return response
