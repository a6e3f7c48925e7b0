"""Writes of the signed-documents app: issue, revoke, supersede; receipts and results for the
other apps (they call these; this app imports none of them)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from portal.core.exceptions import TransitionNotAllowed

from . import selectors, workflow
from .amounts import vnd_in_figures, vnd_in_words
from .codes import document_code_new
from .constants import DocumentKind, DocumentStatus
from .exceptions import DocumentInputInvalid
from .models import DocumentStatusChange, IssuedDocument
from .render import Block, DocumentPage, Fields, document_pdf
from .result_templates import result_blocks
from .signing import SignedPdf, VisibleBlock, sign_pdf_bytes

logger = logging.getLogger(__name__)

Summary = Sequence[tuple[str, str]]


def verification_url(code: str) -> str:
    base = settings.SITE_URL.rstrip("/")
    return base + reverse("documents:verify-code", kwargs={"code": code})


def _render_and_sign(*, code: str, title: str, blocks: Sequence[Block]) -> SignedPdf:
    page = DocumentPage(
        code=code,
        title=title,
        blocks=blocks,
        issuer=settings.DOCUMENTS_ISSUER_NAME,
        verify_url=verification_url(code),
        issued_at=timezone.now(),
    )
    return sign_pdf_bytes(
        document_pdf(page),
        reason=title,
        visible=VisibleBlock(extra_lines=[gettext("Document code: %(code)s") % {"code": code}]),
    )


def _sign_drawn_elsewhere(*, code: str, title: str, pdf: bytes) -> SignedPdf:
    """A PDF another app drew has no code or QR: both go into the signature block."""
    return sign_pdf_bytes(
        pdf,
        reason=title,
        visible=VisibleBlock(
            extra_lines=[gettext("Document code: %(code)s") % {"code": code}],
            qr_url=verification_url(code),
        ),
    )


def _require_text(value: str, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DocumentInputInvalid(f"{field}: required", field=field)
    return value.strip()


def _check_issue(*, kind: str, title: str) -> str:
    if kind not in DocumentKind.values:
        raise DocumentInputInvalid(f"kind: unknown document kind {kind!r}", field="kind")
    return _require_text(title, "title")


def _register(
    *,
    signed: SignedPdf,
    code: str,
    kind: str,
    title: str,
    reference: str,
    owner: AbstractBaseUser | None,
    language: str,
    public_summary: Summary,
    replaces: IssuedDocument | None,
) -> IssuedDocument:
    document = IssuedDocument(
        code=code,
        kind=kind,
        title=title,
        reference=reference,
        owner=owner,
        language=language,
        sha256=hashlib.sha256(signed.data).hexdigest(),
        size_bytes=len(signed.data),
        signer_name=signed.signer_name,
        signed_at=signed.signed_at,
        public_summary=[[str(label), str(value)] for label, value in public_summary],
        replaces=replaces,
    )
    document.file.save(f"{code}.pdf", ContentFile(signed.data), save=False)
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        # A concurrent request issued the same (kind, reference) first: keep theirs.
        document.file.delete(save=False)
        existing = selectors.document_valid_for(kind=kind, reference=reference)
        if existing is None:
            raise
        return existing
    return document


def document_issue(
    *,
    kind: str,
    title: str,
    blocks: Sequence[Block],
    owner: AbstractBaseUser | None = None,
    reference: str = "",
    public_summary: Summary = (),
    language: str = "vi",
    replaces: IssuedDocument | None = None,
) -> IssuedDocument:
    """Render ``blocks`` under ``title``, sign the PDF with the school's key and store it.

    Idempotent per (kind, reference): while a valid document exists for them it is returned
    unchanged, so a repeated message (a payment webhook delivered twice) issues nothing new.
    """
    title = _check_issue(kind=kind, title=title)
    if not blocks:
        raise DocumentInputInvalid("blocks: a document needs a body", field="blocks")
    if reference and (existing := selectors.document_valid_for(kind=kind, reference=reference)):
        return existing
    code = document_code_new()
    with translation.override(language):
        signed = _render_and_sign(code=code, title=title, blocks=blocks)
    return _register(
        signed=signed,
        code=code,
        kind=kind,
        title=title,
        reference=reference,
        owner=owner,
        language=language,
        public_summary=public_summary,
        replaces=replaces,
    )


def document_issue_pdf(
    *,
    kind: str,
    title: str,
    pdf: bytes,
    owner: AbstractBaseUser | None = None,
    reference: str = "",
    public_summary: Summary = (),
    language: str = "vi",
) -> IssuedDocument:
    """Sign and register a PDF another app drew (keep ``signing.SIGNATURE_SPACE`` free at the
    bottom of its last page); the code and the QR go into the signature block. Idempotent per
    (kind, reference) like ``document_issue``."""
    title = _check_issue(kind=kind, title=title)
    if reference and (existing := selectors.document_valid_for(kind=kind, reference=reference)):
        return existing
    code = document_code_new()
    with translation.override(language):
        signed = _sign_drawn_elsewhere(code=code, title=title, pdf=pdf)
    return _register(
        signed=signed,
        code=code,
        kind=kind,
        title=title,
        reference=reference,
        owner=owner,
        language=language,
        public_summary=public_summary,
        replaces=None,
    )


def _transition(
    *, document: IssuedDocument, to_status: str, reason: str, actor: AbstractBaseUser | None
) -> IssuedDocument:
    """The only code that changes a document's status (row lock, table check, history row)."""
    locked = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    if not workflow.can_transition(locked.status, to_status):
        raise TransitionNotAllowed(
            gettext("This document is already %(status)s.")
            % {"status": locked.get_status_display()},
            field="status",
        )
    DocumentStatusChange.objects.create(
        document=locked,
        from_status=locked.status,
        to_status=to_status,
        reason=reason,
        actor=actor,
    )
    locked.status = to_status
    locked.status_reason = reason
    locked.status_changed_at = timezone.now()
    locked.status_changed_by = actor
    locked.save(
        update_fields=[
            "status",
            "status_reason",
            "status_changed_at",
            "status_changed_by",
            "updated_at",
        ]
    )
    return locked


def document_revoke(
    *, document: IssuedDocument, reason: str, actor: AbstractBaseUser | None
) -> IssuedDocument:
    """Revoke a valid document; verification reports it revoked, with the reason."""
    reason = _require_text(reason, "reason")
    with transaction.atomic():
        return _transition(
            document=document, to_status=DocumentStatus.REVOKED, reason=reason, actor=actor
        )


def document_supersede(
    *,
    document: IssuedDocument,
    reason: str,
    actor: AbstractBaseUser | None,
    title: str,
    blocks: Sequence[Block],
    public_summary: Summary = (),
) -> IssuedDocument:
    """Replace a valid document by a corrected one (same kind, reference, owner and language);
    the old one is reported superseded and points to the new one."""
    reason = _require_text(reason, "reason")
    with transaction.atomic():
        old = _transition(
            document=document, to_status=DocumentStatus.SUPERSEDED, reason=reason, actor=actor
        )
        return document_issue(
            kind=old.kind,
            title=title,
            blocks=blocks,
            owner=old.owner,
            reference=old.reference,
            public_summary=public_summary,
            language=old.language,
            replaces=old,
        )


def receipt_issue(
    *,
    receipt_number: str,
    payer_name: str,
    amount_vnd: Decimal,
    order_code: str,
    payment_reference: str,
    paid_at: dt.datetime,
    owner: AbstractBaseUser | None = None,
) -> IssuedDocument:
    """The signed e-receipt of a settled payment; idempotent per receipt number."""
    receipt_number = _require_text(receipt_number, "receipt_number")
    payer_name = _require_text(payer_name, "payer_name")
    order_code = _require_text(order_code, "order_code")
    payment_reference = _require_text(payment_reference, "payment_reference")
    try:
        figures, words = vnd_in_figures(amount_vnd), vnd_in_words(amount_vnd)
    except ValueError as exc:
        raise DocumentInputInvalid(f"amount_vnd: {exc}", field="amount_vnd") from exc
    if not isinstance(paid_at, dt.datetime) or timezone.is_naive(paid_at):
        raise DocumentInputInvalid("paid_at: a timezone-aware date and time", field="paid_at")
    paid = timezone.localtime(paid_at).strftime("%d/%m/%Y %H:%M")
    with translation.override("vi"):
        title = gettext("Receipt")
        rows = [
            (gettext("Receipt number"), receipt_number),
            (gettext("Payer"), payer_name),
            (gettext("Amount in figures"), figures),
            (gettext("Amount in words"), words),
            (gettext("Dossier code"), order_code),
            (gettext("Payment reference"), payment_reference),
            (gettext("Paid at"), paid),
        ]
        blocks = [
            gettext("The school confirms it has received the following payment:"),
            Fields(rows),
        ]
        summary = [rows[0], rows[2], rows[4], rows[6]]
    return document_issue(
        kind=DocumentKind.RECEIPT,
        title=title,
        blocks=blocks,
        owner=owner,
        reference=receipt_number,
        public_summary=summary,
    )


def _result_content(
    *, template: str, context: Mapping[str, object], dossier_code: str, language: str
) -> tuple[str, list[Block], Summary]:
    with translation.override(language):
        title, blocks = result_blocks(template, context)
        dossier_row = (gettext("Dossier code"), dossier_code)
    return title, [Fields([dossier_row]), *blocks], [dossier_row]


def result_issue(
    *,
    template: str,
    context: Mapping[str, object],
    owner: AbstractBaseUser | None,
    dossier_code: str,
) -> IssuedDocument:
    """The signed result of an approved dossier, from one of the result templates
    (``documents.constants.ResultTemplate``); idempotent per (dossier, template)."""
    dossier_code = _require_text(dossier_code, "dossier_code")
    title, blocks, summary = _result_content(
        template=template, context=context, dossier_code=dossier_code, language="vi"
    )
    return document_issue(
        kind=DocumentKind.RESULT,
        title=title,
        blocks=blocks,
        owner=owner,
        reference=f"{dossier_code}:{template}",
        public_summary=summary,
    )


def result_supersede(
    *,
    document: IssuedDocument,
    context: Mapping[str, object],
    reason: str,
    actor: AbstractBaseUser | None,
) -> IssuedDocument:
    """Replace an issued result by a corrected one (same dossier and template, new context);
    the old one is reported superseded and links to the new one."""
    if document.kind != DocumentKind.RESULT:
        raise DocumentInputInvalid("document: not a result", field="document")
    dossier_code, template = document.reference.rsplit(":", 1)
    title, blocks, summary = _result_content(
        template=template, context=context, dossier_code=dossier_code, language=document.language
    )
    return document_supersede(
        document=document,
        reason=reason,
        actor=actor,
        title=title,
        blocks=blocks,
        public_summary=summary,
    )
