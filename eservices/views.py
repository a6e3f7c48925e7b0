"""E-service pages for the public, the citizen and the handling staff. Views parse input, call
one service or selector, and render."""

from __future__ import annotations

import uuid as uuid_module

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.phone import normalize_vn_mobile
from portal.core.exceptions import DomainError, NotFound
from surveys.services import satisfaction_survey_link

from . import selectors, services, workflow
from .constants import CITIZEN_EDITABLE, Actor, DossierStatus
from .exceptions import DossierInvalid
from .forms import (
    AttachmentForm,
    CounterDossierForm,
    DossierForm,
    LookupForm,
    ResultUploadForm,
    StaffActionForm,
)
from .models import DossierAttachment, DossierCorrection
from .payments.selectors import payment_list_for_payable
from .services.payments import PURPOSE as PAYMENT_PURPOSE

S = DossierStatus

# --------------------------------------------------------------------------- public


def catalogue(request):
    query = request.GET.get("q", "")[:100]
    versions = selectors.procedure_list(query=query)
    return render(request, "eservices/catalogue.html", {"versions": versions, "query": query})


def _current_or_404(code: str):
    try:
        return selectors.procedure_version_current(code=code)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


def procedure_card(request, code: str):
    return render(request, "eservices/procedure.html", {"version": _current_or_404(code)})


def lookup(request):
    form = LookupForm(request.GET or None)
    found, searched = None, False
    if form.is_valid():
        searched = True
        phone = normalize_vn_mobile(form.cleaned_data["phone"]) or ""
        found = selectors.dossier_lookup_public(code=form.cleaned_data["code"], phone=phone)
    return render(request, "eservices/lookup.html",
                  {"form": form, "found": found, "searched": searched})  # fmt: skip


# --------------------------------------------------------------------------- citizen


def _own_or_404(request, uuid):
    try:
        return selectors.dossier_get_for_citizen(user=request.user, uuid=uuid)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


def _save_form(request, form: DossierForm, *, version, dossier=None):
    """Create or update the draft; on a schema error copy the messages onto the fields."""
    data, phone = form.schema_data(), form.cleaned_data["contact_phone"]
    try:
        if dossier is None:
            return services.dossier_create(version=version, applicant=request.user,
                                           form_data=data, contact_phone=phone)  # fmt: skip
        if dossier.status == S.SUPPLEMENT_REQUESTED and "supplement" in request.POST:
            return services.dossier_provide_supplement(
                dossier=dossier, actor=request.user, form_data=data,
                note=request.POST.get("note", "")[:1000],
            )  # fmt: skip
        return services.dossier_update(dossier=dossier, actor=request.user, form_data=data,
                                       contact_phone=phone)  # fmt: skip
    except DossierInvalid as exc:
        form.add_errors(exc.errors)
    except DomainError as exc:
        form.add_error(None, exc.message)
    return None


@login_required
def dossier_new(request, code: str):
    version = _current_or_404(code)
    profile_phone = getattr(getattr(request.user, "profile", None), "phone", "") or ""
    form = DossierForm(request.POST or None, schema=version.form_schema,
                       initial={"contact_phone": profile_phone})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        dossier = _save_form(request, form, version=version)
        if dossier is not None:
            messages.success(request, _("Draft saved. Attach the documents, then submit."))
            return redirect("eservices:dossier", uuid=dossier.uuid)
    return render(request, "eservices/dossier_form.html", {"form": form, "version": version})


@login_required
def dossier_edit(request, uuid):
    dossier = _own_or_404(request, uuid)
    if dossier.status not in CITIZEN_EDITABLE:
        return redirect("eservices:dossier", uuid=dossier.uuid)
    version = dossier.procedure_version
    initial = {**dossier.form_data, "contact_phone": dossier.contact_phone}
    form = DossierForm(request.POST or None, schema=version.form_schema, initial=initial)
    saved = request.method == "POST" and form.is_valid()
    if saved and _save_form(request, form, version=version, dossier=dossier) is not None:
        messages.success(request, _("Saved."))
        return redirect("eservices:dossier", uuid=dossier.uuid)
    return render(request, "eservices/dossier_form.html",
                  {"form": form, "version": version, "dossier": dossier})  # fmt: skip


@login_required
def my_dossiers(request):
    dossiers = selectors.dossier_list_for_citizen(user=request.user)
    return render(request, "eservices/my_dossiers.html", {"dossiers": dossiers})


def _detail_context(request, dossier) -> dict:
    version = dossier.procedure_version
    attached = {a.document_code for a in dossier.attachments.all()}
    documents = [{**d, "attached": d["code"] in attached} for d in version.required_documents]
    return {
        "dossier": dossier,
        "version": version,
        "documents": documents,
        "attachments": dossier.attachments.all(),
        "history": dossier.history.select_related("actor").all(),
        "overdue": selectors.dossier_is_overdue(dossier),
        "payments": payment_list_for_payable(purpose=PAYMENT_PURPOSE, purpose_ref=dossier.uuid),
        "corrections": dossier.corrections.all(),
    }


@login_required
def dossier_detail(request, uuid):
    dossier = _own_or_404(request, uuid)
    context = _detail_context(request, dossier)
    context["can_withdraw"] = workflow.can_transition(dossier.status, S.WITHDRAWN, Actor.CITIZEN)
    if dossier.status in (S.RESULT_ISSUED, S.CLOSED):
        context["survey_link"] = satisfaction_survey_link(
            subject_ref=dossier.code, user=request.user
        )
    if dossier.status in CITIZEN_EDITABLE and dossier.procedure_version.required_documents:
        context["attachment_form"] = AttachmentForm(
            documents=dossier.procedure_version.required_documents, language=get_language()
        )
    return render(request, "eservices/dossier.html", context)


@login_required
@require_POST
def attachment_upload(request, uuid):
    dossier = _own_or_404(request, uuid)
    form = AttachmentForm(request.POST, request.FILES,
                          documents=dossier.procedure_version.required_documents,
                          language=get_language())  # fmt: skip
    if form.is_valid():
        try:
            services.attachment_add(dossier=dossier, actor=request.user,
                                    document_code=form.cleaned_data["document_code"],
                                    upload=form.cleaned_data["file"])  # fmt: skip
            messages.success(request, _("File attached."))
            return redirect("eservices:dossier", uuid=dossier.uuid)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    context = _detail_context(request, dossier)
    context["attachment_form"] = form
    return render(request, "eservices/dossier.html", context, status=400)


@login_required
@require_POST
def dossier_submit(request, uuid):
    dossier = _own_or_404(request, uuid)
    try:
        dossier = services.dossier_submit(dossier=dossier, actor=request.user)
    except DossierInvalid as exc:
        context = _detail_context(request, dossier)
        context["submit_errors"] = exc.errors
        context["attachment_form"] = AttachmentForm(
            documents=dossier.procedure_version.required_documents, language=get_language()
        )
        return render(request, "eservices/dossier.html", context, status=400)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("eservices:dossier", uuid=dossier.uuid)
    submitted = _("Submitted. Your dossier code is %(code)s.") % {"code": dossier.code}
    messages.success(request, submitted)
    return redirect("eservices:dossier", uuid=dossier.uuid)


@login_required
@require_POST
def dossier_withdraw(request, uuid):
    dossier = _own_or_404(request, uuid)
    try:
        note = request.POST.get("note", "")[:500]
        services.dossier_transition(
            dossier=dossier, to=S.WITHDRAWN, actor=request.user, role=Actor.CITIZEN, note=note
        )
        messages.success(request, _("The dossier was withdrawn."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("eservices:dossier", uuid=dossier.uuid)


@login_required
@require_POST
def dossier_pay(request, uuid):
    """Open (or reuse) the payment of the fee and send the payer to its page."""
    dossier = _own_or_404(request, uuid)
    try:
        return redirect(services.dossier_payment_page(dossier=dossier, actor=request.user))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("eservices:dossier", uuid=dossier.uuid)


@login_required
@require_POST
def correction_open(request):
    """A correction request for one of the citizen's own dossiers, from the personal-data page
    or the dossier's page; someone else's dossier (or no dossier) is 'not found'."""
    try:
        dossier_uuid = uuid_module.UUID(request.POST.get("dossier", ""))
    except ValueError as exc:
        raise Http404 from exc
    dossier = _own_or_404(request, dossier_uuid)
    try:
        services.dossier_correction_open(
            dossier=dossier, reason=request.POST.get("reason", ""), actor=request.user
        )
        messages.success(request, _("Your request was sent to the officer handling the dossier."))
    except DomainError as exc:
        messages.error(request, exc.message)
    if request.POST.get("back") == "dossier":
        return redirect("eservices:dossier", uuid=dossier.uuid)
    return redirect("privacy:my-data")


def _pdf_response(field_file, filename: str) -> FileResponse:
    return FileResponse(field_file.open("rb"), content_type="application/pdf",
                        as_attachment=True, filename=filename)  # fmt: skip


@login_required
def result_download(request, uuid):
    dossier = _own_or_404(request, uuid)
    if not dossier.result_file:
        raise Http404(_("No result yet."))
    return _pdf_response(dossier.result_file, f"{dossier.code}.pdf")


@login_required
def attachment_download(request, uuid):
    """The owner or the staff who handle the procedure; anybody else gets 'not found'."""
    attachment = DossierAttachment.objects.select_related("dossier__procedure_version__procedure")
    attachment = attachment.filter(uuid=uuid).first()
    if attachment is None:
        raise Http404
    dossier = attachment.dossier
    is_owner = dossier.applicant_id == request.user.pk
    if not is_owner and not selectors.staff_can_handle(user=request.user,
                                                       procedure=dossier.procedure):  # fmt: skip
        raise Http404
    return FileResponse(attachment.file.open("rb"), content_type=attachment.content_type,
                        filename=attachment.original_name)  # fmt: skip


# --------------------------------------------------------------------------- staff


def _require_handler(request):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    if not selectors.procedures_handled_by(user=request.user).exists():
        raise PermissionDenied
    return None


def staff_queue(request):
    if (refusal := _require_handler(request)) is not None:
        return refusal
    filters = selectors.QueueFilters(
        procedure=request.GET.get("procedure", "")[:40],
        status=request.GET.get("status", "") if request.GET.get("status") in S.values else "",
        overdue=request.GET.get("overdue") == "1",
        query=request.GET.get("q", "")[:40],
    )
    dossiers = selectors.dossier_queue(user=request.user, filters=filters)
    page = Paginator(dossiers, 50).get_page(request.GET.get("page"))
    return render(request, "eservices/staff/queue.html", {
        "page": page, "filters": filters, "statuses": [s for s in S if s != S.DRAFT],
        "procedures": selectors.procedures_handled_by(user=request.user),
    })  # fmt: skip


STAFF_ACTION_LABELS = {
    S.RECEIVED: _("Receive the dossier (starts the deadline)"),
    S.IN_REVIEW: _("Start the review"),
    S.SUPPLEMENT_REQUESTED: _("Ask the citizen for a supplement"),
    S.APPROVED: _("Approve"),
    S.REJECTED: _("Reject"),
    S.CLOSED: _("Close"),
}


def _staff_actions(dossier) -> list[tuple[str, str]]:
    return [
        (to, str(STAFF_ACTION_LABELS.get(to, S(to).label)))
        for to in workflow.next_statuses(dossier.status, Actor.STAFF)
        if to != S.RESULT_ISSUED
    ]


def staff_dossier(request, uuid):
    if (refusal := _require_handler(request)) is not None:
        return refusal
    try:
        dossier = selectors.dossier_get_for_staff(user=request.user, uuid=uuid)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    actions = _staff_actions(dossier)
    form = StaffActionForm(choices=actions)
    result_form = ResultUploadForm()
    if request.method == "POST":
        if "result" in request.POST:
            result_form = ResultUploadForm(request.POST, request.FILES)
            drawn = request.POST.get("result") == "draw"
            if drawn or result_form.is_valid():
                try:
                    pdf = None if drawn else result_form.cleaned_data["file"].read()
                    services.dossier_issue_result(dossier=dossier, actor=request.user, pdf=pdf)
                    messages.success(request, _("The signed result was issued to the citizen."))
                    return redirect("eservices:staff-dossier", uuid=dossier.uuid)
                except DomainError as exc:
                    result_form = ResultUploadForm()
                    result_form.add_error("file", exc.message)
        else:
            form = StaffActionForm(request.POST, choices=actions)
            if form.is_valid():
                try:
                    services.dossier_transition(dossier=dossier, to=form.cleaned_data["to"],
                                                actor=request.user, role=Actor.STAFF,
                                                note=form.cleaned_data["note"])  # fmt: skip
                    messages.success(request, _("Done."))
                    return redirect("eservices:staff-dossier", uuid=dossier.uuid)
                except DomainError as exc:
                    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    context = _detail_context(request, dossier)
    context.update(form=form, result_form=result_form, actions=actions,
                   result_drawn=services.result_can_be_drawn(dossier))  # fmt: skip
    return render(request, "eservices/staff/dossier.html", context)


def staff_corrections(request):
    """Open correction requests on the dossiers this officer handles, answered one by one."""
    if (refusal := _require_handler(request)) is not None:
        return refusal
    corrections = selectors.correction_list_open_for_staff(user=request.user)
    return render(request, "eservices/staff/corrections.html", {
        "corrections": corrections, "decisions": DossierCorrection.Status.choices[1:],
    })  # fmt: skip


@require_POST
def staff_correction_decide(request, uuid):
    if (refusal := _require_handler(request)) is not None:
        return refusal
    try:
        correction = selectors.correction_get_for_staff(user=request.user, uuid=uuid)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    try:
        services.dossier_correction_decide(
            correction=correction, decision=request.POST.get("decision", ""),
            note=request.POST.get("note", "")[:2000], actor=request.user,
        )  # fmt: skip
        messages.success(request, _("The outcome was recorded and sent to the citizen."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("eservices:staff-corrections")


def staff_counter(request):
    """Record a dossier handed in on paper at the counter (the online share's denominator)."""
    if (refusal := _require_handler(request)) is not None:
        return refusal
    procedures = [p for p in selectors.procedures_handled_by(user=request.user).order_by("code")
                  if p.current_version is not None]  # fmt: skip
    form = CounterDossierForm(request.POST or None, procedures=procedures)
    if request.method == "POST" and form.is_valid():
        procedure = next(p for p in procedures if p.code == form.cleaned_data["procedure"])
        try:
            dossier = services.dossier_record_counter(
                version=procedure.current_version, actor=request.user,
                contact_phone=form.cleaned_data["contact_phone"],
            )  # fmt: skip
        except DossierInvalid as exc:
            for field, errors in exc.errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(
                request,
                _("Counter dossier %(code)s recorded and received.") % {"code": dossier.code},
            )
            return redirect("eservices:staff-dossier", uuid=dossier.uuid)
    return render(request, "eservices/staff/counter.html", {"form": form})


def staff_statistics(request):
    if (refusal := _require_handler(request)) is not None:
        return refusal
    rows = selectors.on_time_statistics(user=request.user)
    return render(request, "eservices/staff/statistics.html", {"rows": rows})
