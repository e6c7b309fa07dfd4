from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.urls import reverse

from gongzhi.deliberation import services
from gongzhi.deliberation.models import Snapshot, Statement, Vote
from gongzhi.testing.factories import UserFactory, make_member


def _url(name, c, *args):
    return reverse(f"deliberation:{name}", args=[c.community.slug, c.pk, *args])


def _populate(conversation, community, n=30):
    people = [make_member(UserFactory(), community, "tenant") for _ in range(n)]
    statements = list(conversation.statements.all())
    for i, user in enumerate(people):
        side = 1 if i % 3 == 0 else -1
        for s in statements:
            value = 1 if s.number in (0, 5) else (side if s.number % 2 else -side)
            services.vote_cast(actor=user, statement=s, value=value)
    return services.snapshot_compute(conversation_id=conversation.pk)


def test_list_and_detail_for_the_public(personas, conversation, client):
    r = client.get(reverse("deliberation:list", args=[personas.community.slug]))
    assert r.status_code == 200 and conversation.question in r.text
    r = client.get(_url("detail", conversation))
    assert r.status_code == 200
    assert "登录" in r.text or "Sign in" in r.text


def test_draft_is_404_for_residents(personas, conversation):
    conversation.state = "draft"
    conversation.save()
    assert personas.client("verified").get(_url("detail", conversation)).status_code == 404
    assert personas.client("worker").get(_url("detail", conversation)).status_code == 200


def test_vote_without_javascript_then_with_htmx(personas, conversation):
    c = personas.client("verified")
    r = c.get(_url("detail", conversation))
    statement = r.context["statement"]
    assert statement is not None
    r = c.post(_url("vote", conversation), {"statement": statement.pk, "value": "1"})
    assert r.status_code == 302 and r.url.endswith("#vote")
    assert Vote.objects.get(statement=statement).value == 1
    r = c.get(_url("detail", conversation))
    second = r.context["statement"]
    assert second.pk != statement.pk
    r = c.post(_url("vote", conversation), {"statement": second.pk, "value": "-1"},
               HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert 'id="vote-card"' in r.text
    assert Vote.objects.filter(participant__user=personas.verified).count() == 2


def test_vote_refused_for_pending_resident(personas, conversation):
    s = conversation.statements.first()
    r = personas.client("resident").post(_url("vote", conversation),
                                         {"statement": s.pk, "value": "1"})
    assert r.status_code == 403
    assert not Vote.objects.exists()


def test_statement_submit_keeps_text_and_offers_the_similar_one(personas, conversation):
    c = personas.client("verified")
    r = c.post(_url("submit", conversation), {"text": "太短"})
    assert r.status_code == 400 and "太短" in r.text
    r = c.post(_url("submit", conversation), {"text": "锅炉房旧址，应该建成社区花园。"})
    assert r.status_code == 200
    assert r.context["similar"].number == 0
    assert r.context["statement"].number == 0  # the vote card offers the existing one
    r = c.post(_url("submit", conversation), {"text": "希望花园里能有一个雨水收集设施"})
    assert r.status_code == 302
    assert conversation.statements.filter(text__contains="雨水").exists()


def test_user_text_is_escaped(personas, conversation):
    services.statement_submit(actor=personas.verified, conversation=conversation,
                              text="<script>alert(1)</script> 花园")
    _populate(conversation, personas.community, 12)
    r = personas.client("worker").get(_url("moderate", conversation))
    assert "<script>alert(1)</script>" not in r.text
    assert "&lt;script&gt;" in r.text


def test_results_map_report_and_queries(personas, conversation, django_assert_max_num_queries):
    snap = _populate(conversation, personas.community, 30)
    assert snap.k >= 2
    client = personas.client("verified")
    with django_assert_max_num_queries(40):
        r = client.get(_url("detail", conversation))
    assert r.status_code == 200
    assert 'id="opinion-map-data"' in r.text
    assert "各组都同意的观点" in r.text or "What every group agrees on" in r.text
    data = r.context["map"]
    assert len(data["points"]) == 30 and len(data["groups"]) == snap.k
    with django_assert_max_num_queries(20):
        r = client.get(_url("report", conversation))
    assert r.status_code == 200
    assert conversation.statements.get(number=0).text in r.text
    # the list page stays constant in queries as conversations grow
    with django_assert_max_num_queries(20):
        client.get(reverse("deliberation:list", args=[personas.community.slug]))


def test_moderation_page_hides_with_reason(personas, conversation):
    c = personas.client("worker")
    s = conversation.statements.get(number=3)
    r = c.post(_url("moderate", conversation), {"statement": s.pk, "status": "hidden",
                                                "reason": ""})
    assert r.status_code == 400
    r = c.post(_url("moderate", conversation), {"statement": s.pk, "status": "hidden",
                                                "reason": "重复"})
    assert r.status_code == 302
    s.refresh_from_db()
    assert s.status == Statement.Status.HIDDEN
    assert personas.client("verified").get(_url("moderate", conversation)).status_code == 403


def test_export_reads_back_through_the_command_with_the_same_groups(personas, conversation,
                                                                    tmp_path):
    from gongzhi.deliberation.engine import read_conversation
    from gongzhi.deliberation.engine.groups_cli import groups_of

    snap = _populate(conversation, personas.community, 30)
    r = personas.client("worker").get(_url("export", conversation))
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    zipfile.ZipFile(io.BytesIO(r.content)).extractall(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "comments.csv", "participants-votes.csv", "summary.csv", "votes.csv"]
    conv = read_conversation(tmp_path)
    assert conv.defects == []
    result = groups_of(conv)
    assert result["k"] == snap.k
    assert result["polis_comparison"]["adjusted_rand_index"] == 1.0
    assert personas.client("verified").get(_url("export", conversation)).status_code == 403


def test_api(personas, conversation, django_assert_max_num_queries):
    c = personas.client("verified")
    base = "/api/v1/deliberation"
    r = c.get(f"{base}/?community={personas.community.slug}")
    assert r.status_code == 200 and r.json()["items"][0]["question"] == conversation.question
    r = c.get(f"{base}/{conversation.pk}/next")
    assert r.status_code == 200
    number = r.json()["number"]
    r = c.post(f"{base}/{conversation.pk}/votes", {"statement": number, "value": 1},
               content_type="application/json")
    assert r.status_code == 200 and r.json()["votes_cast"] == 1
    r = c.post(f"{base}/{conversation.pk}/votes", {"statement": number, "value": 2},
               content_type="application/json")
    assert r.status_code in (400, 422)
    assert r["Content-Type"].startswith("application/problem+json")
    r = c.post(f"{base}/{conversation.pk}/statements", {"text": "锅炉房旧址应该建成社区花园"},
               content_type="application/json")
    assert r.status_code == 200 and r.json()["duplicate"] is True
    r = c.post(f"{base}/{conversation.pk}/statements", {"text": "x" * 300},
               content_type="application/json")
    assert r.status_code in (400, 422)
    r = personas.client("resident").post(f"{base}/{conversation.pk}/votes",
                                         {"statement": number, "value": 1},
                                         content_type="application/json")
    assert r.status_code == 403
    _populate(conversation, personas.community, 20)
    with django_assert_max_num_queries(10):
        r = c.get(f"{base}/{conversation.pk}/results")
    body = r.json()
    assert body["k"] >= 2 and body["consensus"]
    assert len(body["map"]) == 20
    with django_assert_max_num_queries(10):
        r = c.get(f"{base}/{conversation.pk}/statements")
    assert r.json()["count"] == 8
    r = personas.client("anonymous").post(f"{base}/{conversation.pk}/votes",
                                          {"statement": number, "value": 1},
                                          content_type="application/json")
    assert r.status_code == 401
    assert json.loads(r.content)["status"] == 401


@pytest.mark.parametrize("n", [5, 40])
def test_detail_queries_constant_as_votes_grow(personas, conversation, n,
                                               django_assert_max_num_queries):
    _populate(conversation, personas.community, n)
    assert Snapshot.objects.filter(conversation=conversation).exists()
    with django_assert_max_num_queries(40):
        assert personas.client("owner").get(_url("detail", conversation)).status_code == 200


def test_report_pdf_has_the_map_and_the_statements_in_chinese(personas, conversation,
                                                               django_assert_max_num_queries,
                                                               tmp_path):
    import shutil
    import subprocess

    _populate(conversation, personas.community, 30)
    client = personas.client("verified")
    with django_assert_max_num_queries(20):
        r = client.get(_url("report-pdf", conversation))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF") and len(r.content) > 3000
    if shutil.which("pdftotext"):
        pdf = tmp_path / "r.pdf"
        pdf.write_bytes(r.content)
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                              text=True).stdout.replace(" ", "")
        assert "锅炉房旧址的未来" in text
        assert conversation.statements.get(number=0).text in text
    # a draft conversation's PDF is as hidden as its page
    conversation.state = "draft"
    conversation.save()
    assert personas.client("verified").get(_url("report-pdf", conversation)).status_code == 404
