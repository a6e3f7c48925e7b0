"""The family's own data: consents, who opened their records, downloads, correction requests."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from admissions.models import Application, Ticket
from eservices.selectors import correction_list_for_citizen, dossier_list_correctable

from . import selectors
from .pdf import personal_data_pdf


@login_required
def my_data(request):
    return render(
        request,
        "privacy/my_data.html",
        {
            "consents": selectors.consent_list(user=request.user),
            "accesses": selectors.access_log_for(user=request.user)[:200],
            "applications": Application.objects.filter(applicant=request.user).order_by(
                "-created_at"
            ),
            "correction_kind": Ticket.Kind.DATA_CORRECTION,
            "dossiers": dossier_list_correctable(user=request.user),
            "dossier_corrections": correction_list_for_citizen(user=request.user),
        },
    )


def _download(body: bytes, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    name = f"du-lieu-ca-nhan-{timezone.localdate():%Y%m%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def my_data_json(request):
    document = selectors.personal_data_document(user=request.user)
    body = json.dumps(document, ensure_ascii=False, indent=2).encode()
    return _download(body, "application/json; charset=utf-8", "json")


@login_required
def my_data_pdf(request):
    document = selectors.personal_data_document(user=request.user)
    return _download(personal_data_pdf(document), "application/pdf", "pdf")
