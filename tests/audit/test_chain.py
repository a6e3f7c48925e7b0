"""The audit trail: hash-chained, append-only in the database, verified by a command that names
the first broken entry for every kind of tampering."""

import threading

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import translation

import audit
from audit import chain
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _verify() -> str:
    from io import StringIO

    out = StringIO()
    with translation.override("en"):
        call_command("verify_audit_log", stdout=out)
    return out.getvalue()


def _entries(n: int) -> list[AuditEntry]:
    return [audit.record("test.event", target=("test", str(i)), data={"i": i}) for i in range(n)]


def _tamper(sql: str, params=()) -> None:
    """Write past the append-only trigger (the table owner can disable it; the test's
    transaction rolls the DDL back)."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_no_update_delete")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_no_update_delete")


def test_entries_link_to_their_predecessor_and_verify():
    first, second, third = _entries(3)
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert third.seq == second.seq + 1 == first.seq + 2
    total = AuditEntry.objects.count()
    assert f"Checked {total} entries; the chain is intact." in _verify()


def test_the_database_refuses_update_and_delete():
    entry = _entries(1)[0]
    for sql in (
        "UPDATE audit_auditentry SET action = 'x' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    with pytest.raises(ValueError):
        entry.delete()
    entry.action = "changed"
    with pytest.raises(ValueError):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.event"


def test_the_database_refuses_truncate_and_the_entries_remain():
    entries = _entries(3)
    before = AuditEntry.objects.count()
    for sql in (
        "TRUNCATE audit_auditentry",
        "TRUNCATE audit_auditentry RESTART IDENTITY CASCADE",
        "TRUNCATE auth_group, audit_auditentry CASCADE",
    ):
        with (
            pytest.raises(DatabaseError, match=r"append-only \(TRUNCATE refused\)"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AuditEntry.objects.count() == before
    assert set(AuditEntry.objects.filter(pk__in=[e.pk for e in entries])) == set(entries)


def test_an_edited_entry_is_named():
    entries = _entries(4)
    _tamper(
        "UPDATE audit_auditentry SET data = '{\"i\": 99}'::jsonb WHERE id = %s", [entries[1].pk]
    )
    with pytest.raises(CommandError, match=rf"#{entries[1].seq} \(id {entries[1].pk}\) .*hash"):
        _verify()


def test_an_edit_that_recomputes_its_own_hash_breaks_the_next_link():
    entries = _entries(3)
    victim = entries[1]
    forged = chain.entry_hash(
        prev_hash=victim.prev_hash, seq=victim.seq, created_at=victim.created_at,
        action="forged", actor_id=None, actor=victim.actor, object_type=victim.object_type,
        object_id=victim.object_id, data=victim.data,
    )  # fmt: skip
    _tamper(
        "UPDATE audit_auditentry SET action = 'forged', hash = %s WHERE id = %s",
        [forged, victim.pk],
    )
    with pytest.raises(CommandError, match=rf"#{entries[2].seq} .*previous entry"):
        _verify()


def test_a_removed_entry_is_named():
    entries = _entries(4)
    _tamper("DELETE FROM audit_auditentry WHERE id = %s", [entries[2].pk])
    with pytest.raises(
        CommandError,
        match=rf"#{entries[3].seq} .* {entries[3].seq} where {entries[2].seq} was expected",
    ):
        _verify()


def test_reordered_entries_are_named():
    a, b, _c = _entries(3)
    # Swap the sequence numbers of two neighbours (through a free number: seq is unique).
    _tamper("UPDATE audit_auditentry SET seq = 999999999 WHERE id = %s", [a.pk])
    _tamper("UPDATE audit_auditentry SET seq = %s WHERE id = %s", [a.seq, b.pk])
    _tamper("UPDATE audit_auditentry SET seq = %s WHERE id = %s", [b.seq, a.pk])
    with pytest.raises(CommandError, match=rf"#{b.seq} \(id {a.pk}\)"):
        _verify()


def test_the_message_is_in_vietnamese():
    entries = _entries(2)
    _tamper("UPDATE audit_auditentry SET actor = 'x' WHERE id = %s", [entries[1].pk])
    with translation.override("vi"), pytest.raises(CommandError, match="bị sửa"):
        call_command("verify_audit_log", stdout=__import__("io").StringIO())


def test_the_count_is_printed_when_broken():
    entries = _entries(3)
    before = AuditEntry.objects.filter(pk__lt=entries[1].pk).count()
    _tamper("UPDATE audit_auditentry SET actor = 'x' WHERE id = %s", [entries[1].pk])
    from io import StringIO

    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_audit_log", stdout=out)
    assert f"{before + 1}" in out.getvalue()


def test_permission_and_group_changes_are_recorded():
    user = User.objects.create_user("cb-audit", password="x")
    group = Group.objects.create(name="Nhóm thử")
    permission = Permission.objects.get(codename="review_application")
    start = AuditEntry.objects.order_by("-seq").first().seq
    user.groups.add(group)
    group.permissions.add(permission)
    user.user_permissions.add(permission)
    user.is_staff = True
    user.save()
    new = list(AuditEntry.objects.filter(seq__gt=start).order_by("seq"))
    assert [e.action for e in new] == ["permissions.change"] * 4
    assert new[0].data["relation"] == "user.groups" and new[0].data["ids"] == [group.pk]
    assert new[1].data["relation"] == "group.permissions"
    assert new[1].data["ids"] == [permission.pk]
    assert new[2].data["relation"] == "user.permissions"
    assert new[3].data == {"flags": {"is_staff": [False, True]}}
    assert new[3].object_id == str(user.pk)


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_chain():
    errors = []

    def worker(n):
        try:
            for i in range(10):
                with transaction.atomic():
                    audit.record("test.concurrent", data={"worker": n, "i": i})
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert AuditEntry.objects.filter(action="test.concurrent").count() == 60
    checked, broken = chain.verify(AuditEntry.objects.order_by("pk"))
    assert broken is None and checked == AuditEntry.objects.count()
