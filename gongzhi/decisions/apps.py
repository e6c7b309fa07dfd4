from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "gongzhi.decisions"
    label = "decisions"
    verbose_name = _("Decisions")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from gongzhi.decisions.models import Ballot, Option

        # This process forgets a cached ballot at once when it changes here; other
        # processes notice by the version check of the vote (selectors.ballot_for_vote).
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(_forget_ballot, sender=Ballot, dispatch_uid=f"gz-ballot-{name}")
            signal.connect(_forget_option, sender=Option, dispatch_uid=f"gz-option-{name}")


def _forget_ballot(sender, instance, **kwargs) -> None:
    from gongzhi.decisions.selectors import ballot_for_vote_forget

    ballot_for_vote_forget(instance.pk)


def _forget_option(sender, instance, **kwargs) -> None:
    from gongzhi.decisions.selectors import ballot_for_vote_forget

    ballot_for_vote_forget(instance.ballot_id)
