from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Everything `make run` needs in one process: migrate, compile translations, load the "
        "real HCMC data when it changed, create the demo admin."
    )

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("compilemessages", verbosity=0, ignore_patterns=[".venv"])
        call_command("load_hcmc_data", if_changed=True, stdout=self.stdout)
        call_command("load_eservices_catalogue", stdout=self.stdout)
        # The demo portal draws schools with unknown positions at marked demo positions.
        call_command("place_demo_schools", stdout=self.stdout)
        # A small synthetic grade-1 round on the real map, so the committee pages have data.
        call_command(
            "generate_demo_round",
            school_year=2026,
            children=3000,
            seed=2026,
            if_missing=True,
            stdout=self.stdout,
        )
        call_command("surveys_setup", stdout=self.stdout)
        call_command("setup_roles", stdout=self.stdout)
        call_command("ensure_demo_admin", stdout=self.stdout)
