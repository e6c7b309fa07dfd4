from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongzhi.core.nav import NavLink, nav_section


@nav_section("volunteers")
def _volunteer_links(request, community) -> list[NavLink]:
    return [NavLink(_("Volunteers"), reverse("volunteers:home", args=[community.slug]), 55)]
