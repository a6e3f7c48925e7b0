"""VietQR: the EMVCo merchant-presented QR payload of NAPAS 247 (spec v1.0, 09/2021). Pure.

A payload is a run of TLV objects (2-digit ID, 2-digit length, value), ID 00 first and the CRC
(ID 63) last. The account is in ID 38: GUID ``A000000727``, then the beneficiary template
(00 = bank BIN, 01 = account number) and the service code (``QRIBFTTA`` = transfer to an
account). The transfer memo is 62/08, ASCII only. The CRC is CRC-16/CCITT-FALSE (poly 0x1021,
init 0xFFFF, no reflection) over everything up to and including ``6304``; Python's
``binascii.crc_hqx`` is exactly that algorithm.
"""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass
from decimal import Decimal

from .ascii_text import FieldValueError, fold_to_ascii, non_ascii_characters

NAPAS_GUID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"
SERVICE_TO_CARD = "QRIBFTTC"
STATIC, DYNAMIC = "11", "12"  # point of initiation: reusable QR / one transaction
CURRENCY_VND = "704"
COUNTRY = "VN"
PURPOSE_MAX = 25  # 62/08 is ANS ≤ 25
AMOUNT_MAX_DIGITS = 13

_BIN = re.compile(r"^\d{6}$")
_ACCOUNT = re.compile(r"^[0-9A-Za-z]{1,19}$")


class VietQRError(FieldValueError):
    """A value cannot go into (or did not come out of) a VietQR payload: field + reason."""


@dataclass(frozen=True)
class VietQR:
    bank_bin: str
    account: str
    service: str
    amount: Decimal | None
    purpose: str
    point_of_initiation: str
    currency: str
    country: str


def crc16_ccitt_false(data: bytes) -> int:
    return binascii.crc_hqx(data, 0xFFFF)


def crc_hex(text: str) -> str:
    return f"{crc16_ccitt_false(text.encode('ascii')):04X}"


def tlv(tag: str, value: str) -> str:
    if not 1 <= len(value) <= 99:
        raise VietQRError(f"ID {tag}", f"value length {len(value)} is outside 1–99")
    return f"{tag}{len(value):02d}{value}"


def purpose_text(text: str) -> str:
    """The memo as it goes into 62/08: diacritics folded to ASCII, never cut short."""
    folded = fold_to_ascii(text)
    strange = non_ascii_characters(folded)
    if strange:
        raise VietQRError("purpose", f"characters a bank memo cannot carry: {''.join(strange)}")
    if len(folded) > PURPOSE_MAX:
        raise VietQRError(
            "purpose",
            f"{len(folded)} characters after removing diacritics; a VietQR memo holds at most "
            f"{PURPOSE_MAX} (“{folded}”)",
        )
    return folded


def _amount_text(amount: Decimal) -> str:
    if amount != amount.to_integral_value() or amount <= 0:
        raise VietQRError("amount", f"{amount} is not a positive whole number of VND")
    text = str(int(amount))
    if len(text) > AMOUNT_MAX_DIGITS:
        raise VietQRError("amount", f"more than {AMOUNT_MAX_DIGITS} digits")
    return text


def build_payload(
    *,
    bank_bin: str,
    account: str,
    amount: Decimal | None = None,
    purpose: str = "",
    service: str = SERVICE_TO_ACCOUNT,
) -> str:
    """A VietQR payload; with an amount it is a one-transaction (dynamic) QR."""
    if not _BIN.match(bank_bin):
        raise VietQRError("bin", "a bank BIN is 6 digits")
    if not _ACCOUNT.match(account):
        raise VietQRError("account", "1–19 letters or digits")
    if service not in {SERVICE_TO_ACCOUNT, SERVICE_TO_CARD}:
        raise VietQRError("service", f"{service!r} is not QRIBFTTA or QRIBFTTC")
    beneficiary = tlv("00", bank_bin) + tlv("01", account)
    parts = [
        tlv("00", "01"),
        tlv("01", STATIC if amount is None else DYNAMIC),
        tlv("38", tlv("00", NAPAS_GUID) + tlv("01", beneficiary) + tlv("02", service)),
        tlv("53", CURRENCY_VND),
    ]
    if amount is not None:
        parts.append(tlv("54", _amount_text(amount)))
    parts.append(tlv("58", COUNTRY))
    if purpose:
        parts.append(tlv("62", tlv("08", purpose_text(purpose))))
    body = "".join(parts) + "6304"
    return body + crc_hex(body)


def parse_tlv(text: str, *, where: str = "payload") -> dict[str, str]:
    """ID → value; refuses truncated objects and repeated IDs."""
    objects: dict[str, str] = {}
    position = 0
    while position < len(text):
        header = text[position : position + 4]
        if len(header) < 4 or not header.isdigit():
            raise VietQRError(where, f"malformed object header at character {position}")
        tag, length = header[:2], int(header[2:])
        value = text[position + 4 : position + 4 + length]
        if len(value) != length:
            raise VietQRError(where, f"ID {tag} is cut short")
        if tag in objects:
            raise VietQRError(where, f"ID {tag} appears twice")
        objects[tag] = value
        position += 4 + length
    return objects


def parse_payload(payload: str) -> VietQR:
    """Read a payload back, checking its CRC and the NAPAS structure."""
    if len(payload) < 8 or payload[-8:-4] != "6304":
        raise VietQRError("crc", "the payload does not end with the CRC object 63")
    if crc_hex(payload[:-4]) != payload[-4:].upper():
        raise VietQRError("crc", f"CRC {payload[-4:]} does not match {crc_hex(payload[:-4])}")
    root = parse_tlv(payload)
    if next(iter(root)) != "00" or root["00"] != "01":
        raise VietQRError("00", "the payload format indicator must come first and be 01")
    account_info = parse_tlv(root.get("38", ""), where="38")
    if account_info.get("00") != NAPAS_GUID:
        raise VietQRError("38.00", f"GUID must be {NAPAS_GUID}")
    beneficiary = parse_tlv(account_info.get("01", ""), where="38.01")
    additional = parse_tlv(root.get("62", ""), where="62")
    return VietQR(
        bank_bin=beneficiary.get("00", ""),
        account=beneficiary.get("01", ""),
        service=account_info.get("02", ""),
        amount=Decimal(root["54"]) if "54" in root else None,
        purpose=additional.get("08", ""),
        point_of_initiation=root.get("01", ""),
        currency=root.get("53", ""),
        country=root.get("58", ""),
    )
