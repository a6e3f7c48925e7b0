import datetime as dt

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from privacy.services import anonymise_due


class Command(BaseCommand):
    help = (
        "Anonymise applications and dossiers whose round or dossier closed more than "
        "PERSONAL_DATA_RETENTION_MONTHS months ago (idempotent; run daily)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=None)
        parser.add_argument("--now", type=dt.datetime.fromisoformat, default=None)

    def handle(self, *args, months=None, now=None, **options):
        result = anonymise_due(now=now, months=months)
        self.stdout.write(
            _("Anonymised %(a)s applications and %(d)s dossiers.")
            % {"a": result.applications, "d": result.dossiers}
        )
