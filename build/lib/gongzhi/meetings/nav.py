from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongzhi.core.nav import NavLink, nav_section


@nav_section("meetings")
def _meeting_links(request, community) -> list[NavLink]:
    # "Meetings" is 议事 in the Chinese catalogue.
    return [NavLink(_("Meetings"), reverse("meetings:list", args=[community.slug]), 40)]
