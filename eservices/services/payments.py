"""The dossier side of payments: open a payment for a dossier's fee, and learn that it settled.
The payments package calls back through its settlement hook; it never imports dossiers."""

from __future__ import annotations

from django.utils.translation import gettext as _

from documents.services import receipt_issue
from portal.core.exceptions import NotFound, TransitionNotAllowed

from ..constants import DossierStatus
from ..models import Dossier
from ..payments.models import Payment
from ..payments.selectors import payment_page_path
from ..payments.services import payment_start
from ..payments.settlement import Settlement
from .dossiers import dossier_record_payment

PURPOSE = "dossier"


def dossier_payment_start(*, dossier: Dossier, actor) -> Payment:
    """The (new, or still pending) payment of the dossier's fee."""
    if dossier.applicant_id != actor.pk:
        raise NotFound(_("No such dossier."))
    if dossier.status != DossierStatus.AWAITING_PAYMENT or dossier.paid_at is not None:
        raise TransitionNotAllowed(_("This dossier has nothing to pay."))
    return payment_start(
        purpose=PURPOSE,
        purpose_ref=str(dossier.uuid),
        order_code=dossier.code,
        payer=actor,
        amount=dossier.fee_vnd,
        description=_("Fee of dossier %(code)s") % {"code": dossier.code},
    )


def dossier_payment_page(*, dossier: Dossier, actor) -> str:
    return payment_page_path(dossier_payment_start(dossier=dossier, actor=actor))


def _payer_name(user) -> str:
    return getattr(getattr(user, "profile", None), "full_name", "") or user.get_username()


def dossier_payment_settled(settlement: Settlement) -> None:
    """Settlement handler for purpose "dossier" (idempotent): mark the fee paid, then issue the
    signed e-receipt (one per dossier; a repeated delivery returns the same receipt)."""
    if settlement.status != "paid":
        return
    dossier = dossier_record_payment(
        dossier_uuid=settlement.purpose_ref, paid_at=settlement.settled_at
    )
    if dossier is None:
        return
    receipt = receipt_issue(
        receipt_number=f"BL-{dossier.code}",
        payer_name=_payer_name(dossier.applicant),
        amount_vnd=settlement.amount,
        order_code=dossier.code,
        payment_reference=settlement.provider_reference or str(settlement.payment_uuid),
        paid_at=settlement.settled_at,
        owner=dossier.applicant,
    )
    Dossier.objects.filter(pk=dossier.pk).update(receipt_document_code=receipt.code)
