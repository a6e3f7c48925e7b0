import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gis.importers.errors import ImportFileError
from gis.importers.osm_schools import import_osm_schools
from gis.importers.roads import road_network_load

from ._options import get_vintage


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--date {value!r} is not a date (YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = (
        "Import a (newer) OpenStreetMap extract (.osm.pbf): its schools (points and grounds, "
        "matched to those already loaded) and its road network for walking/driving distances."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="an OpenStreetMap extract, e.g. vietnam-latest.osm.pbf")
        parser.add_argument(
            "--date",
            help="date of the extract's data (YYYY-MM-DD); default: from the file "
            "(header timestamp, else its newest object)",
        )
        parser.add_argument("--vintage", default=settings.CURRENT_ADMIN_VINTAGE)
        parser.add_argument("--dry-run", action="store_true", help="schools: report, save nothing")
        parser.add_argument("--skip-roads", action="store_true")
        parser.add_argument("--skip-schools", action="store_true")

    def handle(self, *args, **options):
        data_date = _date(options["date"]) if options["date"] else None
        try:
            if not options["skip_schools"]:
                summary = import_osm_schools(
                    path=options["path"],
                    vintage=get_vintage(options["vintage"]),
                    data_date=data_date,
                    dry_run=options["dry_run"],
                )
                self.stdout.write(f"schools: {summary.as_text()}")
            if not options["skip_roads"] and not options["dry_run"]:
                label = f"© OpenStreetMap contributors, ODbL 1.0 ({Path(options['path']).name})"
                roads = road_network_load(path=options["path"], source=label, data_date=data_date)
                self.stdout.write(f"roads: {roads.as_text()}")
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
