"""Public verification of signed documents (no sign-in), the owner's download, staff revocation."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import staff_permission_required
from portal.core.exceptions import DomainError

from . import selectors, services
from .codes import document_code_normalise
from .forms import CodeLookupForm, RevokeForm, UploadForm
from .throttling import over_limit
from .verification import VerificationReport, verification_by_code, verification_of_upload

TEMPLATE = "documents/verify.html"


def _too_many(request, wait: int) -> HttpResponse:
    response = render(
        request,
        TEMPLATE,
        {
            "code_form": CodeLookupForm(),
            "upload_form": UploadForm(),
            "throttled": wait,
        },
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


def _page(
    request,
    *,
    report: VerificationReport | None = None,
    status: int = 200,
    not_found: str = "",
    **forms,
):
    document = report.document if report else None
    staff_may_revoke = bool(
        document
        and document.status == "valid"
        and request.user.has_perm("documents.revoke_issueddocument")
    )
    context = {
        "code_form": forms.get("code_form") or CodeLookupForm(),
        "upload_form": forms.get("upload_form") or UploadForm(),
        "report": report,
        "revoke_form": RevokeForm() if staff_may_revoke else None,
        "not_found": not_found,
    }
    return render(request, TEMPLATE, context, status=status)


@require_GET
def verify_home(request):
    """The search page; a submitted code goes to its own address (the one the QR holds)."""
    if "code" not in request.GET:
        return _page(request)
    form = CodeLookupForm(request.GET)
    if not form.is_valid():
        return _page(request, code_form=form, status=400)
    return redirect("documents:verify-code", code=form.cleaned_data["code"])


@require_GET
def verify_code(request, code: str):
    canonical = document_code_normalise(code)
    if canonical and canonical != code:
        return redirect("documents:verify-code", code=canonical)
    wait = over_limit(request, scope="verify_code", rate=settings.DOCUMENTS_VERIFY_CODE_RATE)
    if wait:
        return _too_many(request, wait)
    report = verification_by_code(code) if canonical else None
    if report is None:
        form = CodeLookupForm(initial={"code": code})
        return _page(request, code_form=form, status=404, not_found=code)
    return _page(request, report=report)


@require_POST
def verify_upload(request):
    wait = over_limit(request, scope="verify_upload", rate=settings.DOCUMENTS_VERIFY_UPLOAD_RATE)
    if wait:
        return _too_many(request, wait)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, upload_form=form, status=400)
    report = verification_of_upload(form.cleaned_data["pdf"].read())
    return _page(request, report=report, upload_form=form)


@require_POST
@staff_permission_required("documents.revoke_issueddocument")
def revoke(request, code: str):
    document = selectors.document_by_code(code=code)
    if document is None:
        raise Http404
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.document_revoke(
                document=document, reason=form.cleaned_data["reason"], actor=request.user
            )
            messages.success(request, _("The document is revoked."))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Give a reason for revoking the document."))
    return redirect("documents:verify-code", code=document.code)


@login_required
def download(request, code: str):
    """The signed file, for its owner and for staff who may see issued documents."""
    document = selectors.document_by_code(code=code)
    if document is None:
        raise Http404
    allowed = document.owner_id == request.user.pk or request.user.has_perm(
        "documents.view_issueddocument"
    )
    if not allowed:
        raise Http404
    response = HttpResponse(
        selectors.document_signed_bytes(document), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{document.code}.pdf"'
    return response
