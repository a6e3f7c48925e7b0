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

# Families must really receive their SMS, and logs must not hold their messages.
if ADMISSIONS_SMS_BACKEND in {"console", "locmem"}:  # noqa: F405
    raise ImproperlyConfigured(
        "ADMISSIONS_SMS_BACKEND must name a real SMS provider in production "
        f"(got {ADMISSIONS_SMS_BACKEND!r})"  # noqa: F405
    )
