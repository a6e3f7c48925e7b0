from django.db import models
from django.utils.translation import gettext_lazy as _


class AdminLevel(models.TextChoices):
    PROVINCE = "province", _("Province / centrally-run city")
    DISTRICT = "district", _("District (before 1 July 2025)")
    WARD = "ward", _("Ward")
    COMMUNE = "commune", _("Commune")
    TOWNSHIP = "township", _("Township (before 1 July 2025)")
    SPECIAL_ZONE = "special_zone", _("Special zone")


# Units a residence or a school lies in directly (the lowest tier of every vintage).
BASE_LEVELS = (AdminLevel.WARD, AdminLevel.COMMUNE, AdminLevel.TOWNSHIP, AdminLevel.SPECIAL_ZONE)


class SchoolLevel(models.TextChoices):
    PRIMARY = "primary", _("Primary")
    LOWER_SECONDARY = "lower_secondary", _("Lower secondary")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary")
    MULTI_LEVEL = "multi_level", _("Multi-level")
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    OTHER = "other", _("Other / unknown")


class LocationSource(models.TextChoices):
    SURVEYED = "surveyed", _("Surveyed")
    OSM = "osm", _("OpenStreetMap")
    GEOCODED = "geocoded", _("Geocoded from the address")
    DEMO_PLACED = "demo_placed", _("Demo placement (not a real position)")
    UNKNOWN = "unknown", _("Unknown")


class CatchmentSource(models.TextChoices):
    DRAWN = "drawn", _("Drawn by staff")
    VORONOI = "voronoi", _("Generated draft (Voronoi)")
    IMPORTED = "imported", _("Imported")
