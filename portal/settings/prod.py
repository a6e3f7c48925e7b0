"""Production: everything comes from the environment; security switches on."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# A debug page shows settings, SQL and children's data to anyone who triggers an error.
if DEBUG:  # noqa: F405
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production (portal.settings.prod)")

# Families must really receive their SMS, and logs must not hold their messages.
if ADMISSIONS_SMS_BACKEND in {"console", "locmem"}:  # noqa: F405
    raise ImproperlyConfigured(
        "ADMISSIONS_SMS_BACKEND must name a real SMS provider in production "
        f"(got {ADMISSIONS_SMS_BACKEND!r}; use 'http' with SMS_API_URL, SMS_API_KEY, SMS_BRANDNAME)"  # noqa: F405
    )
if ADMISSIONS_SMS_BACKEND == "http":  # noqa: F405
    _missing = [
        name for name in ("SMS_API_URL", "SMS_API_KEY", "SMS_BRANDNAME") if not globals()[name]
    ]
    if _missing:
        raise ImproperlyConfigured(f"the http SMS backend needs {', '.join(_missing)}")
    if not SMS_API_URL.startswith("https://"):  # noqa: F405
        raise ImproperlyConfigured("SMS_API_URL must be an https:// address in production")
