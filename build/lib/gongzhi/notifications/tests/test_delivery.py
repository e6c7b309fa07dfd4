"""Delivery: immediate e-mail, the daily digest, SMS with a daily cap, the preference page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from gongzhi.notifications import services
from gongzhi.notifications.models import Notification, NotificationPreference, SmsLog
from gongzhi.testing.factories import UserFactory


@pytest.fixture
def mailbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    return mail.outbox


def person(*, email=True, delivery="in_app", sms=False, more=False):
    user = UserFactory(email=f"{UserFactory._meta.model.objects.count()}x@example.org"
                       if email else None)
    NotificationPreference.objects.create(user=user, email_delivery=delivery, sms_enabled=sms,
                                          sms_more_than_daily=more)
    return user


def send(user, title, **kw):
    with transaction.atomic():  # delivery runs on commit
        return services.notification_send(users=[user], kind="test", title=title, **kw)


@pytest.mark.django_db(transaction=True)
def test_immediate_email_goes_out_after_commit(mailbox):
    user = person(delivery="immediate")
    send(user, "议事会通知")
    assert [m.subject for m in mailbox] == ["议事会通知"]
    assert Notification.objects.get(user=user).digested_at is not None


@pytest.mark.django_db(transaction=True)
def test_daily_digest_groups_a_users_notifications_into_one_email(mailbox):
    daily = person(delivery="daily")
    other = person(delivery="daily")
    in_app = person(delivery="in_app")
    for title in ("会议改期", "新的提案", "任务逾期"):
        send(daily, title, url="/c/s/meetings/1/")
    send(in_app, "不发邮件")
    assert mailbox == []  # nothing immediate for daily-digest people

    assert services.digest_send_daily() == 1
    assert len(mailbox) == 1
    msg = mailbox[0]
    assert msg.to == [daily.email]
    for title in ("会议改期", "新的提案", "任务逾期"):
        assert title in msg.body
    assert "/c/s/meetings/1/" in msg.body
    assert not Notification.objects.filter(user=daily, digested_at__isnull=True).exists()

    # Once a day only, even if the job runs again or new messages arrive.
    send(daily, "晚上的新消息")
    assert services.digest_send_daily() == 0
    tomorrow = timezone.now() + dt.timedelta(days=1)
    assert services.digest_send_daily(now=tomorrow) == 1
    assert "晚上的新消息" in mailbox[-1].body and "会议改期" not in mailbox[-1].body
    assert other.email not in [a for m in mailbox for a in m.to]


@pytest.mark.django_db(transaction=True)
def test_digest_skips_messages_already_read(mailbox):
    user = person(delivery="daily")
    send(user, "已读")
    services.notification_mark_read(user=user)
    assert services.digest_send_daily() == 0 and mailbox == []


@pytest.mark.django_db(transaction=True)
def test_second_sms_the_same_day_is_held_back(sms_outbox):
    user = person(sms=True)
    send(user, "会议取消", important=True)
    send(user, "候补转正", important=True)
    assert len(sms_outbox) == 1 and "会议取消" in sms_outbox[0][1]
    assert list(SmsLog.objects.filter(user=user).order_by("id")
                .values_list("status", flat=True)) == ["sent", "suppressed"]
    assert services.sms_sent_today(user) == 1


@pytest.mark.django_db(transaction=True)
def test_people_who_opt_in_get_more_than_one_sms(sms_outbox):
    user = person(sms=True, more=True)
    for i in range(3):
        send(user, f"消息{i}", important=True)
    assert len(sms_outbox) == 3
    assert services.sms_sent_today(user) == 3


@pytest.mark.django_db(transaction=True)
def test_sms_only_for_important_messages_and_people_who_want_sms(sms_outbox):
    wants = person(sms=True)
    does_not = person(sms=False)
    send(wants, "普通消息")
    send(does_not, "重要消息", important=True)
    assert sms_outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_new_day_allows_a_new_sms(sms_outbox):
    user = person(sms=True)
    today = timezone.localdate()
    assert services.sms_send_capped(user=user, message="a", today=today)
    assert not services.sms_send_capped(user=user, message="b", today=today)
    assert services.sms_send_capped(user=user, message="c", today=today + dt.timedelta(days=1))
    assert [m for _p, m in sms_outbox] == ["a", "c"]


def test_the_database_refuses_a_second_capped_sms(db):
    user = person(sms=True)
    day = timezone.localdate()
    SmsLog.objects.create(user=user, day=day, status="sent", counts_toward_cap=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        SmsLog.objects.create(user=user, day=day, status="sent", counts_toward_cap=True)


@pytest.mark.parametrize("name,status", [("anonymous", 302), ("verified", 200)])
def test_preference_page_requires_sign_in(personas, name, status):
    assert personas.client(name).get("/inbox/settings/").status_code == status


def test_preference_page_saves_own_choices(personas):
    client = personas.client("verified")
    resp = client.post("/inbox/settings/", {"email_delivery": "daily", "sms_enabled": "on",
                                            "sms_more_than_daily": "on"})
    assert resp.status_code == 302
    pref = NotificationPreference.objects.get(user=personas.verified)
    assert (pref.email_delivery, pref.sms_enabled, pref.sms_more_than_daily) == (
        "daily", True, True)
    bad = client.post("/inbox/settings/", {"email_delivery": "hourly"})
    assert bad.status_code == 200 and "email_delivery" in bad.context["form"].errors
    assert "/inbox/settings/" in client.get("/inbox/").content.decode()


def test_more_than_one_sms_needs_sms_on(personas):
    pref = services.notification_preference_update(
        user=personas.verified, email_delivery="in_app", sms_enabled=False,
        sms_more_than_daily=True)
    assert pref.sms_more_than_daily is False
