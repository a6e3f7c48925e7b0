"""Writes of the admissions app (HackSoft style: <entity>_<action>)."""

from .allocation import (
    allocation_run_compare,
    allocation_run_create,
    allocation_run_execute,
    allocation_run_review,
    round_close,
)
from .applications import (
    ApplicationInput,
    StoredUpload,
    application_bulk_verify,
    application_create,
    application_input_from,
    application_submit,
    application_transition,
    application_update,
    application_validate,
    evidence_add,
    evidence_attach,
    evidence_discard,
    evidence_store,
    round_window_open,
)
from .intake import intake_drain, intake_receive
from .offers import (
    offer_accept,
    offer_decline,
    offers_expire,
    offers_send_reminders,
    waitlist_fill_seat,
)
from .publication import allocation_run_publish
from .tickets import ticket_decide, ticket_open, tickets_overdue
from .withdrawals import application_withdraw

__all__ = [
    "ApplicationInput",
    "StoredUpload",
    "allocation_run_compare",
    "allocation_run_create",
    "allocation_run_execute",
    "allocation_run_publish",
    "allocation_run_review",
    "application_bulk_verify",
    "application_create",
    "application_input_from",
    "application_submit",
    "application_transition",
    "application_update",
    "application_validate",
    "application_withdraw",
    "evidence_add",
    "evidence_attach",
    "evidence_discard",
    "evidence_store",
    "intake_drain",
    "intake_receive",
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
