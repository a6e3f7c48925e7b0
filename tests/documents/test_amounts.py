"""Amounts of đồng in Vietnamese words and figures, as receipts print them."""

from decimal import Decimal

import pytest

from documents.amounts import vnd_in_figures, vnd_in_words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (Decimal(0), "Không đồng"),
        (Decimal(1005), "Một nghìn lẻ năm đồng"),
        (Decimal(1_000_000), "Một triệu đồng"),
        (Decimal(2_500_000_000), "Hai tỷ năm trăm triệu đồng"),
        (Decimal(120_000), "Một trăm hai mươi nghìn đồng"),
        (Decimal("150000.00"), "Một trăm năm mươi nghìn đồng"),
    ],
)
def test_amount_in_words(amount, words):
    assert vnd_in_words(amount) == words


@pytest.mark.parametrize(
    ("amount", "figures"),
    [(0, "0 đồng"), (1005, "1.005 đồng"), (2_500_000_000, "2.500.000.000 đồng")],
)
def test_amount_in_figures_groups_thousands_with_dots(amount, figures):
    assert vnd_in_figures(Decimal(amount)) == figures


@pytest.mark.parametrize(
    ("amount", "reason"),
    [(Decimal("-1"), "zero or positive"), (Decimal("10.5"), "fractions"), ("abc", "not a number")],
)
def test_impossible_amounts_are_refused_with_the_reason(amount, reason):
    with pytest.raises(ValueError, match=reason):
        vnd_in_words(amount)
