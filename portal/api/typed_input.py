"""Well-formed JSON input decoded by msgspec, with the DRF serializer as the one definition.

A DRF serializer builds its fields again for every request (a deep copy of ~20 field objects,
with their validators) and validates in Python: on the opening morning's intake that was a
fifth of the web process's CPU per request (py-spy, docs/adr/0027). For a plain serializer
(the field types below, no custom validation), :func:`validated_json` derives a msgspec type
from the serializer's declared fields once, decodes the body with it and applies DRF's own
rules that a type cannot say (trimmed text, blank, defaults). Whatever that decoder does not
accept (a missing required field, a wrong type, a date written otherwise, a null character,
any error) goes to the serializer itself, so a refusal is always DRF's: every field's reason,
in the request's language. The fast path only ever accepts what the serializer accepts, with
equal validated data (tests/portal/test_typed_input.py compares both on generated input)."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import msgspec
from django.core import validators as django_validators
from django.http.request import RawPostDataException
from rest_framework import ISO_8601, serializers
from rest_framework import validators as drf_validators
from rest_framework.fields import ProhibitNullCharactersValidator, empty
from rest_framework.settings import api_settings

from portal.api.strict import StrictJsonInputMixin

_INT64_MAX = 2**63 - 1
_TEXT_VALIDATORS = (
    django_validators.MaxLengthValidator,
    django_validators.MinLengthValidator,
    ProhibitNullCharactersValidator,
    drf_validators.ProhibitSurrogateCharactersValidator,
)
_NUMBER_VALIDATORS = (django_validators.MaxValueValidator, django_validators.MinValueValidator)
_LIST_VALIDATORS = (django_validators.MaxLengthValidator, django_validators.MinLengthValidator)
#: Classes of a serializer's MRO whose validation hooks are DRF's own (or only stricter).
_PLAIN = (
    serializers.Serializer,
    serializers.BaseSerializer,
    serializers.Field,
    StrictJsonInputMixin,
)


class _Unsupported(Exception):
    """A serializer or field this decoder does not mirror: the serializer always decides."""


@dataclass(frozen=True)
class _Text:
    allow_blank: bool
    trim: bool
    min_length: int | None


@dataclass(frozen=True)
class _Field:
    name: str
    field: serializers.Field
    text: _Text | None  # CharField rules applied after decoding


class TypedDecoder:
    """Decoder of one serializer's JSON input: validated data, or None (ask the serializer)."""

    def __init__(self, serializer_class: type[serializers.Serializer]) -> None:
        declared = serializer_class._declared_fields
        self.fields = [_describe(name, field) for name, field in declared.items()]
        struct = msgspec.defstruct(
            f"{serializer_class.__name__}Typed",
            [(f.name, _type_of(f.field), msgspec.UNSET) for f in self.fields],
            kw_only=True,
        )
        self.decoder = msgspec.json.Decoder(struct)

    def validated(self, body: bytes) -> dict[str, Any] | None:
        try:
            decoded = self.decoder.decode(body)
        except msgspec.DecodeError:  # malformed, or not of the type (ValidationError)
            return None
        data: dict[str, Any] = {}
        for spec in self.fields:
            value = getattr(decoded, spec.name)
            if value is msgspec.UNSET:
                if spec.field.required:
                    return None
                if spec.field.default is empty:
                    continue
                default = spec.field.default
                value = default() if callable(default) else default
            elif spec.text is not None and value is not None:
                value = _text(value, spec.text)
                if value is None:
                    return None
            data[spec.name] = value
        return data


def _text(value: str, rule: _Text) -> str | None:
    """DRF's CharField on a decoded string: trimmed; '' when blank (if allowed); None where
    the serializer must answer (blank not allowed, too short, a null or surrogate character)."""
    if rule.trim:
        value = value.strip()
    if value == "":
        return "" if rule.allow_blank else None
    if rule.min_length is not None and len(value) < rule.min_length:
        return None
    if "\x00" in value or not _encodable(value):
        return None
    return value


def _encodable(value: str) -> bool:
    try:
        value.encode()
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


def _describe(name: str, field: serializers.Field) -> _Field:
    if field.read_only or field._kwargs.get("source") not in (None, name):
        raise _Unsupported(name)
    if getattr(field.default, "requires_context", False):
        raise _Unsupported(name)
    text = None
    if type(field) is serializers.CharField:
        text = _Text(field.allow_blank, field.trim_whitespace, field.min_length)
    return _Field(name, field, text)


def _type_of(field: serializers.Field) -> Any:
    base = _base_type(field)
    return (base | None if field.allow_null else base) | msgspec.UnsetType


def _only(field: serializers.Field, allowed: tuple[type, ...]) -> None:
    if any(not isinstance(v, allowed) for v in field.validators):
        raise _Unsupported(field)


def _base_type(field: serializers.Field) -> Any:
    kind = type(field)
    if kind is serializers.CharField:
        _only(field, _TEXT_VALIDATORS)
        # The raw length bounds the trimmed one; min_length is checked after trimming.
        return Annotated[str, _meta(max_length=field.max_length)]
    if kind is serializers.ChoiceField:
        keys = list(field.choices)
        if field.validators or not all(isinstance(k, str) for k in keys):
            raise _Unsupported(field)
        return Literal[tuple(keys + ([""] if field.allow_blank else []))]
    if kind is serializers.BooleanField:
        _only(field, ())
        return bool
    if kind is serializers.IntegerField:
        _only(field, _NUMBER_VALIDATORS)
        high = _INT64_MAX if field.max_value is None else min(field.max_value, _INT64_MAX)
        return Annotated[int, _meta(ge=field.min_value, le=high)]
    if kind is serializers.FloatField:
        _only(field, _NUMBER_VALIDATORS)
        return Annotated[float, _meta(ge=field.min_value, le=field.max_value)]
    if kind is serializers.DateField:
        _only(field, ())
        formats = getattr(field, "input_formats", None) or api_settings.DATE_INPUT_FORMATS
        if list(formats) != [ISO_8601]:
            raise _Unsupported(field)
        return dt.date  # RFC 3339 dates only; DRF's other ISO 8601 forms go to DRF
    if kind is serializers.ListField:
        _only(field, _LIST_VALIDATORS)
        if field.child.allow_null or type(field.child) is serializers.CharField:
            raise _Unsupported(field)  # kept simple: lists of numbers, booleans, choices
        low = field.min_length if field.allow_empty else max(1, field.min_length or 0)
        return Annotated[
            list[_base_type(field.child)], _meta(min_length=low, max_length=field.max_length)
        ]
    raise _Unsupported(field)


def _meta(**bounds) -> msgspec.Meta:
    return msgspec.Meta(**{k: v for k, v in bounds.items() if v is not None})


def _plain(serializer_class: type) -> bool:
    """No validation of its own (validate, validate_<field>, validators, hooks)."""
    hooks = {"validate", "to_internal_value", "run_validation", "get_validators", "get_fields"}
    hooks |= {f"validate_{name}" for name in serializer_class._declared_fields}
    for klass in serializer_class.__mro__:
        if klass in _PLAIN or klass is object:
            continue
        if hooks & set(vars(klass)):
            return False
        if getattr(getattr(klass, "Meta", None), "validators", None):
            return False
    return True


@functools.cache
def decoder_for(serializer_class: type[serializers.Serializer]) -> TypedDecoder | None:
    """The typed decoder of a plain serializer, built once; None when it has fields or
    validation this module does not mirror (the serializer then always validates)."""
    if not _plain(serializer_class):
        return None
    try:
        return TypedDecoder(serializer_class)
    except _Unsupported:
        return None


def validated_json(serializer_class: type[serializers.Serializer], request) -> dict[str, Any]:
    """The serializer's validated data for a DRF request: decoded by type when the body is
    well-formed UTF-8 JSON the decoder accepts, else by the serializer (which raises its 400)."""
    decoder = decoder_for(serializer_class)
    if decoder is not None and _is_utf8_json(request):
        try:
            body = request._request.body
        except RawPostDataException:  # the stream was read already: the serializer's way
            body = None
        if body is not None:
            data = decoder.validated(body)
            if data is not None:
                return data
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _is_utf8_json(request) -> bool:
    media_type, _, params = (request.content_type or "").partition(";")
    if media_type.strip().lower() != "application/json":
        return False
    charset = params.strip().lower().removeprefix("charset=").strip('"')
    return charset in ("", "utf-8", "utf8")


@functools.cache
def _prototype(serializer_class: type[serializers.Serializer]) -> serializers.Serializer:
    return serializer_class()


def represented(serializer_class: type[serializers.Serializer], instance) -> dict[str, Any]:
    """``serializer_class(instance).data`` without building the fields again: one bound
    instance per class, used read-only (``to_representation`` keeps no state). For output
    serializers that read no context (no request, no view)."""
    return _prototype(serializer_class).to_representation(instance)
