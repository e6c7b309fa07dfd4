"""Pages: the persona × action matrix, query counts, exports, form errors."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongzhi.points import services
from gongzhi.points.tests.conftest import confirmed_signup, fresh, give

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "outsider", "resident", "verified", "volunteer", "team_leader",
         "worker", "other_admin", "subdistrict_admin", "provider_contact")


@pytest.fixture
def cast(personas, shop_contact):
    """The personas plus a volunteer, a team leader and the provider's contact person."""
    from gongzhi.accounts.models import Role
    from gongzhi.testing.factories import UserFactory, make_member
    from gongzhi.volunteers import services as vs

    volunteer = make_member(UserFactory(display_name="志愿者"), personas.community,
                            Role.VOLUNTEER)
    leader = make_member(UserFactory(display_name="队长"), personas.community)
    corps = vs.corps_create(actor=personas.worker, community=personas.community, name="总队")
    vs.team_create(actor=personas.worker, corps=corps, name="红色党员先锋队", colour="red",
                   leader=leader)
    people = {n: personas.user(n) for n in personas.NAMES}
    people.update(volunteer=volunteer, team_leader=leader, provider_contact=shop_contact)
    return people


def _client(user):
    from django.test import Client

    c = Client()
    if user is not None:
        c.force_login(user)
    return c


# (name, url-builder, who gets 200; others get 403 or a login redirect)
def _pages(slug, reward_pk):
    return [
        ("me", reverse("points:me", args=[slug]),
         {"resident", "verified", "volunteer", "team_leader", "provider_contact"}),
        ("catalogue", reverse("points:catalogue", args=[slug]), set(ROLES)),
        ("reward", reverse("points:reward", args=[slug, reward_pk]), set(ROLES)),
        ("leaderboard", reverse("points:leaderboard", args=[slug]), set(ROLES)),
        ("redemptions", reverse("points:my_redemptions", args=[slug]),
         {"resident", "verified", "volunteer", "team_leader", "provider_contact"}),
        ("manage", reverse("points:manage", args=[slug]), {"worker", "subdistrict_admin"}),
        ("rules", reverse("points:rules", args=[slug]), {"worker", "subdistrict_admin"}),
        ("adjust", reverse("points:adjust", args=[slug]), {"worker", "subdistrict_admin"}),
        ("stock", reverse("points:stock", args=[slug]), {"worker", "subdistrict_admin"}),
        ("reward_new", reverse("points:reward_new", args=[slug]),
         {"worker", "subdistrict_admin"}),
        ("queue", reverse("points:queue", args=[slug]),
         {"worker", "subdistrict_admin", "provider_contact"}),
        ("report", reverse("points:report", args=[slug]), {"worker", "subdistrict_admin"}),
        ("report.csv", reverse("points:report_export", args=[slug, "csv"]),
         {"worker", "subdistrict_admin"}),
    ]


def test_page_matrix(personas, cast, reward):
    for name, url, allowed in _pages(personas.community.slug, reward.pk):
        for role in ROLES:
            r = _client(fresh(cast[role])).get(url)
            expected = 200 if role in allowed else (302 if role == "anonymous" else 403)
            assert r.status_code == expected, (name, role, r.status_code)


def test_action_matrix(personas, cast, reward):
    """Redeem, hand over and adjust, per role."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from gongzhi.points.models import Redemption

    def can(fn) -> bool:
        try:
            fn()
        except PermissionDenied:
            return False
        except ValidationError:
            return True          # allowed, refused for another reason (no points)
        return True

    redeem = {role: can(lambda u=cast[role]: services.redemption_request(
        actor=fresh(u), reward=reward)) for role in ROLES if cast[role] is not None}
    assert {r for r, ok in redeem.items() if ok} == {
        "resident", "verified", "volunteer", "team_leader", "provider_contact"}, redeem
    give(personas, personas.verified, 5000)
    type(reward).objects.filter(pk=reward.pk).update(stock=100)
    Redemption.objects.all().delete()
    for role in ROLES:
        if cast[role] is None:
            continue
        r = services.redemption_request(actor=fresh(personas.verified), reward=reward)
        ok = can(lambda u=cast[role], r=r: services.redemption_hand_over(actor=fresh(u),
                                                                        redemption=r))
        assert ok == (role in {"worker", "subdistrict_admin", "provider_contact"}), role
        adj = can(lambda u=cast[role]: services.adjustment_create(
            actor=fresh(u), community=personas.community, user=personas.verified, amount=1,
            reason="矩阵"))
        assert adj == (role in {"worker", "subdistrict_admin"}), role


def test_pages_keep_a_constant_number_of_queries(personas, reward,
                                                django_assert_max_num_queries):
    for _ in range(5):
        confirmed_signup(personas, personas.verified)
    services.sync_community(personas.community)
    give(personas, personas.owner, 500)
    for _ in range(3):
        services.redemption_request(actor=personas.owner, reward=reward)
    slug = personas.community.slug
    resident = _client(personas.verified)
    worker = _client(personas.worker)
    for client, url, n in [
        (resident, reverse("points:me", args=[slug]), 30),
        (resident, reverse("points:catalogue", args=[slug]), 25),
        (resident, reverse("points:leaderboard", args=[slug]), 30),
        (_client(personas.owner), reverse("points:my_redemptions", args=[slug]), 25),
        (worker, reverse("points:queue", args=[slug]), 30),
        (worker, reverse("points:stock", args=[slug]), 30),
        (worker, reverse("points:manage", args=[slug]), 35),
        (worker, reverse("points:report", args=[slug]), 30),
    ]:
        with django_assert_max_num_queries(n):
            assert client.get(url).status_code == 200


def test_a_resident_redeems_from_the_page_and_sees_the_code(personas, reward):
    give(personas, personas.verified, 80)
    c = _client(personas.verified)
    r = c.post(reverse("points:redeem", args=[personas.community.slug, reward.pk]),
               follow=True)
    from gongzhi.points.models import Redemption

    code = Redemption.objects.get().code
    assert code in r.content.decode()
    page = c.get(reverse("points:me", args=[personas.community.slug])).content.decode()
    assert "食用油一桶" in page and "30" in page


def test_worker_adjusts_by_phone_and_a_missing_reason_keeps_the_form(personas):
    c = _client(personas.worker)
    url = reverse("points:adjust", args=[personas.community.slug])
    r = c.post(url, {"person": personas.verified.phone, "amount": "15", "reason": ""})
    assert r.status_code == 200 and personas.verified.phone in r.content.decode()
    r = c.post(url, {"person": personas.verified.phone, "amount": "15",
                     "reason": "帮忙搬桌椅"})
    assert r.status_code == 302
    from gongzhi.points.selectors import balance

    assert balance(personas.verified, personas.community) == 15


def test_rules_form_saves_and_refuses_out_of_range(personas):
    c = _client(personas.worker)
    url = reverse("points:rules", args=[personas.community.slug])
    data = {"enabled": "on", "per_volunteer_hour": "12", "per_meeting": "5",
            "per_care_log": "3", "per_proposal": "20", "per_activity": "5",
            "daily_cap": "", "monthly_cap": "200"}
    assert c.post(url, {**data, "per_meeting": "99999"}).status_code == 200
    assert c.post(url, data).status_code == 302
    r = services.rules_for(personas.community)
    assert (r.per_volunteer_hour, r.daily_cap, r.monthly_cap) == (12, None, 200)


def test_monthly_report_csv_has_a_bom_and_xlsx_opens(personas):
    give(personas, personas.verified, 15, "=HYPERLINK(1)")
    c = _client(personas.worker)
    body = c.get(reverse("points:report_export",
                         args=[personas.community.slug, "csv"])).content.decode("utf-8")
    assert body.startswith("\ufeff时间") and "'=HYPERLINK(1)" in body
    import io

    from openpyxl import load_workbook

    x = c.get(reverse("points:report_export", args=[personas.community.slug, "xlsx"]))
    ws = load_workbook(io.BytesIO(x.content)).active
    assert ws.cell(row=2, column=5).value == 15


def test_reward_form_with_a_picture_stores_a_random_name(personas, shop):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buf, "JPEG")
    c = _client(personas.worker)
    r = c.post(reverse("points:reward_new", args=[personas.community.slug]), {
        "title": "洗衣液", "price": "80", "stock": "10", "provider": shop.pk,
        "picture": SimpleUploadedFile("我的照片.jpg", buf.getvalue(), "image/jpeg"),
        "is_active": "on"})
    assert r.status_code == 302
    from gongzhi.points.models import Reward

    pic = Reward.objects.get(title="洗衣液").picture.name
    assert "我的照片" not in pic and pic.endswith(".jpg")


def test_api_balance_catalogue_redeem_and_schema(personas, reward):
    give(personas, personas.verified, 60)
    c = _client(personas.verified)
    slug = personas.community.slug
    assert c.get(f"/api/v1/points/me?community={slug}").json()["balance"] == 60
    assert c.get(f"/api/v1/points/rewards?community={slug}").json()[0]["title"] == "食用油一桶"
    r = c.post(f"/api/v1/points/rewards/{reward.pk}/redeem", content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "requested"
    r = c.post(f"/api/v1/points/rewards/{reward.pk}/redeem", content_type="application/json")
    assert r.status_code == 400
    assert _client(None).get(f"/api/v1/points/me?community={slug}").status_code in (401, 403)
    schema = c.get("/api/v1/openapi.json").json()
    assert "/api/v1/points/rewards/{pk}/redeem" in schema["paths"]
    assert "/api/v1/talent/pool" in schema["paths"]


def test_personal_data_export_and_deletion(personas, reward):
    from gongzhi.accounts.services import user_delete, user_export_data
    from gongzhi.points.models import PointsEntry, Redemption

    give(personas, personas.verified, 60)
    services.leaderboard_choose(actor=personas.verified, community=personas.community,
                                show=True)
    services.redemption_request(actor=personas.verified, reward=reward)
    data = user_export_data(user=personas.verified)
    assert data["points"]["accounts"][0]["balance"] == 10
    assert len(data["points"]["ledger"]) == 2
    user_delete(user=personas.verified)
    assert Redemption.objects.get().status == "cancelled"
    assert PointsEntry.objects.filter(user=personas.verified).count() == 3   # kept + refund
    from gongzhi.points.models import PointsAccount

    assert not PointsAccount.objects.get(user=personas.verified).on_leaderboard


def test_happening_now_shows_rewards_to_collect(personas, reward):
    give(personas, personas.verified, 60)
    services.redemption_request(actor=personas.verified, reward=reward)
    page = _client(personas.verified).get(f"/c/{personas.community.slug}/").content.decode()
    assert "食用油一桶" in page
