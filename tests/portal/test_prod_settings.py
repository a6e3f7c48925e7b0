"""Production settings refuse unsafe defaults (checked in a fresh interpreter)."""

import os
import subprocess
import sys

from django.conf import settings

from notifications.channels import mask_phone

LOAD = "import django; django.setup(); print('loaded')"


def load_prod(**env) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.prod",
        "DJANGO_SECRET_KEY": "k",
        "DJANGO_ALLOWED_HOSTS": "portal.example",
        **env,
    }
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
