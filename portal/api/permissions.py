"""API access rules. The default (settings REST_FRAMEWORK) is `DenyAll`: a view that does not
declare who may use it answers 403 to everyone, so a new endpoint is never public by accident.
Public views say so with `AllowAny` (see docs/adr/0018-access-rules-2fa-default-deny.md)."""

from rest_framework.permissions import BasePermission


class DenyAll(BasePermission):
    message = "This endpoint declares no access rule."

    def has_permission(self, request, view) -> bool:
        return False

    def has_object_permission(self, request, view, obj) -> bool:
        return False
