"""Points and talent pages in Chromium at 360 px, zh-Hans: axe WCAG 2.2 AA, no overflow."""

from __future__ import annotations

import pytest

from gongzhi.testing.browser import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _cookie(live_server, user):
    from urllib.parse import urlsplit

    from django.conf import settings
    from django.test import Client

    c = Client()
    c.force_login(user)
    return [{"name": settings.SESSION_COOKIE_NAME,
             "value": c.cookies[settings.SESSION_COOKIE_NAME].value,
             "domain": urlsplit(live_server.url).hostname, "path": "/"}]


def test_points_and_talent_pages_are_accessible_at_360px(live_server, browser, personas):
    from gongzhi.orgs.models import Organisation
    from gongzhi.points import services
    from gongzhi.talent import services as talent_services

    shop = Organisation.objects.create(community=personas.community, kind="business",
                                       name="好邻居超市")
    reward = services.reward_create(actor=personas.worker, community=personas.community,
                                    title="食用油一桶", price=50, stock=3, provider=shop)
    services.adjustment_create(actor=personas.worker, community=personas.community,
                               user=personas.verified, amount=120, reason="中秋活动帮忙")
    services.redemption_request(actor=personas.verified, reward=reward)
    profile = talent_services.profile_save(actor=personas.owner, community=personas.community,
                                           skills=["carpentry"], consent=True)
    slug = personas.community.slug
    pages = {
        personas.verified: [f"/c/{slug}/points/", f"/c/{slug}/points/rewards/",
                            f"/c/{slug}/points/rewards/{reward.pk}/",
                            f"/c/{slug}/points/redemptions/", f"/c/{slug}/points/leaderboard/",
                            f"/c/{slug}/talent/"],
        personas.worker: [f"/c/{slug}/points/manage/", f"/c/{slug}/points/manage/rules/",
                          f"/c/{slug}/points/manage/adjust/",
                          f"/c/{slug}/points/manage/rewards/",
                          f"/c/{slug}/points/manage/rewards/new/", f"/c/{slug}/points/queue/",
                          f"/c/{slug}/points/manage/report/", f"/c/{slug}/talent/pool/",
                          f"/c/{slug}/talent/pool/{profile.pk}/"],
    }
    problems = []
    for user, paths in pages.items():
        context = browser.new_context(viewport={"width": 360, "height": 800}, locale="zh-CN",
                                      extra_http_headers={"Accept-Language": "zh-Hans"})
        context.add_cookies(_cookie(live_server, user))
        page = context.new_page()
        for path in paths:
            response = page.goto(live_server.url + path)
            if response is None or response.status != 200:
                problems.append(f"{path}: HTTP {response.status if response else '?'}")
                continue
            for v in axe_violations(page):
                targets = [", ".join(n.get("target", [])) for n in v.get("nodes", [])][:3]
                problems.append(f"{path}: {v['id']} {targets}")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 362:
                problems.append(f"{path}: page is {width}px wide")
        context.close()
    assert not problems, "\n".join(problems)
