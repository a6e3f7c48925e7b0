"""Amounts of Vietnamese đồng in figures and in words, as receipts print them."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from num2words import num2words


def _whole_dong(amount: Decimal | int) -> int:
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValueError(f"amount {amount!r} is not a number") from exc
    if not value.is_finite() or value < 0:
        raise ValueError(f"amount {amount!r} must be zero or positive")
    if value != value.to_integral_value():
        raise ValueError(f"amount {amount!r} has fractions of a đồng, which do not exist")
    return int(value)


def vnd_in_words(amount: Decimal | int) -> str:
    """``Decimal(120000)`` → ``"Một trăm hai mươi nghìn đồng"``."""
    words = num2words(_whole_dong(amount), lang="vi")
    return f"{words[:1].upper()}{words[1:]} đồng"


def vnd_in_figures(amount: Decimal | int) -> str:
    """``Decimal(2500000)`` → ``"2.500.000 đồng"`` (dots group thousands in Vietnamese)."""
    return f"{_whole_dong(amount):,} đồng".replace(",", ".")
