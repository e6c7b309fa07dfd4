from __future__ import annotations

from django.db.models import QuerySet

from gongzhi.notifications.models import Notification

UNREAD_KIND = "n"
# read by accounts.access with the person's roles, in the same query (notif_user_unread
# index: the cost is the person's own unread rows, never the size of a community)
UNREAD_SQL = ("SELECT COUNT(*), '' FROM notifications_notification "
              "WHERE user_id = %s AND read_at IS NULL")


def inbox_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("community")


def unread_count(user) -> int:
    """The person's unread notifications (the header's badge). No query of its own: it is
    read with the request's access rows; services that send or mark notifications drop
    those rows (``accounts.access.forget_roles``) so the same request counts again."""
    if not user.is_authenticated:
        return 0
    from gongzhi.accounts.access import own_rows

    rows = own_rows(user, UNREAD_KIND)
    return rows[0][0] if rows else 0
