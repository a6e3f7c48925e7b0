"""Rate limiting of answers: a fixed window per survey and client address, in the cache.

The address is kept only as a keyed hash in a cache entry that expires with the window."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac


def answer_attempt_allowed(*, survey_uuid, client_address: str) -> bool:
    """Count one attempt; False once the address passed the limit within the window."""
    window = settings.SURVEY_RATE_WINDOW_SECONDS
    digest = salted_hmac(
        "surveys.rate", f"{survey_uuid}:{client_address}", algorithm="sha256"
    ).hexdigest()
    key = f"surveys:rate:{digest}"
    cache.add(key, 0, timeout=window)
    try:
        attempts = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        attempts = 1
    return attempts <= settings.SURVEY_RATE_LIMIT
