"""Error pages that must never be Django's HTML in the API, and database outages.

The database is down or restarting: answer 503 (problem+json in the API, a short page for
browsers) instead of a 500, and let the next request reconnect by itself.

Django closes a connection that raised on the way out of a request (and health-checks
persistent ones, CONN_HEALTH_CHECKS), so a web worker recovers without a restart once
PostgreSQL is back. A transaction interrupted this way is rolled back by PostgreSQL: a request
that got a 503 wrote nothing or everything, never half (docs/adr/0024)."""

from __future__ import annotations

import json
import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

logger = logging.getLogger("portal.unavailable")

PROBLEM_CONTENT_TYPE = "application/problem+json"
RETRY_AFTER_SECONDS = 5


def is_database_outage(exc: BaseException | None) -> bool:
    """A lost or refused connection, not a bad query: OperationalError/InterfaceError, or any
    database error raised while the connection was being (re)established."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _wants_html(request) -> bool:
    if request.path.startswith("/api/"):
        return False
    accept = request.headers.get("Accept", "")
    return "text/html" in accept


def problem_http_response(*, status: int, code: str, title: str, detail: str) -> HttpResponse:
    """An RFC 9457 body outside DRF (error handlers, middleware)."""
    problem = {
        "type": f"urn:problem-type:{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    }
    return HttpResponse(
        json.dumps(problem, ensure_ascii=False), status=status, content_type=PROBLEM_CONTENT_TYPE
    )


def unavailable_response(request) -> HttpResponse:
    title = _("The service is briefly unavailable.")
    detail = _("The database cannot be reached right now. Nothing was saved; try again shortly.")
    if _wants_html(request):
        body = (
            '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title></head><body><main><h1>{escape(title)}</h1>"
            f"<p>{escape(detail)}</p></main></body></html>"
        )
        response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    else:
        response = problem_http_response(
            status=503, code="service_unavailable", title=title, detail=detail
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Maps a database outage raised by a view to 503. Outages raised elsewhere (a middleware
    loading the session, a response being finished) reach `server_error` below."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_outage(exception):
            logger.warning("database unavailable during %s %s: %s", request.method,
                           request.path, exception)  # fmt: skip
            return unavailable_response(request)
        return None


def server_error(request, *args, **kwargs):
    """handler500: 503 when the uncaught exception is a database outage, Django's 500 otherwise."""
    exc = sys.exc_info()[1]
    if is_database_outage(exc):
        return unavailable_response(request)
    if request.path.startswith("/api/"):
        return problem_http_response(
            status=500, code="server_error", title="Server error.", detail="Server error."
        )
    from django.views.defaults import server_error as django_server_error

    return django_server_error(request)


def page_not_found(request, exception=None, *args, **kwargs):
    """handler404: problem+json under /api/ (a malformed id in a URL never matches a route, so
    DRF never sees it), Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return problem_http_response(
            status=404, code="not_found", title="Not found.", detail="Not found."
        )
    from django.views.defaults import page_not_found as django_page_not_found

    return django_page_not_found(request, exception)
