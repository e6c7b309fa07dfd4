from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from gongzhi.core.compiled import CompiledQuery
from gongzhi.orgs.models import Organisation, OrgMember
from gongzhi.places.models import Community


def organisations_of(community: Community) -> QuerySet[Organisation]:
    return (Organisation.objects.alive().filter(community=community)
            .annotate(member_count=Count("members"))
            .prefetch_related(Prefetch("members",
                                       queryset=OrgMember.objects.select_related("user")))
            .order_by("kind", "name"))


_CHOICES = CompiledQuery(
    lambda community: Organisation.objects.alive().filter(community_id=community)
    .order_by("kind", "name"), community=int)


def organisation_choices(community: Community) -> list[Organisation]:
    """The community's organisations (not deleted) in kind and name order, for a choice of
    one (a report's assignment): compiled, it is on every worker's report page."""
    return _CHOICES.all(community=community.pk)
