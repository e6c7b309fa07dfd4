"""A first online vote on a secret ballot: about five statements and one commit (PG)."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gongzhi.accounts.services import api_token_create
from gongzhi.decisions.models import PendingEntry, VoterRecord

pytestmark = [pytest.mark.postgres, pytest.mark.pending_seal,
              pytest.mark.django_db(transaction=True)]
BASE = "/api/v1/decisions"


def _vote(ballot, raw, content):
    return Client().post(f"{BASE}/ballots/{ballot.pk}/vote", data=json.dumps(content),
                         content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_first_vote_is_one_write_statement_and_one_commit(make_ballot, personas):
    ballot = make_ballot()
    _token, raw = api_token_create(user=personas.owner, name="bench")
    _vote(ballot, raw, {"content": {"approve": ["c"]}})  # first use stamps the token
    VoterRecord.objects.all().delete()
    PendingEntry.objects.all().delete()
    with CaptureQueriesContext(connection) as ctx:
        r = _vote(ballot, raw, {"content": {"approve": ["a"]}})
    assert r.status_code == 201, r.content
    sql = [q["sql"].strip().upper() for q in ctx.captured_queries]
    writes = [s for s in sql if not s.startswith("SELECT")]
    # token, ballot with its project, options, the person's access rows, the vote
    assert len(sql) <= 6, sql
    assert len(writes) == 1 and writes[0].startswith("WITH"), writes  # autocommit: one commit
    assert VoterRecord.objects.filter(ballot=ballot).count() == 1
    assert PendingEntry.objects.filter(ballot=ballot).count() == 1
    # a second vote of the same person goes the general way and is refused
    again = _vote(ballot, raw, {"content": {"approve": ["b"]}})
    assert again.status_code == 409
    assert VoterRecord.objects.filter(ballot=ballot).count() == 1
    assert PendingEntry.objects.filter(ballot=ballot).count() == 1


def test_fast_path_refuses_the_ineligible_and_the_closed(make_ballot, personas):
    from gongzhi.decisions import services

    ballot = make_ballot()
    _t, outsider = api_token_create(user=personas.outsider, name="x")
    assert _vote(ballot, outsider, {"content": {"approve": ["a"]}}).status_code == 403
    services.ballot_close(actor=personas.admin, ballot=ballot)
    _t, raw = api_token_create(user=personas.owner, name="y")
    assert _vote(ballot, raw, {"content": {"approve": ["a"]}}).status_code in (403, 409)
    assert not VoterRecord.objects.filter(ballot=ballot).exists()
