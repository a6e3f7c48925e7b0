"""Errors of the payments domain (mapped to problem+json by portal.api)."""

from portal.core.exceptions import Conflict, DomainError, InvalidInput


class PaymentNotPayable(Conflict):
    code = "payment_not_payable"


class PaymentAlreadyExists(Conflict):
    code = "payment_already_exists"


class RefundNotAllowed(DomainError):
    status_code = 409
    code = "refund_not_allowed"


class InvalidAmount(InvalidInput):
    code = "invalid_amount"


class StatementUnreadable(InvalidInput):
    code = "statement_unreadable"


class ProviderUnavailable(DomainError):
    status_code = 502
    code = "payment_provider_unavailable"


class ProviderNotEnabled(DomainError):
    status_code = 409
    code = "payment_provider_not_enabled"
