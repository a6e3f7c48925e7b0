"""Reads of the signed-documents app."""

from __future__ import annotations

from django.db.models import QuerySet

from .codes import document_code_normalise
from .constants import DocumentStatus
from .models import IssuedDocument


def document_valid_for(*, kind: str, reference: str) -> IssuedDocument | None:
    return IssuedDocument.objects.filter(
        kind=kind, reference=reference, status=DocumentStatus.VALID
    ).first()


def document_by_code(*, code: str) -> IssuedDocument | None:
    """The document a typed or scanned code names; None when the code is malformed or unknown."""
    canonical = document_code_normalise(code)
    if canonical is None:
        return None
    return (
        IssuedDocument.objects.select_related("replaced_by", "replaces")
        .filter(code=canonical)
        .first()
    )


def document_by_sha256(*, sha256: str) -> IssuedDocument | None:
    return IssuedDocument.objects.filter(sha256=sha256).first()


def documents_of(*, owner) -> QuerySet[IssuedDocument]:
    return IssuedDocument.objects.filter(owner=owner)


def document_signed_bytes(document: IssuedDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()
