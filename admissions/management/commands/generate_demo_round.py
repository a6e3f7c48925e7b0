from django.core.management.base import BaseCommand
from tqdm import tqdm

from admissions.demo import generate_demo_round


class Command(BaseCommand):
    help = (
        "Generate a demo admission round with SYNTHETIC children (not real people) living in "
        "the real 2019 wards in proportion to the 2019 census, applying to the real schools."
    )

    def add_arguments(self, parser):
        parser.add_argument("--school-year", type=int, default=2026)
        parser.add_argument("--children", type=int, default=3000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--choices", type=int, default=3)
        parser.add_argument(
            "--if-missing", action="store_true", help="Do nothing when the round has applications."
        )

    def handle(self, *args, **options):
        from admissions.models import Application

        if (
            options["if_missing"]
            and Application.objects.filter(round__school_year=options["school_year"]).exists()
        ):
            self.stdout.write("demo round already present")
            return
        bar = tqdm(total=100, disable=options["verbosity"] == 0, desc="demo round")

        def progress(percent, message):
            bar.update(percent - bar.n)
            bar.set_postfix_str(message)

        summary = generate_demo_round(
            school_year=options["school_year"],
            children=options["children"],
            seed=options["seed"],
            choices=options["choices"],
            progress=progress,
        )
        bar.update(100 - bar.n)
        bar.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"Round {summary.round.school_year}: {summary.children} synthetic children, "
                f"{summary.schools} schools, {summary.seats} demo seats, "
                f"{summary.catchments_created} catchments generated."
            )
        )
