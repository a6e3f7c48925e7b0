"""Messages to families: e-mail through Django's backend, SMS through a provider registry.

The SMS provider is chosen by ``settings.ADMISSIONS_SMS_BACKEND`` (a key of ``SMS_BACKENDS``);
``console`` logs the message, ``locmem`` keeps it in ``outbox`` (tests). A real provider is a
class with ``send(*, to, body) -> str`` registered with ``@register_sms_backend("name")``.
"""

from __future__ import annotations

import logging

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


def sms_backend():
    name = settings.ADMISSIONS_SMS_BACKEND
    try:
        return SMS_BACKENDS[name]()
    except KeyError as exc:
        raise LookupError(f"unknown SMS backend {name!r}; known: {sorted(SMS_BACKENDS)}") from exc


def send_email(*, to: str, subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
