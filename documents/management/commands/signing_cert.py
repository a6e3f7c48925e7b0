from django.core.management.base import BaseCommand, CommandError

from documents.exceptions import SigningKeyUnavailable
from documents.keys import common_name, signing_material


class Command(BaseCommand):
    help = (
        "Show the school's signing certificate and the roots a verifier trusts; --pem prints the "
        "chain (signing certificate first, then its issuers) in PEM for a PDF reader's trust list."
    )

    def add_arguments(self, parser):
        parser.add_argument("--pem", action="store_true", help="print the chain in PEM")

    def handle(self, *args, pem, **options):
        try:
            material = signing_material()
        except SigningKeyUnavailable as exc:
            raise CommandError(exc.message) from exc
        if pem:
            self.stdout.write(material.chain_pem(), ending="")
            return
        cert = material.certificate
        self.stdout.write(f"signer: {cert.subject.rfc4514_string()}")
        self.stdout.write(f"issuer: {cert.issuer.rfc4514_string()}")
        start, end = cert.not_valid_before_utc, cert.not_valid_after_utc
        self.stdout.write(f"valid: {start.isoformat()} → {end.isoformat()}")
        for root in material.trust_roots:
            self.stdout.write(f"trusted root: {common_name(root)}")
