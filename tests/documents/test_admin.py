"""Staff revoke from the admin: the action asks for a reason and records who revoked."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User

from documents import services
from documents.models import IssuedDocument

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/documents/issueddocument/"


@pytest.fixture
def receipt():
    return services.receipt_issue(
        receipt_number="BL-2026-000900",
        payer_name="Võ Thị Mai",
        amount_vnd=Decimal(50_000),
        order_code="DVC-2026-000900",
        payment_reference="ZALOPAY-1",
        paid_at=dt.datetime(2026, 11, 30, tzinfo=dt.UTC),
    )


@pytest.fixture
def archivist():
    user = User.objects.create_user("vanthu", password="x", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_issueddocument", "change_issueddocument", "revoke_issueddocument"]
        )
    )
    return user


def test_admin_action_asks_for_a_reason_then_revokes(client, receipt, archivist):
    client.force_login(archivist)
    selection = {"action": "revoke_selected", "_selected_action": [receipt.pk]}
    confirm = client.post(CHANGELIST, selection)
    assert confirm.status_code == 200
    assert receipt.code in confirm.content.decode()
    client.post(CHANGELIST, selection | {"apply": "1", "reason": ""})
    assert IssuedDocument.objects.get(pk=receipt.pk).status == "valid"
    client.post(CHANGELIST, selection | {"apply": "1", "reason": "Trùng biên lai"})
    revoked = IssuedDocument.objects.get(pk=receipt.pk)
    assert (revoked.status, revoked.status_reason) == ("revoked", "Trùng biên lai")
    assert revoked.status_changed_by == archivist


def test_admin_action_is_hidden_without_the_revoke_permission(client, receipt):
    viewer = User.objects.create_user("xem", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_issueddocument"))
    client.force_login(viewer)
    page = client.get(CHANGELIST)
    assert page.status_code == 200
    assert "revoke_selected" not in page.content.decode()
    client.post(CHANGELIST, {"action": "revoke_selected", "_selected_action": [receipt.pk],
                             "apply": "1", "reason": "x"})  # fmt: skip
    assert IssuedDocument.objects.get(pk=receipt.pk).status == "valid"
