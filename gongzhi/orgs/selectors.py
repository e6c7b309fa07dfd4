from __future__ import annotations

from typing import NamedTuple

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


class OrgChoice(NamedTuple):
    """An organisation as a choice: enough to draw an ``<option>`` and to check one."""

    pk: int
    name: str


_CHOICES = CompiledQuery(
    lambda community: Organisation.objects.alive().filter(community_id=community)
    .order_by("kind", "name").values_list("id", "name"), community=int)


def organisation_choices(community: Community) -> list[OrgChoice]:
    """The community's organisations (not deleted) in kind and name order, as (pk, name),
    for a choice of one (a report's assignment, the work queue's filter): compiled and
    without model instances (half the time of full rows), as it is on every worker's
    report page."""
    return [OrgChoice(*row) for row in _CHOICES.all(community=community.pk)]


def organisation_in(community: Community, pk: int | None) -> Organisation | None:
    """The community's organisation ``pk`` (not deleted), or None."""
    if pk is None:
        return None
    return Organisation.objects.alive().filter(community=community, pk=pk).first()
