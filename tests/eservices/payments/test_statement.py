"""Bank statements (CSV, XLSX) read into credit lines; reference matching rules. Pure."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from eservices.payments.statement import (
    Outcome,
    StatementError,
    classify,
    find_order_codes,
    parse_amount,
    read_statement,
)

CSV = (
    "Sao kê tài khoản 0071000123456\n"
    "Ngày giao dịch;Số tham chiếu;Số tiền ghi nợ;Số tiền ghi có;Nội dung\n"
    "01/12/2026 09:15:00;FT2633500001;;1.500.000;MBVCB.123 DK 260101 0001 chuyen tien\n"
    "01/12/2026 10:00:00;FT2633500002;200.000;;phi dich vu\n"
    "02/12/2026;FT2633500003;;750,000;Hoc phi DK-260101-0002\n"
)


def test_csv_with_a_preamble_reads_credits_only():
    lines = read_statement(CSV.encode("utf-8"))
    assert [(x.row, x.amount, x.bank_reference) for x in lines] == [
        (3, Decimal(1500000), "FT2633500001"),
        (5, Decimal(750000), "FT2633500003"),
    ]
    assert lines[0].booked_at == dt.datetime(2026, 12, 1, 9, 15)
    assert lines[1].description == "Hoc phi DK-260101-0002"


def test_xlsx_is_told_by_content_and_read_the_same_way():
    book = Workbook()
    sheet = book.active
    sheet.append(["Transaction date", "Reference", "Credit", "Description"])
    sheet.append([dt.datetime(2026, 12, 3, 8, 0), "FT1", 320000, "DK-260101-0003"])
    sheet.append([dt.date(2026, 12, 3), "FT2", None, "debit"])
    buffer = io.BytesIO()
    book.save(buffer)
    lines = read_statement(buffer.getvalue())
    assert len(lines) == 1
    assert (lines[0].amount, lines[0].bank_reference, lines[0].row) == (
        Decimal(320000),
        "FT1",
        2,
    )


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1.500.000", 1500000),
        ("1,500,000", 1500000),
        ("1500000", 1500000),
        ("1 500 000 VND", 1500000),
        ("150.000đ", 150000),
        ("1500000.00", 1500000),
        (320000, 320000),
    ],
)
def test_amounts_in_every_bank_spelling(text, amount):
    assert parse_amount(text, row=1) == Decimal(amount)


def test_a_fraction_of_a_dong_is_an_error_naming_row_and_column():
    with pytest.raises(StatementError) as caught:
        parse_amount("1500.5", row=7)
    assert (caught.value.row, caught.value.column) == (7, "amount")


def test_bad_date_names_its_row():
    bad = "Ngày;Ghi có;Nội dung\n32/13/2026;1000;x\n"
    with pytest.raises(StatementError, match="row 2, column date"):
        read_statement(bad.encode())


def test_a_file_without_the_needed_columns_is_refused():
    with pytest.raises(StatementError, match="no header row"):
        read_statement(b"a,b,c\n1,2,3\n")


def test_order_codes_found_whatever_the_bank_did_to_the_punctuation():
    codes = ["DK-260101-0001", "DK-260101-0002", "AB1"]
    assert find_order_codes("MBVCB.123 DK 260101 0001 chuyen tien", codes) == ["DK-260101-0001"]
    assert find_order_codes("dk2601010002", codes) == ["DK-260101-0002"]
    assert find_order_codes("AB1 too short to trust", codes) == []


@pytest.mark.parametrize(
    ("amount", "expected", "paid", "outcome"),
    [
        (100, 100, False, Outcome.MATCHED),
        (90, 100, False, Outcome.SHORT),
        (110, 100, False, Outcome.OVER),
        (100, 100, True, Outcome.DUPLICATE),
        (100, None, False, Outcome.UNMATCHED),
    ],
)
def test_classification(amount, expected, paid, outcome):
    value = None if expected is None else Decimal(expected)
    assert classify(Decimal(amount), expected=value, already_paid=paid) == outcome
