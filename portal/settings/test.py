"""Settings for pytest: real PostGIS, fast hashing, in-process tasks, temporary media."""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-key")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("DJANGO_MEDIA_ROOT", tempfile.mkdtemp(prefix="portal-test-media-"))
# Tests create their own local CA and signing key, outside the working tree.
os.environ.setdefault("SIGNING_DEV_DIR", tempfile.mkdtemp(prefix="portal-test-signing-"))
os.environ["CELERY_BROKER_URL"] = ""
os.environ.setdefault("ADMISSIONS_SMS_BACKEND", "locmem")
# Staff tests log in with force_login; the second factor is switched on in the tests that
# exercise it (tests/portal/test_two_factor.py). Production refuses it off.
os.environ.setdefault("STAFF_OTP_REQUIRED", "0")  # tests read the codes and notices sent

from .base import *  # noqa: F403
from .base import MIDDLEWARE

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests change the map and read it back at once: every request re-reads the generation.
MAP_CACHE_GENERATION_TTL_MS = 0
# Tests change rounds and post intakes at once (tests/admissions/api/test_intake_api.py turns
# the remembered round on).
ADMISSIONS_INTAKE_ROUND_READ_MS = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests serve static files through Django's finders; WhiteNoise would warn about STATIC_ROOT.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]
# Django's test client logs in without a request, which django-axes refuses; the lockout is
# tested with AXES_ENABLED switched on in tests/portal/test_login_protection.py.
AXES_ENABLED = False

from .payments_sandbox import *  # noqa: E402, F403

# A second alias on the same test database, so the public-read router is tested for real
# (tests/portal/test_replica_router.py switches PUBLIC_READ_DATABASE on); off elsewhere.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
PUBLIC_READ_DATABASE = ""
