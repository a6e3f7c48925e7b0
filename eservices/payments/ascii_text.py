"""Vietnamese text folded to plain ASCII, for payment memos that banks and VNPay require
without diacritics ("Thanh toán hồ sơ" → "Thanh toan ho so"). Pure: no Django."""

from __future__ import annotations

import re
import unicodedata

# Đ/đ is a letter of its own, not D plus a combining mark, so NFD leaves it alone.
_LETTERS = str.maketrans({"Đ": "D", "đ": "d"})
_SPACES = re.compile(r"\s+")


def fold_to_ascii(text: str) -> str:
    """Strip Vietnamese diacritics and collapse whitespace; other non-ASCII stays as it is
    (callers decide whether that is an error)."""
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTERS))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", unicodedata.normalize("NFC", stripped)).strip()


def non_ascii_characters(text: str) -> list[str]:
    return sorted({ch for ch in text if not (" " <= ch <= "~")})


class FieldValueError(ValueError):
    """A value cannot go into a payment message: names the field and the reason."""

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
