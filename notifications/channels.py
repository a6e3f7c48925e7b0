"""Messages to families: e-mail through Django's backend, SMS through a provider registry.

The SMS provider is chosen by ``settings.ADMISSIONS_SMS_BACKEND`` (a key of ``SMS_BACKENDS``);
``console`` logs the message, ``locmem`` keeps it in ``outbox`` (tests), ``http`` posts it to a
brand-name SMS gateway's JSON API (production). A provider is a class with
``send(*, to, body) -> str`` registered with ``@register_sms_backend("name")``; it returns a
reference of the message at the provider and raises ``SmsDeliveryError`` when it was not sent.
"""

from __future__ import annotations

import logging
import uuid

import httpx
from django.conf import settings
from django.core.mail import send_mail

logger = logging.getLogger(__name__)

SMS_BACKENDS: dict[str, type] = {}


def register_sms_backend(name: str):
    def decorator(cls):
        SMS_BACKENDS[name] = cls
        return cls

    return decorator


def mask_phone(number: str) -> str:
    """0912345678 → 091*****78: logs never hold a family's full number."""
    return number[:3] + "*" * max(0, len(number) - 5) + number[-2:] if len(number) > 5 else "***"


@register_sms_backend("console")
class ConsoleSmsBackend:
    """Development only (production refuses it): logs the message with the number masked."""

    def send(self, *, to: str, body: str) -> str:
        logger.info("SMS to %s: %s", mask_phone(to), body)
        return "console"


@register_sms_backend("locmem")
class LocmemSmsBackend:
    outbox: list[dict[str, str]] = []

    def send(self, *, to: str, body: str) -> str:
        type(self).outbox.append({"to": to, "body": body})
        return "locmem"


class SmsDeliveryError(Exception):
    """The provider did not accept the message (unreachable, refused, or an unreadable answer)."""


def international_vn(number: str) -> str:
    """0912345678 → 84912345678: the form Vietnamese SMS gateways expect."""
    digits = "".join(ch for ch in number if ch.isdigit())
    return "84" + digits[1:] if digits.startswith("0") else digits


@register_sms_backend("http")
class HttpSmsBackend:
    """A Vietnamese brand-name SMS gateway's JSON API (settings ``SMS_API_URL``, ``SMS_API_KEY``,
    ``SMS_BRANDNAME``).

    Request: ``POST SMS_API_URL`` with ``Authorization: Bearer SMS_API_KEY`` and
    ``{"phone": "849…", "brandname": …, "message": …, "request_id": <uuid>}``; the request id
    lets the gateway drop a retried duplicate. Answer: 2xx with ``{"message_id": …}``; anything
    else is a ``SmsDeliveryError`` naming the gateway's reason (never the number or the text).
    """

    timeout = httpx.Timeout(10.0, connect=5.0)

    def __init__(self, *, url: str = "", api_key: str = "", brandname: str = ""):
        self.url = url or settings.SMS_API_URL
        self.api_key = api_key or settings.SMS_API_KEY
        self.brandname = brandname or settings.SMS_BRANDNAME

    def send(self, *, to: str, body: str) -> str:
        request_id = str(uuid.uuid4())
        payload = {
            "phone": international_vn(to),
            "brandname": self.brandname,
            "message": body,
            "request_id": request_id,
        }
        try:
            response = httpx.post(
                self.url,
                json=payload,
                headers={"Authorization": f"Bearer {self.api_key}"},
                timeout=self.timeout,
            )
        except httpx.HTTPError as exc:
            raise SmsDeliveryError(f"SMS gateway unreachable: {type(exc).__name__}") from exc
        answer = _json_or_empty(response)
        message_id = answer.get("message_id") if isinstance(answer, dict) else None
        if not response.is_success or not message_id:
            reason = answer.get("error") if isinstance(answer, dict) else None
            raise SmsDeliveryError(
                f"SMS gateway refused the message (HTTP {response.status_code}): "
                f"{reason or 'no message_id in the answer'}"
            )
        logger.info("SMS to %s accepted by the gateway as %s", mask_phone(to), message_id)
        return f"http:{message_id}"[:60]


def _json_or_empty(response: httpx.Response):
    try:
        return response.json()
    except ValueError:
        return {}


def sms_backend():
    name = settings.ADMISSIONS_SMS_BACKEND
    try:
        return SMS_BACKENDS[name]()
    except KeyError as exc:
        raise LookupError(f"unknown SMS backend {name!r}; known: {sorted(SMS_BACKENDS)}") from exc


def send_email(*, to: str, subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
