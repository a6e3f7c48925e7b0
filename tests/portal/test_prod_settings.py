"""Production settings refuse unsafe defaults (checked in a fresh interpreter)."""

import os
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from django.conf import settings

from documents.keys import dev_pkcs12_bytes
from notifications.channels import mask_phone

LOAD = "import django; django.setup(); print('loaded')"


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


def load_prod(**env) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.prod",
        "DJANGO_SECRET_KEY": "k",
        "DJANGO_ALLOWED_HOSTS": "portal.example",
        **env,
    }
    environment = {name: value for name, value in environment.items() if value is not None}
    if "ADMISSIONS_SMS_BACKEND" not in env:
        environment.pop("ADMISSIONS_SMS_BACKEND", None)
    return subprocess.run(
        [sys.executable, "-c", LOAD],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_the_console_sms_backend():
    result = load_prod()
    assert result.returncode != 0
    assert "ADMISSIONS_SMS_BACKEND must name a real SMS provider" in result.stderr


def test_production_loads_with_a_real_provider_and_without_debug():
    result = load_prod(ADMISSIONS_SMS_BACKEND="viettel")
    assert result.returncode == 0, result.stderr
    assert "loaded" in result.stdout


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
