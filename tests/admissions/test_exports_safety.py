"""Exports never execute family-typed text, and the PDF survives markup characters in names."""

from admissions.exports import explanation_pdf, spreadsheet_safe
from admissions.models import AllocationRun, Application, Placement
from gis.models import School


def test_formula_like_cells_are_neutralised():
    assert spreadsheet_safe('=HYPERLINK("http://evil","x")') == '\'=HYPERLINK("http://evil","x")'
    assert spreadsheet_safe("+84912345678") == "'+84912345678"
    assert spreadsheet_safe("@SUM(A1)") == "'@SUM(A1)"
    assert spreadsheet_safe("Nguyễn Minh Anh") == "Nguyễn Minh Anh"
    assert spreadsheet_safe(-12.5) == -12.5  # numbers stay numbers


def test_explanation_pdf_with_ampersands_and_angle_brackets():
    school = School(code="X", name="Trường Tiểu Học & THCS Quốc Tế Mỹ AIS")
    run = AllocationRun(seed=42, input_sha256="a" * 64, result_sha256="b" * 64)
    application = Application(tracking_code="ADM-2026-000001", child_full_name="Bé <An> & Bình")
    placement = Placement(
        run=run,
        school=school,
        application=application,
        explanation_vi="Con được xếp vào nguyện vọng 1: Trường Tiểu Học & THCS.",
        explanation_en="Placed at your 1st choice Tiểu Học & THCS.",
    )
    for language in ("vi", "en"):
        pdf = explanation_pdf(application=application, placement=placement, language=language)
        assert pdf.startswith(b"%PDF-")
        assert len(pdf) > 1000
