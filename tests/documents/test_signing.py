"""PAdES signatures checked by pyHanko's validator against the generated CA, offline."""

import datetime as dt
import io

import pytest
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from pyhanko.pdf_utils.reader import PdfFileReader

from documents.exceptions import SigningKeyUnavailable
from documents.keys import SigningMaterial, _load_pkcs12, dev_pkcs12_bytes, signing_material
from documents.signing import VisibleBlock, sign_pdf_bytes
from documents.validation import SignatureOutcome, signature_check

from .signatures import flip_byte_inside_a_stream, plain_pdf, pyhanko_status


def test_signed_pdf_is_valid_against_the_generated_ca(generated_ca):
    signed = sign_pdf_bytes(plain_pdf(), visible=VisibleBlock(extra_lines=["Mã: TEST"]))
    status = pyhanko_status(signed.data, generated_ca)
    assert status.intact and status.valid and status.trusted
    assert status.bottom_line
    assert status.signing_cert.subject.native["common_name"] == "Trường Tiểu học thử nghiệm"
    assert status.signing_cert.subject.native["state_or_province_name"] == "Thành phố Hồ Chí Minh"
    assert status.signer_reported_dt == signed.signed_at
    # PAdES: the ETSI subfilter, not the legacy PKCS#7 one.
    sig_object = PdfFileReader(io.BytesIO(signed.data)).embedded_signatures[0].sig_object
    assert sig_object["/SubFilter"] == "/ETSI.CAdES.detached"


def test_visible_block_is_a_widget_on_the_last_page():
    signed = sign_pdf_bytes(plain_pdf(pages=3), visible=VisibleBlock())
    reader = PdfFileReader(io.BytesIO(signed.data))
    field = reader.embedded_signatures[0].sig_field
    x1, y1, x2, y2 = (float(v) for v in field["/Rect"])
    assert (x2 - x1, y2 - y1) == (250.0, 72.0)
    last_page = reader.root["/Pages"]["/Kids"][-1].get_object()
    assert any(a.get_object() == field for a in last_page["/Annots"])
    assert "/AP" in field


def test_one_modified_byte_makes_the_signature_invalid(generated_ca):
    signed = sign_pdf_bytes(plain_pdf()).data
    tampered = flip_byte_inside_a_stream(signed)
    assert tampered != signed
    status = pyhanko_status(tampered, generated_ca)
    assert not status.intact
    assert not status.bottom_line
    assert signature_check(tampered).outcome == SignatureOutcome.INVALID


def test_a_signature_by_another_ca_is_not_trusted(generated_ca, tmp_path):
    foreign_file = tmp_path / "foreign.p12"
    foreign_file.write_bytes(dev_pkcs12_bytes(organisation="Trường giả mạo"))
    foreign: SigningMaterial = _load_pkcs12(str(foreign_file), "", "", 0)
    signed = sign_pdf_bytes(plain_pdf(), material=foreign).data
    status = pyhanko_status(signed, generated_ca)
    assert status.intact and not status.trusted
    check = signature_check(signed)
    assert check.outcome == SignatureOutcome.INVALID
    assert check.intact and not check.trusted


def test_unsigned_and_unreadable_files_are_told_apart():
    assert signature_check(plain_pdf()).outcome == SignatureOutcome.UNSIGNED
    assert signature_check(b"not a pdf at all").outcome == SignatureOutcome.UNREADABLE


def test_development_key_is_created_once_and_reused():
    first = signing_material()
    assert signing_material().certificate == first.certificate
    assert first.certificate.not_valid_after_utc > dt.datetime.now(dt.UTC) + dt.timedelta(days=365)
    assert len(first.trust_roots) == 1
    assert first.trust_roots[0].subject == first.chain[0].subject


def test_production_style_pkcs12_with_passphrase_is_read(settings, tmp_path):
    key, cert, chain = pkcs12.load_key_and_certificates(
        dev_pkcs12_bytes(organisation="Trường Tiểu học Lê Văn Tám"), None
    )
    path = tmp_path / "school.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"school", key, cert, chain, BestAvailableEncryption(b"mat-khau")
        )
    )
    settings.SIGNING_PKCS12_PATH = str(path)
    settings.SIGNING_PKCS12_PASSPHRASE = "mat-khau"
    assert signing_material().signer_name == "Trường Tiểu học Lê Văn Tám"
    settings.SIGNING_PKCS12_PASSPHRASE = "sai"
    with pytest.raises(SigningKeyUnavailable, match="wrong passphrase"):
        signing_material()
