"""Validate the signatures of a PDF with pyHanko against the school's trust roots, offline."""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from .keys import SigningMaterial, signing_material, to_asn1_certificate
from .signing import outside_event_loop

logger = logging.getLogger(__name__)


class SignatureOutcome(models.TextChoices):
    VALID = "valid", _("Valid signature")
    INVALID = "invalid", _("Invalid signature")
    UNSIGNED = "unsigned", _("No signature")
    UNREADABLE = "unreadable", _("Not a readable PDF")


@dataclass(frozen=True)
class SignatureCheck:
    outcome: SignatureOutcome
    signer: str = ""
    signed_at: dt.datetime | None = None
    intact: bool = False
    trusted: bool = False
    signatures: int = 0

    @property
    def is_valid(self) -> bool:
        return self.outcome == SignatureOutcome.VALID


def validation_context(material: SigningMaterial) -> ValidationContext:
    return ValidationContext(
        trust_roots=[to_asn1_certificate(c) for c in material.trust_roots],
        allow_fetching=False,
    )


def signature_check(pdf: bytes, *, material: SigningMaterial | None = None) -> SignatureCheck:
    """Every signature must be intact, trusted (chain to the school's root) and cover the file up
    to its end, except for the changes PAdES allows; the last one names the signer and time."""
    material = material or signing_material()
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        logger.info("uploaded PDF could not be read: %s", exc)
        return SignatureCheck(outcome=SignatureOutcome.UNREADABLE)
    if not signatures:
        return SignatureCheck(outcome=SignatureOutcome.UNSIGNED)
    context = validation_context(material)
    try:
        statuses = [
            outside_event_loop(lambda s=signature: validate_pdf_signature(s, context))
            for signature in signatures
        ]
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        logger.info("signature could not be validated: %s", exc)
        return SignatureCheck(outcome=SignatureOutcome.INVALID, signatures=len(signatures))
    last = statuses[-1]
    valid = all(status.bottom_line for status in statuses)
    return SignatureCheck(
        outcome=SignatureOutcome.VALID if valid else SignatureOutcome.INVALID,
        signer=last.signing_cert.subject.native.get("common_name", "") if last.signing_cert else "",
        signed_at=last.signer_reported_dt,
        intact=all(status.intact for status in statuses),
        trusted=all(status.trusted for status in statuses),
        signatures=len(signatures),
    )
