"""Read replicas: routing rules as unit tests, and a real streaming replica on loopback.

The integration test starts its own PostgreSQL primary and a replica made with
``pg_basebackup`` (ports chosen free, data under a temporary folder, stopped afterwards), so
it never touches the server the rest of the suite uses.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.db import transaction

from gongzhi.core import db_router
from gongzhi.core.db_router import ReplicaRouter, _use_replica

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def with_replica(monkeypatch):
    monkeypatch.setattr(db_router, "replica_aliases", lambda: ["replica1"])
    token = _use_replica.set(True)
    yield
    _use_replica.reset(token)


def _model(app_label):
    return type("M", (), {"_meta": type("Meta", (), {"app_label": app_label})})


def test_without_replicas_everything_is_the_primary():
    router = ReplicaRouter()
    assert router.db_for_read(_model("projects")) == "default"
    assert router.db_for_write(_model("projects")) == "default"


def test_outside_a_safe_request_reads_stay_on_the_primary(monkeypatch):
    monkeypatch.setattr(db_router, "replica_aliases", lambda: ["replica1"])
    assert ReplicaRouter().db_for_read(_model("projects")) == "default"


@pytest.mark.django_db(transaction=True)  # no test-wide atomic block around it
def test_safe_request_reads_go_to_a_replica_but_not_inside_a_transaction(with_replica):
    router = ReplicaRouter()
    assert router.db_for_read(_model("projects")) == "replica1"
    assert router.db_for_read(_model("sessions")) == "default"
    from gongzhi.accounts.models import UserSession

    assert router.db_for_read(UserSession) == "default"   # the sessions that join the user
    with transaction.atomic():
        assert router.db_for_read(_model("projects")) == "default"
    assert router.db_for_write(_model("projects")) == "default"
    assert router.allow_migrate("replica1", "projects") is False
    assert router.allow_migrate("default", "projects") is True


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _as_postgres(args: list[str], **kw) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw)


@pytest.fixture(scope="module")
def streaming_pair():
    bindir = _pg_bin()
    if bindir is None or (os.geteuid() == 0 and not shutil.which("runuser")):
        pytest.skip("needs PostgreSQL server binaries (initdb, pg_basebackup)")
    tmp = Path(tempfile.mkdtemp(prefix="gz-replica-"))
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres", "postgres")
    primary, replica = tmp / "primary", tmp / "replica"
    p_port, r_port = _free_port(), _free_port()
    started = []
    try:
        _as_postgres([str(bindir / "initdb"), "-D", str(primary), "-A", "trust", "-U", "postgres",
                      "-E", "UTF8", "--locale=C.UTF-8"])
        with open(primary / "postgresql.conf", "a") as conf:
            conf.write(f"port = {p_port}\nlisten_addresses = '127.0.0.1'\n"
                       f"unix_socket_directories = '{tmp}'\nwal_level = replica\n"
                       "max_wal_senders = 4\nfsync = off\n")
        _as_postgres([str(bindir / "pg_ctl"), "-D", str(primary), "-w", "-l",
                      str(tmp / "primary.log"), "start"])
        started.append(primary)
        _as_postgres([str(bindir / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(p_port),
                      "-U", "postgres", "-D", str(replica), "-R", "-X", "stream"])
        with open(replica / "postgresql.conf", "a") as conf:
            conf.write(f"port = {r_port}\nhot_standby = on\n")
        _as_postgres([str(bindir / "pg_ctl"), "-D", str(replica), "-w", "-l",
                      str(tmp / "replica.log"), "start"])
        started.append(replica)
        _as_postgres([str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(p_port),
                      "-U", "postgres", "gz"])
        yield (f"postgres://postgres@127.0.0.1:{p_port}/gz",
               f"postgres://postgres@127.0.0.1:{r_port}/gz")
    finally:
        for data in reversed(started):
            subprocess.run((["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else [])
                           + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                              "stop"], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.mark.postgres
@pytest.mark.slow
def test_pages_read_from_a_real_streaming_replica(streaming_pair):
    primary_url, replica_url = streaming_pair
    env = {**os.environ, "DATABASE_URL": primary_url, "DATABASE_REPLICA_URLS": replica_url,
           "ALLOWED_HOSTS": "testserver", "GONGZHI_TESTING": "1",
           "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    gongzhi = Path(sys.executable).parent / "gongzhi"
    subprocess.run([str(gongzhi), "migrate", "--noinput", "-v0"], env=env, check=True,
                   cwd=REPO, timeout=600)
    probe = subprocess.run([sys.executable, "-m", "gongzhi.core.tests.replica_probe"], env=env,
                           cwd=REPO, capture_output=True, text=True, timeout=300)
    assert probe.returncode == 0, probe.stderr[-3000:]
    out = json.loads(probe.stdout)
    assert out["in_recovery"] is True               # it really is a standby
    assert out["replica_sees_community"] is True    # rows written on the primary arrive
    anon = out["anonymous_get"]
    assert anon["status"] == 200
    assert anon["primary"] == 0 and anon["replica"] > 0, anon
    signed = out["signed_in_get"]
    assert signed["status"] == 200 and signed["replica"] > 0
    # on a signed-in page only the session with its user (read in one query, and saved
    # when it changed) is on the primary
    assert all("accounts_usersession" in sql or sql in ("BEGIN", "COMMIT")
               for sql in signed["primary_sql"]), signed["primary_sql"]
    post = out["post"]
    assert post["replica"] == 0 and post["sticky_cookie"], post
    after = out["get_after_post"]   # the same browser reads its own write: primary only
    assert after["status"] == 200 and after["replica"] == 0 and after["primary"] > 0, after
