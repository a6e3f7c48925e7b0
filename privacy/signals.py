"""Consent records from the moments families submit (no code in the submitting services)."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db.models.signals import post_save

from .models import ConsentRecord, SubjectType

SUBMITTED = {"submitted", "resubmitted"}


def _application_submitted(sender, instance, created, raw=False, **kwargs):
    if raw or not created or instance.to_status not in SUBMITTED:
        return
    application = instance.application
    if not (application.applicant_id and application.consented_at):
        return
    ConsentRecord.objects.get_or_create(
        subject_type=SubjectType.APPLICATION,
        subject_uuid=application.uuid,
        given_at=application.consented_at,
        defaults={
            "user_id": application.consented_by_id or application.applicant_id,
            "reference": application.tracking_code,
            "text_version": application.consent_version,
        },
    )


def _dossier_submitted(sender, instance, created, raw=False, **kwargs):
    if raw or not created or instance.to_status != "submitted":
        return
    dossier = instance.dossier
    ConsentRecord.objects.get_or_create(
        subject_type=SubjectType.DOSSIER,
        subject_uuid=dossier.uuid,
        given_at=dossier.submitted_at or instance.created_at,
        defaults={
            "user_id": dossier.applicant_id,
            "reference": dossier.code or "",
            "text_version": settings.ESERVICES_CONSENT_VERSION,
        },
    )


def connect() -> None:
    post_save.connect(
        _application_submitted,
        sender=apps.get_model("admissions", "ApplicationStatusChange"),
        dispatch_uid="privacy-consent-application",
    )
    post_save.connect(
        _dossier_submitted,
        sender=apps.get_model("eservices", "DossierStatusChange"),
        dispatch_uid="privacy-consent-dossier",
    )
