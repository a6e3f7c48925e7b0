"""One spelling per person: the identity a log-in, a lockout and a rate limit key on."""

from __future__ import annotations

from .phone import looks_like_phone, normalize_vn_mobile


def login_identity(raw: str | None) -> str:
    """`+84 912 345 678`, `0912345678` and `84912345678` are one person; so are `Lan@X.vn` and
    `lan@x.vn`. Anything else (a staff username) is kept as typed, without outer spaces."""
    text = (raw or "").strip()
    if "@" in text:
        return text.lower()
    if looks_like_phone(text):
        return normalize_vn_mobile(text) or text
    return text


def axes_username(request, credentials: dict | None = None) -> str:
    """AXES_USERNAME_CALLABLE: django-axes counts failures per normalised identity."""
    if credentials:
        return login_identity(credentials.get("username"))
    data = getattr(request, "data", None) or request.POST
    return login_identity(data.get("username"))
