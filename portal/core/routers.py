"""Public map reads may go to a read replica: `DATABASE_REPLICA_URL` configures the `replica`
alias and `PUBLIC_READ_DATABASE` (default: that alias when configured) names it. Only code
that declares itself a public read (`public_reads()`, used by the public map API) is routed
there; everything else, and every write, stays on `default`, so a family never reads its own
application from a lagging replica (docs/adr/0024)."""

from __future__ import annotations

import contextvars
from contextlib import contextmanager

from django.conf import settings

_public_read = contextvars.ContextVar("portal_public_read", default=False)


@contextmanager
def public_reads():
    token = _public_read.set(True)
    try:
        yield
    finally:
        _public_read.reset(token)


def public_read_alias() -> str | None:
    alias = getattr(settings, "PUBLIC_READ_DATABASE", "")
    if alias and alias in settings.DATABASES and _public_read.get():
        return alias
    return None


class PublicReadReplicaRouter:
    def db_for_read(self, model, **hints):
        return public_read_alias()

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as default: objects read from either may be related.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        replica = getattr(settings, "PUBLIC_READ_DATABASE", "")
        if replica and db == replica and replica != "default":
            return False  # a replica follows its primary; it is never migrated itself
        return None
