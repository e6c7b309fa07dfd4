"""API tokens' "last used": renewed at most once a minute, written in batches within
API_TOKEN_STAMP_SECONDS (gongzhi/accounts/token_stamps.py), never moved backwards."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongzhi.accounts import token_stamps
from gongzhi.accounts.models import ApiToken
from gongzhi.accounts.services import api_token_create, api_token_user


@pytest.fixture(autouse=True)
def no_stamps_left():
    token_stamps.flush()
    yield
    token_stamps.flush()


def _stamp(token: ApiToken):
    return ApiToken.objects.values_list("last_used_at", flat=True).get(pk=token.pk)


@pytest.mark.django_db
def test_the_token_owner_lookup_is_the_orm_s_user(personas):
    token, raw = api_token_create(user=personas.verified, name="x")
    user = api_token_user(raw)
    assert user == personas.verified
    personas.verified.refresh_from_db()  # (access_version: a fresh number from the database)
    for field in type(user)._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(personas.verified, field.attname)
    personas.verified.is_active = False
    personas.verified.save()
    assert api_token_user(raw) is None
    assert api_token_user("gz_nonsense") is None


@pytest.mark.django_db
@override_settings(API_TOKEN_STAMP_SECONDS=0)
def test_with_no_interval_the_stamp_is_written_in_the_request(personas):
    token, raw = api_token_create(user=personas.verified, name="x")
    before = timezone.now()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").status_code == 200
    assert before <= _stamp(token) <= timezone.now()
    assert token_stamps.pending_count() == 0


@pytest.mark.django_db
@override_settings(API_TOKEN_STAMP_SECONDS=3600)
def test_stamps_wait_in_the_process_and_are_written_in_one_statement(personas, monkeypatch):
    monkeypatch.setattr(token_stamps, "_schedule", lambda interval: None)  # no timer here
    tokens = [api_token_create(user=p, name="x") for p in
              (personas.verified, personas.owner, personas.worker)]
    api = [Client(HTTP_AUTHORIZATION=f"Bearer {raw}") for _t, raw in tokens]
    with CaptureQueriesContext(connection) as ctx:
        assert api[0].get("/api/v1/me").status_code == 200
    assert not any(q["sql"].upper().startswith("UPDATE") for q in ctx.captured_queries)
    for client in api:
        client.get("/api/v1/me")
    assert token_stamps.pending_count() == 3
    assert all(_stamp(t) is None for t, _raw in tokens)
    with CaptureQueriesContext(connection) as ctx:
        assert token_stamps.flush() == 3
    assert len(ctx.captured_queries) == 1
    assert all(_stamp(t) is not None for t, _raw in tokens)
    # used again within the minute: nothing to write
    api[0].get("/api/v1/me")
    assert token_stamps.pending_count() == 0


@pytest.mark.django_db
def test_an_overdue_stamp_is_written_by_the_next_request(personas, monkeypatch):
    monkeypatch.setattr(token_stamps, "_schedule", lambda interval: None)  # the timer died
    first, raw1 = api_token_create(user=personas.verified, name="x")
    second, raw2 = api_token_create(user=personas.owner, name="y")
    with override_settings(API_TOKEN_STAMP_SECONDS=1):
        Client(HTTP_AUTHORIZATION=f"Bearer {raw1}").get("/api/v1/me")
        assert _stamp(first) is None
        time.sleep(1.05)
        Client(HTTP_AUTHORIZATION=f"Bearer {raw2}").get("/api/v1/me")
    assert _stamp(first) is not None and _stamp(second) is not None
    assert token_stamps.pending_count() == 0


@pytest.mark.django_db
def test_a_stamp_never_moves_backwards(personas):
    token, _raw = api_token_create(user=personas.verified, name="x")
    later = timezone.now() + dt.timedelta(minutes=5)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=later)  # another process
    with override_settings(API_TOKEN_STAMP_SECONDS=3600):
        token_stamps.note_use(token.pk, timezone.now())
    token_stamps.flush()
    assert _stamp(token) == later


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_timer_writes_the_stamp_within_the_interval(personas):
    token, raw = api_token_create(user=personas.verified, name="x")
    with override_settings(API_TOKEN_STAMP_SECONDS=0.3):
        used = timezone.now()
        assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").status_code == 200
        assert _stamp(token) is None
        deadline = time.monotonic() + 5
        while _stamp(token) is None and time.monotonic() < deadline:
            time.sleep(0.05)
        written = time.monotonic()
    stamp = _stamp(token)
    assert stamp is not None and used <= stamp <= used + dt.timedelta(seconds=1)
    assert written < deadline
    assert token_stamps.pending_count() == 0
