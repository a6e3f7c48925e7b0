"""Fixed-window rate limits kept in Django's cache (Redis in production: CACHE_REDIS_URL), for
the anonymous forms and endpoints an attacker could drive in bulk: sign-up, password reset,
school suggestions, log-in from one address (docs/adr/0018)."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from functools import wraps

from axes.helpers import get_client_ip_address
from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Limit:
    scope: str
    limit: int
    window_s: int


def _cache_key(limit: Limit, key: str) -> str:
    window = int(time.time() // limit.window_s)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # no raw IPs/phones in the cache
    return f"ratelimit:{limit.scope}:{digest}:{window}"


def limit_hit(limit: Limit, key: str) -> bool:
    """Count one use of `limit` by `key`; False once the window's allowance is spent."""
    cache_key = _cache_key(limit, key)
    if cache.add(cache_key, 1, timeout=limit.window_s + 5):
        return True
    try:
        return cache.incr(cache_key) <= limit.limit
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=limit.window_s + 5)
        return True


def limit_reached(limit: Limit, key: str) -> bool:
    """True when `key` has spent this window's allowance (counts nothing)."""
    return (cache.get(_cache_key(limit, key)) or 0) >= limit.limit


def client_ip(request) -> str:
    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR", "")


def too_many(request, limit: Limit, *, as_json: bool = False):
    retry = str(limit.window_s)
    message = _("Too many requests from this connection. Wait a few minutes and try again.")
    if as_json:
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "portal/too_many.html", {"message": message}, status=429)
    response["Retry-After"] = retry
    return response


def rate_limited(limit: Limit, *, methods=("POST",), as_json: bool = False):
    """View decorator: at most `limit.limit` requests per client address per window."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods and not limit_hit(limit, client_ip(request)):
                return too_many(request, limit, as_json=as_json)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
