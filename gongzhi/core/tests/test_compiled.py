"""``core.compiled.CompiledQuery``: the rows are the ORM's own, on SQLite and PostgreSQL,
for every value; the SQL is built once per thread; misuse is refused."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongzhi.accounts.models import UserSession
from gongzhi.accounts.sessions import SESSION_WITH_USER
from gongzhi.core.compiled import CompiledQuery
from gongzhi.core.http import community_or_404
from gongzhi.places.models import Community

pytestmark = pytest.mark.django_db


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_session_with_user_is_the_orms_answer(client, personas):
    client.force_login(personas.resident)
    key = client.session.session_key
    now = timezone.now()
    found = SESSION_WITH_USER.first(key=key, now=now)
    expected = UserSession.objects.select_related("user").get(session_key=key)
    assert _fields(found) == _fields(expected)
    # the user came in the same row, every field as the ORM reads it
    assert _fields(found.user) == _fields(expected.user)
    with CaptureQueriesContext(connection) as ctx:
        assert found.user.username == personas.resident.username
    assert not ctx.captured_queries
    assert found._state.db == "default" and not found._state.adding
    # the datetime is a real parameter: an expired session is not found
    assert SESSION_WITH_USER.first(key=key, now=expected.expire_date) is None
    assert SESSION_WITH_USER.first(key=key, now=expected.expire_date
                                   - dt.timedelta(seconds=1)) is not None
    assert SESSION_WITH_USER.first(key="no-such-session", now=now) is None


def test_the_kept_row_reader_serves_every_run_afresh(client, personas):
    """Converters, columns and related populators are worked out once per compiled
    query: each run still gets its own rows and its own related objects."""
    now = timezone.now()
    found = {}
    for user in (personas.resident, personas.worker, personas.resident):
        client.force_login(user)
        key = client.session.session_key
        row = SESSION_WITH_USER.first(key=key, now=now)
        expected = UserSession.objects.select_related("user").get(session_key=key)
        assert _fields(row) == _fields(expected)
        assert _fields(row.user) == _fields(expected.user)
        assert row.user is not found.get(user.pk)  # a new object each run
        found[user.pk] = row.user
        client.logout()
    assert found[personas.resident.pk].pk != found[personas.worker.pk].pk


def test_community_lookup_matches_and_refuses_inactive(personas):
    from django.http import Http404

    community = personas.community
    found = community_or_404(community.slug)
    assert _fields(found) == _fields(Community.objects.get(pk=community.pk))
    assert found.subdistrict.name == community.subdistrict.name
    Community.objects.filter(pk=community.pk).update(is_active=False)
    with pytest.raises(Http404):
        community_or_404(community.slug)
    with pytest.raises(Http404):
        community_or_404("x" * 200)


def test_membership_with_household_is_the_orms_answer(personas):
    from gongzhi.accounts.models import Membership
    from gongzhi.core.selectors import membership_of

    community, user = personas.community, personas.owner  # a member with a household
    expected = Membership.objects.select_related("household").get(user=user,
                                                                   community=community)
    found = membership_of(user, community)
    assert _fields(found) == _fields(expected)
    assert expected.household is not None and _fields(found.household) == _fields(
        expected.household)
    with CaptureQueriesContext(connection) as ctx:
        assert membership_of(user, community) is found  # kept for the request
    assert not ctx.captured_queries
    # a community where the person has no membership: None, without a query
    assert membership_of(personas.outsider, community) is None


def test_values_list_rows_and_ints(personas):
    query = CompiledQuery(lambda pk: Community.objects.filter(pk__gte=pk).order_by("pk")
                          .values_list("pk", "slug"), pk=int)
    expected = list(Community.objects.order_by("pk").values_list("pk", "slug"))
    assert query.all(pk=0) == expected
    assert query.all(pk=expected[-1][0]) == expected[-1:]
    assert query.all(pk=10**9) == []


def test_sql_is_built_once_per_thread(personas, monkeypatch):
    built = []

    def build(slug):
        built.append(threading.get_ident())
        return Community.objects.filter(slug=slug)

    query = CompiledQuery(build, slug=str)
    for _ in range(3):
        assert query.first(slug=personas.community.slug).pk == personas.community.pk
    assert len(built) == 2  # the model's class once, the SQL once
    sql, params = query.sql_with_params(slug="abc")
    assert "abc" in params and "%s" in sql or "?" in sql


def test_misuse_is_refused(personas):
    with pytest.raises(TypeError):
        CompiledQuery(lambda x: Community.objects.filter(pk=x), x=float)
    unused = CompiledQuery(lambda slug: Community.objects.all(), slug=str)
    with pytest.raises(ValueError, match="slug"):
        unused.all(slug="a")
    query = CompiledQuery(lambda slug: Community.objects.filter(slug=slug), slug=str)
    with pytest.raises(TypeError):
        query.all(slug=3)
    with pytest.raises(TypeError):
        query.all()
    with pytest.raises(TypeError):
        query.all(slug="a", other="b")


def test_datetime_values_compare_as_the_orm_does(personas):
    """A datetime is adapted as the backend adapts it (SQLite stores text in UTC)."""
    community = personas.community
    created = Community.objects.get(pk=community.pk).created_at
    query = CompiledQuery(lambda at: Community.objects.filter(created_at__lte=at)
                          .values_list("pk", flat=True), at=dt.datetime)
    for at in (created, created - dt.timedelta(microseconds=1),
               created.astimezone(dt.timezone(dt.timedelta(hours=8)))):
        assert sorted(query.all(at=at)) == sorted(
            Community.objects.filter(created_at__lte=at).values_list("pk", flat=True))


def test_basemap_meta_is_the_orms_answer(personas):
    from gongzhi.maps.models import Basemap
    from gongzhi.maps.selectors import META_FIELDS, basemap_meta

    community = personas.community
    assert basemap_meta(community) is None
    Basemap.objects.create(community=community, etag="e1", source="test", attribution="OSM",
                           min_lon=121.5, min_lat=31.28, max_lon=121.51, max_lat=31.29,
                           geojson="{}", geojson_gz=b"", feature_count=3,
                           counts={"building": 2})
    assert basemap_meta(community) == Basemap.objects.filter(
        community=community).values(*META_FIELDS).first()


def test_a_thread_compiles_its_own_and_takes_it_away(db):
    """runserver starts a thread per request: what a thread compiled goes with it (the
    threads compile without running: SQLite's shared test database is locked by the
    test's own transaction)."""
    import gc
    import weakref

    from django.db import connections

    query = CompiledQuery(lambda slug: Community.objects.filter(slug=slug), slug=str)
    seen = []

    def run():
        try:
            compiled = query.compiled()
            seen.append(compiled is query.compiled())  # once per thread
            seen.append(weakref.ref(compiled))
        finally:
            connections.close_all()

    for _ in range(3):
        thread = threading.Thread(target=run)
        thread.start()
        thread.join()
    gc.collect()
    assert seen[0::2] == [True, True, True]
    assert all(ref() is None for ref in seen[1::2])
