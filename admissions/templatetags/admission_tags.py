"""Small display helpers for the admission pages (text for people, never numbers for scripts)."""

from django import template
from django.utils.translation import get_language

from admissions.allocation.messages import km as km_in

register = template.Library()


@register.filter
def person(user) -> str:
    """A person's name as the committee knows it (the parent's full name from the sign-up, a
    staff member's name), not the internal username; the username only when no name exists."""
    if user is None:
        return ""
    profile = user.profile if hasattr(user, "profile") else None  # staff have none
    name = (getattr(profile, "full_name", "") or "").strip() or user.get_full_name().strip()
    return name or user.get_username()


@register.filter
def km(metres, digits: int = 2) -> str:
    """Metres as kilometres in the page's language: 2370 → "2,37 km" in Vietnamese (the
    engine's explanation sentences write distances with the same function)."""
    if metres is None or metres == "":
        return ""
    return km_in(float(metres), get_language() or "vi", int(digits))
