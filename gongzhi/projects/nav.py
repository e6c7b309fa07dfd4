"""Community navigation links for projects (项目), results and moderation."""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from gongzhi.core.compiled import ViewerQuery
from gongzhi.core.nav import PRIMARY, WORK, NavLink, nav_section
from gongzhi.core.now import NowBlock, NowItem, now_section
from gongzhi.core.urlcache import reverse


@nav_section("projects")
def project_links(request, community) -> list[NavLink]:
    slug = community.slug
    links = [NavLink(_("Projects"), reverse("projects:list", args=[slug]), 30, group=PRIMARY),
             NavLink(_("Results"), reverse("projects:results", args=[slug]), 31)]
    if request.user.is_authenticated:
        links.append(NavLink(_("My input"), reverse("projects:my_input"), 15))
    if request.user.has_perm("projects.moderate", community):
        links.append(NavLink(_("Moderation"), reverse("projects:moderation", args=[slug]), 33,
                             group=WORK))
    return links


def _closed_ballots(community, viewer):
    from gongzhi.decisions.models import BallotState
    from gongzhi.decisions.selectors import ballots_of

    return (ballots_of(community, viewer).filter(state=BallotState.CLOSED)
            .select_related(None).order_by("-closed_at", "-id")
            .values_list("pk", "title", "closed_at")[:3])


def _results(community, viewer):
    from gongzhi.projects.selectors import results_for

    return (results_for(community).exclude(status="cancelled").select_related(None)
            .order_by("-updated_at").values_list("pk", "title", "updated_at", "status")[:3])


# built once per kind of viewer (core.compiled.ViewerQuery)
_CLOSED_BALLOTS = ViewerQuery(_closed_ballots)
_RESULTS = ViewerQuery(_results)


@now_section(40, feed_sources=("decisions",))  # closed votes
def _latest_results(request, community) -> NowBlock | None:
    """Results published lately (closed ballots and tracked results), newest first."""
    from gongzhi.projects.models import Result

    ballots = _CLOSED_BALLOTS.all(community, request.user)
    items = [NowItem(title, reverse("decisions:results", args=[community.slug, pk]),
                     meta=date_format(timezone.localtime(closed_at), "DATE_FORMAT")
                     if closed_at else "", status=str(_("Vote result")))
             for pk, title, closed_at in ballots]
    labels = dict(Result.Status.choices)
    for pk, title, updated_at, status in _RESULTS.all(community, request.user):
        items.append(NowItem(title, reverse("projects:result", args=[community.slug, pk]),
                             meta=date_format(timezone.localtime(updated_at), "DATE_FORMAT"),
                             status=str(labels.get(status, status))))
    return NowBlock("results", str(_("Latest results")), items,
                    more_url=reverse("projects:results", args=[community.slug]),
                    more_label=str(_("All results")))
