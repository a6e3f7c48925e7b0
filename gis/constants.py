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
    STAFF = "staff", _("Corrected by staff")
    SURVEYED = "surveyed", _("Surveyed")
    OSM = "osm", _("OpenStreetMap")
    GEOCODED = "geocoded", _("Geocoded from the address")
    DEMO_PLACED = "demo_placed", _("Demo placement (not a real position)")
    UNKNOWN = "unknown", _("Unknown")


class CatchmentSource(models.TextChoices):
    DRAWN = "drawn", _("Drawn by staff")
    VORONOI = "voronoi", _("Generated draft (Voronoi)")
    ROAD = "road", _("Generated draft (nearest school by road)")
    IMPORTED = "imported", _("Imported")


# Positions an import never overwrites: a person checked them.
PROTECTED_LOCATION_SOURCES = (LocationSource.STAFF, LocationSource.SURVEYED)
# Positions any real position replaces.
PLACEHOLDER_LOCATION_SOURCES = (LocationSource.UNKNOWN, LocationSource.DEMO_PLACED)


ROAD_NETWORK_NAME = "hcmc"


class DistanceMetric(models.TextChoices):
    STRAIGHT = "straight", _("Straight line")
    WALKING = "walking", _("Walking distance")
    DRIVING = "driving", _("Driving distance")


class RoadFallbackReason(models.TextChoices):
    """Why a home has no road distance and the straight line is used instead."""

    OUTSIDE_COVERAGE = "outside_coverage", _("outside the road network's area")
    OFF_NETWORK = "off_network", _("too far from any road of the network")
    UNREACHABLE = "unreachable", _("no school reachable by road within the distance limit")
    NO_NETWORK = "no_network", _("no road network is loaded")


# How the boundaries selector names each vintage in the page's language (the database keeps
# the Vietnamese name it was loaded with; a vintage not listed here shows that name).
VINTAGE_LABELS = {
    "2019": _("2019 (24 districts)"),
    "2021": _("2021–2025 (before the merger)"),
    "2025": _("2025 (two-level local government)"),
}
