"""Rate limits of public writes (gongzhi/core/ratelimit.py) against a real Redis.

The limit must hold across app processes (here: threads with their own Redis connections,
as two app nodes have), end with its window, answer HTML forms with 429 and the input kept
(in Chinese), and the API with a 429 problem document and Retry-After.
"""

from __future__ import annotations

import threading
import time
from functools import partial

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from gongzhi.core import ratelimit
from gongzhi.reports.models import Report
from gongzhi.reports.tests.conftest import LAT, LON
from gongzhi.testing.factories import UserFactory


@pytest.fixture
def limits(settings, redis_cache):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = dict(settings.RATE_LIMITS)
    return settings.RATE_LIMITS


class _User:
    def __init__(self, pk: int):
        self.pk = pk


def test_threads_with_their_own_redis_connections_share_one_limit(limits, redis_cache, rf):
    limits["comment"] = (7, None, 60)
    user = _User(4242)
    request = rf.post("/")
    barrier = threading.Barrier(2)
    outcomes: list[bool] = []
    clients: list[int] = []
    lock = threading.Lock()

    def app_node() -> None:
        clients.append(id(caches["default"]._cache.get_client(write=True)))
        barrier.wait()
        for _ in range(10):
            try:
                ratelimit.hit("comment", user=user, request=request)
                ok = True
            except ratelimit.RateLimited:
                ok = False
            with lock:
                outcomes.append(ok)
        caches["default"].close()

    threads = [threading.Thread(target=app_node) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(clients)) == 2            # two connections, as two nodes would have
    assert len(outcomes) == 20
    assert outcomes.count(True) == 7         # exactly the limit, not 7 per node
    (key,) = redis_cache.stored_keys()
    assert ":comment:" in key and key.endswith(":u:4242")
    assert int(redis_cache.client.get(key)) == 20
    assert 0 < redis_cache.client.ttl(key) <= 65   # the counter expires with its window


def test_the_window_ends_and_the_next_one_counts_from_zero(limits, redis_cache, rf):
    limits["comment"] = (2, None, 2)
    user = _User(7)
    hit = partial(ratelimit.hit, "comment", user=user, request=rf.post("/"))
    # start at the beginning of a window so the three hits fall in the same one
    time.sleep(2 - time.time() % 2 + 0.05)
    hit()
    hit()
    with pytest.raises(ratelimit.RateLimited) as exc:
        hit()
    assert 1 <= exc.value.retry_after <= 2
    assert exc.value.code == "rate_limited"
    time.sleep(exc.value.retry_after + 0.05)
    hit()                                    # a new window
    hit()
    with pytest.raises(ratelimit.RateLimited):
        hit()


def test_people_and_network_addresses_are_counted_apart(limits, redis_cache, rf):
    limits["statement"] = (2, 3, 60)
    request = rf.post("/", REMOTE_ADDR="203.0.113.9")
    a, b = _User(1), _User(2)
    ratelimit.hit("statement", user=a, request=request)
    ratelimit.hit("statement", user=a, request=request)
    with pytest.raises(ratelimit.RateLimited) as exc:     # a's own limit
        ratelimit.hit("statement", user=a, request=request)
    assert "您刚才发送得太频繁" in exc.value.message
    # a's refused hit stopped at a's own limit; the address has seen two writes, so b
    # may write once more from it, then the address is full
    ratelimit.hit("statement", user=b, request=request)
    with pytest.raises(ratelimit.RateLimited) as exc:
        ratelimit.hit("statement", user=b, request=request)
    assert "您所在的网络" in exc.value.message
    # a third person from another address may write
    ratelimit.hit("statement", user=_User(3), request=rf.post("/", REMOTE_ADDR="198.51.100.4"))


def test_off_unless_configured_and_outside_requests(settings, redis_cache, rf):
    settings.RATE_LIMITS_ENABLED = False
    for _ in range(50):
        ratelimit.hit("comment", user=_User(1), request=rf.post("/"))
    assert redis_cache.stored_keys() == []
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": (1, 1, 60)}
    for _ in range(50):                      # a command, the task worker, the demo
        ratelimit.hit("comment", user=_User(1))
    assert redis_cache.stored_keys() == []


def test_a_limited_report_form_answers_429_in_chinese_with_the_input_kept(
        limits, personas, tmp_path, settings, monkeypatch):
    from types import SimpleNamespace

    from gongzhi.core import ratelimit

    # at the start of an hour's window, so the wait reads in minutes whenever this runs
    # (a minute before the hour it would read "N 秒后再试")
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_800_000_000.0 + 5))
    settings.MEDIA_ROOT = tmp_path / "media"
    limits["report"] = (1, None, 3600)
    client = personas.client("verified")
    url = reverse("reports:create", args=[personas.community.slug])
    first = client.post(url, {"category": "lamp", "description": "路灯不亮", "lat": LAT,
                              "lon": LON})
    assert first.status_code == 302
    second = client.post(url, {"category": "path", "description": "步道破损第二处",
                               "lat": LAT, "lon": LON, "location_text": "三号楼前"})
    assert second.status_code == 429
    assert 1 <= int(second["Retry-After"]) <= 3600
    page = second.content.decode()
    assert "您刚才发送得太频繁了" in page and "分钟后再试" in page
    assert "步道破损第二处" in page and 'value="三号楼前"' in page   # input kept
    assert "too often" not in page and "Please try" not in page
    assert Report.objects.count() == 1


def test_the_api_answers_a_problem_document_with_retry_after(limits, personas, redis_cache):
    limits["api_write"] = (2, None, 60)
    client = personas.client("verified")
    body = {"community": personas.community.slug, "category": "lamp",
            "description": "路灯不亮", "lat": LAT, "lon": LON}
    assert client.post("/api/v1/reports/", body).status_code == 201
    assert client.post("/api/v1/reports/", {}).status_code == 400   # counted too
    r = client.post("/api/v1/reports/", body)
    assert r.status_code == 429
    assert r["Content-Type"] == "application/problem+json"
    problem = r.json()
    assert problem["status"] == 429 and problem["title"] == "请求过于频繁。"
    assert "发送得太频繁" in problem["detail"]
    assert 1 <= int(r["Retry-After"]) <= 60 and problem["retry_after"] == int(r["Retry-After"])
    # reads are never limited
    assert client.get("/api/v1/reports/?community=" + personas.community.slug).status_code == 200
    # another person is not affected by this one's limit
    other = UserFactory()
    c2 = Client()
    c2.force_login(other)
    assert c2.post("/api/v1/reports/", {}).status_code in (400, 403)


def test_uploads_are_counted_per_file(limits, personas, tmp_path, settings):
    from gongzhi.reports.tests.conftest import jpeg

    settings.MEDIA_ROOT = tmp_path / "media"
    limits["upload"] = (3, None, 3600)
    client = personas.client("verified")
    url = reverse("reports:create", args=[personas.community.slug])
    ok = client.post(url, {"category": "lamp", "description": "路灯不亮", "lat": LAT,
                           "lon": LON, "photos": [jpeg(), jpeg()]})
    assert ok.status_code == 302
    refused = client.post(url, {"category": "lamp", "description": "又一盏路灯不亮",
                                "lat": LAT, "lon": LON, "photos": [jpeg(), jpeg()]})
    assert refused.status_code == 429
    assert "又一盏路灯不亮" in refused.content.decode()
    assert Report.objects.count() == 1


def test_a_limited_comment_keeps_what_was_written(limits, personas):
    from gongzhi.projects.models import Comment
    from gongzhi.projects.tests.factories import PhaseFactory, ProjectFactory, ProposalFactory

    limits["comment"] = (1, None, 600)
    project = ProjectFactory(community=personas.community, title="锅炉房花园")
    PhaseFactory(project=project, order=1, key="open", name="进行中")
    proposal = ProposalFactory(project=project, author=personas.owner)
    client = personas.client("verified")
    url = reverse("projects:comment", args=[personas.community.slug, project.pk, proposal.pk])
    assert client.post(url, {"body": "第一条评论"}).status_code == 302
    r = client.post(url, {"body": "第二条评论，请保留"})
    assert r.status_code == 429 and int(r["Retry-After"]) <= 600
    page = r.content.decode()
    assert "第二条评论，请保留" in page and "您刚才发送得太频繁了" in page
    assert Comment.objects.filter(proposal=proposal).count() == 1


def test_a_hit_costs_one_redis_round_trip_for_both_counters(limits, redis_cache, rf,
                                                           monkeypatch):
    limits["statement"] = (5, 9, 60)
    calls: list[str] = []
    real = ratelimit._redis_client

    class Counting:
        def __init__(self, client):
            self.client = client

        def __getattr__(self, name):
            calls.append(name)
            return getattr(self.client, name)

    monkeypatch.setattr(ratelimit, "_redis_client", lambda: Counting(real()))
    request = rf.post("/", REMOTE_ADDR="203.0.113.7")
    ratelimit.hit("statement", user=_User(7), request=request)  # may load the script
    calls.clear()
    ratelimit.hit("statement", user=_User(7), request=request)
    assert calls == ["evalsha"]  # the person's and the address's counter together
    counters = sorted(int(redis_cache.client.get(k)) for k in redis_cache.stored_keys())
    assert counters == [2, 2]
