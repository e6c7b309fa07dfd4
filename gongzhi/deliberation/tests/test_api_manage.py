"""The workers' API: open, change and moderate a conversation — a role × action matrix."""

from __future__ import annotations

import pytest

from gongzhi.deliberation import services
from gongzhi.deliberation.models import Conversation, Statement

from .conftest import SEEDS, fresh

BASE = "/api/v1/deliberation"
# who may manage conversations of `personas.community` (docs/deliberation.md, rules.py)
MANAGERS = {"worker", "admin", "subdistrict_admin"}


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


@pytest.mark.parametrize("name", ["anonymous", "outsider", "resident", "verified", "owner",
                                  "worker", "admin", "other_admin", "subdistrict_admin"])
def test_create_conversation_by_role(personas, name):
    r = _post(personas.client(name), f"{BASE}/", {
        "community": personas.community.slug, "question": "北门要不要开一个睦邻门？",
        "seeds": SEEDS[:3], "state": "open"})
    if name == "anonymous":
        assert r.status_code == 401
    elif name in MANAGERS:
        assert r.status_code == 201, r.content
        body = r.json()
        assert body["statements"] == 3 and body["state"] == "open"
        c = Conversation.objects.get(pk=body["id"])
        assert c.community == personas.community and c.created_by == personas.user(name)
    else:
        assert r.status_code == 403, (name, r.status_code)
        assert not Conversation.objects.filter(question="北门要不要开一个睦邻门？").exists()


def test_create_validates_before_the_database(personas):
    c = personas.client("worker")
    for bad in ({"question": "短"}, {"question": "x" * 201},
                {"question": "好的问题？", "statement_max_length": 500},
                {"question": "好的问题？", "seeds": ["太短"]},
                {"question": "好的问题？", "project": 10**6},
                {"question": "好的问题？", "moderation": "none"},
                {"question": "好的问题\u0000？"}):
        r = _post(c, f"{BASE}/", {"community": personas.community.slug, **bad})
        assert r.status_code in (400, 422), (bad, r.status_code)
        assert r["Content-Type"].startswith("application/problem+json")
    assert not Conversation.objects.exists()


@pytest.fixture
def pre_conversation(personas) -> Conversation:
    c = services.conversation_create(
        actor=personas.worker, community=personas.community, question="锅炉房旧址怎么用？",
        seeds=SEEDS[:3], state=Conversation.State.OPEN,
        moderation=Conversation.Moderation.PRE)
    fresh(personas.worker)
    return c


def test_moderation_queue_and_decisions_by_role(personas, pre_conversation):
    r = _post(personas.client("verified"), f"{BASE}/{pre_conversation.pk}/statements",
              {"text": "希望花园里种一些果树"})
    assert r.status_code == 201 and r.json()["status"] == "pending"
    number = r.json()["number"]
    queue_url = f"{BASE}/{pre_conversation.pk}/moderation"
    act_url = f"{BASE}/{pre_conversation.pk}/statements/{number}/moderation"
    for name in ("outsider", "resident", "verified", "owner", "other_admin"):
        assert personas.client(name).get(queue_url).status_code in (403, 404), name
        r = _post(personas.client(name), act_url, {"status": "accepted"})
        assert r.status_code in (403, 404), name
    assert personas.client("anonymous").get(queue_url).status_code == 401
    worker = personas.client("worker")
    assert [s["number"] for s in worker.get(queue_url).json()] == [number]
    # hiding needs a reason; the statement stays pending when refused
    r = _post(worker, act_url, {"status": "hidden"})
    assert r.status_code in (400, 422)
    assert Statement.objects.get(conversation=pre_conversation, number=number).status == \
        Statement.Status.PENDING
    r = _post(worker, act_url, {"status": "hidden", "reason": "与主题无关"})
    assert r.status_code == 200 and r.json() == {"number": number, "status": "hidden",
                                                 "reason": "与主题无关"}
    r = _post(personas.client("admin"), act_url, {"status": "accepted"})
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert worker.get(queue_url).json() == []


def test_patch_opens_and_closes_by_role(personas, pre_conversation):
    url = f"{BASE}/{pre_conversation.pk}"
    for name in ("verified", "other_admin", "outsider"):
        r = personas.client(name).patch(url, {"state": "closed"},
                                        content_type="application/json")
        assert r.status_code in (403, 404), name
    r = personas.client("worker").patch(url, {"state": "closed", "question": "锅炉房旧址的未来"},
                                        content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "closed"
    pre_conversation.refresh_from_db()
    assert pre_conversation.question == "锅炉房旧址的未来"
    r = personas.client("subdistrict_admin").patch(url, {"state": "open"},
                                                   content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "open"
