"""Production serving: the granian and gunicorn commands, compressed responses, the cached
JS catalogue, and role queries whose shape does not grow with the community."""

from __future__ import annotations

import gzip

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.accounts.access import member_communities
from gongzhi.accounts.selectors import community_people
from gongzhi.core.management.commands.serve import (
    default_workers,
    granian_argv,
    gunicorn_argv,
)


def test_serve_runs_granian_by_default_with_threads_from_the_cores(capsys, monkeypatch):
    monkeypatch.delenv("WEB_SERVER", raising=False)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    call_command("serve", "--print", "--bind", "0.0.0.0:8000")
    argv = capsys.readouterr().out.split()
    assert argv[1:5] == ["-m", "granian", "--interface", "wsgi"]
    assert argv[argv.index("--host") + 1] == "0.0.0.0"
    assert argv[argv.index("--port") + 1] == "8000"
    assert argv[argv.index("--workers") + 1] == "2"  # one per core
    assert argv[argv.index("--blocking-threads") + 1] == "4"
    assert "--respawn-failed-workers" in argv and argv[-1] == "gongzhi.wsgi:application"
    call_command("serve", "--print", "--server", "gunicorn")
    argv = capsys.readouterr().out.split()
    assert argv[1:4] == ["-m", "gunicorn", "gongzhi.wsgi:application"]
    assert argv[argv.index("--workers") + 1] == "5"  # 2 x cores + 1


def test_granian_binds_a_unix_socket_and_refuses_a_bad_address():
    argv = granian_argv(bind="unix:/run/gongzhi/web.sock", workers=2, threads=4,
                        access_log=True)
    assert argv[argv.index("--uds") + 1] == "/run/gongzhi/web.sock"
    assert "--host" not in argv and "--access-log" in argv
    ipv6 = granian_argv(bind="[::1]:9000", workers=1, threads=1, access_log=False)
    assert ipv6[ipv6.index("--host") + 1] == "::1"
    with pytest.raises(CommandError):
        granian_argv(bind="localhost", workers=1, threads=1, access_log=False)


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
