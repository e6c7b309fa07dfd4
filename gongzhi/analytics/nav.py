from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongzhi.core.nav import NavLink, nav_section


@nav_section("analytics")
def _links(request, community) -> list[NavLink]:
    if not request.user.has_perm("analytics.view_dashboard", community):
        return []
    return [NavLink(_("Participation and KPIs"),
                    reverse("analytics:dashboard", args=[community.slug]), 94)]
