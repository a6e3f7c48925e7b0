"""E-service writes, one module per subdomain: the catalogue and the dossiers."""

from .catalogue import catalogue_load, procedure_version_revise
from .dossiers import (
    attachment_add,
    dossier_check_complete,
    dossier_create,
    dossier_provide_supplement,
    dossier_record_payment,
    dossier_store_result,
    dossier_submit,
    dossier_transition,
    dossier_update,
    next_dossier_code,
)

__all__ = [
    "attachment_add",
    "catalogue_load",
    "dossier_check_complete",
    "dossier_create",
    "dossier_provide_supplement",
    "dossier_record_payment",
    "dossier_store_result",
    "dossier_submit",
    "dossier_transition",
    "dossier_update",
    "next_dossier_code",
    "procedure_version_revise",
]
