"""Public document codes: unguessable, easy to read aloud and type, with a check symbol.

15 random symbols of Crockford's base-32 alphabet (75 bits) and one Luhn mod-32 check symbol,
shown in groups of four: ``7KQ4-M2XP-9D3R-TB5W``. The check symbol catches any single mistyped
symbol and most swaps of neighbours before the register is asked.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_SYMBOLS = 15
GROUP = 4
# Crockford's decoding: letters people confuse with digits read as those digits.
CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def _check_symbol(payload: str) -> str:
    base = len(ALPHABET)
    total = 0
    for position, symbol in enumerate(reversed(payload)):
        value = ALPHABET.index(symbol)
        if position % 2 == 0:
            value *= 2
            value = value // base + value % base
        total += value
    return ALPHABET[(base - total % base) % base]


def document_code_new() -> str:
    payload = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_SYMBOLS))
    return document_code_format(payload + _check_symbol(payload))


def document_code_format(compact: str) -> str:
    return "-".join(compact[i : i + GROUP] for i in range(0, len(compact), GROUP))


def document_code_normalise(text: str) -> str | None:
    """The canonical form of a typed or scanned code, or None when it cannot be one of ours."""
    compact = "".join(text.split()).replace("-", "").upper().translate(CONFUSABLE)
    if len(compact) != RANDOM_SYMBOLS + 1 or any(s not in ALPHABET for s in compact):
        return None
    if _check_symbol(compact[:-1]) != compact[-1]:
        return None
    return document_code_format(compact)
