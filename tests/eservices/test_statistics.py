"""The staff on-time statistics, computed from a known set of dossiers."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from eservices import services
from eservices.constants import DossierStatus as S
from eservices.models import Dossier
from eservices.selectors import on_time_statistics

from .conftest import VALID_FORMS

TODAY = dt.date(2027, 3, 15)


def _dossier(citizen, version, code, *, status, due, decided=None):
    dossier = services.dossier_create(
        version=version(code), applicant=citizen, form_data=VALID_FORMS[code],
        contact_phone="0903123456",
    )  # fmt: skip
    decided_at = timezone.make_aware(dt.datetime.combine(decided, dt.time(10))) if decided else None
    Dossier.objects.filter(pk=dossier.pk).update(
        status=status, code=f"T-{dossier.pk}", due_date=due, decided_at=decided_at
    )


def test_on_time_statistics_count_each_procedure_from_known_dossiers(citizen, version, officer):
    march = dt.date(2027, 3, 1)
    _dossier(citizen, version, "TH.XAC-NHAN", status=S.APPROVED, due=march, decided=march)
    _dossier(citizen, version, "TH.XAC-NHAN", status=S.REJECTED, due=march, decided=TODAY)
    _dossier(citizen, version, "TH.XAC-NHAN", status=S.IN_REVIEW, due=march)  # open, late
    _dossier(citizen, version, "TH.XAC-NHAN", status=S.IN_REVIEW, due=TODAY)  # open, in time
    _dossier(citizen, version, "TH.XAC-NHAN", status=S.WITHDRAWN, due=march)  # not late
    _dossier(citizen, version, "TH.BAN-TRU", status=S.APPROVED, due=TODAY, decided=march)
    officer.is_superuser = True
    officer.save()

    with CaptureQueriesContext(connection) as queries:
        rows = {row.code: row for row in on_time_statistics(user=officer, today=TODAY)}
    assert len(queries) <= 4  # one grouped count, the versions, the permission checks

    confirm = rows["TH.XAC-NHAN"]
    assert (confirm.decided, confirm.on_time, confirm.overdue_open) == (2, 1, 1)
    meals = rows["TH.BAN-TRU"]
    assert (meals.decided, meals.on_time, meals.overdue_open) == (1, 1, 0)
    transfer = rows["1.005099"]
    assert (transfer.decided, transfer.on_time, transfer.overdue_open) == (0, 0, 0)
    assert transfer.name.startswith("Chuyển trường")
