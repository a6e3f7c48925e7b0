"""What the public verification page reports for a code or an uploaded PDF.

The verdict combines pyHanko's check of the signature (against the school's roots, offline) with
the register: a document that is intact but revoked or superseded is reported as such.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import selectors
from .constants import DocumentStatus
from .models import IssuedDocument
from .validation import SignatureCheck, SignatureOutcome, signature_check


class Verdict(models.TextChoices):
    VALID = "valid", _("Valid")
    INVALID = "invalid", _("Invalid")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Superseded")
    NOT_REGISTERED = "not_registered", _("Signed by the school, not in the register")


@dataclass(frozen=True)
class VerificationReport:
    verdict: Verdict
    signature: SignatureCheck
    document: IssuedDocument | None


def _verdict(signature: SignatureCheck, document: IssuedDocument | None) -> Verdict:
    if signature.outcome != SignatureOutcome.VALID:
        return Verdict.INVALID
    if document is None:
        return Verdict.NOT_REGISTERED
    return {
        DocumentStatus.VALID: Verdict.VALID,
        DocumentStatus.REVOKED: Verdict.REVOKED,
        DocumentStatus.SUPERSEDED: Verdict.SUPERSEDED,
    }[DocumentStatus(document.status)]


def verification_by_code(code: str) -> VerificationReport | None:
    """None when no document has that code; otherwise the stored file is checked afresh, so a
    file altered in storage is reported invalid too."""
    document = selectors.document_by_code(code=code)
    if document is None:
        return None
    data = selectors.document_signed_bytes(document)
    signature = signature_check(data)
    if hashlib.sha256(data).hexdigest() != document.sha256:
        signature = SignatureCheck(outcome=SignatureOutcome.INVALID, signer=signature.signer)
    return VerificationReport(_verdict(signature, document), signature, document)


def verification_of_upload(data: bytes) -> VerificationReport:
    """An uploaded file is matched to the register by the SHA-256 of its exact bytes."""
    signature = signature_check(data)
    document = selectors.document_by_sha256(sha256=hashlib.sha256(data).hexdigest())
    return VerificationReport(_verdict(signature, document), signature, document)
