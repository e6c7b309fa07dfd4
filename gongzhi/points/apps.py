from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PointsConfig(AppConfig):
    name = "gongzhi.points"
    label = "points"
    verbose_name = _("Points and rewards")

    def ready(self) -> None:
        # Earning receivers live here, in points: the apps that earn points never import us.
        from gongzhi.points import receivers

        receivers.connect()

        from gongzhi.accounts.access import register_own_rows
        from gongzhi.points.selectors import WAITING_KIND, WAITING_SQL

        # the home's "rewards to collect" block asks these (trigger: points 0002)
        register_own_rows(WAITING_KIND, WAITING_SQL, table="points_redemption",
                          user_column="user_id")
