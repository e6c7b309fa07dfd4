"""Production serving: the gunicorn command, compressed responses, cached JS catalogue, and
role queries whose shape does not grow with the community."""

from __future__ import annotations

import gzip

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.accounts.access import member_communities
from gongzhi.accounts.selectors import community_people
from gongzhi.core.management.commands.serve import default_workers, gunicorn_argv


def test_serve_runs_gunicorn_with_threaded_workers():
    argv = gunicorn_argv(bind="127.0.0.1:9000", workers=5, threads=4, timeout=30,
                         access_log=False)
    assert argv[1:4] == ["-m", "gunicorn", "gongzhi.wsgi:application"]
    assert argv[argv.index("--workers") + 1] == "5"
    assert argv[argv.index("--worker-class") + 1] == "gthread"
    assert "--access-logfile" not in argv
    single = gunicorn_argv(bind="x:1", workers=1, threads=1, timeout=5, access_log=True)
    assert single[single.index("--worker-class") + 1] == "sync"
    assert default_workers(2) == 5


@pytest.mark.django_db
def test_json_is_sent_compressed_when_the_client_accepts_it(client):
    response = client.get("/api/v1/openapi.json", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert b'"openapi"' in gzip.decompress(response.content)
    plain = client.get("/api/v1/openapi.json")
    assert "Content-Encoding" not in plain


@pytest.mark.django_db
def test_javascript_catalogue_is_cached_and_revalidated(client):
    first = client.get("/jsi18n/")
    assert first.status_code == 200
    assert "max-age=86400" in first["Cache-Control"]
    assert "Cookie" in first["Vary"] and "Accept-Language" in first["Vary"]
    again = client.get("/jsi18n/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304


@pytest.mark.django_db
def test_role_queries_use_subqueries_not_a_distinct_join(personas):
    with CaptureQueriesContext(connection) as ctx:
        assert personas.community in list(member_communities(personas.worker))
        people = list(community_people(community=personas.community))
    assert personas.verified in people and personas.outsider not in people
    for query in ctx.captured_queries:
        assert "DISTINCT" not in query["sql"].upper(), query["sql"]


@pytest.mark.django_db
def test_community_people_filters_by_role_without_duplicates(personas):
    workers = list(community_people(community=personas.community, role="worker"))
    assert personas.worker in workers and personas.verified not in workers
    assert len(workers) == len(set(workers))
