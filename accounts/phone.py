"""Vietnamese mobile numbers: accept 0912345678, +84912345678, 84 912 345 678; store 0912345678."""

from __future__ import annotations

import re

# Mobile prefixes after the 2018 renumbering: 03x, 05x, 07x, 08x, 09x (10 digits with the 0).
_MOBILE = re.compile(r"^0(3[2-9]|5[25689]|7[06-9]|8[1-9]|9\d)\d{7}$")


def normalize_vn_mobile(raw: str) -> str | None:
    """The national 10-digit form of a Vietnamese mobile number, or None if it is not one."""
    digits = re.sub(r"[\s.\-()]", "", raw or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits if _MOBILE.match(digits) else None


def looks_like_phone(raw: str) -> bool:
    return bool(raw) and "@" not in raw and any(ch.isdigit() for ch in raw)
