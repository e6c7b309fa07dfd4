"""Sessions bring their signed-in person along: one query for the session and the user,
with Django's checks (active account, session hash after a password change) unchanged."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.accounts.models import UserSession


def _queries(client, path="/api/v1/me"):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    return response, [q["sql"] for q in ctx.captured_queries]


@pytest.mark.django_db
def test_session_and_user_in_one_query(personas):
    assert settings.SESSION_ENGINE == "gongzhi.accounts.sessions.db"
    client = personas.client("owner")
    session = UserSession.objects.get(pk=client.session.session_key)
    assert session.user_id == personas.owner.pk
    response, sql = _queries(client)
    assert response.status_code == 200 and response.json()["id"] == personas.owner.pk
    session_sql = [q for q in sql if "accounts_usersession" in q]
    assert len(session_sql) == 1 and "accounts_user" in session_sql[0].replace(
        "accounts_usersession", "")
    # no separate read of the user by id
    assert not [q for q in sql if q.startswith('SELECT "accounts_user"."id"')
                and "accounts_usersession" not in q]


@pytest.mark.django_db
def test_deactivated_user_is_signed_out(personas):
    client = personas.client("owner")
    assert client.get("/api/v1/me").status_code == 200
    type(personas.owner).objects.filter(pk=personas.owner.pk).update(is_active=False)
    assert client.get("/api/v1/me").status_code == 401


@pytest.mark.django_db
def test_password_change_signs_other_sessions_out(personas):
    client = personas.client("owner")
    assert client.get("/api/v1/me").status_code == 200
    user = personas.owner
    user.set_password("a-new-long-password-123")
    user.save()
    assert client.get("/api/v1/me").status_code == 401


@pytest.mark.django_db
def test_logout_and_deleted_user_end_the_session(personas):
    client = personas.client("worker")
    key = client.session.session_key
    client.logout()
    assert not UserSession.objects.filter(pk=key).exists()
    client = personas.client("verified")
    key = client.session.session_key
    personas.verified.delete()
    assert not UserSession.objects.filter(pk=key).exists()
    assert client.get("/api/v1/me").status_code == 401


@pytest.mark.django_db
def test_signed_out_session_has_no_user(personas, client):
    session = client.session
    session["x"] = 1
    session.save()
    assert UserSession.objects.get(pk=session.session_key).user_id is None
    client.force_login(personas.owner)
    assert UserSession.objects.get(pk=client.session.session_key).user_id == personas.owner.pk


@pytest.mark.django_db
def test_cached_sessions_still_check_the_user(personas, settings):
    """With a shared cache (``REDIS_URL``) sessions come from the cache; the user is then
    read apart, and a deactivated account is still signed out at once."""
    settings.SESSION_ENGINE = "gongzhi.accounts.sessions.cached_db"
    client = personas.client("owner")
    assert UserSession.objects.get(pk=client.session.session_key).user_id == personas.owner.pk
    assert client.get("/api/v1/me").json()["id"] == personas.owner.pk
    response, sql = _queries(client)
    assert response.status_code == 200
    assert not [q for q in sql if "accounts_usersession" in q]   # from the cache
    type(personas.owner).objects.filter(pk=personas.owner.pk).update(is_active=False)
    assert client.get("/api/v1/me").status_code == 401


@pytest.mark.django_db
def test_upgrade_copies_live_sessions_with_their_user(personas):
    """Migration accounts 0004 moves the live rows of Django's session table over, with the
    user id in its column (unknown users none, expired rows left behind)."""
    import datetime as dt
    import importlib

    from django.apps import apps
    from django.contrib.sessions.backends.db import SessionStore as DjangoStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    migration = importlib.import_module("gongzhi.accounts.migrations.0004_user_sessions")

    def old_session(data: dict) -> str:
        store = DjangoStore()
        store.update(data)
        store.create()
        return store.session_key

    signed_in = old_session({"_auth_user_id": str(personas.owner.pk), "x": 1})
    anonymous = old_session({"y": 2})
    ghost = old_session({"_auth_user_id": "987654"})
    expired = old_session({"_auth_user_id": str(personas.worker.pk)})
    Session.objects.filter(pk=expired).update(
        expire_date=timezone.now() - dt.timedelta(days=1))
    migration.copy_sessions(apps, None)
    rows = {s.pk: s for s in UserSession.objects.filter(
        pk__in=[signed_in, anonymous, ghost, expired])}
    assert set(rows) == {signed_in, anonymous, ghost}
    assert rows[signed_in].user_id == personas.owner.pk
    assert rows[anonymous].user_id is None and rows[ghost].user_id is None
    assert rows[signed_in].session_data == Session.objects.get(pk=signed_in).session_data
