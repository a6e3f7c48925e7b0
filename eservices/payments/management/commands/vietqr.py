"""Print a VietQR payload: python manage.py vietqr --bin 970436 --account 0071000123456
--amount 150000 --purpose "Học phí HS-0001"."""

from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError

from eservices.payments.vietqr import VietQRError, build_payload


class Command(BaseCommand):
    help = "Print the VietQR (NAPAS 247 EMVCo) payload for a transfer to a bank account."

    def add_arguments(self, parser):
        parser.add_argument("--bin", required=True, help="bank BIN, 6 digits (e.g. 970436)")
        parser.add_argument("--account", required=True, help="account number")
        parser.add_argument("--amount", help="amount in VND (whole đồng); omit for a static QR")
        parser.add_argument("--purpose", default="", help="memo; diacritics are removed")

    def handle(self, *args, **options):
        amount = None
        if options["amount"] is not None:
            try:
                amount = Decimal(options["amount"])
            except InvalidOperation as exc:
                raise CommandError(f"amount: {options['amount']!r} is not a number") from exc
        try:
            payload = build_payload(
                bank_bin=options["bin"],
                account=options["account"],
                amount=amount,
                purpose=options["purpose"],
            )
        except VietQRError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(payload)
