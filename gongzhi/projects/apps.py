from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "gongzhi.projects"
    label = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        # Every installed app's phases.py registers its phase actions, once.
        from gongzhi.projects import phase_actions

        phase_actions.autodiscover()
