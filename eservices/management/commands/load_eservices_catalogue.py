from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from eservices.services import catalogue_load

DEFAULT_PATH = Path(settings.DATA_FIXTURES_DIR) / "eservices_procedures.json"


class Command(BaseCommand):
    help = "Load the procedure catalogue (fixtures/eservices_procedures.json) idempotently."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_PATH))

    def handle(self, *args, path, **options):
        counts = catalogue_load(Path(path))
        self.stdout.write(
            "Procedure catalogue: {created} created, {revised} revised, "
            "{unchanged} unchanged".format(**counts)
        )
