"""Staff need a second factor (TOTP, django-otp): enrolment with a QR code and recovery codes,
verification after every log-in, and no staff page, admin page or API call before it."""

import re
import time

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import parent_register

pytestmark = pytest.mark.django_db
STAFF_PAGE = "/chi-so/quan-ly/"


@pytest.fixture(autouse=True)
def otp_required(settings):
    settings.STAFF_OTP_REQUIRED = True


@pytest.fixture
def officer(db):
    user = User.objects.create_user("canbo-otp", password="mat-khau-dai-2026", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_dashboard"))
    return user


def _code(device: TOTPDevice, drift: int = 0) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return f"{value:06d}"


def _enrol(client) -> tuple[TOTPDevice, list[str]]:
    page = client.get("/accounts/xac-thuc-2-buoc/dang-ky/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user__username="canbo-otp", confirmed=False)
    response = client.post(
        "/accounts/xac-thuc-2-buoc/dang-ky/", {"token": _code(device), "next": STAFF_PAGE}
    )
    codes = re.findall(r"<li><code>(\w+)</code></li>", response.content.decode())
    return TOTPDevice.objects.get(pk=device.pk), codes


def test_staff_without_an_authenticator_must_enrol_first(client, officer):
    client.force_login(officer)
    response = client.get(STAFF_PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/xac-thuc-2-buoc/dang-ky/?next=")
    assert client.get("/admin/").status_code == 302
    device, codes = _enrol(client)
    assert device.confirmed and len(codes) == 10 == len(set(codes))
    assert client.get(STAFF_PAGE).status_code == 200  # this session is verified


def test_a_wrong_enrolment_code_confirms_nothing(client, officer):
    client.force_login(officer)
    client.get("/accounts/xac-thuc-2-buoc/dang-ky/")
    with translation.override("vi"):
        response = client.post("/accounts/xac-thuc-2-buoc/dang-ky/", {"token": "000000x"})
    assert response.status_code == 400
    assert not TOTPDevice.objects.filter(user=officer, confirmed=True).exists()
    assert client.get(STAFF_PAGE).status_code == 302


def test_every_new_log_in_asks_for_the_code(client, officer):
    client.force_login(officer)
    device, _codes = _enrol(client)
    client.logout()
    assert client.login(username="canbo-otp", password="mat-khau-dai-2026")
    response = client.get(STAFF_PAGE)
    assert response["Location"].startswith("/accounts/xac-thuc-2-buoc/?next=")
    assert client.post("/accounts/xac-thuc-2-buoc/", {"token": "123456"}).status_code == 400
    assert client.get(STAFF_PAGE).status_code == 302
    # A wrong code throttles the authenticator (1 s, doubling): even the right code waits.
    right = {"token": _code(device, drift=1), "next": STAFF_PAGE}
    assert client.post("/accounts/xac-thuc-2-buoc/", right).status_code == 400
    time.sleep(1.1)
    response = client.post("/accounts/xac-thuc-2-buoc/", right)
    assert response.status_code == 302 and response["Location"] == STAFF_PAGE
    assert client.get(STAFF_PAGE).status_code == 200


def test_a_recovery_code_works_once(client, officer):
    client.force_login(officer)
    _, codes = _enrol(client)
    for attempt in range(2):
        client.logout()
        client.force_login(officer)
        response = client.post("/accounts/xac-thuc-2-buoc/", {"token": codes[0]})
        assert response.status_code == (302 if attempt == 0 else 400)
    assert StaticToken.objects.filter(device__user=officer).count() == 9


def test_the_api_refuses_an_unverified_staff_session_with_a_problem(client, officer):
    client.force_login(officer)
    response = client.get("/api/v1/applications/")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "second_factor_required"


def test_parents_are_not_asked(client):
    parent = parent_register(
        full_name="Lê Thị Mai", password="mật-khẩu-dài-2026", phone="0911222333"
    )
    client.force_login(parent)
    assert client.get("/du-lieu-ca-nhan/").status_code == 200
