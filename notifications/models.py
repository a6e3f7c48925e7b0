"""The delivery log: one row per message to a citizen or a family, shared by every app.

A message is written here (``queued``) in the same transaction as the change it reports, then
sent by a background job that records ``sent`` or ``failed`` with the reason. ``batch`` groups
the messages of one operation (e.g. ``admissions.publication:<run uuid>``) so that the people
who started it can see the counts and resend the failed ones; ``subject_ref`` names what the
message is about (``admissions.application:42``) without a foreign key, so this package never
imports the apps that use it (ADR 0009, ADR 0020)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(_("reason of the failure"), max_length=500, blank=True)
    backend = models.CharField(max_length=60, blank=True)
    batch = models.CharField(max_length=100, blank=True)
    subject_ref = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message delivery")
        verbose_name_plural = _("message deliveries")
        indexes = [
            models.Index(fields=["batch", "status"], name="delivery_batch_status"),
            models.Index(fields=["subject_ref"], name="delivery_subject_ref"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(error=""), name="delivery_failed_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.channel} #{self.pk} ({self.status})"
