"""Helpers to check signatures independently of the code under test (pyHanko directly)."""

import io
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from reportlab.pdfgen import canvas

from documents.keys import DEV_PKCS12_NAME, dev_pkcs12_ensure


def generated_ca_root() -> asn1_x509.Certificate:
    """The root certificate of the development CA the portal generated, read from its own
    PKCS#12 file."""
    path = dev_pkcs12_ensure(Path(settings.SIGNING_DEV_DIR))
    assert path.name == DEV_PKCS12_NAME
    _key, _cert, chain = pkcs12.load_key_and_certificates(path.read_bytes(), None)
    roots = [c for c in chain if c.subject == c.issuer]
    assert len(roots) == 1
    return asn1_x509.Certificate.load(roots[0].public_bytes(serialization.Encoding.DER))


def pyhanko_status(pdf: bytes, root):
    """pyHanko's own verdict on the last signature, trusting only ``root``, offline."""
    signature = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures[-1]
    context = ValidationContext(trust_roots=[root], allow_fetching=False)
    return validate_pdf_signature(signature, context)


def plain_pdf(text: str = "Thông báo của nhà trường", pages: int = 1) -> bytes:
    out = io.BytesIO()
    drawing = canvas.Canvas(out)
    for page in range(pages):
        drawing.drawString(72, 720, f"{text} — {page + 1}")
        drawing.showPage()
    drawing.save()
    return out.getvalue()


def flip_byte_inside_a_stream(pdf: bytes) -> bytes:
    """Change one byte of stream data inside the signed range: the file still parses, but the
    signed digest no longer matches."""
    start = pdf.index(b"stream", 200) + len(b"stream\n") + 8
    changed = bytearray(pdf)
    changed[start] ^= 0x01
    return bytes(changed)
