"""Ask the gateway about payments whose notification never came (also a periodic task)."""

from django.core.management.base import BaseCommand

from eservices.payments.services import payments_reconcile_pending


class Command(BaseCommand):
    help = "querydr for quiet checkouts, expire stale payments, redeliver settlements."

    def handle(self, *args, **options):
        counts = payments_reconcile_pending()
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in counts.items()))
