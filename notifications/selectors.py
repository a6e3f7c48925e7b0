"""Reads of the delivery log."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from .models import Delivery, DeliveryStatus


def delivery_counts(*, batch: str) -> dict[str, int]:
    """Messages of a batch per status: {"queued": n, "sent": n, "failed": n}."""
    counts = dict.fromkeys(DeliveryStatus.values, 0)
    rows = (
        Delivery.objects.filter(batch=batch)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    counts.update(dict(rows))
    return counts


def deliveries_about(*, subject_ref: str) -> QuerySet[Delivery]:
    return Delivery.objects.filter(subject_ref=subject_ref).order_by("created_at", "pk")


def deliveries_failed(*, batch: str) -> QuerySet[Delivery]:
    return Delivery.objects.filter(batch=batch, status=DeliveryStatus.FAILED).order_by("pk")
