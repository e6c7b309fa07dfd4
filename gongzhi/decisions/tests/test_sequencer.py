"""Votes leave sealed pending entries; the sequencer writes them in shuffled batches; the
close drains it. Receipts say "recorded, being sealed" until then. Also: the migration
that took receipt codes out of stored sessions."""

from __future__ import annotations

import importlib

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse

from gongzhi.decisions import seal, selectors, services, tasks
from gongzhi.decisions.models import BallotContent, LogEntry, PendingEntry, VoterRecord
from gongzhi.decisions.verify import verify_ballot
from gongzhi.testing.factories import UserFactory, make_member

pytestmark = [pytest.mark.django_db, pytest.mark.pending_seal]


def test_a_vote_is_pending_until_a_full_batch_is_sealed(make_ballot, personas):
    ballot = make_ballot(secrecy="secret")
    r = services.vote_cast(user=personas.owner, ballot=ballot, content={"approve": ["a"]})
    assert VoterRecord.objects.filter(ballot=ballot).count() == 1
    assert not BallotContent.objects.exists()
    assert LogEntry.objects.filter(ballot=ballot).count() == 1  # only "open"
    assert selectors.receipt_status(ballot, r.receipt_hash)["state"] == "sealing"
    # the sealed entry holds neither the receipt nor the choice in clear
    blob = bytes(PendingEntry.objects.get().sealed)
    assert r.receipt_hash.encode() not in blob and b"approve" not in blob
    assert seal.unseal(blob)["receipt"] == r.receipt_hash
    with override_settings(DECISIONS_SEAL_BATCH_MIN=2):
        assert services.ballot_seal(ballot=ballot) == 0  # below the batch size: waits
        services.vote_cast(user=personas.verified, ballot=ballot, content={"approve": ["b"]})
        assert services.ballot_seal(ballot=ballot) == 2
    assert not PendingEntry.objects.exists()
    assert BallotContent.objects.count() == 2
    assert set(LogEntry.objects.filter(ballot=ballot, action="vote")
               .values_list("at", flat=True)).pop().endswith(":00+00:00")  # to the minute
    assert selectors.receipt_status(ballot, r.receipt_hash) == {
        "state": "counted", "content": {"approve": ["a"]}, "error": "",
        "stored_differs": False}


def test_the_task_seals_again_what_filled_a_batch_while_it_held_the_head(
        make_ballot, personas, monkeypatch):
    """Votes that fill a batch while a sequencer holds the chain head ask for a task that
    finds the head taken and does nothing; the task holding it seals them after its own
    batch instead of leaving a full batch to the periodic job (seen once in CI: 27 entries
    waiting with batches of 25)."""
    voters = [make_member(UserFactory(), personas.community) for _ in range(4)]
    ballot = make_ballot(secrecy="secret")  # the eligibility list is taken at the opening
    real_seal = services.ballot_seal
    calls = []

    def seal_while_two_more_arrive(*, ballot):
        sealed = real_seal(ballot=ballot)
        calls.append(sealed)
        if len(calls) == 1:  # committed while this sequencer held the head
            for voter in voters[2:]:
                services.vote_cast(user=voter, ballot=ballot, content={"approve": ["b"]})
        return sealed

    monkeypatch.setattr(services, "ballot_seal", seal_while_two_more_arrive)
    with override_settings(DECISIONS_SEAL_BATCH_MIN=2):
        for voter in voters[:2]:
            services.vote_cast(user=voter, ballot=ballot, content={"approve": ["a"]})
        assert tasks.seal_ballot.call(ballot.pk) == 4
    assert calls == [2, 2, 0]
    assert not PendingEntry.objects.exists()
    assert BallotContent.objects.count() == 4


def test_change_and_withdraw_while_pending_fold_into_one_batch(make_ballot, personas):
    ballot = make_ballot(secrecy="secret")
    r = services.vote_cast(user=personas.owner, ballot=ballot, content={"approve": ["a"]})
    # repeat with the code: idempotent even while pending
    again = services.vote_cast(user=personas.owner, ballot=ballot, content={"approve": ["a"]},
                               receipt_code=r.code)
    assert again.receipt_hash == r.receipt_hash and not again.created
    services.vote_change(user=personas.owner, ballot=ballot, content={"approve": ["b"]},
                         receipt_code=r.code)
    assert selectors.current_content(ballot, r.receipt_hash) == {"approve": ["b"]}
    r2 = services.vote_cast(user=personas.verified, ballot=ballot, content={"approve": ["c"]})
    assert services.vote_withdraw(user=personas.verified, ballot=ballot, receipt_code=r2.code)
    assert services.ballot_seal(ballot=ballot, min_batch=1) == 4
    assert dict(BallotContent.objects.values_list("receipt_hash", "content")) == {
        r.receipt_hash: {"approve": ["b"]}}
    # one vote entry with the final content, nothing for the withdrawn one
    assert list(LogEntry.objects.filter(ballot=ballot).order_by("seq")
                .values_list("action", flat=True)) == ["open", "vote"]
    # after sealing: change and withdraw become their own entries
    services.vote_change(user=personas.owner, ballot=ballot, content={"approve": ["c"]},
                         receipt_code=r.code)
    services.ballot_seal(ballot=ballot, min_batch=1)
    services.vote_withdraw(user=personas.owner, ballot=ballot, receipt_code=r.code)
    services.ballot_seal(ballot=ballot, min_batch=1)
    assert list(LogEntry.objects.filter(ballot=ballot).order_by("seq")
                .values_list("action", flat=True)) == ["open", "vote", "change", "withdraw"]
    assert not BallotContent.objects.exists() and not VoterRecord.objects.exists()


def test_close_drains_the_sequencer_and_verifies(make_ballot, personas):
    ballot = make_ballot(method="pb", budget=700, secrecy="secret")
    for user, content in ((personas.owner, ["a"]), (personas.verified, ["b", "c"])):
        services.vote_cast(user=user, ballot=ballot, content={"approve": content})
    assert PendingEntry.objects.count() == 2
    services.ballot_close(actor=personas.admin, ballot=ballot)
    ballot.refresh_from_db()
    assert ballot.result["ballots"] == 2 and not PendingEntry.objects.exists()
    assert verify_ballot(ballot)["ok"]


def test_open_ballots_are_sealed_entry_by_entry(make_ballot, personas):
    ballot = make_ballot(secrecy="open")
    services.vote_cast(user=personas.owner, ballot=ballot, content={"approve": ["a"]})
    assert services.ballot_seal(ballot=ballot) == 1  # batch of one: nothing to hide
    assert selectors.my_vote(ballot, personas.owner)["content"] == {"approve": ["a"]}


def test_receipt_page_says_being_sealed(make_ballot, personas):
    ballot = make_ballot(secrecy="secret")
    client = personas.client("owner")
    page = client.post(reverse("decisions:detail", args=[personas.community.slug, ballot.pk]),
                       {"approve": ["a"]})
    assert "已记录，正在封存" in page.content.decode()
    code = page.context["code"]
    check = personas.client("anonymous").post(
        reverse("decisions:receipts", args=[personas.community.slug, ballot.pk]),
        {"code": code})
    assert check.context["check"]["state"] == "sealing"


def test_migration_removes_receipt_codes_from_sessions(personas):
    migration = importlib.import_module(
        "gongzhi.decisions.migrations.0003_sealed_queue_close_triggers_session_purge")
    store = SessionStore()
    store.update({"_auth_user_id": str(personas.owner.pk), "gz-ballot-receipt-7": "ABCD-EFGH",
                  "other": 1})
    store.create()
    plain = SessionStore()
    plain.update({"_auth_user_id": "3"})
    plain.create()
    unreadable = Session.objects.create(session_key="x" * 32, expire_date=store.get_expiry_date(),
                                        session_data="bm90IHNpZ25lZA:"
                                        + '{"gz-ballot-receipt-1": "X"}')
    from django.apps import apps

    migration.purge_receipts_from_sessions(apps, None)
    data = SessionStore(session_key=store.session_key).load()
    assert data == {"_auth_user_id": str(personas.owner.pk), "other": 1}
    assert SessionStore(session_key=plain.session_key).load() == {"_auth_user_id": "3"}
    assert not Session.objects.filter(pk=unreadable.pk).exists()


def test_a_vote_is_a_handful_of_statements(make_ballot, personas):
    """Options (to validate), eligibility lock, ballot state, existing record, voter record,
    pending entry: no chain head, no content, no log entry in the vote's transaction."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ballot = make_ballot(secrecy="secret")
    with CaptureQueriesContext(connection) as ctx:
        services.vote_cast(user=personas.owner, ballot=ballot, content={"approve": ["a"]})
    sql = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(sql) <= 6, sql
    assert not any("decisions_loghead" in q or "decisions_ballotcontent" in q
                   or "decisions_logentry" in q for q in sql), sql
