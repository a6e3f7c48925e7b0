"""The personal-data document as a PDF (ReportLab, the documents app's Vietnamese fonts)."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from documents.fonts import document_fonts

LABELS = {
    "generated_at": gettext_lazy("Generated at"),
    "account": gettext_lazy("Account"),
    "username": gettext_lazy("User name"),
    "email": gettext_lazy("E-mail"),
    "full_name": gettext_lazy("Full name"),
    "phone": gettext_lazy("Phone"),
    "joined_at": gettext_lazy("Joined"),
    "last_login": gettext_lazy("Last log-in"),
    "applications": gettext_lazy("Grade-1 applications"),
    "dossiers": gettext_lazy("Public-service dossiers"),
    "payments": gettext_lazy("Payments"),
    "consents": gettext_lazy("Consents"),
    "staff_access": gettext_lazy("Staff who opened these records"),
    "child": gettext_lazy("Child"),
    "guardian": gettext_lazy("Parent or guardian"),
    "residence": gettext_lazy("Residence"),
    "history": gettext_lazy("History"),
    "evidence": gettext_lazy("Evidence"),
    "offers": gettext_lazy("Offers"),
    "requests": gettext_lazy("Appeals and correction requests"),
    "messages": gettext_lazy("Messages sent"),
    "attachments": gettext_lazy("Attachments"),
    "form": gettext_lazy("Form"),
}


def _label(key: str) -> str:
    return str(LABELS.get(key, key))


def personal_data_pdf(document: dict[str, Any]) -> bytes:
    regular, bold = document_fonts()
    title = ParagraphStyle("t", fontName=bold, fontSize=15, leading=19, spaceAfter=6)
    heading = ParagraphStyle("h", fontName=bold, fontSize=11.5, leading=15, spaceBefore=8)
    body = ParagraphStyle("b", fontName=regular, fontSize=9, leading=12)
    story: list = [Paragraph(escape(_("Your personal data held by the portal")), title)]

    def add(key: str, value: Any, depth: int) -> None:
        indent = ParagraphStyle(f"i{depth}", parent=body, leftIndent=depth * 5 * mm)
        if isinstance(value, dict):
            story.append(Paragraph(f"<b>{escape(_label(key))}</b>", indent))
            for k, v in value.items():
                add(k, v, depth + 1)
        elif isinstance(value, list):
            story.append(Paragraph(f"<b>{escape(_label(key))}</b> ({len(value)})", indent))
            for i, item in enumerate(value, 1):
                add(str(i), item, depth + 1)
        else:
            shown = "—" if value in (None, "") else str(value)
            story.append(Paragraph(f"{escape(_label(key))}: {escape(shown)}", indent))

    for key, value in document.items():
        if isinstance(value, (dict, list)):
            story.append(Paragraph(escape(_label(key)), heading))
            items = value.items() if isinstance(value, dict) else enumerate(value, 1)
            for k, v in items:
                add(str(k), v, 0)
            if not value:
                story.append(Paragraph("—", body))
        else:
            add(key, value, 0)
        story.append(Spacer(1, 2 * mm))
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer, pagesize=A4, title=_("Personal data"), leftMargin=18 * mm, rightMargin=18 * mm
    ).build(story)
    return buffer.getvalue()
