"""Staff edit the catalogue here. Saving a changed version creates the next version (the edited
row stays as it was, so dossiers keep their rules); dossiers are read-only: their status moves
only through the work queue."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from portal.core.exceptions import DomainError

from .models import (
    CalendarAdjustment,
    Dossier,
    DossierStatusChange,
    Procedure,
    ProcedureVersion,
)
from .services import procedure_version_revise
from .services.catalogue import VERSIONED_FIELDS


class ProcedureVersionInline(admin.TabularInline):
    model = ProcedureVersion
    fields = ["number", "name_vi", "fee_vnd", "deadline_working_days", "level", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["code", "__str__", "is_active", "handler_group"]
    list_filter = ["is_active"]
    search_fields = ["code", "versions__name_vi"]
    inlines = [ProcedureVersionInline]


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    list_display = ["procedure", "number", "name_vi", "fee_vnd", "deadline_working_days", "level"]
    list_filter = ["level", "procedure"]
    readonly_fields = ["number", "created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            latest = obj.procedure.versions.order_by("-number").first()
            obj.number = latest.number + 1 if latest else 1
            obj.created_by = request.user
            super().save_model(request, obj, form, change)
            return
        original = ProcedureVersion.objects.get(pk=obj.pk)
        changes = {field: getattr(obj, field) for field in VERSIONED_FIELDS}
        try:
            new = procedure_version_revise(version=original, changes=changes, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return
        obj.pk, obj.number = new.pk, new.number
        if new.pk != original.pk:
            messages.info(
                request,
                _("Saved as version %(n)s; dossiers already submitted keep their version.")
                % {"n": new.number},
            )


class DossierStatusChangeInline(admin.TabularInline):
    model = DossierStatusChange
    fields = ["created_at", "from_status", "to_status", "actor", "actor_role", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ["code", "procedure_version", "status", "submitted_at", "due_date", "paid_at"]
    list_filter = ["status", "procedure_version__procedure", "channel"]
    search_fields = ["code"]
    inlines = [DossierStatusChangeInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarAdjustment)
class CalendarAdjustmentAdmin(admin.ModelAdmin):
    list_display = ["day", "kind", "name"]
    list_filter = ["kind"]
