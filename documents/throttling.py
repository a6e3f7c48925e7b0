"""Rate limits for the public verification page, with DRF's cache-based throttle."""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle


class PageRateThrottle(SimpleRateThrottle):
    """DRF's fixed-window throttle keyed by client address, usable from a plain Django view."""

    def __init__(self, *, scope: str, rate: str):
        self.scope = scope
        self.rate = rate
        self.num_requests, self.duration = self.parse_rate(rate)

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def over_limit(request, *, scope: str, rate: str) -> int | None:
    """None when the request may proceed; otherwise the seconds to wait."""
    throttle = PageRateThrottle(scope=scope, rate=rate)
    if throttle.allow_request(request, None):
        return None
    return max(1, int(throttle.wait() or 1))
