from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongzhi.core.nav import NavLink, nav_section


@nav_section("spatial")
def spatial_links(request: HttpRequest, community) -> list[NavLink]:
    if not request.user.has_perm("spatial.view_access_summary", community):
        return []
    return [NavLink(_("Access (15-minute life circle)"),
                    reverse("spatial:access", args=[community.slug]), 25)]
