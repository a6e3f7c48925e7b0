"""Bank statements (CSV or XLSX) read into credit lines, and the rule that matches a line to an
order code. Pure: no Django, no ORM.

Banks name their columns differently; a column is recognised by its header with diacritics,
case and punctuation ignored ("Số tiền ghi có" = "so tien ghi co" = "Credit"). Only credits
(money in) are read. VND has no minor unit, so "1.500.000", "1,500,000" and "1500000" are all
1 500 000 đồng; a fraction is an error, never rounded.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from .ascii_text import fold_to_ascii

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "date": (
        "ngaygiaodich",
        "ngaygd",
        "ngayhachtoan",
        "ngay",
        "thoigian",
        "transactiondate",
        "postingdate",
        "date",
    ),
    "amount": (
        "sotienghico",
        "ghico",
        "sotienco",
        "sotien",
        "credit",
        "creditamount",
        "amount",
    ),
    "description": (
        "noidunggiaodich",
        "noidung",
        "diengiai",
        "mota",
        "description",
        "details",
        "remark",
    ),
    "reference": (
        "sothamchieu",
        "magiaodich",
        "magd",
        "sobuttoan",
        "reference",
        "transactionid",
        "ref",
    ),
}
REQUIRED_COLUMNS = ("date", "amount", "description")
HEADER_SEARCH_ROWS = 20
MIN_REFERENCE_LENGTH = 6
XLSX_MAGIC = b"PK\x03\x04"

_GROUPED = re.compile(r"^\d{1,3}([.,])\d{3}(\1\d{3})*$")
_WITH_ZERO_CENTS = re.compile(r"^(\d+)[.,]0{1,2}$")
_DATE_FORMATS = (
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d",
)


class StatementError(ValueError):
    """The file cannot be read: names the row and column at fault."""

    def __init__(self, reason: str, *, row: int | None = None, column: str | None = None):
        where = ", ".join(
            part
            for part in (f"row {row}" if row else "", f"column {column}" if column else "")
            if part
        )
        super().__init__(f"{where}: {reason}" if where else reason)
        self.row = row
        self.column = column
        self.reason = reason


@dataclass(frozen=True)
class StatementLine:
    row: int
    booked_at: dt.datetime
    amount: Decimal
    description: str
    bank_reference: str

    @property
    def key(self) -> str:
        """Identity of the bank transaction, so an overlapping statement never counts it twice."""
        if self.bank_reference:
            return f"ref:{self.bank_reference}"
        digest = hashlib.sha256(
            f"{self.booked_at.isoformat()}|{self.amount}|{self.description}".encode()
        ).hexdigest()
        return f"sha256:{digest}"


class Outcome(StrEnum):
    MATCHED = "matched"
    UNMATCHED = "unmatched"
    SHORT = "short"
    OVER = "over"
    DUPLICATE = "duplicate"


def _header_key(text: object) -> str:
    return re.sub(r"[^a-z0-9]", "", fold_to_ascii(str(text or "")).lower())


def _find_columns(header: list[object]) -> dict[str, int] | None:
    keys = [_header_key(cell) for cell in header]
    columns: dict[str, int] = {}
    for name, aliases in COLUMN_ALIASES.items():
        for alias in aliases:
            if alias in keys:
                columns[name] = keys.index(alias)
                break
    return columns if all(name in columns for name in REQUIRED_COLUMNS) else None


def parse_amount(value: object, *, row: int) -> Decimal | None:
    """A credit in whole VND; None for an empty cell (a debit line)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        amount = Decimal(str(value))
    else:
        text = re.sub(r"(?i)\s|vn[dđ]|đ", "", str(value))
        if _GROUPED.match(text):
            text = re.sub(r"[.,]", "", text)
        elif match := _WITH_ZERO_CENTS.match(text):
            text = match.group(1)
        try:
            amount = Decimal(text)
        except InvalidOperation as exc:
            raise StatementError(f"{value!r} is not an amount", row=row, column="amount") from exc
    if amount != amount.to_integral_value():
        raise StatementError(f"{value!r} is not a whole number of VND", row=row, column="amount")
    return amount if amount > 0 else None


def parse_date(value: object, *, row: int) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    text = str(value or "").strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise StatementError(f"{text!r} is not a date (dd/mm/yyyy)", row=row, column="date")


def _csv_rows(content: bytes) -> Iterator[list[object]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StatementError("a CSV statement must be UTF-8") from exc
    # The delimiter is the one with which a header row can be found (banks use , ; or tab,
    # and amounts like "750,000" fool frequency-based sniffing).
    for delimiter in (";", ",", "\t"):
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        if any(_find_columns(row) for row in rows[:HEADER_SEARCH_ROWS]):
            yield from rows
            return
    yield from csv.reader(io.StringIO(text))


def _xlsx_rows(content: bytes) -> Iterator[list[object]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise StatementError(f"not a readable XLSX workbook ({exc.__class__.__name__})") from exc
    for values in workbook.worksheets[0].iter_rows(values_only=True):
        yield list(values)


def read_statement(content: bytes) -> list[StatementLine]:
    """All credit lines of a statement; the format is told by the content, not the file name."""
    rows = _xlsx_rows(content) if content.startswith(XLSX_MAGIC) else _csv_rows(content)
    columns = None
    lines: list[StatementLine] = []
    for number, row in enumerate(rows, start=1):
        if columns is None:
            columns = _find_columns(row)
            if columns is None and number >= HEADER_SEARCH_ROWS:
                break
            continue
        if not any(cell not in (None, "") for cell in row):
            continue
        line = _line(row, columns, number)
        if line is not None:
            lines.append(line)
    if columns is None:
        raise StatementError(
            "no header row with a date, an amount (credit) and a description column was found"
        )
    return lines


def _line(row: list[object], columns: Mapping[str, int], number: int) -> StatementLine | None:
    def cell(name: str) -> object:
        index = columns.get(name)
        return row[index] if index is not None and index < len(row) else None

    amount = parse_amount(cell("amount"), row=number)
    if amount is None:
        return None
    return StatementLine(
        row=number,
        booked_at=parse_date(cell("date"), row=number),
        amount=amount,
        description=str(cell("description") or "").strip(),
        bank_reference=str(cell("reference") or "").strip(),
    )


def normalise_reference(text: str) -> str:
    """Banks drop punctuation and case from memos: compare letters and digits only."""
    return re.sub(r"[^A-Z0-9]", "", fold_to_ascii(text).upper())


def find_order_codes(description: str, codes: Iterable[str]) -> list[str]:
    """The order codes whose letters and digits appear in the memo."""
    memo = normalise_reference(description)
    found = []
    for code in codes:
        key = normalise_reference(code)
        if len(key) >= MIN_REFERENCE_LENGTH and key in memo:
            found.append(code)
    return found


def classify(amount: Decimal, *, expected: Decimal | None, already_paid: bool) -> Outcome:
    """What a credit means for the order it names (None = no single order named)."""
    if expected is None:
        return Outcome.UNMATCHED
    if already_paid:
        return Outcome.DUPLICATE
    if amount < expected:
        return Outcome.SHORT
    if amount > expected:
        return Outcome.OVER
    return Outcome.MATCHED
