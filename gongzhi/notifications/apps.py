from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "gongzhi.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from gongzhi.accounts.access import register_own_rows
        from gongzhi.notifications.selectors import UNREAD_KIND, UNREAD_SQL

        # the header's unread badge comes with the request's access query, not apart
        # (its access_version trigger: migration notifications 0003)
        register_own_rows(UNREAD_KIND, UNREAD_SQL, table="notifications_notification",
                          user_column="user_id")
