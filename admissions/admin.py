from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import (
    AdmissionRound,
    AllocationRun,
    Application,
    ApplicationStatusChange,
    Offer,
    PriorityCategory,
    RoundSchool,
    SeatChange,
    StateChange,
)
from .services.seats import round_school_save, seats_editable


class ReadOnlyAdmin(admin.ModelAdmin):
    """History: shown, never added, changed or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PriorityCategoryInline(admin.TabularInline):
    model = PriorityCategory
    extra = 0


@admin.register(AdmissionRound)
class AdmissionRoundAdmin(admin.ModelAdmin):
    """The status moves only through the committee pages (state machine of `workflow.py`); the
    lottery seed is drawn when the window closes and never typed."""

    list_display = ["school_year", "name", "status", "opens_at", "closes_at", "is_demo"]
    inlines = [PriorityCategoryInline]
    readonly_fields = ["status", "lottery_seed", "audit_key"]


class RoundSchoolForm(forms.ModelForm):
    class Meta:
        model = RoundSchool
        fields = ["round", "school", "classes", "seats_override", "is_demo_figure"]

    def clean(self):
        cleaned = super().clean()
        admission_round = cleaned.get("round") or getattr(self.instance, "round", None)
        if admission_round is not None and not seats_editable(admission_round):
            raise ValidationError(
                _("Seats and classes can only change while the application window is open.")
            )
        return cleaned


@admin.register(RoundSchool)
class RoundSchoolAdmin(admin.ModelAdmin):
    """Seats and classes change only while the window is open; every change is recorded with
    who and when (SeatChange)."""

    form = RoundSchoolForm
    list_display = ["school", "round", "classes", "seats_override", "is_demo_figure"]
    list_filter = ["round"]
    search_fields = ["school__name"]
    raw_id_fields = ["school"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not seats_editable(obj.round):
            return ["round", "school", "classes", "seats_override", "is_demo_figure"]
        return []

    def has_delete_permission(self, request, obj=None):
        return obj is None or seats_editable(obj.round)

    def save_model(self, request, obj, form, change):
        round_school_save(round_school=obj, actor=request.user)


@admin.register(SeatChange)
class SeatChangeAdmin(ReadOnlyAdmin):
    list_display = [
        "round_school", "classes_before", "classes_after", "seats_override_before",
        "seats_override_after", "actor", "created_at",
    ]  # fmt: skip


@admin.register(StateChange)
class StateChangeAdmin(ReadOnlyAdmin):
    list_display = ["kind", "object_id", "from_status", "to_status", "actor", "actor_role",
                    "created_at"]  # fmt: skip
    list_filter = ["kind", "to_status"]


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
class ApplicationStatusChangeAdmin(ReadOnlyAdmin):
    list_display = ["application", "from_status", "to_status", "actor_role", "created_at"]


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

    def has_add_permission(self, request):
        return False
