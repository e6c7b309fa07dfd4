from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gongzhi.core.nav import WORK, NavLink, nav_section
from gongzhi.core.now import NowBlock, NowItem, now_section
from gongzhi.core.urlcache import reverse


@nav_section("points")
def _points_links(request, community) -> list[NavLink]:
    user = request.user
    links = [NavLink(_("Points and rewards"),
                     reverse("points:me" if user.is_authenticated else "points:catalogue",
                             args=[community.slug]), 57)]
    if user.has_perm("points.manage", community):
        links.append(NavLink(_("Points and rewards"), reverse("points:manage",
                                                             args=[community.slug]),
                             95, group=WORK))
    elif user.has_perm("points.view_queue", community):
        links.append(NavLink(_("Rewards to hand over"), reverse("points:queue",
                                                               args=[community.slug]),
                             95, group=WORK))
    return links


@now_section(60)
def _rewards_to_collect(request, community) -> NowBlock | None:
    """My rewards waiting to be collected (one query if there are any, none if not)."""
    user = request.user
    if not user.is_authenticated:
        return None
    from gongzhi.points.models import Redemption
    from gongzhi.points.selectors import has_waiting_redemptions

    if not has_waiting_redemptions(user, community):  # most people: no query
        return None
    waiting = list(Redemption.objects.filter(community=community, user=user,
                                             status=Redemption.Status.REQUESTED)
                   .select_related("reward")[:3])
    if not waiting:
        return None
    url = reverse("points:my_redemptions", args=[community.slug])
    return NowBlock(key="points", title=_("Rewards to collect"),
                    items=[NowItem(label=r.reward.title, url=url, meta=r.reward.pickup,
                                   status=r.code) for r in waiting],
                    summary=ngettext("%(n)s reward is waiting for you",
                                     "%(n)s rewards are waiting for you",
                                     len(waiting)) % {"n": len(waiting)})
