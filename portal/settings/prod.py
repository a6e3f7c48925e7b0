"""Production: everything comes from the environment; security switches on."""

from pathlib import Path

from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Cookies only over HTTPS, bound to this exact host (the __Host- prefix forbids a Domain).
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# A debug page shows settings, SQL and children's data to anyone who triggers an error.
if DEBUG:  # noqa: F405
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production (portal.settings.prod)")

# Staff accounts reach every child's record: the second log-in step is not optional.
if not STAFF_OTP_REQUIRED:  # noqa: F405
    raise ImproperlyConfigured("STAFF_OTP_REQUIRED must be on in production (docs/adr/0019)")

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

# Signed results and receipts need the school's real key; without it nothing can be issued.
if not (SIGNING_PKCS12_PATH and SIGNING_PKCS12_PASSPHRASE):  # noqa: F405
    raise ImproperlyConfigured(
        "SIGNING_PKCS12_PATH and SIGNING_PKCS12_PASSPHRASE must name the school's PKCS#12 signing "
        "key and its passphrase in production"
    )
if not Path(SIGNING_PKCS12_PATH).is_file():  # noqa: F405
    raise ImproperlyConfigured(f"SIGNING_PKCS12_PATH={SIGNING_PKCS12_PATH} is not a readable file")  # noqa: F405
try:  # a wrong passphrase must stop the deploy, not the first family's receipt
    pkcs12.load_key_and_certificates(
        Path(SIGNING_PKCS12_PATH).read_bytes(),  # noqa: F405
        SIGNING_PKCS12_PASSPHRASE.encode(),  # noqa: F405
    )
except (OSError, ValueError) as exc:
    raise ImproperlyConfigured(
        f"SIGNING_PKCS12_PATH cannot be opened with SIGNING_PKCS12_PASSPHRASE: {exc}"
    ) from exc
# The QR on every signed document must lead to the public portal, not to a developer's machine.
if not SITE_URL.startswith("https://"):  # noqa: F405
    raise ImproperlyConfigured(
        f"SITE_URL must be the portal's public https:// address in production (got {SITE_URL!r})"  # noqa: F405
    )
