"""Public map responses cached in the shared cache (Redis in production), with validators.

The GeoJSON and nearest-school endpoints of the public map are served, while nothing changed,
from one cache entry per URL and language, before sessions, authentication or the database are
touched. Every entry belongs to a *generation*: the time, in milliseconds, of the last change
to schools, administrative units or catchments (signals in gis/signals.py bump it). A change
starts a new generation, so the old entries are never served again (they expire on their own).

The generation is also the `Last-Modified` of every response, and a hash of the body its
`ETag`: a conditional GET answers 304 without a body (docs/adr/0024).

Two levels: each web process keeps the current generation's entries in its own memory (a
bounded LRU, `MAP_CACHE_LOCAL_MAX_BYTES`) in front of the shared cache, and reads the
generation from the shared cache at most once per `MAP_CACHE_GENERATION_TTL_MS`. A hit then
costs no network round trip; a change reaches every process within that interval (the
responses say `max-age=60` to browsers anyway). docs/adr/0024, third addendum."""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict

from django.conf import settings
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


class _LocalEntries:
    """This process's entries of one generation: an LRU bounded in bytes, shared by the
    worker's threads. A new generation empties it."""

    def __init__(self):
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, dict] = OrderedDict()
        self._bytes = 0
        self.generation = 0
        self.generation_read_at = float("-inf")

    def seen(self, generation: int) -> None:
        with self._lock:
            if generation != self.generation:
                self._entries.clear()
                self._bytes = 0
                self.generation = generation
            self.generation_read_at = time.monotonic()

    def get(self, key: str) -> dict | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: dict) -> None:
        limit = settings.MAP_CACHE_LOCAL_MAX_BYTES
        size = len(entry["body"])
        if size > limit:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            self._bytes += size - (len(old["body"]) if old else 0)
            self._entries[key] = entry
            while self._bytes > limit:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= len(evicted["body"])


_local = _LocalEntries()


def map_generation() -> int:
    """The current generation (milliseconds since the epoch of the last change), re-read
    from the shared cache at most once per MAP_CACHE_GENERATION_TTL_MS in this process."""
    age_ms = (time.monotonic() - _local.generation_read_at) * 1000
    if age_ms < settings.MAP_CACHE_GENERATION_TTL_MS:
        return _local.generation
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # Never one this process has seen (the shared cache was emptied or is down): its
        # local entries must not come back under a generation number reused by chance.
        generation = max(int(time.time() * 1000), _local.generation + 1)
        if not cache.add(GENERATION_KEY, generation, timeout=None):
            generation = cache.get(GENERATION_KEY) or generation
    _local.seen(int(generation))
    return int(generation)


def map_cache_invalidate() -> int:
    """Start a new generation: every cached map response is stale from now on."""
    previous = max(cache.get(GENERATION_KEY) or 0, _local.generation)
    generation = max(int(time.time() * 1000), previous + 1)
    cache.set(GENERATION_KEY, generation, timeout=None)
    _local.seen(generation)
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
    """Place early in MIDDLEWARE (before sessions): a hit costs no database or network read
    (at most one shared-cache read per generation interval and one per entry new to this
    process)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "GET" or request.path not in CACHED_PATHS:
            return self.get_response(request)
        generation = map_generation()
        last_modified_s = generation // 1000
        key = _entry_key(request, generation)
        entry = _local.get(key)
        if entry is None:
            entry = cache.get(key)
            if entry is not None:
                _local.put(key, entry)
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
        entry = {"body": body, "content_type": response["Content-Type"], "etag": etag}
        cache.set(key, entry, timeout=ENTRY_TTL_S)
        if map_generation() == generation:  # not if the map changed while this was computed
            _local.put(key, entry)
        if _not_modified(request, etag, last_modified_s):
            return _with_validators(HttpResponseNotModified(), etag, last_modified_s)
        response["X-Cache"] = "miss"
        return _with_validators(response, etag, last_modified_s)
