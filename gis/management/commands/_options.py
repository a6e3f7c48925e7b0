"""Options shared by the import commands."""

from django.core.management.base import CommandError

from gis.importers.base import ImportSummary
from gis.models import AdminVintage


def add_common_options(parser) -> None:
    parser.add_argument("path", help="GeoJSON, zipped Shapefile (.zip), GeoPackage, CSV or XLSX")
    parser.add_argument(
        "--crs",
        help="CRS of the file when it declares none or declares it wrongly "
        "(EPSG:3405, vn2000-hcmc = VN-2000 / TM-3 105°45′, EPSG:4326, …)",
    )
    parser.add_argument("--dry-run", action="store_true", help="validate and report, save nothing")
    parser.add_argument(
        "--strict", action="store_true", help="refuse the whole file when any row is rejected"
    )


def get_vintage(code: str) -> AdminVintage:
    try:
        return AdminVintage.objects.get(code=code)
    except AdminVintage.DoesNotExist as exc:
        known = ", ".join(AdminVintage.objects.values_list("code", flat=True)) or "none"
        raise CommandError(
            f"--vintage {code!r} does not exist (known: {known}); create it with --valid-from"
        ) from exc


def report(command, summary: ImportSummary) -> None:
    for row, reason in summary.rejected:
        command.stderr.write(f"rejected row {row}: {reason}")
    command.stdout.write(summary.as_text())
