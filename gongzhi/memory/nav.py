from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.core.nav import WORK, NavLink, nav_section
from gongzhi.core.urlcache import reverse


@nav_section("memory")
def _memory_links(request, community) -> list[NavLink]:
    links = [NavLink(str(_("Community museum")), reverse("memory:museum", args=[community.slug]),
                     58)]
    if request.user.has_perm("memory.moderate", community):
        links.append(NavLink(str(_("Memories to review")),
                             reverse("memory:moderation", args=[community.slug]), 58,
                             group=WORK))
    return links
