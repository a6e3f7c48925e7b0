"""The catalogue in the admin: a changed fee is a new version; dossiers cannot be edited there."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from eservices.models import Procedure, ProcedureVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("quantri", password="x"))
    return client


def test_changing_a_fee_in_the_admin_creates_the_next_version(admin_client):
    procedure = Procedure.objects.get(code="TH.CLB-NANG-KHIEU")
    version = procedure.current_version
    form = admin_client.get(f"/admin/eservices/procedureversion/{version.pk}/change/")
    data = {k: v for k, v in form.context["adminform"].form.initial.items() if v is not None}
    data.update(
        procedure=procedure.pk,
        fee_vnd="300000",
        steps='[{"vi": "Đăng ký", "en": "Register"}]',
        required_documents="[]",
        form_schema=__import__("json").dumps(version.form_schema),
        deadline_rules="[]",
    )
    response = admin_client.post(f"/admin/eservices/procedureversion/{version.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    versions = list(ProcedureVersion.objects.filter(procedure=procedure).order_by("number"))
    assert [v.fee_vnd for v in versions] == [Decimal(250000), Decimal(300000)]
    assert versions[0].steps != versions[1].steps  # the old row is untouched


def test_dossiers_are_read_only_in_the_admin(admin_client):
    assert admin_client.get("/admin/eservices/dossier/add/").status_code == 403
