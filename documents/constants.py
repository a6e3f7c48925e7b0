"""Enumerations of the signed-documents domain (readable lowercase values)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    RESULT = "result", _("Result of a procedure")
    RECEIPT = "receipt", _("Receipt")
    ADMISSION_EXPLANATION = "admission_explanation", _("Explanation of an admission result")
    CIRCULAR = "circular", _("School document")


class DocumentStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Superseded")


class ResultTemplate(models.TextChoices):
    CONFIRMATION_OF_STUDY = "confirmation_of_study", _("Confirmation of study")
    TRANSFER_ACCEPTANCE = "transfer_acceptance", _("Transfer acceptance")
    RECORD_BOOK_COPY = "record_book_copy", _("Copy of the record book")
    SERVICE_REGISTRATION = "service_registration", _("Registration for a school service")
