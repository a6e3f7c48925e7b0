"""PAdES signing with pyHanko and the school's key, with a visible signature block.

The block is drawn by ReportLab (so it has Vietnamese glyphs) and becomes the appearance of the
signature field; it shows the signer, the signing time (the very time written into the
signature) and any lines the caller adds, such as the document code.
"""

from __future__ import annotations

import asyncio
import binascii
import concurrent.futures
import datetime as dt
import io
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext
from pyhanko.pdf_utils import content, layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.stamp import StaticStampStyle
from reportlab.lib.colors import HexColor
from reportlab.pdfgen import canvas

from .exceptions import PdfNotSignable
from .fonts import document_fonts, size_to_fit
from .keys import SigningMaterial, signing_material
from .qr import draw_qr

FIELD_NAME = "ChuKySoNhaTruong"
BLOCK_WIDTH = 250.0
BLOCK_HEIGHT = 72.0
BLOCK_MARGIN = 36.0
# Bottom margin a page layout keeps free so the signature block never covers text.
SIGNATURE_SPACE = BLOCK_MARGIN + BLOCK_HEIGHT + 18
DISPLAY_TIME_FORMAT = "%d/%m/%Y %H:%M:%S"


@dataclass(frozen=True)
class SignedPdf:
    data: bytes
    signer_name: str
    signed_at: dt.datetime


@dataclass(frozen=True)
class VisibleBlock:
    """Where the signature block goes: page index (negative counts from the end) and the
    lower-left corner in PDF points; None places it at the bottom right of the page."""

    page: int = -1
    origin: tuple[float, float] | None = None
    extra_lines: Sequence[str] = ()
    qr_url: str = ""


def outside_event_loop[T](function: Callable[[], T]) -> T:
    """pyHanko's synchronous API calls asyncio.run(), which refuses to run inside a running loop
    (an ASGI server, Playwright's sync API in tests); run it in a worker thread there."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function).result()


class _ImportedPdfBytes(content.PdfContent):
    """pyHanko's ImportedPdfPage, reading from memory instead of a file name."""

    def __init__(self, data: bytes):
        self.data = data
        super().__init__()

    def render(self) -> bytes:
        reader = PdfFileReader(io.BytesIO(self.data))
        xobject = self._ensure_writer.import_page_as_xobject(reader, page_ix=0)
        name = "/Import" + binascii.hexlify(uuid.uuid4().bytes).decode("ascii")
        self.resources.xobject[name] = xobject
        x1, y1, x2, y2 = xobject.get_object()["/BBox"]
        self.box = layout.BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return name.encode("ascii") + b" Do"


class _ClockedPdfSigner(signers.PdfSigner):
    """Writes a chosen signing time, so that the visible block and the signature agree."""

    def __init__(self, *args, signing_time: dt.datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self._signing_time = signing_time

    def init_signing_session(self, pdf_out, existing_fields_only=False):
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self._signing_time
        return session


def signature_block_pdf(lines: Sequence[str], *, qr_url: str = "") -> bytes:
    """The visible block as a one-page PDF of exactly the block's size; with ``qr_url``, a QR
    to that address on its left (for PDFs drawn elsewhere, which carry no QR of their own)."""
    regular, bold = document_fonts()
    out = io.BytesIO()
    drawing = canvas.Canvas(out, pagesize=(BLOCK_WIDTH, BLOCK_HEIGHT))
    drawing.setStrokeColor(HexColor("#0b6e4f"))
    drawing.setLineWidth(1.2)
    drawing.rect(0.6, 0.6, BLOCK_WIDTH - 1.2, BLOCK_HEIGHT - 1.2)
    drawing.setFillColor(HexColor("#0b6e4f"))
    text_x = 7.0
    if qr_url:
        draw_qr(drawing, qr_url, x=2, y=2, size=BLOCK_HEIGHT - 4)
        text_x = BLOCK_HEIGHT + 1
        drawing.setFillColor(HexColor("#0b6e4f"))
    y = BLOCK_HEIGHT - 14
    room = BLOCK_WIDTH - text_x - 5
    for index, line in enumerate(lines):
        font = bold if index == 0 else regular
        preferred = 8.5 if index == 0 else 7.5
        drawing.setFont(font, size_to_fit(line, font, preferred=preferred, room=room))
        drawing.drawString(text_x, y, line)
        y -= 11
    drawing.showPage()
    drawing.save()
    return out.getvalue()


def _block_lines(*, signer: str, signed_at: dt.datetime, extra: Sequence[str]) -> list[str]:
    local = timezone.localtime(signed_at)
    return [
        gettext("Digitally signed"),
        gettext("Signed by: %(signer)s") % {"signer": signer},
        gettext("Time: %(time)s (GMT+7)") % {"time": local.strftime(DISPLAY_TIME_FORMAT)},
        *extra,
    ]


def _page_size(writer: IncrementalPdfFileWriter, page: int) -> tuple[float, float]:
    page_ref = writer.find_page_for_modification(page)[0]
    node = page_ref.get_object()
    while "/MediaBox" not in node and "/Parent" in node:
        node = node["/Parent"].get_object()
    x1, y1, x2, y2 = (float(v) for v in node.get("/MediaBox", [0, 0, 595.27, 841.89]))
    return abs(x2 - x1), abs(y2 - y1)


def sign_pdf_bytes(
    pdf: bytes,
    *,
    reason: str = "Văn bản do nhà trường ban hành",
    location: str = "Thành phố Hồ Chí Minh",
    visible: VisibleBlock | None = None,
    material: SigningMaterial | None = None,
) -> SignedPdf:
    """Sign ``pdf`` as PAdES (B-B) with the school's key; ``visible`` adds the signature block."""
    material = material or signing_material()
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except (PdfError, ValueError, KeyError) as exc:
        raise PdfNotSignable(f"the file is not a readable PDF: {exc}", field="pdf") from exc
    signed_at = timezone.now().replace(microsecond=0)
    field_name = _unique_field_name(writer)
    spec = None
    style = None
    if visible is not None:
        lines = _block_lines(
            signer=material.signer_name, signed_at=signed_at, extra=visible.extra_lines
        )
        width, _height = _page_size(writer, visible.page)
        x, y = visible.origin or (width - BLOCK_MARGIN - BLOCK_WIDTH, BLOCK_MARGIN)
        spec = fields.SigFieldSpec(
            field_name,
            on_page=visible.page,
            box=(int(x), int(y), int(x + BLOCK_WIDTH), int(y + BLOCK_HEIGHT)),
        )
        style = StaticStampStyle(
            background=_ImportedPdfBytes(signature_block_pdf(lines, qr_url=visible.qr_url)),
            background_opacity=1.0,
            border_width=0,
            background_layout=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MID,
                y_align=layout.AxisAlignment.ALIGN_MID,
                margins=layout.Margins.uniform(0),
            ),
        )
    signer = _ClockedPdfSigner(
        signers.PdfSignatureMetadata(
            field_name=field_name,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
            reason=reason,
            location=location,
        ),
        signer=material.pyhanko_signer(),
        stamp_style=style,
        new_field_spec=spec,
        signing_time=signed_at,
    )
    output = outside_event_loop(lambda: signer.sign_pdf(writer))
    return SignedPdf(data=output.getvalue(), signer_name=material.signer_name, signed_at=signed_at)


def _unique_field_name(writer: IncrementalPdfFileWriter) -> str:
    existing = {name for name, *_ in fields.enumerate_sig_fields(writer.prev)}
    if FIELD_NAME not in existing:
        return FIELD_NAME
    index = 2
    while f"{FIELD_NAME}{index}" in existing:
        index += 1
    return f"{FIELD_NAME}{index}"
