"""`sign_pdf` signs any PDF with the school's key; `signing_cert --pem` prints the trusted chain."""

import io

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from django.core.management import CommandError, call_command
from pyhanko.pdf_utils.reader import PdfFileReader

from .signatures import plain_pdf, pyhanko_status


def test_sign_pdf_signs_a_circular_visibly(tmp_path, generated_ca):
    source = tmp_path / "cong-van.pdf"
    source.write_bytes(plain_pdf(pages=2))
    target = tmp_path / "cong-van-da-ky.pdf"
    out = io.StringIO()
    call_command("sign_pdf", str(source), "-o", str(target), stdout=out)
    assert "signed by Trường Tiểu học thử nghiệm" in out.getvalue()
    signed = target.read_bytes()
    assert signed.startswith(source.read_bytes())  # an incremental update: the original is kept
    assert pyhanko_status(signed, generated_ca).bottom_line
    field = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0].sig_field
    assert "/AP" in field


def test_sign_pdf_twice_adds_a_second_valid_signature(tmp_path, generated_ca):
    source = tmp_path / "a.pdf"
    source.write_bytes(plain_pdf())
    once, twice = tmp_path / "b.pdf", tmp_path / "c.pdf"
    call_command("sign_pdf", str(source), "-o", str(once), "--invisible", stdout=io.StringIO())
    call_command("sign_pdf", str(once), "-o", str(twice), "--page", "1", stdout=io.StringIO())
    signatures = PdfFileReader(io.BytesIO(twice.read_bytes())).embedded_signatures
    assert len(signatures) == 2
    assert signatures[0].field_name != signatures[1].field_name
    assert pyhanko_status(twice.read_bytes(), generated_ca).bottom_line


def test_sign_pdf_refuses_bad_input_clearly(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("sign_pdf", str(tmp_path / "missing.pdf"), "-o", str(tmp_path / "x.pdf"))
    text = tmp_path / "ghi-chu.pdf"
    text.write_text("không phải PDF")
    with pytest.raises(CommandError, match="not a readable PDF"):
        call_command("sign_pdf", str(text), "-o", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()
    with pytest.raises(CommandError, match="must differ"):
        call_command("sign_pdf", str(text), "-o", str(text))


def test_signing_cert_pem_prints_the_chain_a_verifier_trusts(generated_ca):
    out = io.StringIO()
    call_command("signing_cert", "--pem", stdout=out)
    chain = x509.load_pem_x509_certificates(out.getvalue().encode())
    assert len(chain) == 2
    signer, root = chain
    assert signer.issuer == root.subject and root.issuer == root.subject
    assert root.public_bytes(Encoding.DER) == generated_ca.dump()
    organisation = signer.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value
    assert organisation == "Trường Tiểu học thử nghiệm"
    summary = io.StringIO()
    call_command("signing_cert", stdout=summary)
    assert "trusted root: CA nội bộ thử nghiệm" in summary.getvalue()
