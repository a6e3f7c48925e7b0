"""Writes of the admissions app (HackSoft style: <entity>_<action>)."""

from .allocation import (
    allocation_run_compare,
    allocation_run_create,
    allocation_run_execute,
    allocation_run_publish,
    allocation_run_review,
    round_close,
)
from .applications import (
    ApplicationInput,
    application_bulk_verify,
    application_create,
    application_submit,
    application_transition,
    application_update,
    application_validate,
    evidence_add,
    round_window_open,
)
from .offers import (
    offer_accept,
    offer_decline,
    offers_expire,
    offers_send_reminders,
    waitlist_fill_seat,
)
from .tickets import ticket_decide, ticket_open, tickets_overdue
from .withdrawals import application_withdraw

__all__ = [
    "ApplicationInput",
    "allocation_run_compare",
    "allocation_run_create",
    "allocation_run_execute",
    "allocation_run_publish",
    "allocation_run_review",
    "application_bulk_verify",
    "application_create",
    "application_submit",
    "application_transition",
    "application_update",
    "application_validate",
    "application_withdraw",
    "evidence_add",
    "offer_accept",
    "offer_decline",
    "offers_expire",
    "offers_send_reminders",
    "round_close",
    "round_window_open",
    "ticket_decide",
    "ticket_open",
    "tickets_overdue",
    "waitlist_fill_seat",
]
