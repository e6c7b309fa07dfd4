from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "gongzhi.deliberation"
    label = "deliberation"
    verbose_name = _("Deliberation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save

        def _forget_deleted(sender, instance, **kwargs) -> None:
            if getattr(instance, "deleted_at", None) is not None:
                from gongzhi.deliberation.personal_data import forget

                forget(instance)

        post_save.connect(_forget_deleted, sender=get_user_model(),
                          dispatch_uid="deliberation_forget_deleted_user", weak=False)
