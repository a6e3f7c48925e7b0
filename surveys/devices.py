"""Anonymous answers are limited to one per device: a random token lives in a long-lived cookie
and only a keyed hash of it, bound to the survey, is stored. The hash cannot be reversed to the
token, and two surveys' hashes of the same device cannot be linked."""

from __future__ import annotations

import secrets

from django.utils.crypto import salted_hmac

DEVICE_COOKIE = "khao_sat_thiet_bi"
DEVICE_COOKIE_MAX_AGE = 2 * 365 * 24 * 3600
TOKEN_BYTES = 32


def device_token_new() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def device_token_is_wellformed(token: str | None) -> bool:
    if not token or not 32 <= len(token) <= 64:
        return False
    return token.replace("-", "").replace("_", "").isalnum()


def device_hash(*, survey_uuid, token: str) -> str:
    return salted_hmac("surveys.device", f"{survey_uuid}:{token}", algorithm="sha256").hexdigest()
