from __future__ import annotations

from django.utils.translation import gettext as _

from gongzhi.core.nav import WORK, NavLink, nav_section
from gongzhi.core.urlcache import reverse


@nav_section("talent")
def _talent_links(request, community) -> list[NavLink]:
    user = request.user
    links = []
    if user.has_perm("talent.offer", community):
        links.append(NavLink(_("Offer my skills"), reverse("talent:me", args=[community.slug]),
                             58))
    if user.has_perm("talent.search", community):
        links.append(NavLink(_("Talent pool"), reverse("talent:search", args=[community.slug]),
                             96, group=WORK))
    return links
