"""Community navigation links for projects (项目), results and moderation."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongzhi.core.nav import NavLink, nav_section


@nav_section("projects")
def project_links(request, community) -> list[NavLink]:
    slug = community.slug
    links = [NavLink(_("Projects"), reverse("projects:list", args=[slug]), 30),
             NavLink(_("Results"), reverse("projects:results", args=[slug]), 31)]
    if request.user.is_authenticated:
        links.append(NavLink(_("My input"), reverse("projects:my_input"), 32))
    if request.user.has_perm("projects.moderate", community):
        links.append(NavLink(_("Moderation"), reverse("projects:moderation", args=[slug]), 33))
    return links
