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
