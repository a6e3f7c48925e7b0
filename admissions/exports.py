"""Committee exports (CSV, XLSX) and the family's explanation as a PDF."""

from __future__ import annotations

import csv
import io
import logging
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from documents.signing import SIGNATURE_SPACE
from portal.core.spreadsheets import spreadsheet_safe

from .models import AllocationRun, Application, Placement
from .templatetags.admission_stats import STAT_LABELS

logger = logging.getLogger(__name__)

# Headers in the reader's language (the request's, Vietnamese by default).
COLUMNS = [
    _("Tracking code"),
    _("Child's full name"),
    _("Synthetic (demo)"),
    _("School code"),
    _("School"),
    _("Choice rank"),
    _("Distance (m)"),
    _("In the catchment"),
    _("Lottery number"),
]
SHEET_PLACEMENTS = _("Placements")
SHEET_STATISTICS = _("Statistics")


def _yes_no(value: bool) -> str:
    return str(_("yes") if value else _("no"))


def placement_rows(*, run: AllocationRun, school_id: int | None = None):
    placements = Placement.objects.filter(run=run).select_related("application", "school")
    if school_id is not None:
        placements = placements.filter(school_id=school_id)
    for p in placements.order_by("school__name", "choice_rank", "distance_m"):
        yield [spreadsheet_safe(cell) for cell in _placement_cells(p)]


def _placement_cells(p: Placement) -> list:
    return [
        p.application.tracking_code,
        p.application.child_full_name,
        _yes_no(p.application.is_synthetic),
        p.school.code if p.school else "",
        p.school.name if p.school else "",
        p.choice_rank or "",
        round(p.distance_m, 1) if p.distance_m is not None else "",
        _yes_no(p.in_catchment),
        round(p.lottery, 6),
    ]


def placements_csv(*, run: AllocationRun, school_id: int | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(c) for c in COLUMNS])
    writer.writerows(placement_rows(run=run, school_id=school_id))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel reads UTF-8


def placements_xlsx(*, run: AllocationRun, school_id: int | None = None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(SHEET_PLACEMENTS))
    sheet.append([str(c) for c in COLUMNS])
    for row in placement_rows(run=run, school_id=school_id):
        sheet.append(row)
    stats = workbook.create_sheet(str(SHEET_STATISTICS))
    for key, value in run.statistics.items():
        if not isinstance(value, dict):
            stats.append([str(STAT_LABELS.get(key, key)), value])
    stats.append([str(_("Input fingerprint (SHA-256)")), run.input_sha256])
    stats.append([str(_("Result fingerprint (SHA-256)")), run.result_sha256])
    stats.append([str(_("Lottery seed")), str(run.seed)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


FALLBACK_FONT = "Helvetica"


def pdf_font() -> str:
    """Register DejaVu Sans (Vietnamese glyphs) when present; otherwise fall back to
    Helvetica with a logged warning (diacritics will then be missing)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path = Path(settings.ADMISSIONS_PDF_FONT)
    if not path.exists():
        logger.warning("PDF font %s not found: Vietnamese diacritics will be missing", path)
        return FALLBACK_FONT
    if "PortalSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("PortalSans", str(path)))
    return "PortalSans"


def explanation_pdf(*, application: Application, placement: Placement, language: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    font = pdf_font()
    style = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=14)
    title = ParagraphStyle("title", fontName=font, fontSize=15, leading=19)
    out = io.BytesIO()
    # The bottom stays free for the signature block (documents.signing).
    doc = SimpleDocTemplate(
        out, pagesize=A4, title=application.tracking_code, bottomMargin=SIGNATURE_SPACE
    )
    with translation.override("vi" if language.startswith("vi") else "en"):
        school = placement.school.name if placement.school else "—"
        run = placement.run
        lines = [
            Paragraph(escape(gettext("Explanation of the grade-1 result")), title),
            Spacer(1, 8),
            Paragraph(
                escape(f"{application.tracking_code} — {application.child_full_name}"), style
            ),
            Paragraph(escape(gettext("School: %(school)s") % {"school": school}), style),
            Paragraph(
                escape(
                    gettext(
                        "Lottery seed %(seed)s · input SHA-256 %(input)s… · result SHA-256 "
                        "%(result)s…"
                    )
                    % {
                        "seed": run.seed,
                        "input": run.input_sha256[:16],
                        "result": run.result_sha256[:16],
                    }
                ),
                style,
            ),
            Spacer(1, 8),
            # Paragraph parses markup: names such as "Tiểu học & THCS …" must be escaped.
            Paragraph(
                escape(placement.explanation_in(language)),
                style,
            ),
        ]
        if font == FALLBACK_FONT:
            lines.append(
                Paragraph(
                    escape(gettext("(Vietnamese font unavailable: diacritics may be missing.)")),
                    style,
                )
            )
    doc.build(lines)
    return out.getvalue()
