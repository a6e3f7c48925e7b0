"""Draw a school document as PDF: the national heading, the title, the body, and on every page the
document code with a QR to its verification page. The bottom of each page stays free for the
signature block that signing adds to the last page."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext
from reportlab.lib.colors import black
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .fonts import document_fonts, size_to_fit
from .qr import draw_qr
from .signing import BLOCK_MARGIN, BLOCK_WIDTH, SIGNATURE_SPACE

QR_SIZE = 26 * mm


@dataclass(frozen=True)
class Fields:
    """Label/value rows drawn as a two-column table (receipts, record books)."""

    rows: Sequence[tuple[str, str]]


Block = str | Fields


@dataclass(frozen=True)
class DocumentPage:
    code: str
    title: str
    blocks: Sequence[Block]
    issuer: str
    verify_url: str
    issued_at: dt.datetime


def _styles(regular: str, bold: str) -> dict[str, ParagraphStyle]:
    return {
        "heading": ParagraphStyle("heading", fontName=bold, fontSize=10, leading=13),
        "motto": ParagraphStyle(
            "motto", fontName=bold, fontSize=10, leading=13, alignment=TA_CENTER
        ),
        "title": ParagraphStyle(
            "title", fontName=bold, fontSize=15, leading=20, alignment=TA_CENTER, spaceAfter=10
        ),
        "body": ParagraphStyle("body", fontName=regular, fontSize=11, leading=15, spaceAfter=6),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=10.5, leading=13.5),
        "label": ParagraphStyle("label", fontName=bold, fontSize=10.5, leading=13.5),
        "date": ParagraphStyle(
            "date", fontName=regular, fontSize=10.5, leading=14, alignment=TA_CENTER
        ),
    }


def _header(page: DocumentPage, styles: dict[str, ParagraphStyle]) -> Table:
    # Decree 30/2020/NĐ-CP: issuing body on the left, the national motto on the right.
    left = Paragraph(escape(page.issuer.upper()), styles["heading"])
    right = [
        Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", styles["motto"]),
        Paragraph("Độc lập - Tự do - Hạnh phúc", styles["motto"]),
    ]
    table = Table([[left, right]], colWidths=[70 * mm, 100 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _fields_table(block: Fields, styles: dict[str, ParagraphStyle]) -> Table:
    rows = [
        [Paragraph(escape(label), styles["label"]), Paragraph(escape(value), styles["cell"])]
        for label, value in block.rows
    ]
    table = Table(rows, colWidths=[55 * mm, 115 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.4, black),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _footer(page: DocumentPage, regular: str, bold: str):
    # Translated once, in the language active while the document is built.
    labels = {
        "code": gettext("Document code: %(code)s") % {"code": page.code},
        "verify": gettext("Verify the signature and the status at:"),
    }

    def draw(drawing, doc) -> None:
        drawing.saveState()
        draw_qr(drawing, page.verify_url, x=BLOCK_MARGIN, y=BLOCK_MARGIN - 6, size=QR_SIZE)
        text_x = BLOCK_MARGIN + QR_SIZE + 6
        # Left of the signature block, which takes the bottom right of the last page.
        room = doc.pagesize[0] - BLOCK_MARGIN - BLOCK_WIDTH - 8 - text_x
        lines = [
            (bold, 9.0, labels["code"]),
            (regular, 7.5, labels["verify"]),
            (regular, 7.5, page.verify_url),
            (regular, 7.5, gettext("Page %(page)s") % {"page": doc.page}),
        ]
        for index, (font, preferred, text) in enumerate(lines):
            drawing.setFont(font, size_to_fit(text, font, preferred=preferred, room=room))
            drawing.drawString(text_x, BLOCK_MARGIN + 52 - 12 * index, text)
        drawing.restoreState()

    return draw


def document_pdf(page: DocumentPage) -> bytes:
    regular, bold = document_fonts()
    styles = _styles(regular, bold)
    local = timezone.localtime(page.issued_at)
    story = [
        _header(page, styles),
        Spacer(1, 6 * mm),
        Paragraph(
            escape(
                gettext("%(place)s, %(day)s/%(month)s/%(year)s")
                % {
                    "place": gettext("Ho Chi Minh City"),
                    "day": f"{local.day:02d}",
                    "month": f"{local.month:02d}",
                    "year": local.year,
                }
            ),
            styles["date"],
        ),
        Spacer(1, 6 * mm),
        Paragraph(escape(page.title.upper()), styles["title"]),
    ]
    for block in page.blocks:
        if isinstance(block, Fields):
            story += [_fields_table(block, styles), Spacer(1, 4 * mm)]
        else:
            story.append(Paragraph(escape(block), styles["body"]))
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=f"{page.title} — {page.code}",
        author=page.issuer,
        subject=page.code,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=SIGNATURE_SPACE,
    )
    footer = _footer(page, regular, bold)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
