from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from leaflet.admin import LeafletGeoAdmin

from .constants import LocationSource
from .models import AdminUnit, AdminUnitMapping, AdminVintage, Catchment, DatasetLoad, School
from .services import catchment_save_version, school_refresh_admin_units

# Admin maps work offline: no tiles unless MAP_TILE_URL is configured (see the settings).


@admin.register(AdminVintage)
class AdminVintageAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "valid_from", "valid_to"]


@admin.register(AdminUnit)
class AdminUnitAdmin(LeafletGeoAdmin):
    list_display = ["name", "code", "level", "vintage", "parent", "population"]
    list_filter = ["vintage", "level"]
    search_fields = ["name", "code"]
    readonly_fields = ["geom_hash"]
    list_select_related = ["vintage", "parent"]


@admin.register(AdminUnitMapping)
class AdminUnitMappingAdmin(admin.ModelAdmin):
    list_display = ["old_name", "old_code", "old_district_name", "new_unit", "is_divided"]
    list_filter = ["is_divided", "old_vintage"]
    search_fields = ["old_name", "old_code", "new_unit__name"]
    list_select_related = ["new_unit"]


class PositionKnownFilter(admin.SimpleListFilter):
    title = _("position")
    parameter_name = "position"

    def lookups(self, request, model_admin):
        return [
            ("missing", pgettext_lazy("school position", "Not placed yet")),
            ("known", pgettext_lazy("school position", "Placed")),
        ]

    def queryset(self, request, queryset):
        unplaced = Q(location__isnull=True) | Q(location_source=LocationSource.DEMO_PLACED)
        if self.value() == "missing":
            return queryset.filter(unplaced)
        if self.value() == "known":
            return queryset.exclude(unplaced)
        return queryset


@admin.register(School)
class SchoolAdmin(LeafletGeoAdmin):
    list_display = [
        "name",
        "code",
        "level",
        "admin_unit",
        "location_source",
        "grade1_classes",
        "class_size_norm",
    ]
    list_filter = [PositionKnownFilter, "level", "location_source"]
    search_fields = ["name", "source_name", "code", "address"]
    readonly_fields = ["admin_unit", "source_name"]
    list_select_related = ["admin_unit"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        school_refresh_admin_units(school_ids=[obj.pk])


@admin.register(Catchment)
class CatchmentAdmin(LeafletGeoAdmin):
    """Editing a catchment on the map stores a new version; earlier versions stay as history."""

    list_display = ["school", "school_year", "version", "is_current", "source", "created_at"]
    list_filter = ["school_year", "is_current", "source"]
    search_fields = ["school__name", "school__code"]
    readonly_fields = ["version", "is_current", "created_at", "created_by"]
    autocomplete_fields = ["school"]

    def save_model(self, request, obj, form, change):
        new = catchment_save_version(
            school=obj.school,
            school_year=obj.school_year,
            geom=obj.geom,
            source="drawn",
            note=obj.note,
            user=request.user,
        )
        obj.pk, obj.version = new.pk, new.version


@admin.register(DatasetLoad)
class DatasetLoadAdmin(admin.ModelAdmin):
    list_display = ["name", "fingerprint", "loaded_at"]
