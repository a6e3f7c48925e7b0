"""The explanation of a published result as a signed document (issued through `documents`)."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext

from documents.constants import DocumentKind
from documents.models import IssuedDocument
from documents.selectors import document_valid_for
from documents.services import document_issue_pdf

from .. import exports
from ..models import Application, Placement


def explanation_document_issue(
    *, application: Application, placement: Placement, language: str
) -> IssuedDocument:
    """Sign the explanation PDF once per placement and language; later downloads get the same
    signed file, which the family can check at /xac-thuc/."""
    language = "vi" if language.startswith("vi") else "en"
    reference = f"{application.tracking_code}:{placement.pk}:{language}"
    kind = DocumentKind.ADMISSION_EXPLANATION
    if issued := document_valid_for(kind=kind, reference=reference):
        return issued
    pdf = exports.explanation_pdf(application=application, placement=placement, language=language)
    with translation.override(language):
        title = gettext("Explanation of the grade-1 result")
        summary = [(gettext("Application tracking code"), application.tracking_code)]
    return document_issue_pdf(
        kind=kind,
        title=title,
        pdf=pdf,
        owner=application.applicant,
        reference=reference,
        public_summary=summary,
        language=language,
    )
