"""Display names of schools from raw source names (OpenStreetMap and the like). Pure, no ORM.

Some OpenStreetMap mappers packed a category tag, the name, the road, the hamlet, the commune,
the district, the province and a phone number into one ``name`` tag, separated by dashes:
``THọc-Tiểu Học Bến Súc-DT744- Chợ- Thanh Tuyền-TT.Dầu Tiếng-Bình Dương-``. Families must read
``Tiểu học Bến Súc``. Importers keep the raw text next to the cleaned one for traceability.

Dashes inside ordinary names are part of the name (``Trường Tiểu học - Trung học cơ sở Khai
Nguyên``), so the name is only cut at dashes when the tag prefix proves the packed format.
"""

from __future__ import annotations

import re
import unicodedata

# The category tags seen at the start of packed names, followed by a dash: "THọc" (trường học,
# a school: the cleaned name starts with "Trường") and "KVC" (khu vui chơi, a playground).
PACKED_PREFIX = re.compile(r"^\s*(?:(?P<school>TH[oọ]c)|KVC)\s*[-–]\s*", re.IGNORECASE)
SEGMENT_SEPARATOR = re.compile(r"\s*[-–]+\s*")
# A phone number left at the end of a name: "… - 0274 3548 578".
TRAILING_PHONE = re.compile(r"\s*[-–]\s*\+?\d[\d .]{7,}\s*$")
# Generic words of school names keep their first letter as written and the rest in lower case
# ("Trường Tiểu học", not "Trường Tiểu Học"); longest first.
GENERIC_TERMS = (
    "trung học cơ sở",
    "trung học phổ thông",
    "trung học",
    "tiểu học",
    "phổ thông",
    "mầm non",
)
GENERIC_PATTERN = re.compile(
    r"\b(" + "|".join(re.escape(term) for term in GENERIC_TERMS) + r")\b", re.IGNORECASE
)


def clean_school_name(raw: str) -> str:
    """The name a family reads: NFC, single spaces, without packed address parts, tags, trailing
    phone numbers or stray dashes, generic words in Vietnamese case ("Tiểu học"). Empty in,
    empty out."""
    name = unicodedata.normalize("NFC", raw or "")
    name = " ".join(name.split())
    packed = PACKED_PREFIX.match(name)
    if packed:
        name = SEGMENT_SEPARATOR.split(name[packed.end() :], maxsplit=1)[0]
        if packed.group("school") and not name.lower().startswith("trường"):
            name = f"Trường {name}"
    name = TRAILING_PHONE.sub("", name)
    name = re.sub(r"\s*&\s*", " & ", name)
    name = name.strip(" -–,;")
    return _generic_terms_lower(name)


def _generic_terms_lower(name: str) -> str:
    def first_letter_as_written(match: re.Match) -> str:
        term = match.group(1)
        return term[0] + term[1:].lower()

    return GENERIC_PATTERN.sub(first_letter_as_written, name)
