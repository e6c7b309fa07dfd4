from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gongzhi.core.nav import PRIMARY, WORK, NavLink, nav_section
from gongzhi.core.urlcache import reverse


@nav_section("spaces")
def spaces_links(request: HttpRequest, community) -> list[NavLink]:
    links = [
        NavLink(_("Map"), reverse("spaces:map", args=[community.slug]), 10, group=PRIMARY),
        NavLink(_("Spaces"), reverse("spaces:list", args=[community.slug]), 20),
    ]
    if request.user.has_perm("spaces.view_duties", community):
        links.append(NavLink(_("Overdue care"),
                             reverse("spaces:duties_overdue", args=[community.slug]), 85,
                             group=WORK))
    return links
