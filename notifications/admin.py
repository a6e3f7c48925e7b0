from django.contrib import admin

from .models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The delivery log: read-only (resend the failed ones from the page that sent them)."""

    list_display = ["pk", "channel", "status", "attempts", "batch", "created_at", "sent_at"]
    list_filter = ["channel", "status"]
    search_fields = ["batch", "subject_ref"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
