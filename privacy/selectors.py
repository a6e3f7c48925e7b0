"""Everything the portal holds about one person and the children they applied for (Law 91/2025
Art. 14: the right to obtain one's data). Plain JSON types, so the same document feeds the JSON
download and the PDF."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from admissions.models import Application
from admissions.services.notify import SUBJECT_REF
from eservices.models import Dossier
from eservices.payments.models import Payment
from notifications.models import Delivery

from .models import AccessLogEntry, ConsentRecord


def _when(value) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _history(rows) -> list[dict[str, Any]]:
    return [
        {"at": _when(h.created_at), "from": h.from_status, "to": h.to_status, "note": h.note}
        for h in rows.order_by("created_at", "pk")
    ]


def _messages(rows) -> list[dict[str, Any]]:
    return [
        {"at": _when(n.created_at), "channel": n.channel, "to": n.recipient,
         "subject": n.subject, "body": n.body}
        for n in rows.all()
    ]  # fmt: skip


def application_deliveries(app: Application):
    """The e-mails and SMS sent about an application (the shared delivery log, ADR 0020)."""
    return Delivery.objects.filter(subject_ref=SUBJECT_REF % app.pk)


def _application(app: Application) -> dict[str, Any]:
    point = app.residence_point
    return {
        "uuid": str(app.uuid),
        "tracking_code": app.tracking_code,
        "round": app.round.name,
        "status": app.status,
        "child": {
            "full_name": app.child_full_name,
            "date_of_birth": app.child_dob.isoformat() if app.child_dob else None,
            "gender": app.child_gender,
            "personal_id": app.child_personal_id,
        },
        "guardian": {
            "full_name": app.guardian_full_name,
            "personal_id": app.guardian_personal_id,
            "phone": app.guardian_phone,
            "relationship": app.guardian_relationship,
        },
        "residence": {
            "address": app.address_text,
            "lat": point.y if point else None,
            "lon": point.x if point else None,
            "ward": app.ward.name if app.ward_id else None,
            "type": app.residence_type,
        },
        "priority_category": app.priority_category.code if app.priority_category_id else None,
        "choices": [c.school.name for c in app.ranked_choices],
        "submitted_at": _when(app.submitted_at),
        "last_note": app.last_note,
        "history": _history(app.history),
        "evidence": [
            {
                "uuid": str(e.uuid),
                "kind": e.kind,
                "name": e.original_name,
                "sha256": e.sha256,
                "uploaded_at": _when(e.created_at),
            }
            for e in app.evidence.all()
        ],
        "offers": [
            {"school": o.school.name, "status": o.status, "deadline": _when(o.deadline)}
            for o in app.offers.select_related("school")
        ],
        "requests": [
            {
                "kind": t.kind,
                "reason": t.reason,
                "status": t.status,
                "opened_at": _when(t.created_at),
            }
            for t in app.tickets.all()
        ],
        "messages": _messages(application_deliveries(app)),
    }


def _dossier(d: Dossier) -> dict[str, Any]:
    return {
        "uuid": str(d.uuid),
        "code": d.code,
        "procedure": str(d.procedure_version),
        "status": d.status,
        "form": d.form_data,
        "contact_phone": d.contact_phone,
        "submitted_at": _when(d.submitted_at),
        "closed_at": _when(d.closed_at),
        "history": _history(d.history),
        "attachments": [
            {
                "uuid": str(a.uuid),
                "document": a.document_code,
                "name": a.original_name,
                "sha256": a.sha256,
            }
            for a in d.attachments.all()
        ],
        "messages": [
            {
                "at": _when(n.created_at),
                "channel": n.channel,
                "to": n.recipient,
                "subject": n.subject,
                "body": n.body,
            }
            for n in d.notifications.all()
        ],
        "correction_requests": [
            {
                "reason": c.reason,
                "status": c.status,
                "opened_at": _when(c.created_at),
                "outcome": c.outcome_note,
                "decided_at": _when(c.decided_at),
            }
            for c in d.corrections.order_by("created_at", "pk")
        ],
    }


def subject_uuids_of(*, user) -> set[str]:
    """The UUIDs of the records about this person (for consents and the access log)."""
    apps = Application.objects.filter(applicant=user)
    dossiers = Dossier.objects.filter(applicant=user)
    found = {str(u) for u in apps.values_list("uuid", flat=True)}
    found |= {str(u) for u in apps.values_list("evidence__uuid", flat=True) if u}
    found |= {str(u) for u in dossiers.values_list("uuid", flat=True)}
    found |= {str(u) for u in dossiers.values_list("attachments__uuid", flat=True) if u}
    return found


def consent_list(*, user):
    return ConsentRecord.objects.filter(user=user)


def access_log_for(*, user):
    """Staff views of this person's records, newest first (the staff member's name is shown:
    the family has the right to know who processed its data)."""
    return AccessLogEntry.objects.filter(
        subject_uuid__in=subject_uuids_of(user=user)
    ).select_related("staff")


def personal_data_document(*, user) -> dict[str, Any]:
    profile = getattr(user, "profile", None)
    applications = (
        Application.objects.filter(applicant=user)
        .select_related("round", "ward", "priority_category")
        .order_by("created_at")
    )
    dossiers = (
        Dossier.objects.filter(applicant=user)
        .select_related("procedure_version__procedure")
        .order_by("created_at")
    )
    payments = Payment.objects.filter(payer=user).order_by("created_at")
    return {
        "generated_at": _when(timezone.now()),
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "full_name": profile.full_name if profile else user.get_full_name(),
            "phone": profile.phone if profile else None,
            "joined_at": _when(user.date_joined),
            "last_login": _when(user.last_login),
        },
        "applications": [_application(a) for a in applications],
        "dossiers": [_dossier(d) for d in dossiers],
        "payments": [
            {
                "order_code": p.order_code,
                "description": p.description,
                "amount": str(p.amount),
                "status": p.status,
                "provider": p.provider,
                "paid_at": _when(p.settled_at),
            }
            for p in payments
        ],
        "consents": [
            {
                "for": c.subject_type,
                "reference": c.reference,
                "text_version": c.text_version,
                "given_at": _when(c.given_at),
            }
            for c in consent_list(user=user)
        ],
        "staff_access": [
            {
                "staff": e.staff.get_full_name() or e.staff.get_username(),
                "record": e.subject_type,
                "record_uuid": str(e.subject_uuid),
                "at": _when(e.viewed_at),
            }
            for e in access_log_for(user=user)
        ],
    }
