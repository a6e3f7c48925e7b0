"""RFC 9457 (was 7807) problem+json for every API error, with `invalid_params` for validation."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from portal.core.exceptions import DomainError

PROBLEM_CONTENT_TYPE = "application/problem+json"


def _flatten(detail, prefix: str = "") -> list[dict]:
    if isinstance(detail, dict):
        params = []
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            params.extend(_flatten(value, name))
        return params
    if isinstance(detail, list):
        params = []
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                params.extend(_flatten(value, f"{prefix}[{index}]" if prefix else str(index)))
            else:
                params.append(
                    {
                        "name": prefix or "non_field_errors",
                        "reason": str(value),
                        "code": getattr(value, "code", "invalid"),
                    }
                )
        return params
    return [
        {
            "name": prefix or "non_field_errors",
            "reason": str(detail),
            "code": getattr(detail, "code", "invalid"),
        }
    ]


def problem_response(
    *,
    status_code: int,
    title: str,
    detail: str,
    code: str,
    invalid_params: list[dict] | None = None,
) -> Response:
    body = {
        "type": f"urn:problem-type:{code}",
        "title": title,
        "status": status_code,
        "detail": detail,
        "code": code,
    }
    if invalid_params:
        body["invalid_params"] = invalid_params
    response = Response(body, status=status_code)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def problem_exception_handler(exc, context):
    if isinstance(exc, DomainError):
        params = (
            [{"name": exc.field, "reason": exc.message, "code": exc.code}] if exc.field else None
        )
        return problem_response(
            status_code=exc.status_code,
            title=exc.message,
            detail=exc.message,
            code=exc.code,
            invalid_params=params,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        params = _flatten(exc.detail)
        first = params[0] if params else {"name": "", "reason": _("Invalid input.")}
        detail = f"{first['name']}: {first['reason']}" if first["name"] else first["reason"]
        problem = problem_response(
            status_code=status.HTTP_400_BAD_REQUEST,
            title=_("Invalid input."),
            detail=detail,
            code="invalid",
            invalid_params=params,
        )
    else:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        problem = problem_response(
            status_code=response.status_code,
            title=detail,
            detail=detail,
            code=getattr(exc, "default_code", "error"),
        )
    for header, value in response.headers.items():
        if header.lower() in {"www-authenticate", "retry-after", "allow"}:
            problem[header] = value
    return problem
