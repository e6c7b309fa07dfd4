from __future__ import annotations

from gongzhi.core.export import register
from gongzhi.notifications.models import NotificationPreference, SmsLog


@register("notification_settings")
def notification_settings(user) -> dict:
    pref = NotificationPreference.objects.filter(user=user).first()
    return {
        "email_delivery": pref.email_delivery if pref else None,
        "sms_enabled": pref.sms_enabled if pref else False,
        "sms_more_than_daily": pref.sms_more_than_daily if pref else False,
        "sms_log": [{"day": s.day.isoformat(), "status": s.status,
                     "time": s.created_at.isoformat()}
                    for s in SmsLog.objects.filter(user=user)[:1000]],
    }
