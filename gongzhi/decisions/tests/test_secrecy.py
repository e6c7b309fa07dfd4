"""A secret ballot stays secret from whoever reads the database or a backup.

200 residents vote through the real vote page, 20 at a time (each thread its own
browser session and database connection), while the sequencer seals batches as they
fill. Every voter gets a distinct choice, so the test knows the truth. Then each linkage
attack from issue 8 is run, as a DBA or a backup holder would:

* sessions: decode every session row (``accounts_usersession``) without the SECRET_KEY;
* ``xmin``: join voter records and contents on the transaction that wrote them;
* ``ctid`` / dump order: pair the k-th voter row with the k-th content row in physical
  order (what ``COPY ... TO STDOUT`` and pg_dump emit);
* id order: pair them in primary-key order;
* transaction order: pair them in ``xmin`` order;
* timestamps: pair voters by ``voted_on`` with contents by the time of their log entry;
* log order: pair voter rows with the log's vote entries.

Random pairing of 200 rows matches about 1 pair (Poisson(1)); P(≥ 8) ≈ 1e-5. Every
attack must stay at or below that bound. The pending entries themselves are sealed and
all the same size.
"""

from __future__ import annotations

import base64
import itertools
import json
import random
import re
import threading
import zlib
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from gongzhi.accounts.models import Membership, RoleAssignment, User
from gongzhi.decisions import chain, services
from gongzhi.decisions.models import LogEntry, PendingEntry, VoterRecord
from gongzhi.decisions.verify import verify_ballot
from gongzhi.testing.factories import CommunityFactory, UserFactory, make_staff

pytestmark = [pytest.mark.postgres, pytest.mark.pending_seal,
              pytest.mark.django_db(transaction=True)]

VOTERS = 200
WORKERS = 20
BOUND = 7  # random pairing exceeds this with probability ~1e-5
OPTIONS = [{"key": f"o{i}", "label": f"方案{i}"} for i in range(8)]


def _setup():
    community = CommunityFactory()
    admin = make_staff(UserFactory(), community, "admin", "worker")
    users = User.objects.bulk_create([User(phone=f"166{i:08d}", display_name=f"居民{i}")
                                      for i in range(VOTERS)])
    Membership.objects.bulk_create([Membership(user=u, community=community, status="verified")
                                    for u in users])
    RoleAssignment.objects.bulk_create([RoleAssignment(user=u, community=community,
                                                       role="verified_resident")
                                        for u in users])
    ballot = services.ballot_create(actor=admin, community=community, title="花园改造",
                                    method="approval", options=OPTIONS, secrecy="secret")
    services.ballot_open(actor=admin, ballot=ballot)
    return admin, list(User.objects.filter(pk__in=[u.pk for u in users]).order_by("?")), ballot


def _distinct_choices(n: int) -> list[list[str]]:
    keys = [o["key"] for o in OPTIONS]
    subsets = [list(c) for r in range(1, len(keys) + 1) for c in itertools.combinations(keys, r)]
    random.Random(8).shuffle(subsets)
    return subsets[:n]


def _rows(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _copy(table: str, ballot_id: int) -> list[str]:
    """Rows in dump order, as pg_dump's COPY emits them (physical order)."""
    sql = f"COPY (SELECT * FROM {table} WHERE ballot_id = {int(ballot_id)}) TO STDOUT"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        data = b"".join(bytes(chunk) for chunk in copy)
    return data.decode().splitlines()


def _matches(voters: list, contents: list, truth: dict) -> int:
    """How many k-th voter / k-th content pairs are the voter's real choice."""
    return sum(1 for v, c in zip(voters, contents, strict=False) if truth.get(v) == c)


def _decode_without_key(data: str):
    payload = data.split(":", 1)[0]
    compressed = payload.startswith(".")
    raw = base64.urlsafe_b64decode(payload.lstrip(".") + "=" * (-len(payload.lstrip(".")) % 4))
    return json.loads(zlib.decompress(raw) if compressed else raw)


@override_settings(DECISIONS_SEAL_BATCH_MIN=25)
def test_two_hundred_votes_resist_every_linkage_attack():
    admin, users, ballot = _setup()
    choices = dict(zip([u.pk for u in users], _distinct_choices(VOTERS), strict=True))
    codes: dict[int, str] = {}
    errors: list[BaseException] = []
    lock = threading.Lock()
    url = reverse("decisions:detail", args=[ballot.community.slug, ballot.pk])

    def vote(user):
        try:
            client = Client()
            client.force_login(user)
            r = client.post(url, {"approve": choices[user.pk]})
            assert r.status_code == 200, r.status_code
            # from the page itself (the test client's context capture is shared by threads)
            found = re.search(r'class="receipt-code"><strong>([A-Z0-9-]+)</strong>',
                              r.content.decode())
            assert found, "no receipt code on the page"
            with lock:
                codes[user.pk] = found.group(1)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(vote, users))
    assert not errors, errors[:3]
    assert len(codes) == VOTERS

    receipt_of = {pk: chain.receipt_hash(str(ballot.uid), c) for pk, c in codes.items()}
    canon = {pk: chain.canonical({"approve": sorted(choices[pk])}) for pk in choices}
    # truth by voter record id, contents identified by their canonical JSON
    record_user = dict(_rows("SELECT id::text, cast_by_id FROM decisions_voterrecord "
                             "WHERE ballot_id = %s", [ballot.pk]))
    truth = {rid: canon[uid] for rid, uid in record_user.items()}

    def content_text(value) -> str:
        return chain.canonical({"approve": sorted(json.loads(value)["approve"] if
                                                  isinstance(value, str) else
                                                  value["approve"])})

    # --- while open: sessions, xmin, the sealed pending entries ----------------------
    sessions = _rows("SELECT session_data FROM accounts_usersession")
    assert len(sessions) >= VOTERS
    for (data,) in sessions:
        decoded = json.dumps(_decode_without_key(data), ensure_ascii=False)
        assert "receipt" not in decoded and str(ballot.uid) not in decoded
        assert not any(code in decoded for code in codes.values())
        assert not any(o["key"] in json.loads(decoded) for o in OPTIONS)
    shared_xmin = _rows(
        "SELECT count(*) FROM decisions_voterrecord v JOIN decisions_ballotcontent c "
        "ON v.xmin = c.xmin WHERE v.ballot_id = %s AND c.ballot_id = %s",
        [ballot.pk, ballot.pk])[0][0]
    assert shared_xmin == 0  # no content was written in a voter's transaction
    pending = list(PendingEntry.objects.filter(ballot=ballot).values_list("sealed", flat=True))
    # full batches were sealed while voting; the rest (none when the last batch filled up
    # exactly, as 200 votes in batches of 20 can) waits, sealed
    assert len(pending) < 25
    assert len({len(bytes(p)) for p in pending}) <= 1  # all the same size
    for blob in pending:
        assert not any(r.encode() in bytes(blob) for r in receipt_of.values())
        assert b"approve" not in bytes(blob)
    sealed_batches = set(LogEntry.objects.filter(ballot=ballot, action="vote")
                         .values_list("at", flat=True))
    assert sealed_batches  # at least one batch was sealed before the close

    services.ballot_close(actor=admin, ballot=ballot)
    ballot.refresh_from_db()
    assert ballot.result["ballots"] == VOTERS
    assert verify_ballot(ballot)["ok"]

    # --- after the close: a DBA or a backup holder ----------------------------------
    attacks: dict[str, int] = {}
    for name, order in [("ctid", "ctid"), ("id", "id"), ("xmin", "xmin::text::bigint")]:
        voters = [r[0] for r in _rows(f"SELECT id::text FROM decisions_voterrecord WHERE "
                                      f"ballot_id = %s ORDER BY {order}", [ballot.pk])]
        contents = [content_text(r[0]) for r in _rows(
            f"SELECT content FROM decisions_ballotcontent WHERE ballot_id = %s "
            f"ORDER BY {order}", [ballot.pk])]
        attacks[name] = _matches(voters, contents, truth)
    same_xmin = _rows("SELECT count(DISTINCT v.xmin::text) FROM decisions_voterrecord v "
                      "WHERE ballot_id = %s", [ballot.pk])[0][0]
    assert same_xmin == 1  # rewritten in the close transaction: one xmin for all
    # dump order: COPY TO STDOUT, as pg_dump writes the data section
    dumped_voters = [line.split("\t")[0] for line in _copy("decisions_voterrecord", ballot.pk)]
    content_cols = [c.name for c in connection.introspection.get_table_description(
        connection.cursor(), "decisions_ballotcontent")]
    at = content_cols.index("content")
    dumped_contents = [content_text(line.split("\t")[at])
                       for line in _copy("decisions_ballotcontent", ballot.pk)]
    attacks["dump order"] = _matches(dumped_voters, dumped_contents, truth)
    # timestamps: voters by voted_on (a date), contents by the time of their log entry
    voters_by_day = [r[0] for r in _rows("SELECT id::text FROM decisions_voterrecord WHERE "
                                         "ballot_id = %s ORDER BY voted_on, ctid",
                                         [ballot.pk])]
    log_votes = list(LogEntry.objects.filter(ballot=ballot, action="vote")
                     .order_by("at", "seq").values_list("payload", flat=True))
    attacks["timestamps / log order"] = _matches(
        voters_by_day, [content_text(p["content"]) for p in log_votes], truth)
    # the log's vote order against the voters' user ids (registration order)
    voters_by_user = [r[0] for r in _rows("SELECT id::text FROM decisions_voterrecord WHERE "
                                          "ballot_id = %s ORDER BY cast_by_id", [ballot.pk])]
    attacks["user order"] = _matches(voters_by_user,
                                     [content_text(p["content"]) for p in log_votes], truth)
    print("linkage attacks, matched pairs of", VOTERS, attacks)
    for name, matched in attacks.items():
        assert matched <= BOUND, (name, matched, attacks)
    # the receipts still work: every voter finds their own choice in the verified log
    from gongzhi.decisions.selectors import receipt_status

    for pk in list(receipt_of)[:20]:
        status = receipt_status(ballot, receipt_of[pk])
        assert status["state"] == "counted"
        assert sorted(status["content"]["approve"]) == sorted(choices[pk])
    assert VoterRecord.objects.filter(ballot=ballot).count() == VOTERS
