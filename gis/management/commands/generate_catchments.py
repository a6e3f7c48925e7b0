from django.core.management.base import BaseCommand, CommandError

from gis.constants import SchoolLevel
from gis.services import catchments_generate_drafts


class Command(BaseCommand):
    help = (
        "Generate first-draft catchments (Voronoi cells of the school points, clipped to the "
        "city) as new catchment versions for a school year."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--school-year", type=int, required=True, help="e.g. 2026 for 2026–2027"
        )
        parser.add_argument("--level", default=SchoolLevel.PRIMARY, choices=SchoolLevel.values)
        parser.add_argument(
            "--only-missing",
            action="store_true",
            help="keep every school that already has a catchment for that year",
        )

    def handle(self, *args, **opts):
        try:
            created = catchments_generate_drafts(
                school_year=opts["school_year"],
                level=opts["level"],
                only_missing=opts["only_missing"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"created {created} draft catchment(s) for {opts['school_year']}")
