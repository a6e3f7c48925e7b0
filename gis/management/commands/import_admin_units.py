import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from gis.importers.admin_units import AdminUnitColumns, import_admin_units
from gis.importers.errors import ImportFileError
from gis.services import vintage_ensure

from ._options import add_common_options, get_vintage, report


class Command(BaseCommand):
    help = "Import administrative units (upsert by vintage and code)."

    def add_arguments(self, parser):
        add_common_options(parser)
        parser.add_argument("--vintage", required=True, help="vintage code, e.g. 2025")
        parser.add_argument("--vintage-name", help="create the vintage with this name if missing")
        parser.add_argument("--valid-from", type=dt.date.fromisoformat)
        parser.add_argument("--valid-to", type=dt.date.fromisoformat)
        parser.add_argument("--code-field", default="code")
        parser.add_argument("--name-field", default="name")
        parser.add_argument("--name-en-field")
        parser.add_argument("--level", help="level of every row (province, district, ward, …)")
        parser.add_argument("--level-field", help="column holding the level")
        parser.add_argument("--parent-code", help="code of the parent unit of every row")
        parser.add_argument("--parent-field", help="column holding the parent unit's code")
        parser.add_argument("--population-field")
        parser.add_argument("--population-year", type=int)
        parser.add_argument("--area-field")
        parser.add_argument("--keep-fields", default="", help="comma-separated columns to keep")

    def handle(self, *args, **opts):
        if opts["valid_from"]:
            vintage = vintage_ensure(
                code=opts["vintage"],
                name=opts["vintage_name"] or opts["vintage"],
                valid_from=opts["valid_from"],
                valid_to=opts["valid_to"],
            )
        else:
            vintage = get_vintage(opts["vintage"])
        columns = AdminUnitColumns(
            code=opts["code_field"],
            name=opts["name_field"],
            name_en=opts["name_en_field"],
            level=opts["level_field"],
            parent_code=opts["parent_field"],
            population=opts["population_field"],
            area_km2=opts["area_field"],
            keep=tuple(f for f in opts["keep_fields"].split(",") if f),
        )
        try:
            summary = import_admin_units(
                path=opts["path"],
                vintage=vintage,
                columns=columns,
                level=opts["level"],
                parent_code=opts["parent_code"],
                population_year=opts["population_year"],
                crs=opts["crs"],
                dry_run=opts["dry_run"],
                strict=opts["strict"],
            )
        except ImportFileError as exc:
            raise CommandError(exc.message) from exc
        report(self, summary)
