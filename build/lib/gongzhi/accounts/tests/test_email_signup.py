from __future__ import annotations

import pytest

from gongzhi.accounts.models import User


@pytest.mark.django_db
def test_email_signup_and_password_login(client):
    response = client.post("/accounts/signup/email/", {
        "email": "Li.Hua@Example.com", "display_name": "李华", "password": "garden-2026-spring"})
    assert response.status_code == 302
    assert User.objects.get(email="li.hua@example.com").display_name == "李华"
    client.logout()
    response = client.post("/accounts/login/password/", {
        "login": "li.hua@example.com", "password": "garden-2026-spring"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_weak_password_is_refused_and_email_kept(client):
    response = client.post("/accounts/signup/email/", {
        "email": "a@example.com", "display_name": "", "password": "12345678"})
    assert response.status_code == 200
    assert 'value="a@example.com"' in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_wrong_password_gives_a_message_not_who_exists(client):
    User.objects.create_user(email="b@example.com", password="garden-2026-spring")
    for login in ("b@example.com", "nobody@example.com"):
        response = client.post("/accounts/login/password/", {"login": login, "password": "x"})
        assert response.status_code == 200
        assert f'value="{login}"' in response.content.decode()
