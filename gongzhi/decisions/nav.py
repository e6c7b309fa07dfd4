from __future__ import annotations

from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from gongzhi.core.compiled import ViewerQuery
from gongzhi.core.nav import PRIMARY, NavLink, nav_section
from gongzhi.core.now import NowBlock, NowItem, now_section
from gongzhi.core.urlcache import reverse


@nav_section("decisions")
def _links(request, community) -> list[NavLink]:
    return [NavLink(_("Votes"), reverse("decisions:list", args=[community.slug]), 40,
                    group=PRIMARY)]


def _open(community, viewer):
    from gongzhi.decisions.models import BallotState
    from gongzhi.decisions.selectors import ballots_of

    # the three columns shown, not the ballot and its community (compiling and reading
    # those cost the home more than the query)
    return (ballots_of(community, viewer).filter(state=BallotState.OPEN)
            .select_related(None).order_by(F("closes_at").asc(nulls_last=True), "-id")
            .values_list("pk", "title", "closes_at")[:5])


# built once per kind of viewer (core.compiled.ViewerQuery)
_OPEN = ViewerQuery(_open)


@now_section(10, feed_sources=("decisions",))
def _open_ballots(request, community) -> NowBlock | None:
    """Ballots open for voting now, soonest closing first."""
    ballots = _OPEN.all(community, request.user)
    items = [NowItem(title, reverse("decisions:detail", args=[community.slug, pk]),
                     meta=(_("closes %(when)s") % {"when": date_format(
                         timezone.localtime(closes_at), "SHORT_DATETIME_FORMAT")})
                     if closes_at else "", status=str(_("Open for voting")))
             for pk, title, closes_at in ballots]
    return NowBlock("ballots", str(_("Open votes")), items,
                    more_url=reverse("decisions:list", args=[community.slug]),
                    more_label=str(_("All votes")))
