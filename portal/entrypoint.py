"""Processes other than the web server (management commands, cron jobs, Celery workers) must be
told which settings to use: a missing DJANGO_SETTINGS_MODULE never means "development"."""

import os
import sys

MISSING = (
    "DJANGO_SETTINGS_MODULE is not set. Use portal.settings.prod on a server and "
    "portal.settings.dev on a workstation (the Makefile sets dev for `make run`)."
)


def require_settings_module() -> str:
    module = os.environ.get("DJANGO_SETTINGS_MODULE", "").strip()
    if not module:
        sys.stderr.write(MISSING + "\n")
        raise SystemExit(2)
    return module
