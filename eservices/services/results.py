"""Results with legal value: an approved dossier's result is drawn from its procedure's result
template (or the PDF staff drew), signed with the school's key (PAdES, `documents`), stored,
and only then is the dossier moved to result_issued."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from documents.constants import DocumentKind, ResultTemplate
from documents.services import document_issue_pdf, result_issue
from portal.core.exceptions import InvalidInput, TransitionNotAllowed

from ..constants import DossierStatus
from ..models import Dossier
from .dossiers import dossier_store_result

# Templates whose content the form holds; a record-book copy needs the marks staff draw.
DRAWN_FROM_THE_FORM = {
    ResultTemplate.CONFIRMATION_OF_STUDY,
    ResultTemplate.TRANSFER_ACCEPTANCE,
    ResultTemplate.SERVICE_REGISTRATION,
}


def school_year_of(day) -> str:
    """A Vietnamese school year starts in September: 01/12/2026 is in 2026-2027."""
    start = day.year if day.month >= 8 else day.year - 1
    return f"{start}-{start + 1}"


def result_context(dossier: Dossier) -> dict:
    """The template's context: the form's answers plus what the school adds."""
    form = dossier.form_data
    version = dossier.procedure_version
    context = {
        **form,
        "school_year": school_year_of(timezone.localdate()),
        "grade": form.get("current_grade", ""),
        "service_name": version.name_vi,
        "period": form.get("month", ""),
    }
    return {key: value for key, value in context.items() if value not in ("", None)}


def result_can_be_drawn(dossier: Dossier) -> bool:
    return dossier.procedure_version.result_template in DRAWN_FROM_THE_FORM


def _signed_bytes(document) -> bytes:
    with document.file.open("rb") as signed:
        return signed.read()


def dossier_issue_result(*, dossier: Dossier, actor, pdf: bytes | None = None) -> Dossier:
    """Sign the result (drawn from the template, or the PDF staff give) and issue it."""
    if dossier.status != DossierStatus.APPROVED:
        raise TransitionNotAllowed(_("Only an approved dossier gets a result."))
    if pdf is None:
        if not result_can_be_drawn(dossier):
            raise InvalidInput(
                _("This procedure's result is drawn by staff: upload the PDF."), field="file"
            )
        document = result_issue(
            template=dossier.procedure_version.result_template,
            context=result_context(dossier),
            owner=dossier.applicant,
            dossier_code=dossier.code,
        )
    else:
        if not pdf.startswith(b"%PDF-"):
            raise InvalidInput(_("The result must be a PDF file."), field="file")
        document = document_issue_pdf(
            kind=DocumentKind.RESULT,
            title=dossier.procedure_version.name_vi,
            pdf=pdf,
            owner=dossier.applicant,
            reference=f"{dossier.code}:upload",
            public_summary=[(_("Dossier code"), dossier.code)],
        )
    return dossier_store_result(
        dossier=dossier, actor=actor, pdf=_signed_bytes(document), document_code=document.code
    )
