"""The contract every payment provider implements, and the values it hands to the services.

Providers are stateless adapters: they sign, verify and talk to the gateway and return plain
values; the services persist. A provider never marks anything paid itself.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models import Payment, Refund


class InvalidSignature(Exception):
    """The message was not signed with our secret: ignore it and say so to the sender."""


class ProviderError(Exception):
    """The gateway could not be reached or gave an answer we cannot trust."""


class NotificationOutcome(StrEnum):
    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already_confirmed"
    NOT_FOUND = "not_found"
    INVALID_AMOUNT = "invalid_amount"
    BAD_SIGNATURE = "bad_signature"
    ERROR = "error"


@dataclass(frozen=True)
class StartResult:
    redirect_url: str


@dataclass(frozen=True)
class ProviderEvent:
    """One message from a gateway, already verified. ``status`` is the payment status it asks
    for (None: no change, e.g. "still pending")."""

    txn_ref: str  # the payment's own reference
    kind: str
    idempotency_key: str
    provider_status: str
    status: str | None
    amount: Decimal | None
    provider_reference: str = ""
    bank_code: str = ""
    paid_at: dt.datetime | None = None
    attempt_ref: str = ""  # the gateway's reference of this attempt (e.g. vnp_TxnRef)
    channel: str = ""  # how the money travelled (constants.Channel)
    raw: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class RefundResult:
    succeeded: bool
    provider_code: str
    message: str
    raw: Mapping[str, object] = field(default_factory=dict)


class PaymentProvider(ABC):
    name: str = ""
    channel: str = ""

    @abstractmethod
    def check_config(self) -> list[str]:
        """Problems with the configuration (empty when ready)."""

    def needs_new_attempt(self, payment: Payment, *, now: dt.datetime) -> bool:
        """Whether the payer's next checkout needs a fresh gateway transaction."""
        return False

    def new_attempt(self, payment: Payment, *, now: dt.datetime) -> dict[str, object]:
        """What to remember of a fresh gateway transaction (kept in the options snapshot)."""
        return {"n": 1}

    @abstractmethod
    def start(
        self, payment: Payment, *, return_url: str, client_ip: str, base_url: str
    ) -> StartResult:
        """Where to send the payer's browser."""

    @abstractmethod
    def parse_return(self, params: Mapping[str, str]) -> ProviderEvent:
        """The browser return, verified (raises InvalidSignature). Shown only, never applied."""

    @abstractmethod
    def parse_notification(self, params: Mapping[str, str]) -> ProviderEvent:
        """The server-to-server notification, verified (raises InvalidSignature)."""

    @abstractmethod
    def notification_response(self, outcome: NotificationOutcome) -> dict[str, str]:
        """The body the gateway expects in answer to its notification."""

    @abstractmethod
    def query_status(self, payment: Payment) -> ProviderEvent | None:
        """Ask the gateway what became of the payment (None: it never saw it)."""

    @abstractmethod
    def refund(self, payment: Payment, refund: Refund, *, full: bool) -> RefundResult:
        """Ask the gateway to return money to the payer."""
