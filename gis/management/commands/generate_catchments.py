from django.core.management.base import BaseCommand, CommandError

from gis.constants import DistanceMetric, SchoolLevel
from gis.services import catchments_generate_drafts


class Command(BaseCommand):
    help = (
        "Generate first-draft catchments (Voronoi cells of the school points, or with "
        "--metric walking|driving the area nearest to each school by road, clipped to the "
        "city) as new catchment versions for a school year."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--school-year", type=int, required=True, help="e.g. 2026 for 2026–2027"
        )
        parser.add_argument("--level", default=SchoolLevel.PRIMARY, choices=SchoolLevel.values)
        parser.add_argument(
            "--metric",
            choices=DistanceMetric.values,
            default=DistanceMetric.STRAIGHT,
            help="straight: Voronoi cells; walking/driving: nearest school by road",
        )
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
                metric=opts["metric"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"created {created} draft catchment(s) for {opts['school_year']}")
