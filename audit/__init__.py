"""Append-only, hash-chained audit trail (docs/adr/0019).

Other apps call ``audit.record(...)``; most entries come from model signals wired in
``audit.signals`` so that the services that change state need no audit code of their own.
"""


def record(action: str, *, actor=None, target=None, data: dict | None = None):
    """Append one entry to the chain inside the caller's transaction (see audit.services)."""
    from .services import audit_record

    return audit_record(action=action, actor=actor, target=target, data=data or {})
