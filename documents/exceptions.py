"""Errors of the signed-documents app, mapped to problem+json by the shared handler."""

from portal.core.exceptions import DomainError, InvalidInput


class SigningKeyUnavailable(DomainError):
    """The school's signing key could not be loaded (missing file, wrong passphrase…)."""

    status_code = 503
    code = "signing_key_unavailable"


class DocumentInputInvalid(InvalidInput):
    code = "document_input_invalid"


class RenderingUnavailable(DomainError):
    """A resource needed to draw the PDF (its Vietnamese font) is missing."""

    status_code = 503
    code = "rendering_unavailable"


class PdfNotSignable(InvalidInput):
    code = "pdf_not_signable"
