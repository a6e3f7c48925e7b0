"""OpenAPI post-processing: every error the API can answer is documented, as what it really is,
an RFC 9457 `application/problem+json` body (portal/api/exceptions.py).

- 400 wherever there is a query or body to validate,
- 403 wherever a session is required (not signed in, CSRF) or a request can be refused,
- 404 wherever the path names an object (also a malformed id: portal/core/errors.py),
- 503 everywhere (the database is briefly unavailable: portal/core/errors.py)."""

from __future__ import annotations

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "properties": {
        "type": {"type": "string", "example": "urn:problem-type:invalid"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "invalid_params": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "reason": {"type": "string"},
                    "code": {"type": "string"},
                },
                "required": ["name", "reason"],
            },
        },
    },
    "required": ["type", "title", "status", "detail", "code"],
}
DESCRIPTIONS = {
    "400": "Invalid input: `invalid_params` names each field and reason",
    "403": "Not signed in, CSRF check failed, or not allowed",
    "404": "No such object (or not yours), or a malformed id",
    "503": "The database is briefly unavailable; retry after `Retry-After` seconds",
}
METHODS = {"get", "put", "post", "patch", "delete"}


def _problem(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": PROBLEM_REF}},
    }


def problem_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    for schema in schemas.values():
        fields = schema.get("properties", {})
        if {"type", "geometry", "properties"} <= set(fields):  # a GeoJSON Feature
            fields["geometry"]["nullable"] = True  # a school not yet placed has none
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in METHODS:
                continue
            parameters = operation.get("parameters", [])
            responses = operation.setdefault("responses", {})
            needed = {"503"}
            if "requestBody" in operation or any(p.get("in") == "query" for p in parameters):
                needed.add("400")
            security = operation.get("security") or []
            if any(requirement for requirement in security) or method != "get":
                needed.add("403")
            if any(p.get("in") == "path" for p in parameters):
                needed.add("404")
            for code in sorted(needed):
                responses.setdefault(code, {"description": DESCRIPTIONS[code]})
            for code, response in responses.items():
                if code[0] in "45":
                    description = response.get("description") or DESCRIPTIONS.get(code, "")
                    if description in {"", "application/problem+json"}:
                        description = DESCRIPTIONS.get(code, "Refused (problem+json)")
                    responses[code] = _problem(description)
    return result
