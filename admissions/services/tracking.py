"""Tracking codes ADM-<year>-<nnnnnn> from a per-round PostgreSQL sequence (ADR 0020).

`nextval` takes no row lock and is never rolled back, so two parents creating applications at
the same moment never wait for each other (nor for a publication or a vacancy chain holding the
round lock); a rolled-back creation leaves a gap in the numbers, never a duplicate. The sequence
of a round is created on first use, starting after the highest number the round already has."""

from __future__ import annotations

from django.db import DatabaseError, connection, transaction

from ..models import AdmissionRound


def _name(round_id: int) -> str:
    return f"admissions_tracking_round_{int(round_id)}"


def _ensure(round_id: int) -> str:
    name = _name(round_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        if cursor.fetchone()[0]:
            return name
        cursor.execute(
            """SELECT COALESCE(max(substring(tracking_code from '([0-9]+)$')::bigint), 0)
               FROM admissions_application WHERE round_id = %s""",
            [round_id],
        )
        start = int(cursor.fetchone()[0]) + 1
        try:
            with transaction.atomic():  # a concurrent creator may win: then use its sequence
                cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {name} START WITH {start}")
        except DatabaseError:
            pass
    return name


def tracking_code_next(admission_round: AdmissionRound) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [_ensure(admission_round.pk)])
        number = int(cursor.fetchone()[0])
    return f"ADM-{admission_round.school_year}-{number:06d}"


def tracking_sequence_set(admission_round: AdmissionRound, last: int) -> None:
    """The next code of the round will be `last` + 1 (demo rounds written in bulk, resets)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(%s, %s, %s)", [_ensure(admission_round.pk), max(last, 1), last > 0]
        )
