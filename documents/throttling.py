"""Rate limits for the public verification page, with DRF's cache-based throttle."""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class PageRateThrottle(SimpleRateThrottle):
    """DRF's fixed-window throttle keyed by client address, usable from a plain Django view."""

    def __init__(self, *, scope: str, rate: str):
        self.scope = scope
        self.rate = rate
        self.num_requests, self.duration = self.parse_rate(rate)

    def get_ident(self, request) -> str:
        # DRF trusts X-Forwarded-For when NUM_PROXIES is unset, which lets a client pick its own
        # identity; without a configured proxy count, only the connection's address counts.
        if api_settings.NUM_PROXIES is None:
            return request.META.get("REMOTE_ADDR", "")
        return super().get_ident(request)

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def over_limit(request, *, scope: str, rate: str) -> int | None:
    """None when the request may proceed; otherwise the seconds to wait."""
    throttle = PageRateThrottle(scope=scope, rate=rate)
    if throttle.allow_request(request, None):
        return None
    return max(1, int(throttle.wait() or 1))
