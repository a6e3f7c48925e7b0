"""Every write of the payments domain. Reads are in ``selectors``."""

from .payments import (
    payment_apply_provider_status,
    payment_cancel,
    payment_checkout,
    payment_deliver_settlement,
    payment_receive_notification,
    payment_receive_return,
    payment_reconcile_querydr,
    payment_start,
    payments_reconcile_pending,
)
from .refunds import payment_refund
from .statements import statement_import, statement_line_resolve

__all__ = [
    "payment_apply_provider_status",
    "payment_cancel",
    "payment_checkout",
    "payment_deliver_settlement",
    "payment_receive_notification",
    "payment_receive_return",
    "payment_reconcile_querydr",
    "payment_refund",
    "payment_start",
    "payments_reconcile_pending",
    "statement_import",
    "statement_line_resolve",
]
