"""Amounts in đồng written the Vietnamese way: 1.500.000 đ, "Một triệu năm trăm nghìn đồng"."""

from __future__ import annotations

from decimal import Decimal

from num2words import num2words


def format_vnd(amount: Decimal | int) -> str:
    """Dots between thousands, whatever the page's language (it is a Vietnamese amount)."""
    return f"{int(amount):,}".replace(",", ".") + " đ"


def vnd_in_words(amount: Decimal | int) -> str:
    words = num2words(int(amount), lang="vi")
    return f"{words[:1].upper()}{words[1:]} đồng"
