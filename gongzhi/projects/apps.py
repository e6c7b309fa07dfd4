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

        from gongzhi.accounts.access import register_own_rows
        from gongzhi.projects.rules import TEAM_KIND, TEAM_SQL
        from gongzhi.projects.selectors import OWN_HIDDEN_KIND, OWN_HIDDEN_SQL

        # (their access_version triggers: migration projects 0006)
        register_own_rows(TEAM_KIND, TEAM_SQL, table="projects_teammember",
                          user_column="user_id")
        register_own_rows(OWN_HIDDEN_KIND, OWN_HIDDEN_SQL, table="projects_proposal",
                          user_column="author_id")
