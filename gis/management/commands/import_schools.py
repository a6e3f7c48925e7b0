from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gis.constants import LocationSource
from gis.importers.errors import ImportFileError
from gis.importers.schools import SchoolColumns, import_schools

from ._options import add_common_options, get_vintage, report


class Command(BaseCommand):
    help = "Import schools (upsert by code); each school's ward is computed from its point."

    def add_arguments(self, parser):
        add_common_options(parser)
        parser.add_argument(
            "--code-field",
            default="code",
            help="column with a stable code; empty → generated from ward and name",
        )
        parser.add_argument("--code-prefix", default="")
        parser.add_argument("--name-field", default="name")
        parser.add_argument("--name-en-field")
        parser.add_argument("--level", help="level of every row (primary, lower_secondary, …)")
        parser.add_argument("--level-field")
        parser.add_argument("--address-fields", default="", help="comma-separated, joined in order")
        parser.add_argument("--reported-ward-field", help="ward code the source gives (kept apart)")
        parser.add_argument("--grade1-classes-field")
        parser.add_argument(
            "--location-source", choices=LocationSource.values, default=LocationSource.SURVEYED
        )
        parser.add_argument("--source", default="", help="data source / licence text")
        parser.add_argument(
            "--without-geometry",
            action="store_true",
            help="the file has no positions: schools are imported unplaced",
        )
        parser.add_argument("--only-levels", default="")
        parser.add_argument("--only-wards", default="")

    def handle(self, *args, **opts):
        columns = SchoolColumns(
            name=opts["name_field"],
            code=opts["code_field"] or None,
            name_en=opts["name_en_field"],
            level=opts["level_field"],
            address=tuple(f for f in opts["address_fields"].split(",") if f),
            reported_ward=opts["reported_ward_field"],
            grade1_classes=opts["grade1_classes_field"],
        )
        try:
            summary = import_schools(
                path=opts["path"],
                columns=columns,
                vintage=get_vintage(settings.CURRENT_ADMIN_VINTAGE),
                level=opts["level"],
                code_prefix=opts["code_prefix"],
                location_source=opts["location_source"],
                data_source=opts["source"],
                crs=opts["crs"],
                without_geometry=opts["without_geometry"],
                only_levels=tuple(x for x in opts["only_levels"].split(",") if x),
                only_wards=tuple(x for x in opts["only_wards"].split(",") if x),
                dry_run=opts["dry_run"],
                strict=opts["strict"],
            )
        except ImportFileError as exc:
            raise CommandError(exc.message) from exc
        report(self, summary)
