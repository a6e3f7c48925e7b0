"""Public map responses cached in the shared cache (Redis in production), with validators.

The GeoJSON and nearest-school endpoints of the public map are served, while nothing changed,
from one cache entry per URL and language, before sessions, authentication or the database are
touched. Every entry belongs to a *generation*: the time, in milliseconds, of the last change
to schools, administrative units or catchments (signals in gis/signals.py bump it). A change
starts a new generation, so the old entries are never served again (they expire on their own).

The generation is also the `Last-Modified` of every response, and a hash of the body its
`ETag`: a conditional GET answers 304 without a body (docs/adr/0024)."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import translation
from django.utils.http import http_date, parse_etags, parse_http_date_safe

GENERATION_KEY = "map:generation"
ENTRY_TTL_S = 600  # entries of an old generation are unreachable; this only frees memory
CACHED_PATHS = frozenset(
    {
        "/api/v1/schools/",
        "/api/v1/schools/nearest/",
        "/api/v1/admin-units/",
        "/api/v1/catchments/",
    }
)
CACHE_CONTROL = "public, max-age=60"
VARY = "Accept-Language, Cookie"


def map_generation() -> int:
    """The current generation (milliseconds since the epoch of the last change)."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = int(time.time() * 1000)
        if not cache.add(GENERATION_KEY, generation, timeout=None):
            generation = cache.get(GENERATION_KEY) or generation
    return int(generation)


def map_cache_invalidate() -> int:
    """Start a new generation: every cached map response is stale from now on."""
    generation = max(int(time.time() * 1000), (cache.get(GENERATION_KEY) or 0) + 1)
    cache.set(GENERATION_KEY, generation, timeout=None)
    return generation


def _entry_key(request, generation: int) -> str:
    language = translation.get_language_from_request(request)
    query = "&".join(sorted(request.META.get("QUERY_STRING", "").split("&")))
    digest = hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()[:40]
    return f"map:{generation}:{language}:{digest}"


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _not_modified(request, etag: str, last_modified_s: int) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = parse_etags(if_none_match)
        return "*" in tags or etag in tags or etag in {t.removeprefix("W/") for t in tags}
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and last_modified_s <= since


def _with_validators(response, etag: str, last_modified_s: int):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified_s)
    response["Cache-Control"] = CACHE_CONTROL
    response["Vary"] = VARY
    return response


class PublicMapCacheMiddleware:
    """Place early in MIDDLEWARE (before sessions): a hit costs two cache reads."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "GET" or request.path not in CACHED_PATHS:
            return self.get_response(request)
        generation = map_generation()
        last_modified_s = generation // 1000
        key = _entry_key(request, generation)
        entry = cache.get(key)
        if entry is not None:
            etag = entry["etag"]
            if _not_modified(request, etag, last_modified_s):
                return _with_validators(HttpResponseNotModified(), etag, last_modified_s)
            response = HttpResponse(entry["body"], content_type=entry["content_type"])
            response["X-Cache"] = "hit"
            return _with_validators(response, etag, last_modified_s)

        response = self.get_response(request)
        if response.status_code != 200 or response.streaming or response.cookies:
            return response
        body = response.content
        etag = _etag(body)
        cache.set(
            key,
            {"body": body, "content_type": response["Content-Type"], "etag": etag},
            timeout=ENTRY_TTL_S,
        )
        if _not_modified(request, etag, last_modified_s):
            return _with_validators(HttpResponseNotModified(), etag, last_modified_s)
        response["X-Cache"] = "miss"
        return _with_validators(response, etag, last_modified_s)
