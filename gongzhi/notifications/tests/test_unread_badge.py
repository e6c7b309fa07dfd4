"""The header's unread badge: read with the request's access rows (no query of its own),
and right at once after a notification is sent or read, in the same request and the next."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.accounts.access import community_roles
from gongzhi.notifications import services
from gongzhi.notifications.models import Notification
from gongzhi.notifications.selectors import unread_count


def _badge(client) -> int:
    html = client.get("/c/test-community/reports/").content.decode()
    found = re.search(r'class="badge"[^>]*>(\d+)</span>', html)
    return int(found.group(1)) if found else 0


def _send(user, n: int) -> None:
    for i in range(n):
        services.notification_send(users=[user], kind="test", title=f"通知{i}")


@pytest.mark.django_db
def test_badge_counts_and_goes_when_read(personas):
    client = personas.client("owner")
    assert _badge(client) == 0
    _send(personas.owner, 3)
    assert _badge(client) == 3
    one = Notification.objects.filter(user=personas.owner).order_by("pk").first()
    assert client.post("/inbox/read/", {"id": [one.pk]}).status_code == 302
    assert _badge(client) == 2
    client.post("/inbox/read/")
    assert _badge(client) == 0
    # someone else's notifications never show
    _send(personas.worker, 2)
    assert _badge(client) == 0 and _badge(personas.client("worker")) == 2


@pytest.mark.django_db
def test_unread_count_costs_no_query_of_its_own_and_follows_changes(personas):
    user = personas.owner
    _send(user, 2)
    with CaptureQueriesContext(connection) as ctx:
        community_roles(user, personas.community)   # the request's access rows
        assert unread_count(user) == 2
    assert len(ctx) == 1
    # sent and read inside the same request: the next look counts again
    _send(user, 1)
    assert unread_count(user) == 3
    services.notification_mark_read(user=user)
    assert unread_count(user) == 0
    _send(user, 1)
    assert unread_count(user) == 1


@pytest.mark.django_db
def test_unread_count_query_is_the_persons_rows_only(personas):
    """The count is of the person's own unread rows: other people's notifications, however
    many, change neither the number nor the query."""
    _send(personas.owner, 2)
    for who in (personas.worker, personas.verified, personas.admin):
        _send(who, 5)
    user = personas.owner
    user.__dict__.pop("_gz_access", None)
    with CaptureQueriesContext(connection) as ctx:
        assert unread_count(user) == 2
    assert len(ctx) == 1 and "notifications_notification" in ctx.captured_queries[0]["sql"]
