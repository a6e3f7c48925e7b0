"""Content-Security-Policy (django-csp): scripts only from this site or with the request's nonce.

The Django admin's map widgets (django-leaflet) render inline scripts that cannot carry a
nonce; the admin is staff-only behind the second factor, so its pages allow inline scripts
instead of a nonce (docs/adr/0019)."""

from __future__ import annotations

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts

ADMIN_PREFIX = "/admin/"


class PortalCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if request.path_info.startswith(ADMIN_PREFIX):
            parts.replace = {**(parts.replace or {}), "script-src": [SELF, UNSAFE_INLINE]}
            parts.nonce = None
        return parts
