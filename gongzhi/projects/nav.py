"""Community navigation links for projects (项目), results and moderation."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from gongzhi.core.nav import PRIMARY, WORK, NavLink, nav_section
from gongzhi.core.now import NowBlock, NowItem, now_section


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


@now_section(40)
def _latest_results(request, community) -> NowBlock | None:
    """Results published lately (closed ballots and tracked results), newest first."""
    from gongzhi.decisions.models import BallotState
    from gongzhi.decisions.selectors import ballots_of
    from gongzhi.projects.selectors import results_for

    ballots = list(ballots_of(community, request.user).filter(state=BallotState.CLOSED)
                   .order_by("-closed_at", "-id")[:3])
    items = [NowItem(b.title, reverse("decisions:results", args=[community.slug, b.pk]),
                     meta=date_format(timezone.localtime(b.closed_at), "DATE_FORMAT")
                     if b.closed_at else "", status=str(_("Vote result"))) for b in ballots]
    for r in results_for(community).exclude(status="cancelled").order_by("-updated_at")[:3]:
        items.append(NowItem(r.title, reverse("projects:result", args=[community.slug, r.pk]),
                             meta=date_format(timezone.localtime(r.updated_at), "DATE_FORMAT"),
                             status=r.get_status_display()))
    return NowBlock("results", str(_("Latest results")), items,
                    more_url=reverse("projects:results", args=[community.slug]),
                    more_label=str(_("All results")))
