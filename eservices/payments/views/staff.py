"""Staff pages: refunds, bank statement import, and the lines and events left to resolve."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import staff_permission_required
from portal.core.exceptions import DomainError

from .. import selectors
from ..forms import RefundForm, ResolveForm, StatementUploadForm
from ..models import Payment, StatementLine
from ..services import payment_refund, statement_import, statement_line_resolve

# The one staff rule (accounts.access): active, staff and the permission (docs/adr/0018).
manager_required = staff_permission_required("payments.manage_payments")


def _form_error(form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@login_required
@manager_required
def staff_overview(request):
    form = StatementUploadForm()
    if request.method == "POST":
        form = StatementUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                statement = statement_import(
                    content=upload.read(), file_name=upload.name, actor=request.user
                )
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(
                    request,
                    _("%(read)s credit lines read, %(known)s already imported before.")
                    % {"read": statement.lines_read, "known": statement.lines_already_known},
                )
                return redirect("payments:staff")
    query = request.GET.get("q", "").strip()
    return render(
        request,
        "payments/staff/overview.html",
        {
            "form": form,
            "lines": selectors.statement_line_list_to_resolve(),
            "events": selectors.payment_event_list_to_review(),
            "query": query,
            "found": selectors.payment_search(order_code=query) if query else [],
        },
    )


@login_required
@manager_required
def staff_payment(request, uuid):
    payment = get_object_or_404(Payment.objects.select_related("payer"), uuid=uuid)
    form = RefundForm(initial={"amount": int(payment.refundable_amount)})
    if request.method == "POST":
        form = RefundForm(request.POST)
        if form.is_valid():
            try:
                refund = payment_refund(
                    payment=payment,
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except DomainError as exc:
                _form_error(form, exc)
            else:
                if refund.status == "succeeded":
                    messages.success(request, _("The refund was made."))
                else:
                    messages.error(
                        request,
                        _("The gateway refused the refund: %(message)s")
                        % {"message": refund.provider_response.get("message", "")},
                    )
                return redirect("payments:staff-payment", uuid=payment.uuid)
    return render(
        request,
        "payments/staff/payment.html",
        {
            "payment": payment,
            "form": form,
            "events": payment.events.all(),
            "refunds": payment.refunds.all(),
        },
    )


@login_required
@manager_required
@require_POST
def staff_line_resolve(request, pk):
    line = get_object_or_404(StatementLine, pk=pk)
    form = ResolveForm(request.POST)
    if form.is_valid():
        statement_line_resolve(line=line, note=form.cleaned_data["note"], actor=request.user)
        messages.success(request, _("Marked as resolved."))
    else:
        messages.error(request, _("Say how the line was resolved."))
    return redirect("payments:staff")
