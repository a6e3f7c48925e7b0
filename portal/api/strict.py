"""JSON input taken at its word: DRF coerces `5` into "5" for a text field and "true" into True
for a boolean, so a client violating the published schema is silently accepted. Serializers
with this mixin refuse a JSON value of the wrong type, field by field (400 problem+json)."""

from __future__ import annotations

from rest_framework import serializers

_MESSAGE = "Incorrect type: expected {expected}."


def _type_problem(field, value) -> str | None:
    if value is None:
        return None  # allow_null decides
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else "boolean"
    if isinstance(field, serializers.IntegerField):
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else "integer"
    if isinstance(field, serializers.FloatField | serializers.DecimalField):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else "number"
    if isinstance(field, serializers.CharField | serializers.ChoiceField | serializers.DateField):
        return None if isinstance(value, str) else "string"
    if isinstance(field, serializers.ListField):
        if not isinstance(value, list):
            return "array"
        for item in value:
            problem = _type_problem(field.child, item)
            if problem:
                return f"array of {problem}"
    return None


class StrictJsonInputMixin:
    def to_internal_value(self, data):
        if isinstance(data, dict) and not hasattr(data, "getlist"):  # JSON, not a form
            errors = {}
            for name, field in self.fields.items():
                if field.read_only or name not in data:
                    continue
                problem = _type_problem(field, data[name])
                if problem:
                    errors[name] = [_MESSAGE.format(expected=problem)]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
