import datetime as dt

from django.urls import reverse
from django.utils import timezone

from gongzhi.news import services
from gongzhi.news.models import ReadReceipt
from gongzhi.news.tests.conftest import fresh, post


def u(name, personas, *args):
    return reverse(f"news:{name}", args=[personas.community.slug, *args])


def test_the_list_shows_pinned_first_and_marks_unread(personas, orgs, estate,
                                                      django_assert_max_num_queries):
    old = post(personas.worker, personas.community, orgs["rc"], title="旧通知",
               published_at=timezone.now() - dt.timedelta(days=2))
    services.announcement_pin(actor=personas.worker, announcement=old, pinned=True)
    post(personas.worker, personas.community, orgs["property"], title="停水通知",
         important=True)
    for i in range(5):
        post(personas.worker, personas.community, orgs["party"], title=f"志愿者招募{i}")
    client = personas.client("owner")
    with django_assert_max_num_queries(20):
        r = client.get(u("list", personas))
    html = r.content.decode()
    assert html.index("旧通知") < html.index("停水通知")
    assert "unread" in html


def test_the_list_costs_the_same_with_more_announcements(personas, orgs, estate):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = personas.client("owner")
    post(personas.worker, personas.community, orgs["rc"], title="一条")
    client.get(u("list", personas))
    with CaptureQueriesContext(connection) as one:
        client.get(u("list", personas))
    for i in range(6):
        post(personas.worker, personas.community, orgs["property"], title=f"楼栋{i}",
             important=True, audience="buildings", buildings=[estate["b3"]])
    with CaptureQueriesContext(connection) as many:
        client.get(u("list", personas))
    assert len(many) == len(one)


def test_tapping_read_on_the_detail_page(personas, orgs, django_assert_max_num_queries):
    a = post(personas.worker, personas.community, orgs["property"], important=True)
    client = personas.client("verified")
    with django_assert_max_num_queries(18):
        html = client.get(u("detail", personas, a.pk)).content.decode()
    assert u("read", personas, a.pk) in html
    r = client.post(u("read", personas, a.pk))
    assert r.status_code == 302
    assert ReadReceipt.objects.filter(announcement=a, user=personas.verified).exists()
    r = client.post(u("read", personas, a.pk), HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and 'id="read-state"' in r.content.decode()


def test_the_receipts_page_is_for_staff_with_names_per_building(
        personas, orgs, estate, django_assert_max_num_queries):
    a = post(personas.worker, personas.community, orgs["property"], important=True)
    services.read_confirm(actor=fresh(personas.owner), announcement=a)
    assert personas.client("owner").get(u("receipts", personas, a.pk)).status_code == 403
    client = personas.client("worker")
    with django_assert_max_num_queries(17):
        html = client.get(u("receipts", personas, a.pk)).content.decode()
    assert "三号楼张阿姨" in html and "五号楼李师傅" in html
    r = client.post(u("remind", personas, a.pk))
    assert r.status_code == 302


def test_the_home_puts_unread_important_notices_first(personas, orgs, estate,
                                                      django_assert_max_num_queries):
    post(personas.worker, personas.community, orgs["property"], title="3号楼停水通知",
         important=True, audience="buildings", buildings=[estate["b3"]])
    pinned = post(personas.worker, personas.community, orgs["party"], title="周末志愿服务")
    services.announcement_pin(actor=personas.worker, announcement=pinned, pinned=True)
    client = personas.client("owner")
    with django_assert_max_num_queries(45):
        html = client.get(f"/c/{personas.community.slug}/").content.decode()
    assert 'id="now-news-unread"' in html and 'id="now-news-pinned"' in html
    assert html.index("3号楼停水通知") < html.index("周末志愿服务")
    assert 'id="now-news-feed"' in html
    other = personas.client("verified").get(f"/c/{personas.community.slug}/").content.decode()
    assert "3号楼停水通知" not in other.split('id="now-news-feed"')[0]


def test_the_home_costs_the_same_with_more_announcements(personas, orgs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = personas.client("verified")
    post(personas.worker, personas.community, orgs["rc"], title="通知", important=True)
    client.get(f"/c/{personas.community.slug}/")
    with CaptureQueriesContext(connection) as one:
        client.get(f"/c/{personas.community.slug}/")
    for i in range(8):
        a = post(personas.worker, personas.community, orgs["rc"], title=f"通知{i}",
                 important=True)
        services.announcement_pin(actor=personas.worker, announcement=a, pinned=True)
    with CaptureQueriesContext(connection) as many:
        client.get(f"/c/{personas.community.slug}/")
    assert len(many) == len(one)


def test_the_feed_page_with_follow_and_mute(personas, orgs, django_assert_max_num_queries):
    post(personas.worker, personas.community, orgs["rc"], title="居委会通知")
    client = personas.client("verified")
    with django_assert_max_num_queries(30):
        html = client.get(u("feed", personas)).content.decode()
    assert "居委会通知" in html
    r = client.post(u("feed_settings", personas), {"src_news": "mute"})
    assert r.status_code == 302
    assert "居委会通知" not in client.get(u("feed", personas)).content.decode()
    client.post(u("feed_settings", personas), {"src_news": "follow"})
    assert "居委会通知" in client.get(u("feed", personas) + "?show=following").content.decode()


def test_the_atom_feed_has_only_public_events(personas, orgs, estate):
    post(personas.worker, personas.community, orgs["rc"], title="全社区通知")
    post(personas.worker, personas.community, orgs["property"], title="楼栋通知",
         audience="buildings", buildings=[estate["b3"]])
    r = personas.client("worker").get(u("feed_atom", personas))
    body = r.content.decode()
    assert r["Content-Type"].startswith("application/atom+xml")
    assert "全社区通知" in body and "楼栋通知" not in body


def test_create_page(personas, orgs, cast):
    assert personas.client("verified").get(u("create", personas)).status_code == 403
    client = personas.client("worker")
    assert client.get(u("create", personas)).status_code == 200
    r = client.post(u("create", personas), {"organisation": orgs["rc"].pk, "title": "通知",
                                            "body": "", "audience": "community"})
    assert r.status_code == 200 and "通知" in r.content.decode()
    r = client.post(u("create", personas), {"organisation": orgs["rc"].pk, "title": "通知",
                                            "body": "内容", "audience": "community",
                                            "publish": "on"})
    assert r.status_code == 302


def test_the_api_lists_and_confirms(personas, orgs):
    a = post(personas.worker, personas.community, orgs["property"], important=True)
    client = personas.client("verified")
    r = client.get("/api/v1/news/announcements?community=test-community")
    assert r.status_code == 200 and r.json()["items"][0]["read_by_me"] is False
    r = client.post(f"/api/v1/news/announcements/{a.pk}/read")
    assert r.status_code == 200
    assert client.get(f"/api/v1/news/announcements/{a.pk}/receipts").status_code == 404
    r = personas.client("worker").get(f"/api/v1/news/announcements/{a.pk}/receipts")
    assert r.json()["read"] == 1
    r = client.get("/api/v1/news/feed?community=test-community&limit=500")
    assert r.status_code == 200


def test_the_homes_news_blocks_built_once_serve_each_building_its_own(personas, orgs,
                                                                       estate):
    """The unread and pinned blocks' SQL is kept per kind of viewer and kind of home
    (``core.compiled.ViewerQuery``); each resident still sees their own building's."""
    from gongzhi.news.nav import _PINNED, _UNREAD

    b3_only = post(personas.worker, personas.community, orgs["property"], title="3号楼停水通知",
                   important=True, audience="buildings", buildings=[estate["b3"]])
    b5_only = post(personas.worker, personas.community, orgs["property"], title="5号楼停电通知",
                   audience="buildings", buildings=[estate["b5"]])
    services.announcement_pin(actor=personas.worker, announcement=b5_only, pinned=True)
    everyone = post(personas.worker, personas.community, orgs["party"], title="周末志愿服务")
    services.announcement_pin(actor=personas.worker, announcement=everyone, pinned=True)
    from django.test import Client

    home = f"/c/{personas.community.slug}/"

    def blocks(user):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client.get(home).content.decode().split('id="now-news-feed"')[0]

    def kept():
        return sum(len(v) for q in (_UNREAD, _PINNED) for v in q._built._local.by_key.values())

    counts = []
    for _ in range(2):  # the second time from the kept SQL
        in3, in5 = blocks(estate["in3"]), blocks(estate["in5"])
        assert "3号楼停水通知" in in3 and "5号楼停电通知" not in in3
        assert "5号楼停电通知" in in5 and "3号楼停水通知" not in in5
        assert "周末志愿服务" in in3 and "周末志愿服务" in in5
        signed_out = blocks(None)
        assert "3号楼停水通知" not in signed_out and "5号楼停电通知" not in signed_out
        assert "周末志愿服务" in signed_out
        counts.append(kept())
    assert counts[0] == counts[1]  # nothing built the second time
    # confirmed: no longer in the unread block
    services.read_confirm(actor=fresh(estate["in3"]), announcement=b3_only)
    assert "请阅读并确认" not in blocks(estate["in3"])
    assert kept() == counts[0]
