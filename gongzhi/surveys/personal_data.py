"""The resident's export: their answers to linked surveys (found by their pseudonymous key).

Anonymous responses are not linked to anyone and cannot be exported or deleted per person.
Deletion: when an account is deleted (``accounts.services.user_delete`` marks it
``deleted_at``), ``apps.SurveysConfig.ready`` removes that person's keyed responses.
"""

from __future__ import annotations

from gongzhi.core.export import register


@register("surveys")
def collect(user):
    from gongzhi.accounts.models import Membership
    from gongzhi.surveys.keys import respondent_key
    from gongzhi.surveys.models import Response, Survey

    communities = list(Membership.objects.filter(user=user).values_list("community_id",
                                                                        flat=True))
    out = []
    for s in Survey.objects.filter(community_id__in=communities, anonymous=False):
        for r in Response.objects.filter(survey=s,
                                         respondent_key=respondent_key(s.key_secret, user.pk)):
            out.append({"survey": s.title, "submitted_at": r.submitted_at.isoformat(),
                        "answers": r.answers})
    return out
