import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.utils import timezone

from gongzhi.news import selectors, services
from gongzhi.news.models import Announcement, ReadReceipt
from gongzhi.news.tests.conftest import fresh, post
from gongzhi.notifications.models import Notification


def test_a_building_notice_reaches_only_that_building(personas, orgs, estate):
    with TestCase.captureOnCommitCallbacks(execute=True):
        a = post(personas.worker, personas.community, orgs["property"], audience="buildings",
                 buildings=[estate["b3"]], important=True)
    ids = set(selectors.audience_user_ids(a))
    assert ids == {personas.owner.pk, estate["in3"].pk}
    notes = Notification.objects.filter(kind="news.important")
    assert set(notes.values_list("user_id", flat=True)) == ids
    assert all(n.important for n in notes)
    assert a in selectors.visible(personas.community, fresh(estate["in3"]))
    assert a not in selectors.visible(personas.community, fresh(estate["in5"]))
    assert a not in selectors.visible(personas.community, fresh(personas.verified))


def test_a_unit_notice(personas, orgs, estate):
    a = post(personas.worker, personas.community, orgs["rc"], audience="units",
             units=[estate["unit"]])
    assert selectors.audience_user_ids(a) == [estate["in3"].pk]


def test_an_org_member_posts_for_their_own_org_only_and_cannot_pin(personas, cast, orgs):
    member = cast["property_member"]
    a = post(member, personas.community, orgs["property"])
    assert a.author == member and a.published_at
    with pytest.raises(PermissionDenied):
        post(member, personas.community, orgs["party"])
    with pytest.raises(PermissionDenied):
        post(member, personas.community, orgs["property"], pinned=True)
    with pytest.raises(PermissionDenied):
        post(personas.verified, personas.community, orgs["property"])


def test_bad_input_is_refused_with_messages(personas, orgs):
    with pytest.raises(ValidationError) as exc:
        post(personas.worker, personas.community, orgs["rc"], title=" ", body="x\x00",
             audience="buildings")
    assert {"title", "body", "buildings"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError):
        post(personas.worker, personas.community, orgs["rc"],
             expires_at=timezone.now() - dt.timedelta(hours=1))
    assert not Announcement.objects.exists()


def test_expired_and_withdrawn_notices_leave_the_list(personas, orgs):
    a = post(personas.worker, personas.community, orgs["rc"],
             expires_at=timezone.now() + dt.timedelta(hours=1))
    assert list(selectors.visible(personas.community, personas.verified)) == [a]
    Announcement.objects.filter(pk=a.pk).update(expires_at=timezone.now()
                                                - dt.timedelta(minutes=1),
                                                published_at=timezone.now()
                                                - dt.timedelta(hours=2))
    assert not selectors.visible(personas.community, personas.verified).exists()
    b = post(personas.worker, personas.community, orgs["rc"], title="另一条")
    with pytest.raises(ValidationError):
        services.announcement_withdraw(actor=personas.worker, announcement=b, reason="")
    services.announcement_withdraw(actor=personas.worker, announcement=b, reason="发错了")
    assert not selectors.visible(personas.community, personas.verified).exists()


def test_reading_once_and_the_report_per_building(personas, orgs, estate):
    a = post(personas.worker, personas.community, orgs["property"], important=True)
    services.read_confirm(actor=fresh(personas.owner), announcement=a)
    services.read_confirm(actor=fresh(personas.owner), announcement=a)  # a second tap
    assert ReadReceipt.objects.filter(announcement=a).count() == 1
    with pytest.raises(PermissionDenied):
        services.read_confirm(actor=fresh(personas.worker), announcement=a)  # not a resident
    report = selectors.receipt_report(a)
    groups = {g["label"]: g for g in report["groups"]}
    from gongzhi.accounts.models import Membership

    assert report["read"] == 1
    assert report["total"] == Membership.objects.filter(community=personas.community).count()
    assert groups["3号楼"]["read"] == 1 and groups["3号楼"]["total"] == 2
    assert [p["name"] for p in groups["3号楼"]["unread"]] == ["三号楼张阿姨"]
    assert groups["5号楼"]["unread"][0]["name"] == "五号楼李师傅"


def test_reminding_the_unread_at_most_every_six_hours(personas, orgs, estate):
    a = post(personas.worker, personas.community, orgs["property"], important=True,
             audience="buildings", buildings=[estate["b3"]])
    services.read_confirm(actor=fresh(personas.owner), announcement=a)
    with TestCase.captureOnCommitCallbacks(execute=True):
        n = services.remind_unread(actor=fresh(personas.worker), announcement=a)
    assert n == 1
    assert list(Notification.objects.filter(kind="news.reminder")
                .values_list("user_id", flat=True)) == [estate["in3"].pk]
    with pytest.raises(ValidationError):
        services.remind_unread(actor=fresh(personas.worker), announcement=a)
    later = timezone.now() + dt.timedelta(hours=7)
    assert services.remind_unread(actor=fresh(personas.worker), announcement=a, now=later) == 1


def test_an_unimportant_notice_asks_no_confirmation(personas, orgs):
    a = post(personas.worker, personas.community, orgs["rc"])
    with pytest.raises(PermissionDenied):
        services.read_confirm(actor=fresh(personas.verified), announcement=a)


def test_feed_preferences_follow_mute_and_reset(personas):
    c = personas.community
    services.feed_preference_set(actor=personas.verified, community=c, source="reports",
                                 choice="mute")
    services.feed_preference_set(actor=personas.verified, community=c, source="contests",
                                 choice="follow")
    assert selectors.preferences(personas.verified, c) == {"reports": "mute",
                                                           "contests": "follow"}
    services.feed_preference_set(actor=personas.verified, community=c, source="reports",
                                 choice="")
    assert selectors.preferences(personas.verified, c) == {"contests": "follow"}
    with pytest.raises(ValidationError):
        services.feed_preference_set(actor=personas.verified, community=c, source="nope",
                                     choice="mute")


def test_deleting_an_account_removes_receipts_and_choices(personas, orgs):
    from gongzhi.core.export import collect_personal_data, delete_personal_data

    a = post(personas.worker, personas.community, orgs["rc"], important=True)
    services.read_confirm(actor=fresh(personas.verified), announcement=a)
    services.feed_preference_set(actor=personas.verified, community=personas.community,
                                 source="reports", choice="mute")
    data = collect_personal_data(personas.verified)["news"]
    assert data["read_confirmations"][0]["announcement"] == "3号楼停水通知"
    delete_personal_data(personas.verified)
    assert not ReadReceipt.objects.exists()
    assert not personas.verified.feed_preferences.exists()
