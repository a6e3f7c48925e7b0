"""A procedure's form is data: a JSON Schema. This module reads it for rendering and applies it
as the ONE server-side validation that both the page and the API use.

Conventions on top of JSON Schema (draft 2020-12): ``title`` is Vietnamese, ``x-title-en`` its
English; ``x-enum-labels-vi``/``-en`` label the ``enum`` values; ``x-widget: textarea``;
``x-help-vi``/``-en``; ``x-pattern-message-vi``/``-en`` explain a ``pattern`` to a person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError

TRUE_WORDS = {"on", "true", "1", "yes", "có"}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str  # string | integer | number | boolean
    label: str
    required: bool
    help: str = ""
    choices: tuple[tuple[Any, str], ...] = ()
    widget: str = ""
    format: str = ""
    max_length: int | None = None


def _localised(spec: Mapping, key: str, default: str = "") -> str:
    if translation.get_language() == "en":
        return spec.get(f"x-{key}-en") or spec.get(f"x-{key}-vi") or default
    return spec.get(f"x-{key}-vi") or default


def ordered_properties(schema: Mapping) -> list[tuple[str, Mapping]]:
    """Properties in the form's order: PostgreSQL's jsonb does not keep key order, so the
    order is stored in ``x-order`` (added when a version is saved)."""
    properties = schema.get("properties", {})
    order = [name for name in schema.get("x-order", []) if name in properties]
    order += [name for name in properties if name not in order]
    return [(name, properties[name]) for name in order]


def with_field_order(schema: dict) -> dict:
    """The schema with ``x-order`` recording its properties' order as written."""
    if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
        return schema
    return {**schema, "x-order": [name for name, _prop in ordered_properties(schema)]}


def field_specs(schema: Mapping) -> list[FieldSpec]:
    required = set(schema.get("required", []))
    specs = []
    for name, prop in ordered_properties(schema):
        english = translation.get_language() == "en"
        label = (prop.get("x-title-en") if english else None) or prop.get("title") or name
        labels = prop.get("x-enum-labels-en" if english else "x-enum-labels-vi") or []
        enum = prop.get("enum") or []
        choices = tuple(
            (value, labels[i] if i < len(labels) else str(value)) for i, value in enumerate(enum)
        )
        specs.append(
            FieldSpec(
                name=name,
                kind=prop.get("type", "string"),
                label=label,
                required=name in required,
                help=_localised(prop, "help"),
                choices=choices,
                widget=prop.get("x-widget", ""),
                format=prop.get("format", ""),
                max_length=prop.get("maxLength"),
            )
        )
    return specs


def check_schema(schema: Mapping) -> None:
    """Raises `SchemaError` for a schema staff typed wrongly in the admin."""
    Draft202012Validator.check_schema(schema)
    if schema.get("type") != "object" or not isinstance(schema.get("properties"), dict):
        raise SchemaError("the form schema must be an object with properties")


def _coerce(prop: Mapping, value: Any) -> tuple[Any, str | None]:
    kind = prop.get("type", "string")
    if kind == "boolean":
        if isinstance(value, bool):
            return value, None
        return str(value).strip().lower() in TRUE_WORDS, None
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if kind == "integer":
        if isinstance(value, bool):
            return None, _("Enter a whole number.")
        try:
            return int(str(value).strip()), None
        except ValueError:
            return None, _("Enter a whole number.")
    if kind == "number":
        try:
            return float(str(value).strip().replace(",", ".")), None
        except ValueError:
            return None, _("Enter a number.")
    if isinstance(value, dt.date):
        return value.isoformat(), None
    return str(value).strip(), None


def _message(error, prop: Mapping) -> str:
    validator = error.validator
    if validator == "pattern":
        explained = _localised(prop, "pattern-message")
        return explained or _("The value does not have the expected form.")
    if validator == "format" and error.validator_value == "date":
        return _("Enter a valid date (day/month/year).")
    if validator == "maxLength":
        return _("At most %(n)s characters.") % {"n": error.validator_value}
    if validator == "minLength":
        return _("At least %(n)s characters.") % {"n": error.validator_value}
    if validator == "minimum":
        return _("At least %(n)s.") % {"n": error.validator_value}
    if validator == "maximum":
        return _("At most %(n)s.") % {"n": error.validator_value}
    if validator == "enum":
        return _("Choose one of the options.")
    if validator == "type":
        return _("This value has the wrong type.")
    return _("This value is not valid.")


def validate(schema: Mapping, data: Mapping) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Coerce what a page or the API sent into typed values and check them against the schema.

    Returns (cleaned values, errors by field name). Unknown fields are dropped, never stored.
    """
    properties = schema.get("properties", {})
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name, prop in properties.items():
        value, problem = _coerce(prop, data.get(name))
        if problem:
            errors.setdefault(name, []).append(problem)
        elif value is not None:
            cleaned[name] = value
    for name in schema.get("required", []):
        if name not in cleaned and name not in errors:
            errors.setdefault(name, []).append(_("This field is required."))
    validator = Draft202012Validator(
        {**schema, "required": []}, format_checker=FormatChecker(formats=["date", "email"])
    )
    for error in validator.iter_errors(cleaned):
        name = error.path[0] if error.path else "non_field_errors"
        errors.setdefault(str(name), []).append(_message(error, properties.get(name, {})))
    return cleaned, errors


def display_value(prop: Mapping, value: Any) -> str:
    """How a stored value reads on a page: enum labels, yes/no, dates day/month/year."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    enum = prop.get("enum") or []
    if value in enum:
        english = translation.get_language() == "en"
        labels = prop.get("x-enum-labels-en" if english else "x-enum-labels-vi") or []
        index = enum.index(value)
        if index < len(labels):
            return labels[index]
    if prop.get("format") == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return str(value)
