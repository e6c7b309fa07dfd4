"""Managing ballots over the API: create, open, close, paper entries — workers only."""

from __future__ import annotations

import json

import pytest

from gongzhi.accounts.models import Role
from gongzhi.decisions.models import Ballot, PaperBallot
from gongzhi.testing.factories import UserFactory, make_member

pytestmark = pytest.mark.django_db

BODY = {"title": "花园设计方案", "method": "approval",
        "options": [{"key": "a", "label": "方案A"}, {"key": "b", "label": "方案B"}]}


def _post(client, url, body=None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


@pytest.mark.parametrize(("persona", "status"), [
    ("anonymous", 401), ("outsider", 403), ("verified", 403), ("owner", 403),
    ("other_admin", 403), ("worker", 201), ("admin", 201), ("subdistrict_admin", 201),
])
def test_who_may_create_a_ballot(personas, persona, status):
    url = f"/api/v1/decisions/communities/{personas.community.slug}/ballots"
    response = _post(personas.client(persona), url, BODY)
    assert response.status_code == status, response.content[:300]
    if status == 201:
        assert response.json()["state"] == "draft"
        assert Ballot.objects.get().options.count() == 2
    else:
        assert not Ballot.objects.exists()


def test_bad_ballots_get_field_errors(personas):
    url = f"/api/v1/decisions/communities/{personas.community.slug}/ballots"
    client = personas.client("worker")
    response = _post(client, url, {**BODY, "method": "lottery"})
    assert response.status_code == 400
    assert any(e["field"] == "method" for e in response.json()["errors"])
    response = _post(client, url, {**BODY, "options": [{"key": "a", "label": "A"}]})
    assert response.status_code == 400
    response = _post(client, url, {**BODY, "building_id": 10**6})
    assert response.status_code == 400
    assert not Ballot.objects.exists()


def test_open_then_close_and_conflicts(personas):
    client = personas.client("worker")
    created = _post(client, f"/api/v1/decisions/communities/{personas.community.slug}/ballots",
                    BODY).json()
    base = f"/api/v1/decisions/ballots/{created['id']}"
    assert _post(personas.client("verified"), base + "/open").status_code == 403
    opened = _post(client, base + "/open")
    assert opened.status_code == 200 and opened.json()["state"] == "open"
    assert opened.json()["eligible_count"] >= 2
    assert _post(client, base + "/open").status_code == 409
    vote = _post(personas.client("owner"), base + "/vote", {"content": {"approve": ["a"]}})
    assert vote.status_code == 201
    closed = _post(client, base + "/close")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    results = personas.client("anonymous").get(base + "/results")
    assert results.status_code == 200


def test_paper_double_entry_over_the_api(personas):
    client = personas.client("worker")
    created = _post(client, f"/api/v1/decisions/communities/{personas.community.slug}/ballots",
                    BODY).json()
    base = f"/api/v1/decisions/ballots/{created['id']}"
    _post(client, base + "/open")
    second = make_member(UserFactory(), personas.community, Role.WORKER)
    from django.test import Client

    other = Client()
    other.force_login(second)
    first = _post(client, base + "/paper", {"serial": "P-001", "content": {"approve": ["b"]}})
    assert first.status_code == 200 and first.json()["state"] == "awaiting"
    again = _post(other, base + "/paper", {"serial": "P-001", "content": {"approve": ["b"]}})
    assert again.json()["state"] == "matched"
    assert PaperBallot.objects.get().state == PaperBallot.State.MATCHED
    refused = _post(personas.client("owner"), base + "/paper",
                    {"serial": "P-002", "content": {"approve": ["a"]}})
    assert refused.status_code == 403
