"""Sign-up proves the number before an account exists and never tells a stranger whether an
account already uses it; sign-up and password reset are rate-limited."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from accounts.models import Profile

FORM = {"full_name": "Phạm Văn Tú", "password1": "mật-khẩu-dài-2026",
        "password2": "mật-khẩu-dài-2026"}  # fmt: skip


def _code(outbox) -> str:
    return re.search(r"\b(\d{6})\b", outbox[-1]["body"]).group(1)


def _page_text(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


@pytest.mark.django_db
def test_a_new_number_gets_a_code_that_creates_the_account(client, sms_outbox):
    start = client.post("/accounts/dang-ky/", {**FORM, "phone": "+84 912 000 111"})
    assert start.status_code == 302 and start["Location"] == "/accounts/dang-ky/xac-nhan/"
    assert not Profile.objects.filter(phone="0912000111").exists()  # not before the code
    [sms] = sms_outbox
    assert sms["to"] == "0912000111"
    wrong = client.post("/accounts/dang-ky/xac-nhan/", {"code": "000000"})
    assert "code" in wrong.context["form"].errors
    done = client.post("/accounts/dang-ky/xac-nhan/", {"code": _code(sms_outbox)})
    assert done.status_code == 302
    profile = Profile.objects.get(phone="0912000111")
    assert client.session["_auth_user_id"] == str(profile.user_id)
    assert profile.user.check_password("mật-khẩu-dài-2026")


@pytest.mark.django_db
def test_a_taken_number_looks_the_same_and_its_owner_is_told(client, parent, sms_outbox):
    fresh = client.post("/accounts/dang-ky/", {**FORM, "phone": "0912000111"})
    fresh_page = _page_text(client.get("/accounts/dang-ky/xac-nhan/"))
    client.cookies.clear()
    taken = client.post("/accounts/dang-ky/", {**FORM, "phone": "091 234 5678"})
    taken_page = _page_text(client.get("/accounts/dang-ky/xac-nhan/"))
    assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])
    assert taken_page == fresh_page.replace("091*****11", "091*****78")
    notice = sms_outbox[-1]
    assert notice["to"] == "0912345678"
    assert "You already have" in notice["body"] or "đã có" in notice["body"]
    assert not re.search(r"\b\d{6}\b", notice["body"])  # no code exists for a taken number
    for guess in ("000000", "123456", "999999"):
        client.post("/accounts/dang-ky/xac-nhan/", {"code": guess})
    assert Profile.objects.filter(phone="0912345678").count() == 1
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_taken_email_next_to_a_new_phone_is_left_out_and_its_owner_told(client, parent,
                                                                           sms_outbox):  # fmt: skip
    client.post("/accounts/dang-ky/", {**FORM, "phone": "0912000111", "email": "LAN@example.com"})
    assert mail.outbox[-1].to == ["lan@example.com"]
    client.post("/accounts/dang-ky/xac-nhan/", {"code": _code(sms_outbox)})
    new = Profile.objects.get(phone="0912000111").user
    assert new.email == ""


@pytest.mark.django_db
def test_five_wrong_codes_end_the_sign_up(client, sms_outbox):
    client.post("/accounts/dang-ky/", {**FORM, "phone": "0912000111"})
    code = _code(sms_outbox)
    for _ in range(5):
        client.post("/accounts/dang-ky/xac-nhan/", {"code": "000000" if code != "000000" else "1"})
    late = client.post("/accounts/dang-ky/xac-nhan/", {"code": code})
    assert "code" in late.context["form"].errors
    assert not Profile.objects.filter(phone="0912000111").exists()


@pytest.mark.django_db
def test_sign_up_is_rate_limited_per_number_and_per_address(client, sms_outbox):
    for _ in range(3):
        assert client.post("/accounts/dang-ky/", {**FORM, "phone": "0912000111"}).status_code == 302
    assert client.post("/accounts/dang-ky/", {**FORM, "phone": "+84912000111"}).status_code == 429
    assert len(sms_outbox) == 3
    statuses = [
        client.post("/accounts/dang-ky/", {**FORM, "phone": f"09120002{n:02d}"}).status_code
        for n in range(10)
    ]
    assert statuses == [302] * 6 + [429] * 4  # 10 posts per hour from one address in all
    assert len(sms_outbox) == 9


@pytest.mark.django_db
def test_password_reset_is_rate_limited(client, parent):
    answers = [
        client.post("/accounts/quen-mat-khau/", {"email": "lan@example.com"}).status_code
        for _ in range(4)
    ]
    assert answers == [302, 302, 302, 429]
    assert len(mail.outbox) == 3
    others = [
        client.post("/accounts/quen-mat-khau/", {"email": f"x{n}@example.com"}).status_code
        for n in range(3)
    ]
    assert others == [302, 429, 429]  # 5 per hour from one address in all
