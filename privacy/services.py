"""Anonymisation after the retention period (Law 91/2025 Art. 9: kept no longer than needed).

An application is anonymised ``PERSONAL_DATA_RETENTION_MONTHS`` after its round's offer-response
deadline (the last date a family acts in the round); a dossier that many months after it was
closed or withdrawn. What stays: statuses, dates, the round and schools (statistics and the
audit trail need them), consent records (proof of lawful processing) and issued signed results
and payments (archive and accounting law). What goes: names, personal IDs, phone numbers,
addresses, the exact home point (rounded to 0.01°, about 1 km), free-text notes, form answers,
messages and uploaded files.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

import audit
from admissions.models import Application, ApplicationStatusChange, Ticket
from eservices.constants import DossierStatus
from eservices.models import Dossier, DossierStatusChange

from .models import Anonymisation, SubjectType
from .selectors import application_deliveries

REMOVED = "—"


@dataclass(frozen=True)
class AnonymisationResult:
    applications: int
    dossiers: int


def _cutoff(now: dt.datetime, months: int) -> dt.datetime:
    """`now` minus whole calendar months (the day clamped to the shorter month's end)."""
    total = now.year * 12 + now.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    days = calendar.monthrange(year, month)[1]
    return now.replace(year=year, month=month, day=min(now.day, days))


def applications_due(*, now: dt.datetime, months: int):
    done = Anonymisation.objects.filter(subject_type=SubjectType.APPLICATION).values("subject_uuid")
    return Application.objects.filter(
        round__offer_response_deadline__lte=_cutoff(now, months)
    ).exclude(uuid__in=done)


def dossiers_due(*, now: dt.datetime, months: int):
    done = Anonymisation.objects.filter(subject_type=SubjectType.DOSSIER).values("subject_uuid")
    return Dossier.objects.filter(
        status__in=[DossierStatus.CLOSED, DossierStatus.WITHDRAWN],
        closed_at__lte=_cutoff(now, months),
    ).exclude(uuid__in=done)


def _delete_files(rows) -> None:
    for row in rows:
        if row.file:
            row.file.delete(save=False)
    rows.delete()


def application_anonymise(*, application: Application) -> None:
    with transaction.atomic():
        app = Application.objects.select_for_update().get(pk=application.pk)
        point = app.residence_point
        if point is not None:
            point.x, point.y = round(point.x, 2), round(point.y, 2)
        Application.objects.filter(pk=app.pk).update(
            child_full_name=REMOVED,
            child_dob=app.child_dob.replace(month=1, day=1) if app.child_dob else None,
            # Unique per round among active applications, and never a real ID (letters).
            child_personal_id=f"AN{app.pk:010d}"[-12:] if app.child_personal_id else "",
            guardian_full_name="",
            guardian_personal_id="",
            guardian_phone="",
            address_text="",
            residence_point=point,
            last_note="",
        )
        ApplicationStatusChange.objects.filter(application=app).exclude(note="").update(note="")
        Ticket.objects.filter(application=app).update(reason=REMOVED)
        application_deliveries(app).update(recipient="", subject="", body="")
        _delete_files(app.evidence.all())
        Anonymisation.objects.create(subject_type=SubjectType.APPLICATION, subject_uuid=app.uuid)
        audit.record("privacy.anonymised", target=app, data={"round": app.round.school_year})


def dossier_anonymise(*, dossier: Dossier) -> None:
    with transaction.atomic():
        d = Dossier.objects.select_for_update().get(pk=dossier.pk)
        Dossier.objects.filter(pk=d.pk).update(form_data={}, contact_phone="", last_note="")
        DossierStatusChange.objects.filter(dossier=d).exclude(note="").update(note="")
        d.notifications.all().update(recipient="", subject="", body="")
        d.corrections.all().update(reason=REMOVED, outcome_note="")
        _delete_files(d.attachments.all())
        Anonymisation.objects.create(subject_type=SubjectType.DOSSIER, subject_uuid=d.uuid)
        audit.record("privacy.anonymised", target=d, data={"status": d.status})


def anonymise_due(*, now: dt.datetime | None = None, months: int | None = None):
    now = now or timezone.now()
    months = settings.PERSONAL_DATA_RETENTION_MONTHS if months is None else months
    apps = list(applications_due(now=now, months=months).only("pk"))
    for app in apps:
        application_anonymise(application=app)
    dossiers = list(dossiers_due(now=now, months=months).only("pk"))
    for d in dossiers:
        dossier_anonymise(dossier=d)
    return AnonymisationResult(applications=len(apps), dossiers=len(dossiers))
