from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongzhi.core.nav import NavLink, nav_section


@nav_section("decisions")
def _links(request, community) -> list[NavLink]:
    return [NavLink(_("Votes"), reverse("decisions:list", args=[community.slug]), 40)]
