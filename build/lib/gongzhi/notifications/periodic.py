"""The daily digest: checked every hour, sent once a day per person after DIGEST_HOUR."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from gongzhi.core.periodic import periodic


@periodic("notifications.daily_digest", minutes=60)
def daily_digest() -> int:
    from gongzhi.notifications.services import digest_send_daily

    if timezone.localtime().hour < getattr(settings, "NOTIFICATION_DIGEST_HOUR", 18):
        return 0
    return digest_send_daily()
