"""Fonts with Vietnamese glyphs for the PDFs this app draws (DejaVu Sans, as admissions uses)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont

from .exceptions import RenderingUnavailable

REGULAR = "DocumentSans"
BOLD = "DocumentSans-Bold"


def document_fonts() -> tuple[str, str]:
    """Register the regular and bold faces once; a signed document without diacritics would be
    wrong, so a missing font is an error rather than a silent fallback."""
    regular = Path(settings.DOCUMENTS_PDF_FONT)
    bold = Path(settings.DOCUMENTS_PDF_FONT_BOLD)
    if not regular.exists():
        raise RenderingUnavailable(f"PDF font {regular} is missing (DOCUMENTS_PDF_FONT)")
    registered = pdfmetrics.getRegisteredFontNames()
    if REGULAR not in registered:
        pdfmetrics.registerFont(TTFont(REGULAR, str(regular)))
    if BOLD not in registered:
        pdfmetrics.registerFont(TTFont(BOLD, str(bold if bold.exists() else regular)))
    return REGULAR, BOLD


def size_to_fit(text: str, font: str, *, preferred: float, room: float) -> float:
    """The preferred size, or smaller so that one line of ``text`` fits in ``room`` points (a long
    school name or address shrinks rather than run into the signature block)."""
    width = stringWidth(text, font, preferred)
    return preferred if width <= room else preferred * room / width
