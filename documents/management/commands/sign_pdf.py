from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from documents.exceptions import PdfNotSignable, SigningKeyUnavailable
from documents.signing import VisibleBlock, sign_pdf_bytes


class Command(BaseCommand):
    help = (
        "Sign any PDF (a circular, a decision…) as PAdES with the school's key. A visible "
        "signature block goes at the bottom right of the last page unless --invisible."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, metavar="IN.pdf", help="the PDF to sign")
        parser.add_argument("-o", "--output", type=Path, required=True, help="signed PDF")
        parser.add_argument("--reason", default="Văn bản do nhà trường ban hành")
        parser.add_argument("--invisible", action="store_true", help="no visible block")
        parser.add_argument(
            "--page", type=int, default=-1, help="page for the block (1 = first, -1 = last)"
        )

    def handle(self, *args, source: Path, output: Path, reason, invisible, page, **options):
        if not source.is_file():
            raise CommandError(f"{source}: no such file")
        if output.resolve() == source.resolve():
            raise CommandError("--output must differ from the input (the original stays as is)")
        if page == 0:
            raise CommandError("--page: pages count from 1 (or -1 for the last)")
        visible = None if invisible else VisibleBlock(page=page - 1 if page > 0 else page)
        try:
            signed = sign_pdf_bytes(source.read_bytes(), reason=reason, visible=visible)
        except (PdfNotSignable, SigningKeyUnavailable) as exc:
            raise CommandError(f"{source}: {exc.message}") from exc
        output.write_bytes(signed.data)
        self.stdout.write(
            f"{output}: signed by {signed.signer_name} at {signed.signed_at.isoformat()}"
        )
