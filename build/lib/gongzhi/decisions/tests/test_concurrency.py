"""Integrity under concurrent requests (PostgreSQL): 200 clients in threads, each with its
own database connection, race to vote, change and withdraw on the same two ballots (two
clients per voter, so the same voter always races with herself). Afterwards no voter has
two ballots, nothing is lost or over budget, and the chain replays to exactly what is
stored and verifies (the recount included)."""

from __future__ import annotations

import json
import random
import threading
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from gongzhi.accounts.models import Membership, RoleAssignment, User
from gongzhi.decisions import chain, selectors, services
from gongzhi.decisions.models import BallotContent, LogEntry, VoterRecord
from gongzhi.decisions.verify import verify_export
from gongzhi.testing.factories import CommunityFactory, UserFactory, make_staff

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CLIENTS = 200
WORKERS = 40  # simultaneous connections (PostgreSQL's default limit is 100, shared)
OPTIONS = [{"key": f"p{i}", "label": f"项目{i}", "cost": c}
           for i, c in enumerate((300, 250, 200, 150, 100, 50))]
BUDGET = 600


def _setup(n_voters: int):
    community = CommunityFactory()
    admin = make_staff(UserFactory(), community, "admin", "worker")
    users = User.objects.bulk_create([User(phone=f"137{i:08d}", display_name=f"v{i}")
                                      for i in range(n_voters)])
    Membership.objects.bulk_create([Membership(user=u, community=community, status="verified")
                                    for u in users])
    RoleAssignment.objects.bulk_create([RoleAssignment(user=u, community=community,
                                                       role="verified_resident")
                                        for u in users])
    pb = services.ballot_create(actor=admin, community=community, title="PB", method="pb",
                                options=OPTIONS, budget=BUDGET, pb_rule="equalshares/add1",
                                secrecy="secret")
    openb = services.ballot_create(actor=admin, community=community, title="open",
                                   method="approval", options=OPTIONS, secrecy="open")
    for b in (pb, openb):
        services.ballot_open(actor=admin, ballot=b)
    return admin, list(User.objects.filter(pk__in=[u.pk for u in users])), pb, openb


def _random_content(rng: random.Random, over: bool = False) -> dict:
    if over:
        return {"approve": ["p0", "p1", "p2"]}  # 750 > 600
    keys, total = [], 0
    for o in rng.sample(OPTIONS, k=rng.randint(1, 4)):
        if total + o["cost"] <= BUDGET:
            keys.append(o["key"])
            total += o["cost"]
    return {"approve": keys}


def test_two_hundred_clients_race_without_double_lost_or_over_budget_ballots():
    admin, users, pb, openb = _setup(CLIENTS // 2)
    codes: dict[tuple[int, int], str] = {}
    lock = threading.Lock()
    unexpected: list[BaseException] = []
    outcomes = {"cast": 0, "change": 0, "withdraw": 0, "refused": 0}

    def client(i: int) -> None:
        rng = random.Random(i)
        user = users[i // 2]
        try:
            for _step in range(6):
                ballot = pb if rng.random() < 0.6 else openb
                key = (user.pk, ballot.pk)
                action = rng.choices(["cast", "change", "withdraw", "over"], [5, 3, 2, 1])[0]
                if action == "over":
                    ballot = pb  # only the participatory budget has a budget
                try:
                    with lock:
                        code = codes.get(key)
                    if action == "cast":
                        r = services.vote_cast(user=user, ballot=ballot,
                                               content=_random_content(rng), receipt_code=code)
                        if r.code:
                            with lock:
                                codes[key] = r.code
                    elif action == "change":
                        services.vote_change(user=user, ballot=ballot,
                                             content=_random_content(rng), receipt_code=code)
                    elif action == "withdraw":
                        services.vote_withdraw(user=user, ballot=ballot, receipt_code=code)
                    else:
                        services.vote_cast(user=user, ballot=ballot,
                                           content=_random_content(rng, over=True))
                        raise AssertionError("an over-budget ballot was accepted")
                    with lock:
                        outcomes[action] = outcomes.get(action, 0) + 1
                except (ValidationError, PermissionDenied):
                    with lock:
                        outcomes["refused"] += 1
        except BaseException as exc:  # noqa: BLE001 - collected and reported below
            unexpected.append(exc)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(client, range(CLIENTS)))
    assert not unexpected, unexpected[:3]
    assert outcomes["cast"] > 50 and outcomes["refused"] > 0

    for ballot in (pb, openb):
        records = VoterRecord.objects.filter(ballot=ballot)
        contents = BallotContent.objects.filter(ballot=ballot)
        keys = list(records.values_list("voter_key", flat=True))
        assert len(keys) == len(set(keys))  # never two ballots for one voter
        assert records.count() == contents.count()  # none lost, none orphaned
        costs = {o["key"]: o["cost"] for o in OPTIONS}
        for c in contents:
            assert sum(costs[k] for k in c.content["approve"]) <= BUDGET
            assert c.total_cost <= ballot.budget or ballot.method != "pb"
        entries = [{"seq": e.seq, "action": e.action, "payload": e.payload, "at": e.at,
                    "prev_hash": e.prev_hash, "hash": e.hash}
                   for e in LogEntry.objects.filter(ballot=ballot).order_by("seq")]
        assert chain.verify_chain(str(ballot.uid), entries) == len(entries)
        replayed = chain.replay(entries)
        stored = dict(contents.values_list("receipt_hash", "content"))
        assert {r: v["content"] for r, v in replayed.items()} == stored
        if not ballot.is_secret:
            linked = dict(records.values_list("receipt_hash", "eligibility__token"))
            assert {r: v["voter"] for r, v in replayed.items()} == linked
        services.ballot_close(actor=admin, ballot=ballot)
        ballot.refresh_from_db()
        report = verify_export(json.loads(json.dumps(selectors.export(ballot))))
        assert report["ok"], report
        assert Fraction(ballot.result["engine"]["cost"] if ballot.is_pb else 0) <= BUDGET


def test_concurrent_close_and_votes_leave_no_vote_after_the_close():
    admin, users, pb, _openb = _setup(60)
    barrier = threading.Barrier(21)
    errors: list[BaseException] = []

    def voter(u):
        try:
            barrier.wait()
            services.vote_cast(user=u, ballot=pb, content={"approve": ["p5"]})
        except ValidationError:
            pass
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    def closer():
        try:
            barrier.wait()
            services.ballot_close(actor=admin, ballot=pb)
        finally:
            connection.close()

    threads = [threading.Thread(target=voter, args=(u,)) for u in users[:20]]
    threads.append(threading.Thread(target=closer))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    pb.refresh_from_db()
    log = list(LogEntry.objects.filter(ballot=pb).order_by("seq").values_list("action",
                                                                              flat=True))
    assert log[-1] == "close"  # nothing appended after the close
    assert pb.result["ballots"] == BallotContent.objects.filter(ballot=pb).count()
