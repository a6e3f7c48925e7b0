"""Administrative geography (versioned by vintage), schools and their catchments."""

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.core.models import TimeStampedModel

from .constants import AdminLevel, CatchmentSource, LocationSource, SchoolLevel


class AdminVintage(models.Model):
    """One edition of the administrative map, e.g. "2019" (24 districts) or "2025" (two-level)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    source = models.TextField(_("source and licence"), blank=True)

    class Meta:
        ordering = ["valid_from"]
        verbose_name = _("administrative vintage")
        verbose_name_plural = _("administrative vintages")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="vintage_valid_range",
            )
        ]

    def __str__(self):
        return self.name


class AdminUnit(models.Model):
    """A province, district, ward, commune or special zone of one vintage. Codes are reused across
    vintages (27655 was Xã Phú Xuân, is now Xã Nhà Bè), so (vintage, code) is the key."""

    vintage = models.ForeignKey(AdminVintage, on_delete=models.PROTECT, related_name="units")
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=AdminLevel.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(null=True, blank=True)
    area_km2 = models.FloatField(_("area (km²)"), null=True, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    geom = models.MultiPolygonField(srid=4326)
    geom_hash = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["vintage__valid_from", "name"]
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        constraints = [
            models.UniqueConstraint(fields=["vintage", "code"], name="admin_unit_code_per_vintage")
        ]
        indexes = [models.Index(fields=["level"])]

    def __str__(self):
        return f"{self.name} ({self.code}, {self.vintage.code})"


class AdminUnitMapping(models.Model):
    """Old unit → new unit across a reform. `is_divided` marks an old unit split between several
    new units (the mapping then has one row per receiving unit)."""

    old_unit = models.ForeignKey(
        AdminUnit, on_delete=models.CASCADE, related_name="mapped_to", null=True, blank=True
    )
    old_vintage = models.ForeignKey(AdminVintage, on_delete=models.PROTECT, related_name="+")
    old_code = models.CharField(max_length=10)
    old_name = models.CharField(max_length=200)
    old_district_name = models.CharField(max_length=200, blank=True)
    old_province_name = models.CharField(max_length=200, blank=True)
    new_unit = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="mapped_from")
    is_merged = models.BooleanField(default=False)
    is_divided = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("administrative unit mapping")
        verbose_name_plural = _("administrative unit mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["old_vintage", "old_code", "new_unit"], name="admin_mapping_unique_edge"
            )
        ]

    def __str__(self):
        return f"{self.old_name} ({self.old_code}) → {self.new_unit.name}"


class School(TimeStampedModel):
    code = models.CharField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=255)
    name_en = models.CharField(_("English name"), max_length=255, blank=True)
    level = models.CharField(
        _("level"), max_length=20, choices=SchoolLevel.choices, default=SchoolLevel.PRIMARY
    )
    address = models.CharField(_("address"), max_length=500, blank=True)
    location = models.PointField(_("location"), geography=True, srid=4326, null=True, blank=True)
    location_source = models.CharField(
        _("location source"),
        max_length=20,
        choices=LocationSource.choices,
        default=LocationSource.UNKNOWN,
    )
    admin_unit = models.ForeignKey(
        AdminUnit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="schools",
        verbose_name=_("administrative unit"),
        help_text=_("Computed from the location; never typed."),
    )
    reported_admin_unit = models.ForeignKey(
        AdminUnit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ward reported by the source"),
        help_text=_("Where the source says the school is, for schools without a position yet."),
    )
    grade1_classes = models.PositiveSmallIntegerField(_("grade-1 classes"), null=True, blank=True)
    class_size_norm = models.PositiveSmallIntegerField(
        _("class-size norm"), default=35, help_text=_("Circular 28/2020/TT-BGDĐT: at most 35.")
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    source = models.CharField(_("data source"), max_length=200, blank=True)
    source_ref = models.CharField(max_length=100, blank=True)
    source_name = models.CharField(
        _("name in the source"),
        max_length=500,
        blank=True,
        help_text=_("The name exactly as the source wrote it; the displayed name is cleaned."),
    )
    grounds = models.MultiPolygonField(_("school grounds"), srid=4326, null=True, blank=True)
    location_label = models.CharField(
        _("position from"), max_length=100, blank=True, help_text=_('e.g. "OpenStreetMap 2018"')
    )
    location_observed_on = models.DateField(_("position dated"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        constraints = [
            models.CheckConstraint(
                condition=Q(location__isnull=False) | Q(location_source="unknown"),
                name="school_without_location_has_unknown_source",
            ),
            models.CheckConstraint(
                condition=Q(class_size_norm__gte=1), name="school_class_size_norm_positive"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def grade1_seats(self) -> int | None:
        if self.grade1_classes is None:
            return None
        return self.grade1_classes * self.class_size_norm


class SchoolPosition(models.Model):
    """Every position a source gave for a school, kept with its source and date. The school's
    own ``location`` is the winner: staff corrections, else the newest trusted source."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="positions")
    source = models.CharField(max_length=20, choices=LocationSource.choices)
    label = models.CharField(max_length=100)
    source_ref = models.CharField(
        max_length=40, blank=True, help_text=_('The object in the source, e.g. "way/1234".')
    )
    source_name = models.CharField(max_length=255, blank=True)
    observed_on = models.DateField(null=True, blank=True)
    location = models.PointField(geography=True, srid=4326)
    grounds = models.MultiPolygonField(srid=4326, null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-observed_on", "-recorded_at"]
        verbose_name = _("school position")
        verbose_name_plural = _("school positions")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "source", "source_ref", "observed_on"],
                name="school_position_once_per_source_object_and_date",
            )
        ]
        indexes = [models.Index(fields=["source_ref"])]

    def __str__(self):
        return f"{self.school} · {self.label}"


class RoadNetwork(models.Model):
    """The road network loaded from an OpenStreetMap extract (one current network)."""

    name = models.SlugField(max_length=50, unique=True)
    source = models.CharField(max_length=200)
    data_date = models.DateField(null=True, blank=True)
    fingerprint = models.CharField(max_length=64)
    n_vertices = models.PositiveIntegerField(default=0)
    n_edges = models.PositiveIntegerField(default=0)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("road network")
        verbose_name_plural = _("road networks")

    def __str__(self):
        return f"{self.name} ({self.source})"


class RoadEdge(models.Model):
    """One stretch of road between two junctions, in pgRouting's layout: ``source``/``target``
    vertex numbers, and per travel mode a ``cost`` (source→target) and ``reverse_cost``
    (target→source) in metres, -1 where the mode may not go (pedestrians: both ways of every
    road but motorways; vehicles: one-way rules)."""

    network = models.ForeignKey(RoadNetwork, on_delete=models.CASCADE, related_name="edges")
    source = models.IntegerField()
    target = models.IntegerField()
    length_m = models.FloatField()
    cost_walk = models.FloatField()
    reverse_cost_walk = models.FloatField()
    cost_drive = models.FloatField()
    reverse_cost_drive = models.FloatField()
    osm_way_id = models.BigIntegerField()
    highway = models.CharField(max_length=32)
    geom = models.LineStringField(srid=4326)

    class Meta:
        verbose_name = _("road edge")
        indexes = [models.Index(fields=["network", "source"]), models.Index(fields=["target"])]


class Catchment(models.Model):
    """A school's admission area for one school year. Versioned: editing creates a new version and
    the previous one stops being current. Not tied to ward boundaries (HCMC dropped those in
    2025)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="catchments")
    school_year = models.PositiveSmallIntegerField(
        _("school year"),
        help_text=_("First calendar year of the school year, e.g. 2026 for 2026–2027."),
    )
    version = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    geom = models.MultiPolygonField(srid=4326)
    source = models.CharField(
        max_length=20, choices=CatchmentSource.choices, default=CatchmentSource.DRAWN
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["school__name", "-version"]
        verbose_name = _("catchment")
        verbose_name_plural = _("catchments")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "version"], name="catchment_version_unique"
            ),
            models.UniqueConstraint(
                fields=["school", "school_year"],
                condition=Q(is_current=True),
                name="catchment_one_current_per_year",
            ),
        ]

    def __str__(self):
        return f"{self.school} {self.school_year} v{self.version}"


class DatasetLoad(models.Model):
    """Which version (fingerprint of the fixture files) of a bundled dataset the database holds."""

    name = models.CharField(max_length=100, unique=True)
    fingerprint = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dataset load")
        verbose_name_plural = _("dataset loads")

    def __str__(self):
        return f"{self.name} @ {self.fingerprint[:12]}"
