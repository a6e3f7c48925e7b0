"""Anonymous endpoints an attacker could drive in bulk answer 429 past their allowance."""

import pytest


@pytest.mark.django_db
def test_school_suggestions_are_limited_per_address(client):
    answers = [client.get("/tuyen-sinh/goi-y/").status_code for _ in range(61)]
    assert answers == [400] * 60 + [429]
    limited = client.get("/tuyen-sinh/goi-y/?lat=10.7725&lon=106.698")
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    assert "detail" in limited.json()
    other = client.get("/tuyen-sinh/goi-y/", REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 400  # another address keeps its allowance


@pytest.mark.django_db
def test_log_in_attempts_across_many_usernames_are_limited_per_address(client):
    answers = [
        client.post(
            "/accounts/dang-nhap/", {"username": f"09120001{n:02d}", "password": "x"}
        ).status_code
        for n in range(31)
    ]
    assert answers == [200] * 30 + [429]
