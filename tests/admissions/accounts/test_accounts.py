"""Parent accounts: sign-up, login by phone or e-mail, password reset, OpenID Connect."""

import re
from urllib.parse import urlparse

import pytest
import requests
from django.contrib.auth import get_user_model
from django.core import mail

from accounts.models import Profile

from . import oidc_stub


@pytest.mark.django_db
def test_sign_up_with_a_phone_number_then_log_in_with_it_or_the_email(client, sms_outbox):
    client.post(
        "/accounts/dang-ky/",
        {"full_name": "Phạm Văn Tú", "phone": "+84 912 000 111", "email": "tu@example.com",
         "password1": "mật-khẩu-dài-2026", "password2": "mật-khẩu-dài-2026"},
    )  # fmt: skip
    code = re.search(r"\b(\d{6})\b", sms_outbox[-1]["body"]).group(1)
    response = client.post("/accounts/dang-ky/xac-nhan/", {"code": code})
    assert response.status_code == 302
    profile = Profile.objects.get(phone="0912000111")
    assert profile.full_name == "Phạm Văn Tú"
    assert profile.user.password.startswith(("argon2", "md5"))
    client.logout()
    for username in ("0912000111", "+84912000111", "TU@example.com"):
        assert client.login(username=username, password="mật-khẩu-dài-2026"), username
        client.logout()
    assert not client.login(username="0912000111", password="wrong")


@pytest.mark.django_db
def test_sign_up_refuses_a_landline(client, parent):
    form = {"full_name": "A", "password1": "mật-khẩu-dài-2026", "password2": "mật-khẩu-dài-2026"}
    bad = client.post("/accounts/dang-ky/", {**form, "phone": "02838123456"})
    assert "phone" in bad.context["form"].errors
    assert Profile.objects.count() == 1  # a taken number: test_signup_enumeration.py


@pytest.mark.django_db
def test_password_reset_by_link(client, parent):
    client.post("/accounts/quen-mat-khau/", {"email": "lan@example.com"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/dat-lai/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    done = client.post(form_url, {"new_password1": "mới-mật-khẩu-2026",
                                  "new_password2": "mới-mật-khẩu-2026"})  # fmt: skip
    assert done.status_code == 302
    assert client.login(username="0912345678", password="mới-mật-khẩu-2026")


@pytest.mark.urls("tests.admissions.accounts.oidc_stub")
@pytest.mark.django_db(transaction=True)
def test_openid_connect_login_against_a_stub_provider(client, live_server, settings):
    settings.AUTHENTICATION_BACKENDS = [
        "accounts.backends.PhoneOrEmailBackend",
        "accounts.oidc.PortalOIDCBackend",
    ]
    settings.OIDC_RP_CLIENT_ID = oidc_stub.CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = oidc_stub.CLIENT_SECRET
    settings.OIDC_RP_SIGN_ALGO = "HS256"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{live_server.url}/stub-op/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{live_server.url}/stub-op/token/"
    settings.OIDC_OP_USER_ENDPOINT = f"{live_server.url}/stub-op/userinfo/"
    settings.LOGIN_REDIRECT_URL = "/tuyen-sinh/"

    def login_once():
        start = client.get("/accounts/oidc/authenticate/")
        assert start.status_code == 302 and start["Location"].startswith(live_server.url)
        at_provider = requests.get(start["Location"], allow_redirects=False, timeout=10)
        assert at_provider.status_code == 302
        callback = urlparse(at_provider.headers["Location"])
        done = client.get(f"{callback.path}?{callback.query}")
        assert done.status_code == 302 and done["Location"] == "/tuyen-sinh/"
        return int(client.session["_auth_user_id"])

    user_id = login_once()
    profile = Profile.objects.get(user_id=user_id)
    assert profile.full_name == "Lê Thị Hoa" and profile.phone == "0903123456"
    assert get_user_model().objects.get(pk=user_id).email == "phuhuynh@example.com"
    client.logout()
    assert login_once() == user_id  # matched by subject, no second account
    assert Profile.objects.count() == 1

    # A forged code is refused by the provider; the portal does not log anyone in.
    client.logout()
    start = client.get("/accounts/oidc/authenticate/")
    state = re.search(r"state=([^&]+)", start["Location"]).group(1)
    refused = client.get(f"/accounts/oidc/callback/?code=forged&state={state}")
    assert "_auth_user_id" not in client.session
    assert refused.status_code == 302
    assert refused["Location"] == settings.LOGIN_REDIRECT_URL_FAILURE
