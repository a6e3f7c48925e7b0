"""E-service writes, one module per subdomain: the catalogue and the dossiers."""

from .catalogue import catalogue_load, procedure_version_revise
from .corrections import dossier_correction_decide, dossier_correction_open
from .dossiers import (
    attachment_add,
    dossier_check_complete,
    dossier_create,
    dossier_provide_supplement,
    dossier_record_counter,
    dossier_record_payment,
    dossier_store_result,
    dossier_submit,
    dossier_transition,
    dossier_update,
    next_dossier_code,
)
from .payments import dossier_payment_page, dossier_payment_settled, dossier_payment_start
from .results import dossier_issue_result, result_can_be_drawn

__all__ = [
    "attachment_add",
    "catalogue_load",
    "dossier_check_complete",
    "dossier_correction_decide",
    "dossier_correction_open",
    "dossier_create",
    "dossier_issue_result",
    "dossier_payment_page",
    "dossier_payment_settled",
    "dossier_payment_start",
    "dossier_provide_supplement",
    "dossier_record_counter",
    "dossier_record_payment",
    "dossier_store_result",
    "dossier_submit",
    "dossier_transition",
    "dossier_update",
    "next_dossier_code",
    "procedure_version_revise",
    "result_can_be_drawn",
]
