from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from gongzhi.orgs.models import Organisation, OrgMember
from gongzhi.places.models import Community


def organisations_of(community: Community) -> QuerySet[Organisation]:
    return (Organisation.objects.alive().filter(community=community)
            .annotate(member_count=Count("members"))
            .prefetch_related(Prefetch("members",
                                       queryset=OrgMember.objects.select_related("user")))
            .order_by("kind", "name"))
