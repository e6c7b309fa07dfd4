from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def gongzhi(request: HttpRequest) -> dict:
    from gongzhi.core.http import csrf_token
    from gongzhi.core.selectors import switcher_communities, switcher_needed
    from gongzhi.notifications.selectors import unread_count

    user = getattr(request, "user", None)
    return {
        # Django's own (always installed) would mask the token once more for each part
        # of the page drawn apart
        "csrf_token": SimpleLazyObject(lambda: csrf_token(request)),
        "site_name": settings.GONGZHI_SITE_NAME,
        # the header shows the switcher only for more than one community: a person with
        # one costs no query for it
        "switcher_communities": SimpleLazyObject(
            lambda: switcher_communities(user) if switcher_needed(user) else []),
        "unread_notifications": SimpleLazyObject(lambda: unread_count(user) if user else 0),
    }
