from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def gongzhi(request: HttpRequest) -> dict:
    from gongzhi.core.selectors import switcher_communities
    from gongzhi.notifications.selectors import unread_count

    user = getattr(request, "user", None)
    return {
        "site_name": settings.GONGZHI_SITE_NAME,
        "switcher_communities": SimpleLazyObject(lambda: switcher_communities(user)),
        "unread_notifications": SimpleLazyObject(lambda: unread_count(user) if user else 0),
    }
