"""Money and form-value display for e-service pages."""

from decimal import Decimal

from django import template
from django.utils import translation

from ..schema_forms import display_value, field_specs, ordered_properties

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """680000 → "680.000 đ" in Vietnamese, "680,000 VND" in English (never localised for
    scripts: this is for reading)."""
    if amount is None or amount == "":
        return ""
    whole = int(Decimal(amount))
    grouped = f"{whole:,}"
    if translation.get_language() == "en":
        return f"{grouped} VND"
    return grouped.replace(",", ".") + " đ"


@register.filter
def localised(item: dict, key: str = "") -> str:
    """{"vi": …, "en": …} → the text of the current language."""
    if not isinstance(item, dict):
        return str(item)
    return item.get("en" if translation.get_language() == "en" else "vi") or item.get("vi", "")


@register.simple_tag
def form_rows(schema: dict, data: dict) -> list[tuple[str, str]]:
    """(label, displayed value) for every answered field of a dossier."""
    english = translation.get_language() == "en"
    rows = []
    for name, prop in ordered_properties(schema):
        if name not in data:
            continue
        label = (prop.get("x-title-en") if english else None) or prop.get("title") or name
        rows.append((label, display_value(prop, data[name])))
    return rows


@register.simple_tag
def field_labels(schema: dict) -> list[tuple[str, bool]]:
    """(label, required) of every field of a procedure's form, in the current language."""
    return [(spec.label, spec.required) for spec in field_specs(schema)]


@register.simple_tag
def deadline_exceptions(version) -> list[tuple[int, str]]:
    """(working days, the case in words) for each deadline rule of a version."""
    labels = {spec.name: spec.label for spec in field_specs(version.form_schema)}
    return [(rule["days"], labels.get(rule.get("field"), rule.get("field", ""))) for rule in
            version.deadline_rules]  # fmt: skip
