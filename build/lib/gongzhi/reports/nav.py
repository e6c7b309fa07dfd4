"""Community navigation links for problem reports (报事)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongzhi.core.nav import NavLink, nav_section


@nav_section("reports")
def report_links(request, community) -> list[NavLink]:
    user = request.user
    slug = community.slug
    links = [NavLink(_("Reports"), reverse("reports:list", args=[slug]), 20)]
    if user.is_authenticated:
        links.append(NavLink(_("My reports"), reverse("reports:mine", args=[slug]), 21))
    if user.has_perm("reports.view_queue", community):
        links.append(NavLink(_("Work queue"), reverse("reports:queue", args=[slug]), 22))
    if user.has_perm("reports.view_stats", community):
        links.append(NavLink(_("Statistics"), reverse("reports:stats", args=[slug]), 23))
    return links
