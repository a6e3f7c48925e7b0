"""Settings shared by every environment. Defaults are closed: DEBUG off, explicit hosts."""

import datetime as dt
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("DJANGO_SECRET_KEY", None)
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "rest_framework",
    "rest_framework_gis",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "leaflet",
    "portal.core",
    "gis.apps.GeoConfig",
    "admissions.apps.AdmissionsConfig",
    "eservices.apps.EservicesConfig",
    "notifications.apps.NotificationsConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cached public map responses are answered here, before sessions and the database.
    "gis.mapcache.PublicMapCacheMiddleware",
    # A database outage raised by a view becomes 503 problem+json (portal/core/errors.py).
    "portal.core.errors.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "portal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.core.context_processors.site",
            ],
        },
    },
]

# DATABASE_URL when set; otherwise the project-local cluster that scripts/bootstrap.sh runs,
# reachable only through its socket in .run/ (no TCP port, so it never clashes with a server).
# DATABASE_CONN_MAX_AGE keeps connections open between requests (gunicorn sets it: a connect
# costs more than a map request); health checks reconnect after a PostgreSQL restart.
_CONN_MAX_AGE = env_int("DATABASE_CONN_MAX_AGE", 0)
if env_str("DATABASE_URL", ""):
    DATABASES = {
        "default": dj_database_url.parse(
            env_str("DATABASE_URL"),
            engine="django.contrib.gis.db.backends.postgis",
            conn_max_age=_CONN_MAX_AGE,
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.contrib.gis.db.backends.postgis",
            "NAME": env_str("PORTAL_DB_NAME", "portal"),
            "USER": "postgres",
            "HOST": str(BASE_DIR / ".run"),
            "PORT": str(env_int("PORTAL_PGPORT", 54329)),
            "CONN_MAX_AGE": _CONN_MAX_AGE,
            "CONN_HEALTH_CHECKS": True,
        }
    }
# A streaming replica for the public map reads (portal/core/routers.py, docs/adr/0024).
if env_str("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = dj_database_url.parse(
        env_str("DATABASE_REPLICA_URL"),
        engine="django.contrib.gis.db.backends.postgis",
        conn_max_age=_CONN_MAX_AGE,
        conn_health_checks=True,
    )
PUBLIC_READ_DATABASE = env_str("PUBLIC_READ_DATABASE", "replica" if "replica" in DATABASES else "")
DATABASE_ROUTERS = ["portal.core.routers.PublicReadReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first, English available.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
# The portal's own catalogue first, then Vietnamese for strings of installed libraries whose
# catalogues lack them (DRF's API errors, django-axes' admin): portal/locale_vendor, hand-kept.
LOCALE_PATHS = [BASE_DIR / "portal" / "locale", BASE_DIR / "portal" / "locale_vendor"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "portal" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
DATA_FIXTURES_DIR = BASE_DIR / "fixtures"
# The OpenStreetMap extract for the road network and the schools mapped as areas (see
# ../shared/data/SOURCES.md, S7): the shared data set lives beside the repository.
OSM_EXTRACT_PATH = Path(
    env_str(
        "OSM_EXTRACT_PATH",
        str(BASE_DIR.parent / "shared" / "data" / "roads" / "hcm_2018.osm.pbf"),
    )
)
# Road distances: shortest-path trees stop at this many metres; a home farther than
# ROAD_MAX_SNAP_M from any usable road falls back to the straight line (with its reason).
# Parsed extracts are cached here by content hash, so reloading the data stays fast.
DATA_CACHE_DIR = Path(env_str("DATA_CACHE_DIR", str(BASE_DIR / ".cache" / "data")))
ROAD_MAX_DISTANCE_M = env_int("ROAD_MAX_DISTANCE_M", 10_000)
ROAD_MAX_SNAP_M = env_int("ROAD_MAX_SNAP_M", 500)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api.exceptions.problem_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.DefaultPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Deny unless a view declares its rule (AllowAny for public views): docs/adr/0018.
    "DEFAULT_PERMISSION_CLASSES": ["portal.api.permissions.DenyAll"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "HCMC primary school portal API",
    "DESCRIPTION": (
        "Public school map and admissions API. Coordinates are WGS 84 (EPSG:4326), GeoJSON "
        "order [lon, lat]; distances are geodesic metres on the WGS 84 ellipsoid."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the installed sidecar package, not a CDN: these machines have no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Errors are documented as the problem+json they are (portal/api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.schema.problem_responses",
    ],
}

# Map: tiles are optional (these machines have no internet); ward boundaries are the base layer.
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors")
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (10.78, 106.70),
    "DEFAULT_ZOOM": 11,
    "MIN_ZOOM": 8,
    "MAX_ZOOM": 18,
    "TILES": [("Base", MAP_TILE_URL, {"attribution": MAP_TILE_ATTRIBUTION})]
    if MAP_TILE_URL
    else [],
    "RESET_VIEW": False,
    "SCALE": "metric",
    "ATTRIBUTION_PREFIX": "Leaflet",
}

# Geography and domain parameters.
CURRENT_ADMIN_VINTAGE = env_str("CURRENT_ADMIN_VINTAGE", "2025")
CLASS_SIZE_NORM = env_int("CLASS_SIZE_NORM", 35)  # Circular 28/2020/TT-BGDĐT Art. 16
NEAREST_SCHOOLS_MAX_K = 20

# Background work: Celery on Redis when a broker is configured, in-process otherwise.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "") or None

# Shared cache for rate limits and the public map responses (gis/mapcache.py): Redis when
# CACHE_REDIS_URL is set (`check --deploy` warns without it), per-process memory otherwise. A
# Redis outage degrades to "no cache" with a logged warning (portal/core/cache.py).
CACHE_REDIS_URL = env_str("CACHE_REDIS_URL", "")
_REDIS_CACHE = "portal.core.cache.ResilientRedisCache"
CACHES = {
    "default": {"BACKEND": _REDIS_CACHE, "LOCATION": CACHE_REDIS_URL}
    if CACHE_REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# Each web process also keeps the public map responses of the current generation in memory
# and re-reads the generation at most this often: a map change reaches every process within it.
MAP_CACHE_GENERATION_TTL_MS = env_int("MAP_CACHE_GENERATION_TTL_MS", 1000)
MAP_CACHE_LOCAL_MAX_BYTES = env_int("MAP_CACHE_LOCAL_MAX_BYTES", 64 * 1024 * 1024)

MAILERS = {
    "default": {
        "BACKEND": env_str("MAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"),
        "OPTIONS": {
            key: value
            for key, value in {
                "host": env_str("MAIL_HOST", ""),
                "port": env_int("MAIL_PORT", 0) or None,
                "username": env_str("MAIL_USERNAME", ""),
                "password": env_str("MAIL_PASSWORD", ""),
                "use_tls": env_bool("MAIL_USE_TLS", False) or None,
            }.items()
            if value
        },
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "tuyensinh@example.invalid")

LOGIN_URL = "admin:login"

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Sessions end after 8 hours (a working day) and when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Sessions are read from the cache (Redis) and written through to PostgreSQL: a signed-in
# request costs no session query, and a lost or flushed cache loses no session (ADR 0027).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Debian 12 ships GDAL 3.6; gis.W001 asks for 3.9+ to block file/network access from malicious
# spatial references. We never parse untrusted SRS text (see docs/adr/0004-gdal-version-warning.md).
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# --- Parent accounts and grade-1 admissions (issues #3 and #4) ---
INSTALLED_APPS += ["accounts.apps.AccountsConfig"]
AUTHENTICATION_BACKENDS = ["accounts.backends.PhoneOrEmailBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "admissions:home"
LOGOUT_REDIRECT_URL = "admissions:home"
# Pluggable OpenID Connect login (VNeID or a city SSO); off unless configured.
OIDC_ENABLED = env_bool("OIDC_ENABLED", False)
OIDC_LOGIN_LABEL = env_str("OIDC_LOGIN_LABEL", "VNeID")
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid email profile")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT", "")
LOGIN_REDIRECT_URL_FAILURE = "/accounts/dang-nhap/"
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS += ["accounts.oidc.PortalOIDCBackend"]

# Evidence files are private: stored outside MEDIA_ROOT, served only through a checked view.
PRIVATE_MEDIA_ROOT = Path(
    env_str("DJANGO_PRIVATE_MEDIA_ROOT", str(MEDIA_ROOT.parent / f"{MEDIA_ROOT.name}-private"))
)
ADMISSIONS_EVIDENCE_MAX_BYTES = env_int("ADMISSIONS_EVIDENCE_MAX_BYTES", 5 * 1024 * 1024)
ADMISSIONS_SMS_BACKEND = env_str("ADMISSIONS_SMS_BACKEND", "console")
# The `http` SMS backend (notifications.channels.HttpSmsBackend): a brand-name gateway's JSON API.
SMS_API_URL = env_str("SMS_API_URL", "")
SMS_API_KEY = env_str("SMS_API_KEY", "")
SMS_BRANDNAME = env_str("SMS_BRANDNAME", "")
ADMISSIONS_CONSENT_VERSION = env_str("ADMISSIONS_CONSENT_VERSION", "2026-01")
ADMISSIONS_PDF_FONT = env_str(
    "ADMISSIONS_PDF_FONT", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
)
ADMISSIONS_MAX_CHOICES = 5
# The intake queue (admissions/services/intake.py): at most one drain task queued at a time,
# for this long; the beat schedule drains what a lost task left.
ADMISSIONS_INTAKE_DRAIN_FLAG_S = env_int("ADMISSIONS_INTAKE_DRAIN_FLAG_S", 30)
# While intakes younger than ADMISSIONS_INTAKE_BUSY_MS are queued, a worker's drain spends at
# most this percentage of its time working (100: never yields); docs/adr/0027.
ADMISSIONS_INTAKE_DRAIN_SHARE_PERCENT = env_int("ADMISSIONS_INTAKE_DRAIN_SHARE_PERCENT", 25)
ADMISSIONS_INTAKE_BUSY_MS = env_int("ADMISSIONS_INTAKE_BUSY_MS", 1000)
# An intake request reads its round at most this often per process (the worker re-reads it).
ADMISSIONS_INTAKE_ROUND_READ_MS = env_int("ADMISSIONS_INTAKE_ROUND_READ_MS", 1000)
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "ApplicationStatusEnum": "admissions.constants.ApplicationStatus",
        "OfferStatusEnum": "admissions.constants.OfferStatus",
    }
)
ADMISSIONS_TICKET_DECISION_DAYS = env_int("ADMISSIONS_TICKET_DECISION_DAYS", 7)

# Brute-force protection for every password login (parents, staff, admin): django-axes locks an
# identity from one IP address after repeated failures, and the lock expires by itself. The
# identity is normalised first (0912…, +84912…, 091 2… are one phone; e-mails ignore case), so
# spelling a number differently buys no fresh tries.
INSTALLED_APPS += ["portal.core.apps.AxesConfig"]  # django-axes, with a translated name
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", *AUTHENTICATION_BACKENDS]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "accounts.identity.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "portal/locked_out.html"
AXES_VERBOSE = False

# --- Payments (issue #7, docs/adr/0011-payments.md) ---
# Money settles to the school's own merchant / bank account; the portal never holds funds.
INSTALLED_APPS += ["eservices.payments.apps.PaymentsConfig"]
PAYMENT_PROVIDERS = env_list("PAYMENT_PROVIDERS", "")  # enabled providers, e.g. "vnpay"
PAYMENT_QUERY_AFTER_MINUTES = env_int("PAYMENT_QUERY_AFTER_MINUTES", 20)
PAYMENT_PENDING_DAYS = env_int("PAYMENT_PENDING_DAYS", 30)
VNPAY_TMN_CODE = env_str("VNPAY_TMN_CODE", "")
VNPAY_HASH_SECRET = env_str("VNPAY_HASH_SECRET", "")
VNPAY_PAY_URL = env_str("VNPAY_PAY_URL", "")
VNPAY_API_URL = env_str("VNPAY_API_URL", "")
VNPAY_CHECKOUT_MINUTES = env_int("VNPAY_CHECKOUT_MINUTES", 15)
VNPAY_SERVER_IP = env_str("VNPAY_SERVER_IP", "127.0.0.1")
VNPAY_TIMEOUT_SECONDS = env_int("VNPAY_TIMEOUT_SECONDS", 30)
# The local VNPay sandbox gateway (development and tests only; production refuses it).
VNPAY_SANDBOX_ENABLED = env_bool("VNPAY_SANDBOX_ENABLED", False)
VNPAY_SANDBOX_IPN_URL = env_str("VNPAY_SANDBOX_IPN_URL", "")  # default: this portal's IPN URL
# The school's bank account shown as a VietQR code on payment pages (empty: no QR).
VIETQR_BANK_BIN = env_str("VIETQR_BANK_BIN", "")
VIETQR_ACCOUNT_NO = env_str("VIETQR_ACCOUNT_NO", "")
VIETQR_ACCOUNT_NAME = env_str("VIETQR_ACCOUNT_NAME", "")
CELERY_BEAT_SCHEDULE = {
    "payments-reconcile-pending": {"task": "payments.reconcile_pending", "schedule": 300.0},
    "admissions-intake-drain": {"task": "admissions.intake_drain", "schedule": 60.0},
}

# --- Signed documents: PAdES e-results, e-receipts, public verification (issue #10) ---
INSTALLED_APPS += ["documents.apps.DocumentsConfig"]
# Production: the school's PKCS#12 file and its passphrase (prod.py refuses to start without them).
SIGNING_PKCS12_PATH = env_str("SIGNING_PKCS12_PATH", "")
SIGNING_PKCS12_PASSPHRASE = env_str("SIGNING_PKCS12_PASSPHRASE", "")
# Optional PEM file of the roots a verifier trusts when the PKCS#12 chain stops below its root.
SIGNING_TRUST_ROOTS_PEM = env_str("SIGNING_TRUST_ROOTS_PEM", "")
# Development and tests: a local CA and signing certificate created here on first use.
SIGNING_DEV_DIR = Path(env_str("SIGNING_DEV_DIR", str(BASE_DIR / ".signing")))
DOCUMENTS_ISSUER_NAME = env_str("DOCUMENTS_ISSUER_NAME", "Trường Tiểu học thử nghiệm")
DOCUMENTS_PDF_FONT = ADMISSIONS_PDF_FONT
DOCUMENTS_PDF_FONT_BOLD = env_str(
    "DOCUMENTS_PDF_FONT_BOLD", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
)
DOCUMENTS_VERIFY_MAX_BYTES = env_int("DOCUMENTS_VERIFY_MAX_BYTES", 10 * 1024 * 1024)
DOCUMENTS_VERIFY_CODE_RATE = env_str("DOCUMENTS_VERIFY_CODE_RATE", "30/min")
DOCUMENTS_VERIFY_UPLOAD_RATE = env_str("DOCUMENTS_VERIFY_UPLOAD_RATE", "10/min")

# --- Online public services (issue #7) ---
# The absolute address of the portal, for links in e-mails and SMS.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# The receiving unit's code in dossier codes (Circular 01/2018/TT-VPCP Art. 19, QCVN codes of
# Circular 10/2016/TT-BTTTT): replace with the school's own code.
ESERVICES_UNIT_CODE = env_str("ESERVICES_UNIT_CODE", "000.27.79.H29")
ESERVICES_ATTACHMENT_MAX_BYTES = env_int("ESERVICES_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)
# Days the officer has to answer a citizen's request to correct a dossier's data.
ESERVICES_CORRECTION_DECISION_DAYS = env_int("ESERVICES_CORRECTION_DECISION_DAYS", 7)
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "DossierStatusEnum": "eservices.constants.DossierStatus",
        "ServiceLevelEnum": "eservices.constants.ServiceLevel",
    }
)

# --- Surveys and the KPI dashboard (issue #10) ---
INSTALLED_APPS += ["surveys.apps.SurveysConfig", "kpi.apps.KpiConfig"]
# Answers accepted per survey from one client address within the window (a school's or a
# family's network shares one address, so the limit is generous).
SURVEY_RATE_LIMIT = env_int("SURVEY_RATE_LIMIT", 30)
SURVEY_RATE_WINDOW_SECONDS = env_int("SURVEY_RATE_WINDOW_SECONDS", 3600)
# A month or procedure with fewer satisfaction ratings than this shows none of them, so that
# one family's rating cannot be read from its procedure's row (the totals still count them).
KPI_MIN_RATINGS_SHOWN = env_int("KPI_MIN_RATINGS_SHOWN", 3)

# --- Security and personal data (issue #11, docs/adr/0019) ---
# Staff log in with a second factor: a TOTP authenticator, or a one-time recovery code.
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"]
MIDDLEWARE += [
    "django_otp.middleware.OTPMiddleware",
    "accounts.two_factor.StaffSecondFactorMiddleware",
]
STAFF_OTP_REQUIRED = env_bool("STAFF_OTP_REQUIRED", True)

# Content-Security-Policy: scripts from this site only (or with the request's nonce); inline
# style attributes stay allowed (Leaflet and the admin write them). Map tiles and the VNPay
# checkout are the only other origins.
INSTALLED_APPS += ["csp"]
MIDDLEWARE.insert(1, "portal.core.csp.PortalCSPMiddleware")


def _origin(url: str, *, wildcard_subdomain: bool = False) -> list[str]:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if not (parts.scheme and parts.netloc):
        return []
    host = parts.netloc.replace("{s}", "*") if wildcard_subdomain else parts.netloc
    return [f"{parts.scheme}://{host}"]


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", *_origin(MAP_TILE_URL, wildcard_subdomain=True)],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [SELF],
        "form-action": [SELF, *_origin(VNPAY_PAY_URL)],
    }
}
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Cổng tuyển sinh TP.HCM")
# The append-only, hash-chained audit trail (`manage.py verify_audit_log`).
INSTALLED_APPS += ["audit.apps.AuditConfig"]
# Personal data (Law 91/2025): consent and staff-access records, the family's own copy, and
# anonymisation this many months after a round's offer deadline or a dossier's closing.
INSTALLED_APPS += ["privacy.apps.PrivacyConfig"]
MIDDLEWARE += ["privacy.middleware.StaffAccessLogMiddleware"]
PERSONAL_DATA_RETENTION_MONTHS = env_int("PERSONAL_DATA_RETENTION_MONTHS", 24)
ESERVICES_CONSENT_VERSION = env_str("ESERVICES_CONSENT_VERSION", "2026-01")
