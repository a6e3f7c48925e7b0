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
