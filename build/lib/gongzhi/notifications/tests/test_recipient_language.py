"""Notifications are written in each recipient's language, not the sender's."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext_noop

from gongzhi.accounts import services
from gongzhi.accounts.models import Membership
from gongzhi.notifications.i18n import Message, render_for
from gongzhi.notifications.models import Notification
from gongzhi.notifications.services import notification_send
from gongzhi.reports.models import Status


@pytest.mark.django_db
def test_an_english_worker_approves_and_the_resident_reads_chinese(personas):
    worker = personas.worker
    worker.language = "en"
    worker.save()
    with translation.override("en"):
        services.membership_approve(actor=worker,
                                    membership=Membership.objects.get(user=personas.resident))
    note = Notification.objects.get(user=personas.resident)
    assert "已认证居民" in note.title or "认证" in note.title
    assert "verified resident" not in note.title


@pytest.mark.django_db
def test_each_recipient_gets_their_own_language(personas):
    personas.verified.language = "en"
    personas.verified.save()
    notification_send(users=[personas.verified, personas.owner], kind="test",
                      title=Message(gettext_noop("Report #%(id)s: %(step)s"),
                                    {"id": 7, "step": Status.RESOLVED.label}))
    english = Notification.objects.get(user=personas.verified).title
    chinese = Notification.objects.get(user=personas.owner).title
    assert english.startswith("Report #7") and "Resolved" in english
    assert chinese != english and "7" in chinese


def test_plain_strings_pass_through():
    class Person:
        language = "en"

    assert render_for(Person(), "路灯不亮") == "路灯不亮"
    assert render_for(Person(), None) == ""
