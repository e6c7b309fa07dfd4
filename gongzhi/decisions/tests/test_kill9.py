"""A real server killed with SIGKILL in the middle of concurrent votes loses nothing half-way.

The test starts the production server as ``gongzhi serve`` runs it — granian (the
default) and gunicorn — on the test database, fires 30 votes from 30 voters at once, kills
the whole server (master and workers, ``kill -9``) once a third of the votes are answered,
starts it again and lets every voter whose answer was lost try again, as a phone would.
Then each voter has exactly one voter record and one sealed entry, re-sending a vote that
had been stored is a no-op (200), and after the close ``verify_ballot`` finds the live
database, the chain and the result in agreement. PostgreSQL only: the server is another
process on the same database.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

from gongzhi.accounts.models import Membership, Role, RoleAssignment, User
from gongzhi.accounts.services import api_token_create
from gongzhi.core.management.commands.serve import SERVERS, granian_argv, gunicorn_argv
from gongzhi.decisions import services
from gongzhi.decisions.models import BallotContent, PendingEntry, VoterRecord
from gongzhi.decisions.verify import verify_ballot
from gongzhi.places.models import Community, Region

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[3]
VOTERS = 30
KILL_AFTER = 10  # answered votes before the kill
OPTIONS = [("p1", 300), ("p2", 250), ("p3", 200), ("p4", 150), ("p5", 100)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_server(port: int, kind: str) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=_database_url(), DEBUG="0",
               DJANGO_SETTINGS_MODULE="gongzhi.settings",
               # Votes wait in the pending table; the test seals them itself afterwards.
               TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend")
    env.pop("GONGZHI_TESTING", None)
    bind = f"127.0.0.1:{port}"
    argv = (granian_argv(bind=bind, workers=2, threads=4, access_log=False) if kind == "granian"
            else gunicorn_argv(bind=bind, workers=2, threads=4, timeout=30, access_log=False))
    server = subprocess.Popen(
        argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)  # its own process group: one kill reaches every worker
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if _request(port, "GET", "/healthz")[0] == 200:
                return server
        except OSError:
            time.sleep(0.1)
    os.killpg(server.pid, signal.SIGKILL)
    raise AssertionError(f"{kind} did not start")


def _request(port: int, method: str, path: str, body: bytes | None = None,
             token: str | None = None) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def _seed():
    region = Region.objects.create(kind="subdistrict", name="kill-9")
    community = Community.objects.create(name="Kill 9", slug="kill-9", subdistrict=region)
    admin = User.objects.create(phone="13900000000", display_name="admin")
    for role in (Role.ADMIN, Role.WORKER):
        RoleAssignment.objects.create(user=admin, community=community, role=role)
    users = User.objects.bulk_create([User(phone=f"137{i:08d}", display_name=f"v{i}")
                                      for i in range(VOTERS)])
    Membership.objects.bulk_create([Membership(user=u, community=community,
                                               status=Membership.Status.VERIFIED)
                                    for u in users])
    RoleAssignment.objects.bulk_create([RoleAssignment(user=u, community=community,
                                                       role=Role.VERIFIED_RESIDENT)
                                        for u in users])
    tokens = [api_token_create(user=u, name="kill-9")[1] for u in users]
    ballot = services.ballot_create(
        actor=admin, community=community, title="kill -9", method="pb", secrecy="secret",
        options=[{"key": k, "label": k, "cost": c} for k, c in OPTIONS], budget=600)
    services.ballot_open(actor=admin, ballot=ballot)
    return admin, ballot, tokens


@pytest.mark.parametrize("kind", SERVERS)
def test_kill_9_in_the_middle_of_concurrent_votes_loses_nothing_half_way(kind):
    admin, ballot, tokens = _seed()
    path = f"/api/v1/decisions/ballots/{ballot.pk}/vote"
    bodies = {t: json.dumps({"content": {"approve": [OPTIONS[i % len(OPTIONS)][0]]}}).encode()
              for i, t in enumerate(tokens)}
    port = _free_port()
    server = _start_server(port, kind)
    answered: dict[str, int] = {}
    lock = threading.Lock()
    killed = threading.Event()

    def vote(token: str) -> None:
        try:
            status, _body = _request(port, "POST", path, bodies[token], token)
        except (OSError, http.client.HTTPException):
            # the server died under this request, before or while answering (a response
            # cut off half-way is IncompleteRead): the answer is lost
            return
        with lock:
            answered[token] = status
            if len(answered) >= KILL_AFTER and not killed.is_set():
                killed.set()
                os.killpg(server.pid, signal.SIGKILL)

    try:
        with ThreadPoolExecutor(max_workers=VOTERS) as pool:
            list(pool.map(vote, tokens))
        assert killed.is_set()
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)

    # Nothing half-stored: every voter record has its pending entry and no entry lacks one.
    records = VoterRecord.objects.filter(ballot=ballot).count()
    assert records == PendingEntry.objects.filter(ballot=ballot).count()
    assert KILL_AFTER <= records <= VOTERS
    assert all(status == 201 for status in answered.values())

    server = _start_server(port, kind)
    try:
        resent: dict[str, int] = {}
        for token in tokens:
            if token not in answered:
                resent[token] = _request(port, "POST", path, bodies[token], token)[0]
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
    # A vote stored before the kill whose answer was lost is refused as already cast (409:
    # on a secret ballot without its receipt code the server cannot tell the same content
    # from another — that is the secrecy), or a no-op (200) where it can; the rest are new.
    assert set(resent.values()) <= {200, 201, 409}
    assert sum(1 for s in resent.values() if s in (200, 409)) == records - len(answered)

    assert VoterRecord.objects.filter(ballot=ballot).count() == VOTERS
    services.ballot_seal(ballot=ballot, min_batch=1)
    assert BallotContent.objects.filter(ballot=ballot).count() == VOTERS
    services.ballot_close(actor=admin, ballot=ballot)
    ballot.refresh_from_db()
    report = verify_ballot(ballot)
    assert report["ok"], report["errors"]
    assert report["ballots"] == VOTERS
