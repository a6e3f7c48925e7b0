from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from portal.core.exceptions import DomainError

from . import services
from .constants import DocumentStatus
from .forms import RevokeForm
from .models import DocumentStatusChange, IssuedDocument


class StatusChangeInline(admin.TabularInline):
    model = DocumentStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "reason", "actor", "at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "title", "reference", "status", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["code", "reference", "title"]
    inlines = [StatusChangeInline]
    actions = ["revoke_selected"]
    readonly_fields = [f.name for f in IssuedDocument._meta.fields if f.name not in {"id"}]

    def has_add_permission(self, request):
        return False  # documents are issued by the services, never typed in

    def has_delete_permission(self, request, obj=None):
        return False  # the register is permanent; revoke instead

    @admin.action(
        description=_("Revoke the selected documents (reason required)"),
        permissions=["revoke"],
    )
    def revoke_selected(self, request, queryset):
        form = RevokeForm({"reason": request.POST.get("reason", "")})
        if "apply" not in request.POST:
            return TemplateResponse(
                request,
                "documents/admin_revoke.html",
                {
                    **self.admin_site.each_context(request),
                    "documents": queryset.filter(status=DocumentStatus.VALID),
                    "form": RevokeForm(),
                    "opts": self.model._meta,
                },
            )
        if not form.is_valid():
            self.message_user(request, _("Give a reason for revoking."), messages.ERROR)
            return None
        revoked = 0
        for document in queryset.filter(status=DocumentStatus.VALID):
            try:
                services.document_revoke(
                    document=document, reason=form.cleaned_data["reason"], actor=request.user
                )
                revoked += 1
            except DomainError as exc:
                self.message_user(request, f"{document.code}: {exc.message}", messages.ERROR)
        self.message_user(
            request, _("%(count)d document(s) revoked.") % {"count": revoked}, messages.SUCCESS
        )
        return None

    def has_revoke_permission(self, request):
        return request.user.has_perm("documents.revoke_issueddocument")
