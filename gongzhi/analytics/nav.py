from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.core.nav import NavLink, nav_section
from gongzhi.core.urlcache import reverse


@nav_section("analytics")
def _links(request, community) -> list[NavLink]:
    if not request.user.has_perm("analytics.view_dashboard", community):
        return []
    from gongzhi.accounts.access import SUBDISTRICT_ADMIN, community_roles

    links = [NavLink(_("Participation and KPIs"),
                     reverse("analytics:dashboard", args=[community.slug]), 94)]
    # the subdistrict admin's way into the subdistrict report (roles are cached per request)
    if community.subdistrict_id and SUBDISTRICT_ADMIN in community_roles(request.user,
                                                                         community):
        links.append(NavLink(_("Subdistrict report"),
                             reverse("analytics:area", args=[community.subdistrict_id]), 95))
    return links
