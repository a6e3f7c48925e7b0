from django.core.management.base import BaseCommand

from gis.hcmc_data import hcmc_data_is_current, load_hcmc_data


class Command(BaseCommand):
    help = "Load the real Ho Chi Minh City geography and schools from fixtures/ (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-changed",
            action="store_true",
            help="do nothing when the database already holds these fixture files",
        )

    def handle(self, *args, **options):
        if options["if_changed"] and hcmc_data_is_current():
            self.stdout.write("HCMC data already loaded and unchanged.")
            return
        load_hcmc_data(log=self.stdout.write)
