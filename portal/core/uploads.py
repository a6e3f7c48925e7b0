"""Uploaded files: the type is sniffed from the first bytes, never trusted from the browser,
and the size is limited before anything is read."""

from __future__ import annotations

from collections.abc import Collection

from django.utils.translation import gettext as _

from portal.core.exceptions import InvalidInput

PDF, JPEG, PNG, WEBP = "application/pdf", "image/jpeg", "image/png", "image/webp"
HEAD_BYTES = 16  # enough for every signature below

_SIGNATURES = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
)


def sniff_content_type(head: bytes, *, accept: Collection[str]) -> str | None:
    """The content type of a file starting with `head`, or None when it is none of `accept`."""
    for magic, content_type in _SIGNATURES:
        if head.startswith(magic):
            return content_type if content_type in accept else None
    if WEBP in accept and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def upload_check(
    upload, *, max_bytes: int, accept: Collection[str], field: str, wrong_type: str
) -> str:
    """The sniffed content type of `upload`, left at its start; InvalidInput on `field` when
    it is larger than `max_bytes` or not of a type in `accept` (message `wrong_type`)."""
    if upload.size > max_bytes:
        raise InvalidInput(
            _("The file is larger than %(mb)s MB.") % {"mb": max_bytes // (1024 * 1024)},
            field=field,
        )
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    content_type = sniff_content_type(head, accept=accept)
    if content_type is None:
        raise InvalidInput(wrong_type, field=field)
    return content_type
