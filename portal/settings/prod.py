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

# Payments: never the sandbox; an enabled VNPay needs its merchant settings, over HTTPS.
if VNPAY_SANDBOX_ENABLED:  # noqa: F405
    raise ImproperlyConfigured("VNPAY_SANDBOX_ENABLED must be off in production")
if "vnpay" in PAYMENT_PROVIDERS:  # noqa: F405
    _missing = [
        name
        for name in ("VNPAY_TMN_CODE", "VNPAY_HASH_SECRET", "VNPAY_PAY_URL", "VNPAY_API_URL")
        if not globals()[name]
    ]
    if _missing:
        raise ImproperlyConfigured(f"VNPay is enabled but {', '.join(_missing)} not set")
    if not (VNPAY_PAY_URL.startswith("https://") and VNPAY_API_URL.startswith("https://")):  # noqa: F405
        raise ImproperlyConfigured("VNPAY_PAY_URL and VNPAY_API_URL must be https:// URLs")
