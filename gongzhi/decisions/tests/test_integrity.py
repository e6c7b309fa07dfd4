"""Integrity after close: the database freezes a closed ballot's contents, state and
result (triggers, SQLite and PostgreSQL), and ``decisions verify --ballot N / --all``
checks the live database against the chain and the published result, naming what
differs when someone with SQL access edits contents, voter records, the log or results
(here: raw SQL with the triggers switched off, as a DBA could)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from gongzhi.decisions import chain, selectors, services
from gongzhi.decisions.models import BallotContent, LogEntry, VoterRecord
from gongzhi.decisions.verify import verify_ballot

pytestmark = pytest.mark.django_db

TRIGGERS = {
    "decisions_ballotcontent": ["decisions_ballotcontent_frozen_insert",
                                "decisions_ballotcontent_frozen_update"],
    "decisions_ballot": ["decisions_ballot_closed_final"],
    "decisions_logentry": ["decisions_logentry_no_update"],
}


def _sql(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _as_dba(table: str) -> None:
    """Switch the table's guard triggers off (inside the test's transaction)."""
    if connection.vendor == "postgresql":
        # what a superuser can do: triggers off for this transaction
        _sql("SET LOCAL session_replication_role = replica")
    else:
        for name in TRIGGERS[table]:
            _sql(f"DROP TRIGGER IF EXISTS {name}")


def _closed(make_ballot, personas, secrecy="secret"):
    ballot = make_ballot(method="pb", budget=700, secrecy=secrecy)
    r1 = services.vote_cast(user=personas.owner, ballot=ballot, content={"approve": ["a"]})
    services.vote_cast(user=personas.verified, ballot=ballot, content={"approve": ["b", "c"]})
    services.ballot_close(actor=personas.admin, ballot=ballot)
    ballot.refresh_from_db()
    return ballot, r1


def test_clean_ballot_verifies(make_ballot, personas, capsys):
    ballot, _r = _closed(make_ballot, personas)
    report = verify_ballot(ballot)
    assert report["ok"], report
    assert report["ballots"] == 2 and report["entries"] == 4
    call_command("decisions", "verify", "--ballot", str(ballot.pk))
    out = capsys.readouterr().out
    assert f"ballot {ballot.pk} " in out and "OK" in out
    call_command("decisions", "verify", "--all")
    assert "1 of 1 ballots verified" in capsys.readouterr().out


def test_closed_contents_state_and_result_are_frozen(make_ballot, personas):
    ballot, _r = _closed(make_ballot, personas)
    content = BallotContent.objects.filter(ballot=ballot).first()
    for sql, params in [
        ("UPDATE decisions_ballotcontent SET content = %s WHERE id = %s",
         ['{"approve": ["c"]}', content.pk.hex if connection.vendor == "sqlite"
          else str(content.pk)]),
        ("INSERT INTO decisions_ballotcontent (id, ballot_id, receipt_hash, content, "
         "channel, total_cost, budget_limit) VALUES (%s, %s, %s, %s, 'online', 0, 700)",
         ["0" * 32, ballot.pk, "f" * 64, '{"approve": []}']),
        ("UPDATE decisions_ballot SET state = 'open' WHERE id = %s", [ballot.pk]),
        ("UPDATE decisions_ballot SET result = %s WHERE id = %s", ['{"ballots": 9}', ballot.pk]),
    ]:
        with pytest.raises(DatabaseError), transaction.atomic():
            _sql(sql, params)
    # an open ballot's contents may still change (the sequencer writes them)
    other = __import__("gongzhi.decisions.models", fromlist=["Ballot"]).Ballot
    assert other.objects.get(pk=ballot.pk).state == "closed"


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_closed_contents_cannot_be_deleted_on_postgresql(make_ballot, personas):
    ballot, _r = _closed(make_ballot, personas)
    with pytest.raises(DatabaseError), transaction.atomic():
        _sql("DELETE FROM decisions_ballotcontent WHERE ballot_id = %s", [ballot.pk])


def test_forged_content_is_named_and_the_receipt_check_answers_from_the_log(
        make_ballot, personas, capsys):
    ballot, r1 = _closed(make_ballot, personas)
    row = BallotContent.objects.get(ballot=ballot, receipt_hash=r1.receipt_hash)
    _as_dba("decisions_ballotcontent")
    BallotContent.objects.filter(pk=row.pk).update(content={"approve": ["b"]})
    report = verify_ballot(ballot)
    assert not report["ok"]
    assert any(f"content row {row.pk}" in e and '{"approve":["b"]}' in e
               and '{"approve":["a"]}' in e for e in report["errors"]), report["errors"]
    status = selectors.receipt_status(ballot, r1.receipt_hash)
    assert status["state"] == "counted" and status["content"] == {"approve": ["a"]}
    assert status["stored_differs"]
    with pytest.raises(CommandError):
        call_command("decisions", "verify", "--ballot", str(ballot.pk))
    assert f"content row {row.pk}" in capsys.readouterr().out


def test_deleted_and_added_contents_are_named(make_ballot, personas):
    ballot, r1 = _closed(make_ballot, personas)
    _as_dba("decisions_ballotcontent")
    BallotContent.objects.filter(receipt_hash=r1.receipt_hash).delete()
    BallotContent.objects.create(ballot=ballot, receipt_hash="e" * 64,
                                 content={"approve": ["c"]}, budget_limit=700)
    errors = verify_ballot(ballot)["errors"]
    assert any(r1.receipt_hash[:16] in e and "missing" in e for e in errors), errors
    assert any("eeeeeeeeeeeeeeee" in e and "not in the log" in e for e in errors), errors


def test_tampered_voter_records_are_named(make_ballot, personas):
    ballot, _r = _closed(make_ballot, personas)
    record = VoterRecord.objects.filter(ballot=ballot).first()
    VoterRecord.objects.filter(pk=record.pk).update(voter_key="u:999999")
    VoterRecord.objects.exclude(pk=record.pk).filter(ballot=ballot).delete()
    errors = verify_ballot(ballot)["errors"]
    assert any(f"voter record {record.pk} names voter u:999999" in e for e in errors), errors
    assert any("1 voters voted online, the log counts 2" in e for e in errors), errors


def test_open_ballot_voter_linked_to_the_wrong_receipt_is_named(make_ballot, personas):
    ballot, r1 = _closed(make_ballot, personas, secrecy="open")
    records = list(VoterRecord.objects.filter(ballot=ballot))
    a, b = records
    VoterRecord.objects.filter(pk=a.pk).update(receipt_hash=None)
    VoterRecord.objects.filter(pk=b.pk).update(receipt_hash=a.receipt_hash)
    errors = verify_ballot(ballot)["errors"]
    assert any(f"voter record {b.pk}" in e and "which the log gives to voter" in e
               for e in errors), errors
    assert any("has no voter record" in e for e in errors), errors


def test_edited_log_entry_is_named(make_ballot, personas):
    ballot, _r = _closed(make_ballot, personas)
    entry = LogEntry.objects.filter(ballot=ballot, action="vote").order_by("seq").first()
    _as_dba("decisions_logentry")
    payload = dict(entry.payload, content={"approve": ["c"]})
    _sql("UPDATE decisions_logentry SET payload = %s WHERE id = %s",
         [json.dumps(payload), entry.pk])
    errors = verify_ballot(ballot)["errors"]
    assert errors == [f"log entry {entry.seq}: entry {entry.seq}: hash does not match the "
                      "entry's content"], errors
    assert selectors.receipt_status(ballot, entry.payload["receipt"])["state"] == \
        "unverifiable"


def test_forged_result_names_the_figure(make_ballot, personas):
    ballot, _r = _closed(make_ballot, personas)
    forged = json.loads(json.dumps(ballot.result))
    forged["rows"][0]["value"] = 99
    _as_dba("decisions_ballot")
    _sql("UPDATE decisions_ballot SET result = %s WHERE id = %s",
         [json.dumps(forged), ballot.pk])
    ballot.refresh_from_db()
    errors = verify_ballot(ballot)["errors"]
    assert any("published result is not the one recorded in the close entry" in e
               for e in errors), errors
    assert any(e.startswith("result.rows[0].value: published 99, recount ")
               for e in errors), errors


def test_chain_head_mismatch_is_named(make_ballot, personas):
    ballot, _r = _closed(make_ballot, personas)
    from gongzhi.decisions.models import LogHead

    LogHead.objects.filter(ballot=ballot).update(seq=2)
    errors = verify_ballot(ballot)["errors"]
    assert any("the chain head records (2," in e for e in errors), errors
    assert chain.GENESIS  # the genesis constant stays the first prev_hash
