"""Where the trail's entries come from, without code in the services that change state:

* status-history rows (applications, dossiers, payments, ticket decisions) when inserted;
* allocation runs and offers when created or when their status changes (publication included);
* Django admin edits (LogEntry) and changes to staff flags, groups and permissions.

Row-level ``QuerySet.update()`` calls bypass signals; the services that use one for a status
(a run moving to running / failed) are covered by the run's next saved status.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_save, pre_save

from . import record

_OLD = "_audit_old_status"


def _history_handler(action: str, target_attr: str, *, actor_attr="actor", extra=()):
    def handler(sender, instance, created, raw=False, **kwargs):
        if not created or raw or not instance.to_status:
            return
        data = {"from": instance.from_status, "to": instance.to_status}
        for name in extra:
            data[name] = getattr(instance, name)
        record(
            action,
            actor=getattr(instance, actor_attr, None),
            target=getattr(instance, target_attr),
            data=data,
        )

    return handler


def _remember_status(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        setattr(instance, _OLD, None)
        return
    setattr(
        instance,
        _OLD,
        sender.objects.filter(pk=instance.pk).values_list("status", flat=True).first(),
    )


def _status_handler(action: str, *, actor_for=None):
    def handler(sender, instance, created, raw=False, **kwargs):
        if raw:
            return
        old = getattr(instance, _OLD, None)
        if not created and old == instance.status:
            return
        actor = actor_for(instance) if actor_for else None
        record(
            action,
            actor=actor,
            target=instance,
            data={"from": "" if created else old, "to": instance.status},
        )

    return handler


def _run_actor(run):
    return run.published_by or run.reviewed_by or run.created_by


def _log_entry(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    record(
        "admin.change",
        actor=instance.user,
        target=(instance.content_type.app_label + "." + instance.content_type.model
                if instance.content_type_id else "", instance.object_id or ""),
        data={
            "flag": {1: "addition", 2: "change", 3: "deletion"}.get(instance.action_flag, ""),
            "object": instance.object_repr[:200],
            "message": instance.get_change_message()[:500],
        },
    )  # fmt: skip


def _m2m(kind: str):
    def handler(sender, instance, action, reverse, model, pk_set, **kwargs):
        if action not in {"post_add", "post_remove", "post_clear"}:
            return
        record(
            "permissions.change",
            target=instance,
            data={
                "relation": kind,
                "operation": action.removeprefix("post_"),
                "reverse": reverse,
                "related": f"{model._meta.app_label}.{model._meta.model_name}",
                "ids": sorted(pk_set or []),
            },
        )

    return handler


_USER_FLAGS = "_audit_old_flags"


def _remember_flags(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        setattr(instance, _USER_FLAGS, None)
        return
    setattr(
        instance,
        _USER_FLAGS,
        sender.objects.filter(pk=instance.pk)
        .values("is_staff", "is_superuser", "is_active")
        .first(),
    )


def _user_flags(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    now = {
        "is_staff": instance.is_staff,
        "is_superuser": instance.is_superuser,
        "is_active": instance.is_active,
    }
    old = getattr(instance, _USER_FLAGS, None)
    if created:
        if instance.is_staff or instance.is_superuser:
            record("permissions.change", target=instance, data={"created": True, **now})
        return
    if old is not None and old != now:
        changed = {k: [old[k], now[k]] for k in now if old[k] != now[k]}
        record("permissions.change", target=instance, data={"flags": changed})


def connect() -> None:
    uid = "audit"
    ApplicationStatusChange = apps.get_model("admissions", "ApplicationStatusChange")
    TicketDecision = apps.get_model("admissions", "TicketDecision")
    AllocationRun = apps.get_model("admissions", "AllocationRun")
    Offer = apps.get_model("admissions", "Offer")
    DossierStatusChange = apps.get_model("eservices", "DossierStatusChange")
    PaymentEvent = apps.get_model("payments", "PaymentEvent")
    LogEntry = apps.get_model("admin", "LogEntry")
    User = get_user_model()

    post_save.connect(
        _history_handler("application.status", "application"),
        sender=ApplicationStatusChange, dispatch_uid=f"{uid}-application", weak=False,
    )  # fmt: skip
    post_save.connect(
        _history_handler("dossier.status", "dossier"),
        sender=DossierStatusChange, dispatch_uid=f"{uid}-dossier", weak=False,
    )  # fmt: skip
    post_save.connect(
        _history_handler("payment.status", "payment", extra=("kind",)),
        sender=PaymentEvent, dispatch_uid=f"{uid}-payment", weak=False,
    )  # fmt: skip

    def ticket_decision(sender, instance, created, raw=False, **kwargs):
        if created and not raw:
            record(
                "ticket.decision",
                actor=instance.actor,
                target=instance.ticket,
                data={"kind": instance.ticket.kind, "decision": instance.decision},
            )

    post_save.connect(
        ticket_decision, sender=TicketDecision, dispatch_uid=f"{uid}-ticket", weak=False
    )
    for model, action, actor_for in (
        (AllocationRun, "allocation.run", _run_actor),
        (Offer, "offer.status", None),
    ):
        pre_save.connect(_remember_status, sender=model, dispatch_uid=f"{uid}-pre-{action}")
        post_save.connect(
            _status_handler(action, actor_for=actor_for),
            sender=model, dispatch_uid=f"{uid}-{action}", weak=False,
        )  # fmt: skip
    post_save.connect(_log_entry, sender=LogEntry, dispatch_uid=f"{uid}-admin")
    pre_save.connect(_remember_flags, sender=User, dispatch_uid=f"{uid}-pre-user")
    post_save.connect(_user_flags, sender=User, dispatch_uid=f"{uid}-user")
    m2m_changed.connect(
        _m2m("user.groups"), sender=User.groups.through, dispatch_uid=f"{uid}-groups", weak=False
    )
    m2m_changed.connect(
        _m2m("user.permissions"), sender=User.user_permissions.through,
        dispatch_uid=f"{uid}-user-perms", weak=False,
    )  # fmt: skip
    m2m_changed.connect(
        _m2m("group.permissions"), sender=Group.permissions.through,
        dispatch_uid=f"{uid}-group-perms", weak=False,
    )  # fmt: skip
