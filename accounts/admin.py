from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.utils.translation import gettext

from .models import Profile, StaffScope


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "full_name", "phone", "created_at"]
    search_fields = ["full_name", "phone", "user__email"]


# Django's four default permissions, named with the admin's own (translated) words.
DEFAULT_ACTIONS = {"add": "Add", "change": "Change", "delete": "Delete", "view": "View"}


def _permission_label(permission) -> str:
    """Permission names are stored in English when the migrations ran. The admin shows them in
    the page's language: Django's default ones by their action, ours through their gettext
    msgid (Meta.permissions are translatable strings)."""
    action, _sep, model = permission.codename.partition("_")
    if action in DEFAULT_ACTIONS and model == permission.content_type.model:
        name = gettext(DEFAULT_ACTIONS[action])
    else:
        name = gettext(permission.name)
    return f"{permission.content_type} | {name}"


class TranslatedPermissionsMixin:
    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name in {"permissions", "user_permissions"} and field is not None:
            field.label_from_instance = _permission_label
        return field


admin.site.unregister(Group)


@admin.register(Group)
class PortalGroupAdmin(TranslatedPermissionsMixin, GroupAdmin):
    pass


admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(TranslatedPermissionsMixin, UserAdmin):
    pass


@admin.register(StaffScope)
class StaffScopeAdmin(admin.ModelAdmin):
    """Which school or admission round a staff member's role reaches (docs/adr/0019)."""

    list_display = ["user", "school", "round"]
    list_select_related = ["user", "school", "round"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["school"]
    search_fields = ["user__username", "school__name"]
