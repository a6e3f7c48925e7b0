"""Appending to the chain. One writer at a time: a transaction-scoped PostgreSQL advisory lock
serialises appends, so two concurrent transactions never link to the same previous entry; the
lock is released when the caller's transaction ends, and the entry commits (or rolls back)
together with the change it records."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from . import chain
from .models import AuditEntry

# An arbitrary constant naming the audit chain's advisory lock.
ADVISORY_LOCK_KEY = 0x41554449  # "AUDI"


def _actor_fields(actor) -> tuple[int | None, str]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, "system" if actor is None else "anonymous"
    # Staff are named; a family's account is a number only (its username may be a phone).
    return actor.pk, actor.get_username()[:150] if actor.is_staff else "citizen"


def _target_fields(target) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, tuple):
        return str(target[0])[:60], str(target[1])[:64]
    meta = target._meta
    key = getattr(target, "uuid", None) or target.pk
    return f"{meta.app_label}.{meta.model_name}", str(key)


def audit_record(*, action: str, actor=None, target=None, data: dict) -> AuditEntry:
    actor_id, actor_label = _actor_fields(actor)
    object_type, object_id = _target_fields(target)
    data = chain.canonical_roundtrip(data)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
        last = AuditEntry.objects.order_by("-seq").values("seq", "hash").first()
        seq = last["seq"] + 1 if last else 1
        prev_hash = last["hash"] if last else chain.GENESIS
        fields = {
            "seq": seq,
            "created_at": timezone.now(),
            "action": action,
            "actor_id": actor_id,
            "actor": actor_label,
            "object_type": object_type,
            "object_id": object_id,
            "data": data,
        }
        entry = AuditEntry(**fields, prev_hash=prev_hash)
        entry.hash = chain.entry_hash(prev_hash=prev_hash, **fields)
        entry.save(force_insert=True)
    return entry
