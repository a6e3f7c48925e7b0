"""Repeated wrong passwords lock the log-in (django-axes); a correct password does not unlock it."""

import pytest


@pytest.fixture(autouse=True)
def axes_on(settings):
    settings.AXES_ENABLED = True


@pytest.fixture
def parent(django_user_model):
    return django_user_model.objects.create_user("parent1", "me@example.vn", "right-pass-123")


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_account_on_this_device(client, parent):
    for _ in range(5):
        response = client.post(
            "/accounts/dang-nhap/", {"username": "me@example.vn", "password": "wrong"}
        )
        assert response.status_code in (200, 429)
    locked = client.post(
        "/accounts/dang-nhap/", {"username": "me@example.vn", "password": "right-pass-123"}
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "Đăng nhập sai quá nhiều lần" in locked.content.decode()


@pytest.mark.django_db
def test_a_few_wrong_passwords_then_the_right_one_logs_in(client, parent):
    for _ in range(2):
        client.post("/accounts/dang-nhap/", {"username": "me@example.vn", "password": "wrong"})
    response = client.post(
        "/accounts/dang-nhap/", {"username": "me@example.vn", "password": "right-pass-123"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(parent.pk)


@pytest.fixture
def phone_parent(db):
    from accounts.services import parent_register

    return parent_register(full_name="Lê Thị Hoa", password="right-pass-123", phone="0912345678")


@pytest.mark.django_db
def test_spelling_a_phone_number_differently_buys_no_fresh_tries(client, phone_parent):
    spellings = ["0912345678", "+84912345678", "091 234 5678", "84 912 345 678", "+84 91 234 56 78"]
    for spelling in spellings:
        client.post("/accounts/dang-nhap/", {"username": spelling, "password": "wrong"})
    locked = client.post(
        "/accounts/dang-nhap/", {"username": "0912.345.678", "password": "right-pass-123"}
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_e_mail_case_buys_no_fresh_tries(client, parent):
    for spelling in ["me@example.vn", "ME@example.vn", "Me@Example.VN", " me@example.vn", "mE@ex"
                     "ample.vn"]:  # fmt: skip
        client.post("/accounts/dang-nhap/", {"username": spelling, "password": "wrong"})
    locked = client.post(
        "/accounts/dang-nhap/", {"username": "ME@EXAMPLE.VN", "password": "right-pass-123"}
    )
    assert locked.status_code == 429
