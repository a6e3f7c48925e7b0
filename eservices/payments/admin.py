"""Read-only admin: statuses change through the services (IPN, refunds, statements) only."""

from django.contrib import admin

from .models import Payment, PaymentEvent, Refund, StatementImport, StatementLine


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PaymentEventInline(admin.TabularInline):
    model = PaymentEvent
    extra = 0
    fields = ["received_at", "kind", "provider_status", "from_status", "to_status", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["order_code", "amount", "status", "channel", "payer", "created_at"]
    list_filter = ["status", "channel", "purpose"]
    search_fields = ["order_code", "txn_ref", "provider_reference"]
    inlines = [PaymentEventInline]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["payment", "amount", "status", "requested_by", "created_at"]


@admin.register(StatementImport)
class StatementImportAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "imported_by", "lines_read", "lines_already_known", "created_at"]


@admin.register(StatementLine)
class StatementLineAdmin(ReadOnlyAdmin):
    list_display = ["booked_at", "amount", "description", "outcome", "payment", "resolved_at"]
    list_filter = ["outcome"]
