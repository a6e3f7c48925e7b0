"""VietQR payloads built, parsed back field by field, CRC checked; the management command."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from eservices.payments import vietqr


def test_crc_is_ccitt_false_with_the_standard_check_value():
    assert vietqr.crc16_ccitt_false(b"123456789") == 0x29B1
    assert vietqr.crc_hex("123456789") == "29B1"


def test_payload_layout_and_fields_parse_back():
    payload = vietqr.build_payload(
        bank_bin="970436",
        account="0071000123456",
        amount=Decimal(150000),
        purpose="Học phí ĐK-260101-0001",
    )
    # Root objects in order, written out by hand from the NAPAS tables.
    account_info = "0010A000000727" + "0127" + "0006970436" + "01130071000123456" + "0208QRIBFTTA"
    expected_body = (
        "000201"
        + "010212"
        + f"38{len(account_info):02d}{account_info}"
        + "5303704"
        + "5406150000"
        + "5802VN"
        + "6226" + "0822Hoc phi DK-260101-0001"
        + "6304"
    )  # fmt: skip
    assert payload[:-4] == expected_body
    assert payload[-4:] == vietqr.crc_hex(expected_body)
    parsed = vietqr.parse_payload(payload)
    assert parsed.bank_bin == "970436"
    assert parsed.account == "0071000123456"
    assert parsed.service == "QRIBFTTA"
    assert parsed.amount == Decimal(150000)
    assert parsed.purpose == "Hoc phi DK-260101-0001"
    assert parsed.point_of_initiation == "12"
    assert parsed.currency == "704"
    assert parsed.country == "VN"


def test_without_amount_the_qr_is_static():
    payload = vietqr.build_payload(bank_bin="970418", account="12345678")
    parsed = vietqr.parse_payload(payload)
    assert parsed.point_of_initiation == "11"
    assert parsed.amount is None
    assert "54" not in vietqr.parse_tlv(payload)


def test_a_changed_character_breaks_the_crc():
    payload = vietqr.build_payload(bank_bin="970436", account="1", amount=Decimal(5000))
    tampered = payload.replace("54045000", "54049000")
    with pytest.raises(vietqr.VietQRError, match="crc"):
        vietqr.parse_payload(tampered)


def test_too_long_purpose_is_an_error_never_truncated():
    with pytest.raises(vietqr.VietQRError) as caught:
        vietqr.build_payload(
            bank_bin="970436", account="1", purpose="Tiền ăn bán trú tháng mười hai năm 2026"
        )
    assert caught.value.field == "purpose"
    assert "at most 25" in str(caught.value)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"bank_bin": "97043", "account": "1"}, "bin"),
        ({"bank_bin": "970436", "account": "12-34"}, "account"),
        ({"bank_bin": "970436", "account": "1", "amount": Decimal("10.5")}, "amount"),
        ({"bank_bin": "970436", "account": "1", "purpose": "Thanh toán 😀"}, "purpose"),
    ],
)
def test_bad_values_name_their_field(kwargs, field):
    with pytest.raises(vietqr.VietQRError) as caught:
        vietqr.build_payload(**kwargs)
    assert caught.value.field == field


def test_command_prints_the_payload(capsys):
    call_command(
        "vietqr", "--bin", "970436", "--account", "0071000123456", "--amount", "150000",
        "--purpose", "Học phí HS-0001",
    )  # fmt: skip
    printed = capsys.readouterr().out.strip()
    parsed = vietqr.parse_payload(printed)
    assert (parsed.bank_bin, parsed.account, parsed.amount, parsed.purpose) == (
        "970436",
        "0071000123456",
        Decimal(150000),
        "Hoc phi HS-0001",
    )


def test_command_refuses_a_purpose_that_does_not_fit():
    with pytest.raises(CommandError, match="purpose: 39 characters"):
        call_command(
            "vietqr", "--bin", "970436", "--account", "1", "--amount", "1000",
            "--purpose", "Tiền ăn bán trú tháng mười hai năm 2026",
        )  # fmt: skip
