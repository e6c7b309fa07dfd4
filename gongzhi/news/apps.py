from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "gongzhi.news"
    label = "news"
    verbose_name = _("Community news")

    def ready(self) -> None:
        from gongzhi.accounts.access import register_own_rows
        from gongzhi.news.selectors import PREFERENCES_KIND, PREFERENCES_SQL

        # the feed's muted and followed sources (trigger: news 0002)
        register_own_rows(PREFERENCES_KIND, PREFERENCES_SQL, table="news_feedpreference",
                          user_column="user_id")
