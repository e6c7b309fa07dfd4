"""The ballots API: flows, problem+json errors and query counts."""

from __future__ import annotations

import json

import pytest

from gongzhi.accounts.services import api_token_create
from gongzhi.decisions import services
from gongzhi.decisions.models import VoterRecord

pytestmark = pytest.mark.django_db

BASE = "/api/v1/decisions"


def _post(client, url, data, method="post"):
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")


def test_vote_change_withdraw_flow(make_ballot, personas):
    ballot = make_ballot(method="pb", budget=600)
    client = personas.client("owner")
    url = f"{BASE}/ballots/{ballot.pk}/vote"
    r = _post(client, url, {"content": {"approve": ["a", "c"]}})
    assert r.status_code == 201, r.content
    code = r.json()["receipt_code"]
    r = _post(client, url, {"content": {"approve": ["a", "c"]}, "receipt_code": code})
    assert r.status_code == 200 and not r.json()["created"]  # idempotent
    r = _post(client, url, {"content": {"approve": ["b"]}})
    assert r.status_code == 409
    assert r["Content-Type"] == "application/problem+json"
    r = _post(client, url, {"content": {"approve": ["b"]}, "receipt_code": code}, "put")
    assert r.status_code == 200 and r.json()["changed"]
    check = client.get(f"{BASE}/ballots/{ballot.pk}/receipts/check", {"code": code})
    assert check.json()["counted"] and check.json()["content"] == {"approve": ["b"]}
    r = _post(client, f"{BASE}/ballots/{ballot.pk}/withdraw", {"receipt_code": code})
    assert r.json() == {"withdrawn": True}
    r = _post(client, f"{BASE}/ballots/{ballot.pk}/withdraw", {"receipt_code": code})
    assert r.json() == {"withdrawn": False}


@pytest.mark.parametrize("payload", [
    {"content": {"approve": ["a", "b"]}},          # over budget
    {"content": {"approve": ["nope"]}},            # unknown option
    {"content": {"approve": "a"}},                 # wrong type inside
    {"content": "a"},                              # wrong type
    {},                                            # missing
])
def test_invalid_votes_are_400_problems(make_ballot, personas, payload):
    ballot = make_ballot(method="pb", budget=600)
    r = _post(personas.client("owner"), f"{BASE}/ballots/{ballot.pk}/vote", payload)
    assert r.status_code == 400, r.content
    assert r["Content-Type"] == "application/problem+json"
    assert not VoterRecord.objects.exists()


@pytest.mark.parametrize("name,status", [("anonymous", 401), ("outsider", 403),
                                         ("resident", 403), ("worker", 403),
                                         ("verified", 201)])
def test_who_may_vote_through_the_api(make_ballot, personas, name, status):
    ballot = make_ballot()
    r = _post(personas.client(name), f"{BASE}/ballots/{ballot.pk}/vote",
              {"content": {"approve": ["a"]}})
    assert r.status_code == status


def test_voting_on_a_closed_ballot_is_409(make_ballot, personas):
    ballot = make_ballot()
    services.ballot_close(actor=personas.admin, ballot=ballot)
    r = _post(personas.client("owner"), f"{BASE}/ballots/{ballot.pk}/vote",
              {"content": {"approve": ["a"]}})
    assert r.status_code == 409


def test_token_auth_votes(make_ballot, personas):
    ballot = make_ballot()
    _token, raw = api_token_create(user=personas.owner, name="bench")
    from django.test import Client

    r = Client().post(f"{BASE}/ballots/{ballot.pk}/vote",
                      data=json.dumps({"content": {"approve": ["a"]}}),
                      content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 201


def test_results_are_hidden_until_close_and_public_after(make_ballot, personas):
    ballot = make_ballot()
    services.vote_cast(user=personas.owner, ballot=ballot, content={"approve": ["a"]})
    anon = personas.client("anonymous")
    assert anon.get(f"{BASE}/ballots/{ballot.pk}/results").status_code == 403
    assert personas.client("admin").get(f"{BASE}/ballots/{ballot.pk}/results").status_code \
        == 403
    assert anon.get(f"{BASE}/ballots/{ballot.pk}/export").status_code == 403
    services.ballot_close(actor=personas.admin, ballot=ballot)
    r = anon.get(f"{BASE}/ballots/{ballot.pk}/results")
    assert r.status_code == 200 and r.json()["result"]["winners"] == ["a"]
    export = anon.get(f"{BASE}/ballots/{ballot.pk}/export").json()
    from gongzhi.decisions.verify import verify_export

    assert verify_export(export)["ok"]


def test_art278_progress_is_live(personas):
    ballot = services.ballot_create(actor=personas.admin, community=personas.community,
                                    title="电梯", method="art278", options=[],
                                    eligibility="owners", art278_item=4)
    services.ballot_open(actor=personas.admin, ballot=ballot)
    services.vote_cast(user=personas.owner, ballot=ballot, content={"choice": "agree"})
    r = personas.client("anonymous").get(f"{BASE}/ballots/{ballot.pk}/results")
    assert r.status_code == 200 and r.json()["final"] is False
    assert r.json()["result"]["progress"]["passed"] is True


def test_draft_ballots_are_invisible_to_residents(make_ballot, personas):
    ballot = make_ballot(open=False)
    assert personas.client("owner").get(f"{BASE}/ballots/{ballot.pk}").status_code == 404
    assert personas.client("worker").get(f"{BASE}/ballots/{ballot.pk}").status_code == 200
    listed = personas.client("owner").get(
        f"{BASE}/communities/{personas.community.slug}/ballots").json()
    assert listed == []


def test_my_receipt_and_receipts_list(make_ballot, personas):
    ballot = make_ballot(secrecy="open")
    services.vote_cast(user=personas.owner, ballot=ballot, content={"approve": ["b"]})
    mine = personas.client("owner").get(f"{BASE}/ballots/{ballot.pk}/my-receipt").json()
    assert mine["voted"] and mine["content"] == {"approve": ["b"]}
    listed = personas.client("anonymous").get(f"{BASE}/ballots/{ballot.pk}/receipts").json()
    assert listed["ballots"][0]["receipt"] == mine["receipt_hash"]


def test_pabulib_export_endpoint(make_ballot, personas):
    ballot = make_ballot(method="pb", budget=600)
    services.vote_cast(user=personas.owner, ballot=ballot, content={"approve": ["a"]})
    services.ballot_close(actor=personas.admin, ballot=ballot)
    r = personas.client("anonymous").get(f"{BASE}/ballots/{ballot.pk}/export.pb")
    assert r.status_code == 200 and b"vote_type;approval" in r.content


def test_api_query_counts(make_ballot, personas, django_assert_max_num_queries):
    for i in range(5):
        make_ballot(title=f"b{i}")
    client = personas.client("owner")
    with django_assert_max_num_queries(8):
        r = client.get(f"{BASE}/communities/{personas.community.slug}/ballots")
    assert len(r.json()) == 5
    ballot = make_ballot()
    with django_assert_max_num_queries(14):
        assert client.get(f"{BASE}/ballots/{ballot.pk}").status_code == 200
