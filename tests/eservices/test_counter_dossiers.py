"""Staff record dossiers handed in at the counter (issue #10: "staff record counter submissions
too, so that the share has a denominator"): the dossier gets its code, is received at once and
counts in the KPI's online share as not online."""

import re

import pytest
from django.core import mail
from django.utils import translation

from eservices.constants import Channel, DossierStatus
from eservices.models import Dossier
from eservices.services import dossier_create, dossier_record_counter, dossier_submit
from notifications.channels import LocmemSmsBackend
from portal.core.exceptions import NotFound
from tests.eservices.conftest import VALID_FORMS

URL = "/dich-vu-cong/can-bo/tai-quay/"


@pytest.fixture(autouse=True)
def empty_outboxes():
    LocmemSmsBackend.outbox.clear()
    mail.outbox = []


def test_officer_records_a_counter_dossier_received_at_once(
    client, officer, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    with translation.override("vi"):
        page = client.get(URL)
    assert page.status_code == 200
    assert "Ghi nhận hồ sơ nộp trực tiếp tại quầy" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"procedure": "1.005099", "contact_phone": "0903 123 456"})
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/dich-vu-cong/can-bo/ho-so/{dossier.uuid}/"
    assert re.fullmatch(r"000\.27\.79\.H29-\d{6}-\d{4}", dossier.code)
    assert (dossier.channel, dossier.status) == (Channel.COUNTER, DossierStatus.RECEIVED)
    assert dossier.contact_phone == "0903123456"
    assert dossier.submitted_at and dossier.received_at and dossier.due_date
    history = list(dossier.history.values_list("to_status", flat=True))
    assert history == ["received", "submitted", "draft"]
    # The citizen is told by SMS; the officer (the recorded applicant) gets no e-mail.
    assert [m["to"] for m in LocmemSmsBackend.outbox] == ["0903123456", "0903123456"]
    assert mail.outbox == []


def test_a_bad_phone_is_named_and_nothing_is_recorded(client, officer):
    client.force_login(officer)
    with translation.override("vi"):
        response = client.post(URL, {"procedure": "1.005099", "contact_phone": "12345"})
    assert response.status_code == 200
    assert response.context["form"].errors["contact_phone"]
    assert not Dossier.objects.exists()


def test_only_handlers_record_counter_dossiers(client, citizen, version, django_user_model):
    outsider = django_user_model.objects.create_user("ketoan", password="x", is_staff=True)
    client.force_login(outsider)  # staff, but in no handling group
    assert client.get(URL).status_code == 403
    assert (
        client.post(URL, {"procedure": "1.005099", "contact_phone": "0903123456"}).status_code
        == 403
    )
    with pytest.raises(NotFound):
        dossier_record_counter(version=version("1.005099"), actor=outsider,
                               contact_phone="0903123456")  # fmt: skip
    client.force_login(citizen)
    assert client.get(URL).status_code == 403
    assert not Dossier.objects.exists()


def test_an_unknown_procedure_is_a_form_error(client, officer):
    client.force_login(officer)
    response = client.post(URL, {"procedure": "KHONG-CO", "contact_phone": "0903123456"})
    assert response.status_code == 200
    assert "procedure" in response.context["form"].errors
    assert not Dossier.objects.exists()


def test_counter_dossiers_are_the_denominator_of_the_online_share(
    client, officer, citizen, version
):
    form = VALID_FORMS["TH.XAC-NHAN"]
    online = dossier_create(
        version=version("TH.XAC-NHAN"),
        applicant=citizen,
        form_data=form,
        contact_phone="0903123456",
    )
    dossier_submit(dossier=online, actor=citizen)
    for _ in range(3):
        dossier_record_counter(version=version("1.005099"), actor=officer,
                               contact_phone="0938765432")  # fmt: skip
    figures = client.get("/api/v1/kpi/").json()["total"]["online"]
    assert (figures["part"], figures["whole"]) == (1, 4)
