from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpatialConfig(AppConfig):
    name = "gongzhi.spatial"
    label = "spatial"
    verbose_name = _("Spatial access")

    def ready(self) -> None:
        from gongzhi.spatial import signals  # noqa: F401
