from django.contrib import admin

from .models import Profile, StaffScope


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "full_name", "phone", "created_at"]
    search_fields = ["full_name", "phone", "user__email"]


@admin.register(StaffScope)
class StaffScopeAdmin(admin.ModelAdmin):
    """Which school or admission round a staff member's role reaches (docs/adr/0019)."""

    list_display = ["user", "school", "round"]
    list_select_related = ["user", "school", "round"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["school"]
    search_fields = ["user__username", "school__name"]
