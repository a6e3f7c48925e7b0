from django.contrib import admin

from .models import (
    AdmissionRound,
    AllocationRun,
    Application,
    ApplicationStatusChange,
    Offer,
    PriorityCategory,
    RoundSchool,
)


class PriorityCategoryInline(admin.TabularInline):
    model = PriorityCategory
    extra = 0


@admin.register(AdmissionRound)
class AdmissionRoundAdmin(admin.ModelAdmin):
    list_display = ["school_year", "name", "status", "opens_at", "closes_at", "is_demo"]
    inlines = [PriorityCategoryInline]
    readonly_fields = ["tracking_counter"]


@admin.register(RoundSchool)
class RoundSchoolAdmin(admin.ModelAdmin):
    list_display = ["school", "round", "classes", "seats_override", "is_demo_figure"]
    list_filter = ["round"]
    list_editable = ["classes", "seats_override"]
    search_fields = ["school__name"]
    raw_id_fields = ["school"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read-only: status changes go through the committee pages (one transition service)."""

    list_display = ["tracking_code", "child_full_name", "status", "round", "is_synthetic"]
    list_filter = ["round", "status", "is_synthetic"]
    search_fields = ["tracking_code", "child_full_name", "child_personal_id"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(ApplicationStatusChange)
class ApplicationStatusChangeAdmin(admin.ModelAdmin):
    list_display = ["application", "from_status", "to_status", "actor_role", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(AllocationRun)
class AllocationRunAdmin(admin.ModelAdmin):
    list_display = ["round", "mechanism", "stage", "seed", "status", "check_passed", "created_at"]
    readonly_fields = [f.name for f in AllocationRun._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["application", "school", "status", "deadline", "reminders_sent"]
    readonly_fields = [f.name for f in Offer._meta.fields]
