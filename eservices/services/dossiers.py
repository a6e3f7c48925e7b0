"""Writes for dossiers: drafts, submission, the one status-transition service, attachments,
supplements, payment settlement and results."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.phone import normalize_vn_mobile
from portal.core import uploads
from portal.core.exceptions import Conflict, InvalidInput, NotFound, TransitionNotAllowed

from .. import schema_forms, workflow
from ..constants import CITIZEN_EDITABLE, Actor, Channel, DossierStatus
from ..exceptions import DossierInvalid
from ..models import Dossier, DossierAttachment, DossierStatusChange, ProcedureVersion
from ..selectors import staff_can_handle, working_calendar
from ..working_days import deadline_days
from .notify import dossier_notify_status

S = DossierStatus
CODE_SEQUENCE_MAX = 9999
ATTACHMENT_TYPES = frozenset({uploads.PDF, uploads.JPEG, uploads.PNG})


def next_dossier_code(*, unit_code: str, day) -> str:
    """Circular 01/2018/TT-VPCP Art. 19: unit code – YYMMDD – 4-digit daily sequence.

    One atomic upsert per code: concurrent submissions each get their own number without
    holding a lock across the rest of their transaction.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO eservices_dailysequence (unit_code, day, last_value) VALUES (%s, %s, 1) "
            "ON CONFLICT (unit_code, day) DO UPDATE "
            "SET last_value = eservices_dailysequence.last_value + 1 RETURNING last_value",
            [unit_code, day],
        )
        value = cursor.fetchone()[0]
    if value > CODE_SEQUENCE_MAX:
        raise Conflict(_("Today's dossier numbers are used up; try again tomorrow."))
    return f"{unit_code}-{day:%y%m%d}-{value:04d}"


def _clean_phone(phone: str) -> str:
    normalized = normalize_vn_mobile(phone or "")
    if not normalized:
        raise DossierInvalid({"contact_phone": [_("Enter a Vietnamese mobile number.")]})
    return normalized


def _draft_values(version: ProcedureVersion, form_data: Mapping) -> dict:
    """A draft keeps what was typed, as long as each typed value is valid; what is missing is
    only required at submission."""
    cleaned, errors = schema_forms.validate(version.form_schema, form_data)
    typed_errors = {
        name: messages
        for name, messages in errors.items()
        if str(form_data.get(name) if form_data.get(name) is not None else "").strip()
    }
    if typed_errors:
        raise DossierInvalid(typed_errors)
    return cleaned


@transaction.atomic
def dossier_create(
    *, version: ProcedureVersion, applicant, form_data: Mapping, contact_phone: str
) -> Dossier:
    """A draft under the procedure's current version (which it keeps from now on)."""
    dossier = Dossier.objects.create(
        procedure_version=version,
        applicant=applicant,
        form_data=_draft_values(version, form_data),
        contact_phone=_clean_phone(contact_phone),
        fee_vnd=version.fee_vnd,
    )
    DossierStatusChange.objects.create(
        dossier=dossier, to_status=S.DRAFT, actor=applicant, actor_role=Actor.CITIZEN
    )
    return dossier


def _lock_own(dossier: Dossier, actor) -> Dossier:
    locked = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure_version")
        .get(pk=dossier.pk)
    )
    if locked.applicant_id != actor.pk:
        raise NotFound(_("No such dossier."))
    return locked


@transaction.atomic
def dossier_update(
    *, dossier: Dossier, actor, form_data: Mapping, contact_phone: str | None = None
) -> Dossier:
    dossier = _lock_own(dossier, actor)
    if dossier.status not in CITIZEN_EDITABLE:
        raise TransitionNotAllowed(_("This dossier can no longer be changed."))
    dossier.form_data = _draft_values(dossier.procedure_version, form_data)
    if contact_phone is not None:
        dossier.contact_phone = _clean_phone(contact_phone)
    dossier.save(update_fields=["form_data", "contact_phone", "updated_at"])
    return dossier


def dossier_check_complete(dossier: Dossier) -> None:
    """Every required field valid and every required document attached, or DossierInvalid."""
    version = dossier.procedure_version
    _cleaned, errors = schema_forms.validate(version.form_schema, dossier.form_data)
    attached = set(dossier.attachments.values_list("document_code", flat=True))
    for document in version.required_documents:
        if document.get("required") and document["code"] not in attached:
            errors.setdefault(f"document_{document['code']}", []).append(_("Attach this document."))
    if errors:
        raise DossierInvalid(errors)


@transaction.atomic
def dossier_submit(*, dossier: Dossier, actor) -> Dossier:
    dossier = _lock_own(dossier, actor)
    if dossier.status != S.DRAFT:
        raise TransitionNotAllowed(_("Only a draft can be submitted."))
    dossier_check_complete(dossier)
    now = timezone.now()
    dossier.code = next_dossier_code(
        unit_code=settings.ESERVICES_UNIT_CODE, day=timezone.localdate(now)
    )
    dossier.submitted_at = now
    dossier.save(update_fields=["code", "submitted_at", "updated_at"])
    dossier = dossier_transition(dossier=dossier, to=S.SUBMITTED, actor=actor, role=Actor.CITIZEN)
    if dossier.fee_vnd > 0:
        dossier = dossier_transition(dossier=dossier, to=S.AWAITING_PAYMENT, actor=None,
                                     role=Actor.SYSTEM)  # fmt: skip
    return dossier


@transaction.atomic
def dossier_record_counter(*, version: ProcedureVersion, actor, contact_phone: str) -> Dossier:
    """A dossier handed in on paper at the counter, recorded by the officer who receives it: it
    gets its code and is received at once (the deadline starts), so that the share of dossiers
    submitted online has its denominator and the counter dossier is handled and counted like
    any other. The citizen may have no account: the officer is the recorded applicant, and the
    citizen hears of each step by SMS on the phone given (no e-mail, see `notify`). A fee is
    paid in cash at the counter (the KPI counts it so)."""
    if not staff_can_handle(user=actor, procedure=version.procedure):
        raise NotFound(_("No such procedure."))
    now = timezone.now()
    dossier = Dossier.objects.create(
        procedure_version=version,
        applicant=actor,
        channel=Channel.COUNTER,
        contact_phone=_clean_phone(contact_phone),
        fee_vnd=version.fee_vnd,
        code=next_dossier_code(unit_code=settings.ESERVICES_UNIT_CODE, day=timezone.localdate(now)),
        submitted_at=now,
    )
    DossierStatusChange.objects.create(
        dossier=dossier, to_status=S.DRAFT, actor=actor, actor_role=Actor.STAFF
    )
    dossier = dossier_transition(dossier=dossier, to=S.SUBMITTED, actor=actor, role=Actor.CITIZEN,
                                 note=_("Handed in at the counter."))  # fmt: skip
    return dossier_transition(dossier=dossier, to=S.RECEIVED, actor=actor, role=Actor.STAFF)


def _check_requirement(dossier: Dossier, to: str) -> None:
    needed = workflow.requirement(dossier.status, to)
    if needed == workflow.PAID and dossier.paid_at is None:
        raise TransitionNotAllowed(_("The fee has not been paid yet."))
    if needed == workflow.RESULT_STORED and not dossier.result_file:
        raise TransitionNotAllowed(_("The result document is not stored yet."))


def _apply_clock(dossier: Dossier, to: str, now) -> list[str]:
    """Start, pause and resume the processing deadline (in working days)."""
    today = timezone.localdate(now)
    changed = []
    if to == S.RECEIVED:
        version = dossier.procedure_version
        days = deadline_days(default=version.deadline_working_days,
                             rules=version.deadline_rules, form_data=dossier.form_data)  # fmt: skip
        dossier.received_at = now
        dossier.due_date = working_calendar().add_working_days(today, days)
        changed += ["received_at", "due_date"]
    elif to == S.SUPPLEMENT_REQUESTED:
        dossier.paused_on = today
        changed.append("paused_on")
    elif dossier.status == S.SUPPLEMENT_REQUESTED and dossier.paused_on and dossier.due_date:
        calendar = working_calendar()
        paused = calendar.working_days_between(dossier.paused_on, today)
        dossier.paused_working_days += paused
        dossier.due_date = calendar.add_working_days(dossier.due_date, paused)
        dossier.paused_on = None
        changed += ["paused_working_days", "due_date", "paused_on"]
    if to in (S.APPROVED, S.REJECTED):
        dossier.decided_at = now
        changed.append("decided_at")
    if to in (S.CLOSED, S.WITHDRAWN):
        dossier.closed_at = now
        changed.append("closed_at")
    return changed


@transaction.atomic
def dossier_transition(*, dossier: Dossier, to: str, actor, role: str, note: str = "") -> Dossier:
    """The only code that changes a dossier's status: row lock, transition table, requirements,
    append-only history, then the citizen is notified after commit."""
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure_version")
        .get(pk=dossier.pk)
    )
    if role == Actor.CITIZEN and (actor is None or dossier.applicant_id != actor.pk):
        raise NotFound(_("No such dossier."))
    if not workflow.can_transition(dossier.status, to, role):
        raise TransitionNotAllowed(
            _("A dossier cannot go from “%(from)s” to “%(to)s”.")
            % {"from": S(dossier.status).label, "to": S(to).label}
        )
    note = (note or "").strip()
    if workflow.note_required(dossier.status, to) and not note:
        raise InvalidInput(_("Write the reason: the citizen will read it."), field="note")
    _check_requirement(dossier, to)
    now = timezone.now()
    changed = _apply_clock(dossier, to, now)
    DossierStatusChange.objects.create(
        dossier=dossier, from_status=dossier.status, to_status=to, actor=actor, actor_role=role,
        note=note,
    )  # fmt: skip
    dossier.status = to
    dossier.last_note = note
    dossier.save(update_fields=["status", "last_note", "updated_at", *changed])
    dossier_id, status = dossier.pk, to
    transaction.on_commit(lambda: dossier_notify_status(dossier_id=dossier_id, status=status))
    return dossier


def dossier_provide_supplement(
    *, dossier: Dossier, actor, form_data: Mapping, note: str = ""
) -> Dossier:
    """The citizen answers a supplement request: the corrected form goes back to review."""
    with transaction.atomic():
        dossier = dossier_update(dossier=dossier, actor=actor, form_data=form_data)
        if dossier.status != S.SUPPLEMENT_REQUESTED:
            raise TransitionNotAllowed(_("No supplement was requested."))
        dossier_check_complete(dossier)
        return dossier_transition(dossier=dossier, to=S.IN_REVIEW, actor=actor,
                                  role=Actor.CITIZEN, note=note)  # fmt: skip


def _read_upload(upload) -> tuple[bytes, str]:
    content_type = uploads.upload_check(
        upload,
        max_bytes=settings.ESERVICES_ATTACHMENT_MAX_BYTES,
        accept=ATTACHMENT_TYPES,
        field="file",
        wrong_type=_("Upload a PDF, JPEG or PNG file."),
    )
    return upload.read(), content_type


def attachment_add(*, dossier: Dossier, actor, document_code: str, upload) -> DossierAttachment:
    """Type checked by content, size limited, stored privately with its SHA-256. The file is
    written before the transaction (no lock held while writing) and removed if it fails."""
    codes = {d["code"] for d in dossier.procedure_version.required_documents}
    if document_code not in codes:
        raise InvalidInput(_("This procedure does not ask for that document."),
                           field="document_code")  # fmt: skip
    content, content_type = _read_upload(upload)
    attachment = DossierAttachment(
        dossier=dossier, document_code=document_code, original_name=(upload.name or "tep")[-255:],
        content_type=content_type, size=len(content),
        sha256=hashlib.sha256(content).hexdigest(), uploaded_by=actor,
    )  # fmt: skip
    attachment.file.save(str(attachment.uuid), ContentFile(content), save=False)
    try:
        with transaction.atomic():
            locked = _lock_own(dossier, actor)
            if locked.status not in CITIZEN_EDITABLE:
                raise TransitionNotAllowed(
                    _("Attachments can only be added while the dossier is a draft or a "
                      "supplement is requested.")
                )  # fmt: skip
            attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def dossier_record_payment(*, dossier_uuid: str, paid_at) -> Dossier | None:
    """Settlement hook for payments of purpose "dossier": remember that the fee is paid.
    Idempotent: a second call for the same dossier changes nothing."""
    dossier = Dossier.objects.select_for_update().filter(uuid=dossier_uuid).first()
    if dossier is None or dossier.paid_at is not None:
        return dossier
    dossier.paid_at = paid_at
    dossier.save(update_fields=["paid_at", "updated_at"])
    dossier_id = dossier.pk
    transaction.on_commit(lambda: dossier_notify_status(dossier_id=dossier_id, status="paid"))
    return dossier


@transaction.atomic
def dossier_store_result(
    *, dossier: Dossier, actor, pdf: bytes, document_code: str = ""
) -> Dossier:
    """Store the (signed) result and only then move the dossier to result_issued."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if dossier.status != S.APPROVED:
        raise TransitionNotAllowed(_("Only an approved dossier gets a result."))
    if not pdf.startswith(b"%PDF-"):
        raise InvalidInput(_("The result must be a PDF file."), field="file")
    dossier.result_file.save(f"{dossier.uuid}.pdf", ContentFile(pdf), save=False)
    dossier.result_document_code = document_code
    dossier.save(update_fields=["result_file", "result_document_code", "updated_at"])
    return dossier_transition(dossier=dossier, to=S.RESULT_ISSUED, actor=actor, role=Actor.STAFF)
