from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _on_user_saved(sender, instance, **kwargs) -> None:
    if getattr(instance, "deleted_at", None) is not None:
        from gongzhi.surveys.services import responses_delete_for_user

        responses_delete_for_user(user=instance)


class SurveysConfig(AppConfig):
    name = "gongzhi.surveys"
    label = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save

        post_save.connect(_on_user_saved, sender=get_user_model(),
                          dispatch_uid="surveys-delete-responses")
