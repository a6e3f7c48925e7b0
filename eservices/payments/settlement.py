"""Settlement hook: how a payment tells the thing it pays for that the money arrived (or went
back), without the payments package importing that thing.

The owner of a purpose registers one handler at start-up, e.g. in eservices' AppConfig.ready()::

    register_settlement_handler("dossier", dossier_payment_settled)

and the payment services call it after commit whenever a payment becomes paid, partly refunded
or refunded. A handler receives a ``Settlement`` and must be idempotent: a delivery that raised
is repeated by the periodic reconciliation until it returns.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Settlement:
    payment_uuid: uuid.UUID
    purpose: str
    purpose_ref: str
    order_code: str
    status: str  # paid | partially_refunded | refunded
    amount: Decimal
    refunded_amount: Decimal
    settled_at: dt.datetime
    channel: str
    provider_reference: str


SettlementHandler = Callable[[Settlement], None]
_handlers: dict[str, SettlementHandler] = {}


def register_settlement_handler(purpose: str, handler: SettlementHandler) -> None:
    existing = _handlers.get(purpose)
    if existing is not None and existing is not handler:
        raise ValueError(f"a settlement handler for {purpose!r} is already registered")
    _handlers[purpose] = handler


def unregister_settlement_handler(purpose: str) -> None:
    _handlers.pop(purpose, None)


def settlement_handler(purpose: str) -> SettlementHandler | None:
    return _handlers.get(purpose)
