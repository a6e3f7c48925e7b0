"""Production settings refuse unsafe defaults (checked in a fresh interpreter)."""

import os
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from django.conf import settings

from documents.keys import dev_pkcs12_bytes
from notifications.channels import mask_phone

LOAD = (
    "import django; django.setup(); from django.conf import settings; "
    "print('loaded', f'DEBUG={settings.DEBUG}')"
)
HTTP_SMS = {
    "ADMISSIONS_SMS_BACKEND": "http",
    "SMS_API_URL": "https://sms.example.vn/api/send",
    "SMS_API_KEY": "k",
    "SMS_BRANDNAME": "TUYENSINH",
}


@pytest.fixture(autouse=True)
def school_pkcs12(tmp_path, monkeypatch):
    """Production needs the school's PKCS#12 key; give these subprocesses a real one."""
    key, cert, chain = pkcs12.load_key_and_certificates(
        dev_pkcs12_bytes(organisation="Trường Tiểu học thử nghiệm"), None
    )
    path = tmp_path / "school.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"school", key, cert, chain, BestAvailableEncryption(b"mat-khau-truong")
        )
    )
    monkeypatch.setenv("SIGNING_PKCS12_PATH", str(path))
    monkeypatch.setenv("SIGNING_PKCS12_PASSPHRASE", "mat-khau-truong")
    monkeypatch.setenv("SITE_URL", "https://portal.example")
    return path


def run_python(args: list[str], **env) -> subprocess.CompletedProcess:
    inherited = ("DJANGO_SETTINGS_MODULE", "SMS_", "ADMISSIONS_", "STAFF_OTP_")
    environment = {key: value for key, value in os.environ.items() if not key.startswith(inherited)}
    environment.update(env)
    environment = {name: value for name, value in environment.items() if value is not None}
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def load_prod(**env) -> subprocess.CompletedProcess:
    base = {
        "DJANGO_SETTINGS_MODULE": "portal.settings.prod",
        "DJANGO_SECRET_KEY": "k",
        "DJANGO_ALLOWED_HOSTS": "portal.example",
    }
    return run_python(["-c", LOAD], **{**base, **env})


def test_production_refuses_the_console_sms_backend():
    result = load_prod()
    assert result.returncode != 0
    assert "ADMISSIONS_SMS_BACKEND must name a real SMS provider" in result.stderr


def test_production_loads_with_the_http_sms_gateway_and_without_debug():
    result = load_prod(**HTTP_SMS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["loaded", "DEBUG=False"]


@pytest.mark.parametrize("value", ["1", "true", "True", "yes", "on"])
def test_production_refuses_every_spelling_of_debug(value):
    result = load_prod(**HTTP_SMS, DJANGO_DEBUG=value)
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be off in production" in result.stderr
    assert "loaded" not in result.stdout


def test_production_refuses_an_incomplete_http_sms_configuration():
    result = load_prod(**{**HTTP_SMS, "SMS_API_KEY": "", "SMS_BRANDNAME": ""})
    assert result.returncode != 0
    assert "the http SMS backend needs SMS_API_KEY, SMS_BRANDNAME" in result.stderr
    plain = load_prod(**{**HTTP_SMS, "SMS_API_URL": "http://sms.example.vn/api/send"})
    assert "SMS_API_URL must be an https:// address" in plain.stderr


def test_production_refuses_debug():
    result = load_prod(**HTTP_SMS, DJANGO_DEBUG="1")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be off in production" in result.stderr


def test_a_command_without_a_settings_module_refuses_to_start():
    result = run_python(["manage.py", "check"])
    assert result.returncode == 2
    assert "DJANGO_SETTINGS_MODULE is not set" in result.stderr
    assert "System check identified" not in result.stdout


def test_a_celery_worker_without_a_settings_module_refuses_to_start():
    worker = run_python(["-m", "celery", "-A", "portal", "inspect", "ping", "--timeout", "1"])
    assert worker.returncode != 0
    assert "DJANGO_SETTINGS_MODULE is not set" in worker.stderr
    assert run_python(["-c", "import portal.celery"]).returncode == 2


def test_console_sms_logs_mask_the_number():
    assert mask_phone("0912345678") == "091*****78"
    assert "12345" not in mask_phone("+84912345678")


@pytest.mark.parametrize("missing", ["SIGNING_PKCS12_PATH", "SIGNING_PKCS12_PASSPHRASE"])
def test_production_refuses_to_start_without_the_signing_key(missing):
    result = load_prod(ADMISSIONS_SMS_BACKEND="viettel", **{missing: None})
    assert result.returncode != 0
    assert "SIGNING_PKCS12_PATH and SIGNING_PKCS12_PASSPHRASE must name" in result.stderr


def test_production_refuses_a_signing_key_path_that_is_not_a_file(tmp_path):
    result = load_prod(ADMISSIONS_SMS_BACKEND="viettel", SIGNING_PKCS12_PATH=str(tmp_path / "x"))
    assert result.returncode != 0
    assert "is not a readable file" in result.stderr


def test_production_refuses_a_qr_address_that_is_not_public_https():
    result = load_prod(ADMISSIONS_SMS_BACKEND="viettel", SITE_URL="http://127.0.0.1:8000")
    assert result.returncode != 0
    assert "SITE_URL must be the portal's public https://" in result.stderr


def test_production_refuses_a_wrong_signing_passphrase():
    result = load_prod(ADMISSIONS_SMS_BACKEND="viettel", SIGNING_PKCS12_PASSPHRASE="sai-mat-khau")
    assert result.returncode != 0
    assert "cannot be opened with SIGNING_PKCS12_PASSPHRASE" in result.stderr


def test_check_deploy_passes_with_only_the_documented_gdal_decision():
    """`manage.py check --deploy` on production settings: no warning at all; the one silenced
    check is gis.W001 (GDAL < 3.9, docs/adr/0004: no untrusted SRS text reaches GDAL)."""
    env = {
        "DJANGO_SETTINGS_MODULE": "portal.settings.prod",
        "DJANGO_SECRET_KEY": "x7Qm2-long-random-production-key-" + "a1B2c3D4e5F6g7H8i9J0" * 2,
        "DJANGO_ALLOWED_HOSTS": "portal.example",
        "DJANGO_ALLOW_ASYNC_UNSAFE": None,  # set by the test session for Playwright only
        **HTTP_SMS,
    }
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout
    from django.conf import settings as test_settings

    assert test_settings.SILENCED_SYSTEM_CHECKS == ["gis.W001"]


def test_production_security_settings():
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_NAME, "
        "s.SESSION_COOKIE_AGE, s.SESSION_EXPIRE_AT_BROWSER_CLOSE, s.STAFF_OTP_REQUIRED, "
        "s.PASSWORD_HASHERS[0].rsplit('.', 1)[1])"
    )
    result = load_prod(**HTTP_SMS)
    assert result.returncode == 0, result.stderr
    env = {
        "DJANGO_SETTINGS_MODULE": "portal.settings.prod",
        "DJANGO_SECRET_KEY": "k",
        "DJANGO_ALLOWED_HOSTS": "portal.example",
        **HTTP_SMS,
    }
    out = run_python(["-c", probe], **env)
    assert out.stdout.split() == [
        "31536000", "True", "True", "True", "True", "__Host-sessionid", "28800", "True", "True",
        "Argon2PasswordHasher",
    ], out.stderr  # fmt: skip


def test_production_refuses_staff_without_a_second_factor():
    result = load_prod(**HTTP_SMS, STAFF_OTP_REQUIRED="0")
    assert result.returncode != 0
    assert "STAFF_OTP_REQUIRED must be on in production" in result.stderr
